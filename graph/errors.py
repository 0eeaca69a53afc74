"""Error shapes: payload `userErrors` for expected failures, `extensions.code` on every top-level error."""

from __future__ import annotations

import enum
import logging
import re

import strawberry
from graphql import GraphQLError
from strawberry import relay

from graph.described import described
from resolvers.errors import DomainError, Duplicate, ErrorKind

log = logging.getLogger("rscgraph.graphql")


class ErrorCode(enum.StrEnum):
    """Stable `extensions.code` values; clients treat the first six as their own fault."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    # The request may cost more than RSC_MAX_QUERY_COST: refused unexecuted; smaller pages fit.
    MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
    # The viewer sent more than RSC_RATE_LIMIT_PER_MINUTE: HTTP 429, retry after `Retry-After` seconds.
    RATE_LIMITED = "RATE_LIMITED"
    LINKEDIN_UNAVAILABLE = "LINKEDIN_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    LINKEDIN_AUTH_FAILED = "LINKEDIN_AUTH_FAILED"
    LINKEDIN_RATE_LIMITED = "LINKEDIN_RATE_LIMITED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"


class ClientError(Exception):
    """A top-level error caused by the request (bad id, page too large); shown with its code."""

    code: ErrorCode = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


class NotFoundError(ClientError):
    code = ErrorCode.NOT_FOUND


class SignedOutError(ClientError):
    """The credential a long-lived request (a subscription) signed in with is no longer accepted."""

    code = ErrorCode.UNAUTHENTICATED


class ForbiddenError(ClientError):
    """The viewer may not do this (e.g. an operator's field asked by a customer's user)."""

    code = ErrorCode.FORBIDDEN


@strawberry.enum(description="Why a mutation could not do what was asked.")
class UserErrorCode(enum.Enum):
    INVALID = described(
        "INVALID",
        "An input value is not acceptable; `field` names it.",
    )
    NOT_FOUND = described(
        "NOT_FOUND",
        "An id names nothing the viewer may see (unknown, or another customer's).",
    )
    CONFLICT = described(
        "CONFLICT",
        "The change contradicts what is stored (taken name, a link already held, applied twice).",
    )
    LINKEDIN_UNAVAILABLE = described(
        "LINKEDIN_UNAVAILABLE",
        "LinkedIn failed or did not answer in time; what is stored is kept.",
    )
    NOT_ELIGIBLE = described(
        "NOT_ELIGIBLE",
        "LinkedIn cannot take this record as it is (e.g. a candidate without an email).",
    )
    LINKEDIN_AUTH_FAILED = described(
        "LINKEDIN_AUTH_FAILED",
        "LinkedIn refuses the customer's credentials.",
    )
    LINKEDIN_RATE_LIMITED = described(
        "LINKEDIN_RATE_LIMITED",
        "LinkedIn is rate-limiting the customer for now.",
    )
    DUPLICATE = described(
        "DUPLICATE",
        "The record would repeat an existing one; `existingId` names it.",
    )
    HAS_APPLICATIONS = described(
        "HAS_APPLICATIONS",
        "The job still has applications; delete them first or pass `cascade: true`.",
    )


@strawberry.type(description="An expected failure of a mutation, naming the input field at fault.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, if any.")
    message: str = strawberry.field(description="What went wrong, for a person.")
    code: UserErrorCode = strawberry.field(description="What went wrong, for a program.")
    existing_id: strawberry.ID | None = strawberry.field(
        default=None, description="With DUPLICATE: the global ID of the record this one would repeat."
    )

    @classmethod
    def from_domain(cls, error: DomainError, *, prefix: tuple[str, ...] = ("input",)) -> UserError:
        """Convert a domain failure, rooting its field under the mutation's `input` argument."""
        field = [*prefix, error.field] if error.field else None
        existing_id = None
        if isinstance(error, Duplicate):
            existing_id = strawberry.ID(str(relay.GlobalID(error.existing_type, str(error.existing_id))))
        return cls(
            field=field, message=error.message, code=UserErrorCode(error.kind.value), existing_id=existing_id
        )


_DOMAIN_CODES = {
    ErrorKind.INVALID: ErrorCode.BAD_USER_INPUT,
    ErrorKind.NOT_FOUND: ErrorCode.NOT_FOUND,
    ErrorKind.CONFLICT: ErrorCode.BAD_USER_INPUT,
    ErrorKind.NOT_ELIGIBLE: ErrorCode.BAD_USER_INPUT,
    ErrorKind.DUPLICATE: ErrorCode.BAD_USER_INPUT,
    ErrorKind.HAS_APPLICATIONS: ErrorCode.BAD_USER_INPUT,
    ErrorKind.LINKEDIN_UNAVAILABLE: ErrorCode.LINKEDIN_UNAVAILABLE,
    ErrorKind.LINKEDIN_AUTH_FAILED: ErrorCode.LINKEDIN_AUTH_FAILED,
    ErrorKind.LINKEDIN_RATE_LIMITED: ErrorCode.LINKEDIN_RATE_LIMITED,
}


# graphql-core's variable coercion errors (the values sent were wrong), as opposed to validation errors
# that also start "Variable '$" but are about the document ("is never used", "is not defined").
_COERCION = re.compile(
    r"Variable '\$\w+' has invalid (default )?value|Variable values are nested too deeply"
    r"|Too many errors processing variables"
)


def _chain(error: GraphQLError) -> list[GraphQLError]:
    """The error and the graphql-core errors it wraps, outermost first."""
    chain = [error]
    while isinstance(chain[-1].original_error, GraphQLError):
        chain.append(chain[-1].original_error)
    return chain


def classify(error: GraphQLError) -> tuple[ErrorCode, bool]:
    """The code for a top-level error and whether its message may be shown outside development."""
    chain = _chain(error)
    cause = chain[-1].original_error
    if isinstance(cause, ClientError):
        return cause.code, True
    if isinstance(cause, DomainError):
        return _DOMAIN_CODES[cause.kind], True
    if cause is not None:
        return ErrorCode.INTERNAL_SERVER_ERROR, False
    # graphql-core's own errors: the outermost that says what it is decides. A variable's coercion
    # error wraps the scalar's, and only the wrapper says it is about a variable.
    for link in chain:
        if link.message.startswith("Syntax Error"):
            return ErrorCode.GRAPHQL_PARSE_FAILED, True
        if link.path is None and _COERCION.match(link.message):
            return ErrorCode.BAD_USER_INPUT, True
    if chain[-1].path is None:
        return ErrorCode.GRAPHQL_VALIDATION_FAILED, True
    # graphql-core's own errors at a path (e.g. a non-null field resolved to null)
    return ErrorCode.INTERNAL_SERVER_ERROR, False


def annotate(errors: list[GraphQLError], *, show_internal: bool) -> None:
    """Give every error its `extensions.code`; mask unexpected ones unless in development."""
    for error in errors:
        code, public = classify(error)
        if error.extensions is None:
            error.extensions = {}
        error.extensions.setdefault("code", code.value)
        if not public:
            log.error("unexpected GraphQL error at %s", error.path, exc_info=error.original_error)
            if not show_internal:
                error.message = "Internal server error"


# Input fields whose values never go back in an answer (e.g. `addCustomer(input: {clientSecret})`).
_SECRET_FIELD = re.compile(r"secret|password|token", re.IGNORECASE)
REDACTED = "***"


def secret_values(variables: object) -> set[str]:
    """The values of the secret-named fields anywhere in a request's variables."""
    found: set[str] = set()
    stack = [variables]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for name, item in value.items():
                if isinstance(item, str) and item and _SECRET_FIELD.search(str(name)):
                    found.add(item)
                else:
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return found


def redact(errors: list[GraphQLError], secrets: set[str]) -> None:
    """Take the secrets out of error messages: graphql-core's coercion errors repeat the variables sent."""
    for error in errors:
        for secret in sorted(secrets, key=len, reverse=True):
            if secret in error.message:
                error.message = error.message.replace(secret, REDACTED)

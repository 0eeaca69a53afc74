"""Expected domain failures. The GraphQL layer turns them into `userErrors` or coded errors."""

from __future__ import annotations

import enum


class ErrorKind(enum.StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    LINKEDIN_UNAVAILABLE = "LINKEDIN_UNAVAILABLE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    LINKEDIN_AUTH_FAILED = "LINKEDIN_AUTH_FAILED"
    LINKEDIN_RATE_LIMITED = "LINKEDIN_RATE_LIMITED"
    DUPLICATE = "DUPLICATE"
    HAS_APPLICATIONS = "HAS_APPLICATIONS"


class DomainError(Exception):
    """A failure the caller can understand and act on; `field` names the input at fault."""

    kind: ErrorKind = ErrorKind.INVALID

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class HasApplications(DomainError):
    """A job cannot go while candidates have applied to it, unless the caller asks for the cascade."""

    kind = ErrorKind.HAS_APPLICATIONS


class LinkedInUnavailable(DomainError):
    kind = ErrorKind.LINKEDIN_UNAVAILABLE


class LinkedInAuthFailed(LinkedInUnavailable):
    """LinkedIn refused this customer's credentials or access; retrying will not help until they change."""

    kind = ErrorKind.LINKEDIN_AUTH_FAILED


class LinkedInThrottled(LinkedInUnavailable):
    """LinkedIn is rate-limiting this customer (a quota is spent)."""

    kind = ErrorKind.LINKEDIN_RATE_LIMITED


class Duplicate(DomainError):
    """The record would repeat an existing one (a candidate's email); `existing_id` names that one."""

    kind = ErrorKind.DUPLICATE

    def __init__(
        self, message: str, *, field: str | None = None, existing_type: str, existing_id: int
    ) -> None:
        super().__init__(message, field=field)
        self.existing_type = existing_type
        self.existing_id = existing_id

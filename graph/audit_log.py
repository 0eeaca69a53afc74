"""Every mutation in the audit log, recorded in one place: a field extension on each root mutation field
notes what it was given and what it answered (or raised), and a schema extension writes one entry per
executed field once the operation has run.

What an entry holds, for any mutation without code of its own:
* the viewer (its email or "api key <id>", user id, API key id);
* action: the mutation's field name;
* targets: the global ids among its `ID` arguments and input fields, and those of the objects at the top
  of its payload (a provisioned customer, a mapped seat...); never names, emails or bodies;
* detail: `outcome` (`ok`, `userErrors` with their codes, or `error` with its code, FORBIDDEN included),
  and the enum and boolean input fields (the roles granted, a setting chosen), which hold no PII.

The entry belongs to the customer in its payload, if any (onboarding: the customer an operator made),
else to the viewer's customer; an operator's action that names no customer is not recorded.

When: after the operation, in one transaction of its own for all of its fields. Mutations commit inside
their resolvers, so the business write is never held back or undone by auditing; a failed audit write
is logged with the entries it would have held (resolvers/audit.py) and the answer is unchanged. The
price: a process that dies between a mutation's commit and the audit write loses that entry.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLNamedType, GraphQLObjectType
from strawberry import relay
from strawberry.extensions import SchemaExtension
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.base import StrawberryContainer, StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from graph.context import Context
from graph.errors import ClientError, UserError
from resolvers.audit import AuditRecord, record_audit, record_for
from resolvers.errors import DomainError

log = logging.getLogger("rscgraph.audit")

# A global id's type name and node id as ours are made (`User:12`); anything else is not stored.
_MAX_TYPE_NAME = 50


@dataclass(frozen=True, slots=True)
class MutationRun:
    """One executed root mutation field: its name, arguments, and its payload or exception."""

    action: str
    field: StrawberryField
    arguments: Mapping[str, Any]
    result: Any = None
    error: BaseException | None = None


class Audited(FieldExtension):
    """Notes each call of a root mutation field in the request's context (the schema extension below
    writes it); runs outside the role gate, so a refused call is recorded too."""

    def __init__(self, action: str, field: StrawberryField) -> None:
        self.action = action
        self.strawberry_field = field

    def _note(
        self, info: strawberry.Info, arguments: Mapping[str, Any], result: Any, error: BaseException | None
    ) -> None:
        context = info.context
        if isinstance(context, Context):
            context.mutation_runs.append(
                MutationRun(self.action, self.strawberry_field, arguments, result, error)
            )

    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        try:
            result = next_(source, info, **kwargs)
        except Exception as exc:
            self._note(info, kwargs, None, exc)
            raise
        self._note(info, kwargs, result, None)
        return result

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        try:
            result = await next_(source, info, **kwargs)
        except Exception as exc:
            self._note(info, kwargs, None, exc)
            raise
        self._note(info, kwargs, result, None)
        return result


def apply_audit(types: Mapping[str, GraphQLNamedType]) -> None:
    """Put `Audited` outermost on every root mutation field of the built schema's types; idempotent."""
    mutation = types.get("Mutation")
    if not isinstance(mutation, GraphQLObjectType):
        return
    definition = (mutation.extensions or {}).get("strawberry-definition")
    if not isinstance(definition, StrawberryObjectDefinition):
        return
    by_graphql_name = {to_camel_case(field.python_name): field for field in definition.fields}
    for graphql_name in mutation.fields:
        field = by_graphql_name.get(graphql_name)
        if field is None:
            continue
        kept = [e for e in field.extensions if not isinstance(e, Audited)]
        # Last: Strawberry chains field extensions so that the last one listed runs outermost.
        field.extensions = [*kept, Audited(graphql_name, field)]


class AuditMutations(SchemaExtension):
    """After an operation: one audit entry per root mutation field it executed (see the module)."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, Context) or not context.mutation_runs:
            return
        runs = list(context.mutation_runs)
        context.mutation_runs.clear()
        try:
            records = [record for run in runs if (record := record_of(context, run)) is not None]
        except Exception:  # auditing never fails the answer; the log says which actions went unrecorded
            log.exception("audit entry lost", extra={"actions": [run.action for run in runs]})
            return
        await record_audit(context.services.sessions, records)


def record_of(context: Context, run: MutationRun) -> AuditRecord | None:
    """The entry for one executed mutation field; None when it belongs to no customer."""
    targets: list[str] = []
    detail: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    for argument in run.field.arguments:
        if argument.python_name in run.arguments:
            _walk(run.arguments[argument.python_name], argument.type, argument.python_name, targets, facts)
    customer_id = context.viewer.customer_id
    if run.error is not None:
        detail["outcome"] = "error"
        detail["code"] = _error_code(run.error)
    else:
        payload_customer, codes = _payload(run.result, targets)
        # Onboarding's entry is the customer's it made (an operator's own customer, if any, is not it).
        if payload_customer is not None:
            customer_id = payload_customer
        detail["outcome"] = "userErrors" if codes else "ok"
        if codes:
            detail["userErrorCodes"] = codes
    if facts:
        detail["input"] = facts
    if customer_id is None:
        return None
    return record_for(context.viewer, customer_id, run.action, targets=targets, detail=detail)


def _error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return error.code.value
    if isinstance(error, DomainError):
        return error.kind.value
    return "INTERNAL_SERVER_ERROR"


def _global_id(value: object) -> str | None:
    """`value` when it is one of our global ids (a type name and a numeric id), else None."""
    text = str(value) if isinstance(value, str | relay.GlobalID) else None
    if text is None or len(text) > 200:
        return None
    try:
        decoded = relay.GlobalID.from_id(text)
    except Exception:  # strawberry raises several kinds for undecodable input
        return None
    type_name, node_id = decoded.type_name, decoded.node_id
    if not (type_name.isascii() and type_name.isalnum() and len(type_name) <= _MAX_TYPE_NAME):
        return None
    if not (node_id.isascii() and node_id.isdigit()):
        return None
    return text


def _unwrapped(type_: Any) -> Any:
    while isinstance(type_, StrawberryContainer):
        type_ = type_.of_type
    return type_


def _walk(value: Any, type_: Any, name: str, targets: list[str], facts: dict[str, Any]) -> None:
    """Collect the ids (ID-typed values) and the PII-free facts (enums, booleans) of an argument."""
    if value is None or value is strawberry.UNSET:
        return
    if isinstance(value, list | tuple):
        for item in value:
            _walk(item, type_, name, targets, facts)
        return
    inner = _unwrapped(type_)
    key = to_camel_case(name)
    if inner is strawberry.ID or isinstance(value, relay.GlobalID):
        if (global_id := _global_id(value)) is not None:
            targets.append(global_id)
    elif isinstance(value, enum.Enum):
        facts.setdefault(key, []).append(value.value)
    elif isinstance(value, bool):
        facts[key] = value
    else:
        definition = getattr(type(value), "__strawberry_definition__", None)
        if isinstance(definition, StrawberryObjectDefinition) and definition.is_input:
            for field in definition.fields:
                _walk(getattr(value, field.python_name, None), field.type, field.python_name, targets, facts)
    # Strings, numbers and anything else: never stored (names, emails, bodies, secrets).


def _payload(result: Any, targets: list[str]) -> tuple[int | None, list[str]]:
    """Add the global ids at the top of a payload to `targets`; the customer it names (for an
    operator's onboarding) and its userErrors' codes."""
    definition = getattr(type(result), "__strawberry_definition__", None)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None, []
    customer_id: int | None = None
    codes: list[str] = []
    for field in definition.fields:
        if field.base_resolver is not None:
            continue
        value = getattr(result, field.python_name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, UserError):
                codes.append(item.code.value)
            elif isinstance(item, relay.Node):
                node_type = type(item)
                type_name = node_type.__strawberry_definition__.name  # type: ignore[attr-defined]
                node_id = getattr(item, node_type.resolve_id_attr())
                targets.append(str(relay.GlobalID(type_name, str(node_id))))
                if type_name == "Customer" and isinstance(node_id, int):
                    customer_id = node_id
            elif _unwrapped(field.type) is strawberry.ID and (global_id := _global_id(item)) is not None:
                targets.append(global_id)
    return customer_id, sorted(set(codes))

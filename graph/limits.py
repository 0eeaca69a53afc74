"""Request limits and the NUL ban: validation rules built once per schema (so the validation cache works)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import ExecutionResult, GraphQLError, StringValueNode, ValidationRule
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from graph.errors import ClientError

NUL_MESSAGE = "Strings must not contain the NUL character (U+0000)"


@dataclass(frozen=True, slots=True)
class Limits:
    """How big a request may be."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000


def validation_rules_extension(limits: Limits) -> type[AddValidationRules]:
    """An extension class (not instance) adding the depth, alias and NUL-literal rules built here, once."""
    rules = [
        depth_validator(limits.max_depth, None, None),
        max_aliases_validator(limits.max_aliases),
        NulLiteralRule,
    ]

    class LimitRules(AddValidationRules):
        def __init__(self) -> None:
            super().__init__(list(rules))

    return LimitRules


def _nul_error(node: StringValueNode | None = None) -> GraphQLError:
    return GraphQLError(NUL_MESSAGE, node, original_error=ClientError(NUL_MESSAGE))


class NulLiteralRule(ValidationRule):
    """A string literal with a NUL is BAD_USER_INPUT: PostgreSQL text cannot hold one (it was a 500)."""

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        if "\x00" in node.value:
            self.report_error(_nul_error(node))


class RefuseNulVariables(SchemaExtension):
    """The same for variables, which validation (cached per document) never sees."""

    def on_execute(self) -> Iterator[None]:
        if _holds_nul(self.execution_context.variables):
            self.execution_context.result = ExecutionResult(data=None, errors=[_nul_error()])
        yield


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False

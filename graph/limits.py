"""Request limits and the safe-text rule: validation rules built once per schema (the cache keeps working)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import ExecutionResult, GraphQLError, StringValueNode, ValidationRule
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from graph.errors import ClientError
from models.safe_input import json_text_problem, text_problem


@dataclass(frozen=True, slots=True)
class Limits:
    """How big a request may be."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000


def validation_rules_extension(limits: Limits) -> type[AddValidationRules]:
    """An extension class (not instance) adding the depth, alias and safe-text rules built here, once."""
    rules = [
        depth_validator(limits.max_depth, None, None),
        max_aliases_validator(limits.max_aliases),
        SafeTextLiteralRule,
    ]

    class LimitRules(AddValidationRules):
        def __init__(self) -> None:
            super().__init__(list(rules))

    return LimitRules


def _text_error(message: str, node: StringValueNode | None = None) -> GraphQLError:
    return GraphQLError(message, node, original_error=ClientError(message))


class SafeTextLiteralRule(ValidationRule):
    """A string literal the database cannot store (models.safe_input) is BAD_USER_INPUT, not a 500."""

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        # graphql-core's lexer already refuses an escaped lone surrogate; NUL reaches this rule.
        problem = text_problem(node.value)
        if problem is not None:
            self.report_error(_text_error(problem, node))


class RefuseUnsafeTextVariables(SchemaExtension):
    """The same for variables, which validation (cached per document) never sees."""

    def on_execute(self) -> Iterator[None]:
        problem = json_text_problem(self.execution_context.variables)
        if problem is not None:
            self.execution_context.result = ExecutionResult(data=None, errors=[_text_error(problem)])
        yield

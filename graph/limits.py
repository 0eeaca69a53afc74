"""Request limits and the safe-text rule: validation rules built once per schema (the cache keeps working)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    StringValueNode,
    ValidationRule,
    validate,
)
from strawberry.extensions import AddValidationRules, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph.cost_limit import CostTemplates, query_cost_extension, query_cost_rule
from graph.errors import ClientError
from graph.pagination import DEFAULT_PAGE_SIZE
from models.safe_input import json_text_problem, text_problem

# The full candidate tab for a page of 100 candidates (~27,600) and an enrichment of 1,000 members
# (~22,000) fit; thirty aliases of that tab page (~830,000) do not (tests/graph/test_query_cost.py).
DEFAULT_MAX_QUERY_COST: Final = 50_000
# Validated documents kept, as Strawberry's ValidationCache kept them here.
VALIDATIONS_KEPT: Final = 256


@dataclass(frozen=True, slots=True)
class Limits:
    """How big and how costly a request may be, and what the schema tells about itself."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_query_cost: int = DEFAULT_MAX_QUERY_COST
    default_page_size: int = DEFAULT_PAGE_SIZE
    # Introspection and graphql-core's "Did you mean …?" suggestions (which name fields a client was
    # not told about); off in production unless RSC_INTROSPECTION=true.
    introspection: bool = True


def validation_rules_extension(limits: Limits, costs: CostTemplates) -> type[AddValidationRules]:
    """An extension class (not instance) adding the depth, alias, cost and safe-text rules (and, with
    introspection off, graphql-core's rule refusing it) built here, once; the cost rule leaves its
    analyses in `costs` for the per-request check (`cost_limit_extension`)."""
    rules: list[type[ASTValidationRule]] = [
        depth_validator(limits.max_depth, None, None),
        max_aliases_validator(limits.max_aliases),
        query_cost_rule(costs, limits.max_query_cost),
        SafeTextLiteralRule,
    ]
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)

    class LimitRules(AddValidationRules):
        def __init__(self) -> None:
            super().__init__(list(rules))

    return LimitRules


def cost_limit_extension(limits: Limits, costs: CostTemplates) -> type[SchemaExtension]:
    """The per-request half of the cost limit (the variables' part), reading the rule's analyses."""
    return query_cost_extension(costs, limits.max_query_cost)


def validation_extension(limits: Limits) -> type[SchemaExtension]:
    """Strawberry's ValidationCache, plus graphql-core's `hide_suggestions` when introspection is off."""
    hide_suggestions = not limits.introspection

    @lru_cache(maxsize=VALIDATIONS_KEPT)
    def validated(
        schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
    ) -> list[GraphQLError]:
        # The two rules Strawberry's own validate_document adds to every validation.
        every = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
        return validate(schema, document, every, hide_suggestions=hide_suggestions)

    class CachedValidation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            assert context.graphql_document is not None
            context.pre_execution_errors = validated(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
            yield

    return CachedValidation


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

"""The per-request cost budget: refuse before execution what may cost more (graph/cost.py says how much).

A document's cost templates are worked out once: by the validation rule while the document is validated
(once per document, thanks to the ValidationCache), kept by `CostTemplates`. A cost that no variable
changes and that is over budget is refused there, so the refusal is cached with the validation. A cost
that depends on variables is evaluated per request by the extension, before execution; it also puts
the request's cost in the response (`extensions.cost = {requested, limit}`).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema, ValidationRule
from graphql.language.visitor import SKIP, VisitorAction
from strawberry.extensions import SchemaExtension

from graph.cost import OperationCost, operation_costs, select_operation
from graph.errors import ClientError, ErrorCode

# Documents whose templates are kept; as many as the parser and validation caches keep.
TEMPLATES_KEPT = 256


class CostExceeded(ClientError):
    """The operation may cost more than the budget: refused unexecuted."""

    code = ErrorCode.MAX_COST_EXCEEDED

    def __init__(self, requested: int, limit: int) -> None:
        super().__init__(
            f"This query may cost {requested}, over the limit of {limit}: ask for smaller pages "
            "(`first`), fewer members or fewer fields, and send it in parts"
        )
        self.requested = requested
        self.limit = limit


def cost_error(requested: int, limit: int) -> GraphQLError:
    """The top-level error of a refused operation (`MAX_COST_EXCEEDED`)."""
    exceeded = CostExceeded(requested, limit)
    return GraphQLError(str(exceeded), original_error=exceeded)


class CostTemplates:
    """The cost templates of the documents seen lately, by document.

    Keyed by the document object (the ParserCache hands out the same one per query text), not by its
    structural hash, which walks the whole tree on every call; a weak reference tells a reused id apart.
    """

    def __init__(self, default_page_size: int, kept: int = TEMPLATES_KEPT) -> None:
        self.default_page_size = default_page_size
        self._kept = kept
        self._entries: OrderedDict[int, tuple[weakref.ref[DocumentNode], dict[str | None, OperationCost]]]
        self._entries = OrderedDict()

    def of(self, schema: GraphQLSchema, document: DocumentNode) -> dict[str | None, OperationCost]:
        """The templates of `document`'s operations, analysed on first sight."""
        key = id(document)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is document:
            self._entries.move_to_end(key)
            return entry[1]
        costs = operation_costs(schema, document, default_page_size=self.default_page_size)
        self._entries[key] = (weakref.ref(document), costs)
        if len(self._entries) > self._kept:
            self._entries.popitem(last=False)
        return costs


def query_cost_rule(templates: CostTemplates, limit: int) -> type[ValidationRule]:
    """A validation rule class (built once per schema) refusing operations over budget whatever their
    variables; it leaves the templates for the per-request check."""

    class QueryCostRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: object) -> VisitorAction:
            for cost in templates.of(self.context.schema, node).values():
                if cost.is_fixed and cost.fixed > limit:
                    self.report_error(cost_error(cost.fixed, limit))
            return SKIP

    return QueryCostRule


def query_cost_extension(templates: CostTemplates, limit: int) -> type[SchemaExtension]:
    """An extension class (built once per schema) evaluating the request's cost with its variables
    before execution, refusing it over budget, and reporting it in `extensions.cost`."""

    class QueryCostLimit(SchemaExtension):
        def __init__(self) -> None:
            self.requested: int | None = None

        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None:
                cost = select_operation(
                    templates.of(context.schema._schema, document), context.operation_name
                )
                if cost is not None:
                    variables = context.variables if isinstance(context.variables, dict) else {}
                    self.requested = cost.of(variables)
                    if self.requested > limit and context.result is None:
                        context.result = ExecutionResult(
                            data=None, errors=[cost_error(self.requested, limit)]
                        )
            yield

        def get_results(self) -> dict[str, Any]:
            requested = self.requested
            if requested is None:
                requested = _refused_cost(self.execution_context.pre_execution_errors or ())
            if requested is None:
                return {}
            return {"cost": {"requested": requested, "limit": limit}}

    return QueryCostLimit


def _refused_cost(errors: Sequence[GraphQLError]) -> int | None:
    """The cost the validation rule refused, if it refused one."""
    for error in errors:
        if isinstance(error.original_error, CostExceeded):
            return error.original_error.requested
    return None

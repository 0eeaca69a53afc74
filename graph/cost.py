"""What an operation may cost before it runs, GitHub/Shopify style: the objects it may return.

Every field of an object (or list of objects) costs one per object it may return, times what its
selection costs in turn; leaves (scalars, enums) and introspection cost nothing. How many objects a
field may return:

* a connection's `edges` / `nodes`: its page size (`first`, else the server's default page size);
* the enrichment (`linkedinMembers`): one per member asked (`personUrns` and `profileUrls` together);
* any other list of objects (threads, messages, notes, applications, stages…): `ASSUMED_LIST_SIZE`;
* a single object: one.

Nested lists multiply. Fragments and inline fragments count as if spread in place; under an abstract
type every branch counts (an upper bound), and `@skip` / `@include` are ignored (likewise).

A document is analysed once into an `OperationCost` per operation, a template whose counts may name
variables (`first: $first`, `personUrns: $urns`); `OperationCost.of(variables)` evaluates it per request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)

# How many items a list of objects that takes no page size is assumed to hold: a candidate's threads,
# a thread's messages, notes, applications, an application's stages. The one place this is named.
ASSUMED_LIST_SIZE: Final = 10
# A connection's page size argument.
PAGE_ARGUMENT: Final = "first"
# A connection's fields that hold one entry per item of the page.
PAGE_FIELDS: Final = frozenset({"edges", "nodes"})
# Fields returning one entry per value of these list arguments, together: (type, field) → arguments.
PER_VALUE_ARGUMENTS: Final[Mapping[tuple[str, str], tuple[str, ...]]] = {
    ("Query", "linkedinMembers"): ("personUrns", "profileUrls"),
}


@dataclass(frozen=True, slots=True)
class PageVariable:
    """A page size sent as a variable: its value, else `missing` (the variable's default, or the
    server's page size) when it is not sent, and the server's page size when it is null."""

    name: str
    missing: int
    null: int

    def of(self, variables: Mapping[str, object]) -> int:
        """The page size these variables ask for (never negative)."""
        if self.name not in variables:
            return self.missing
        value = variables[self.name]
        if isinstance(value, int) and not isinstance(value, bool):
            return max(0, value)
        # Null asks for the default; anything else is refused when the variables are coerced.
        return self.null


@dataclass(frozen=True, slots=True)
class LengthVariable:
    """A list argument sent as a variable: as many as its items (`missing` when not sent)."""

    name: str
    missing: int

    def of(self, variables: Mapping[str, object]) -> int:
        """How many values these variables send (a lone value counts one, as GraphQL coerces it)."""
        if self.name not in variables:
            return self.missing
        value = variables[self.name]
        if isinstance(value, list):
            return len(value)
        return 0 if value is None else 1


@dataclass(frozen=True, slots=True)
class Count:
    """How many objects a field may return: a fixed number plus what variables add."""

    fixed: int = 0
    variables: tuple[PageVariable | LengthVariable, ...] = ()

    def of(self, variables: Mapping[str, object]) -> int:
        """The count with these variables."""
        return self.fixed + sum(variable.of(variables) for variable in self.variables)


ONE: Final = Count(fixed=1)


@dataclass(frozen=True, slots=True)
class OperationCost:
    """A cost template: `fixed` plus, for each term, its count times its inner cost."""

    fixed: int = 0
    terms: tuple[tuple[Count, OperationCost], ...] = ()

    @property
    def is_fixed(self) -> bool:
        """Whether no variable changes this cost."""
        return not self.terms

    def of(self, variables: Mapping[str, object]) -> int:
        """The cost with these variables."""
        return self.fixed + sum(count.of(variables) * inner.of(variables) for count, inner in self.terms)


def _sum(costs: Iterable[OperationCost]) -> OperationCost:
    fixed = 0
    terms: list[tuple[Count, OperationCost]] = []
    for cost in costs:
        fixed += cost.fixed
        terms.extend(cost.terms)
    return OperationCost(fixed, tuple(terms))


def _times(count: Count, inner: OperationCost) -> OperationCost:
    if not count.variables:
        if inner.is_fixed:
            return OperationCost(count.fixed * inner.fixed)
        if count.fixed == 1:
            return inner
    return OperationCost(0, ((count, inner),))


def operation_costs(
    schema: GraphQLSchema, document: DocumentNode, *, default_page_size: int
) -> dict[str | None, OperationCost]:
    """The cost template of each operation in a (valid) document, by operation name."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    costs: dict[str | None, OperationCost] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            if root is None:
                continue
            analysis = _Analysis(schema, fragments, definition, default_page_size)
            name = definition.name.value if definition.name else None
            costs[name] = analysis.selection_cost([definition.selection_set], root, page=None)
    return costs


def select_operation(
    costs: Mapping[str | None, OperationCost], operation_name: str | None
) -> OperationCost | None:
    """The template of the operation a request runs (None when the request names none that exists)."""
    if operation_name is not None:
        return costs.get(operation_name)
    return next(iter(costs.values())) if len(costs) == 1 else None


@dataclass(slots=True)
class _Collected:
    parent: GraphQLObjectType | GraphQLInterfaceType
    nodes: list[FieldNode] = field(default_factory=list)


class _Analysis:
    """One operation's walk over the schema (fragments spread in place)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        default_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.default_page_size = default_page_size
        self.defaults: dict[str, ValueNode | None] = {
            v.variable.name.value: v.default_value for v in operation.variable_definitions or ()
        }

    def selection_cost(
        self, selection_set: Iterable[SelectionSetNode], parent: GraphQLCompositeType, *, page: Count | None
    ) -> OperationCost:
        collected: dict[tuple[str, str], _Collected] = {}
        for selections in selection_set:
            self._collect(selections, parent, collected, frozenset())
        return _sum(self._field_cost(entry, page) for entry in collected.values())

    def _collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLCompositeType,
        out: dict[tuple[str, str], _Collected],
        spreading: frozenset[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
                    key = selection.alias.value if selection.alias else selection.name.value
                    out.setdefault((parent.name, key), _Collected(parent)).nodes.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._composite(condition.name.value) if condition else parent
                if inner is not None:
                    self._collect(selection.selection_set, inner, out, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A cycle or an unknown fragment is refused by validation; it adds nothing here.
                if fragment is not None and name not in spreading:
                    inner = self._composite(fragment.type_condition.name.value)
                    if inner is not None:
                        self._collect(fragment.selection_set, inner, out, spreading | {name})

    def _composite(self, name: str) -> GraphQLCompositeType | None:
        found = self.schema.get_type(name)
        return found if is_composite_type(found) else None

    def _field_cost(self, entry: _Collected, page: Count | None) -> OperationCost:
        node = entry.nodes[0]
        name = node.name.value
        definition = entry.parent.fields.get(name)
        if name.startswith("__") or definition is None:
            # Introspection reads the schema, not the database; an unknown field is refused by validation.
            return OperationCost()
        returned = get_named_type(definition.type)
        if not is_composite_type(returned):
            return OperationCost()
        count = self._count(entry.parent, name, definition, node, page)
        child_page = self._page_size(node) if _is_connection(returned) else None
        children = [n.selection_set for n in entry.nodes if n.selection_set is not None]
        inner = self.selection_cost(children, returned, page=child_page)
        return _times(count, _sum([OperationCost(1), inner]))

    def _count(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        definition: GraphQLField,
        node: FieldNode,
        page: Count | None,
    ) -> Count:
        per_value = PER_VALUE_ARGUMENTS.get((parent.name, name))
        if per_value is not None:
            return _add(self._length(node, argument) for argument in per_value)
        if page is not None and name in PAGE_FIELDS and _is_connection(parent):
            return page
        if is_list_type(get_nullable_type(definition.type)):
            return Count(fixed=ASSUMED_LIST_SIZE)
        return ONE

    def _page_size(self, node: FieldNode) -> Count:
        value = _argument(node, PAGE_ARGUMENT)
        if isinstance(value, IntValueNode):
            return Count(fixed=max(0, int(value.value)))
        if isinstance(value, VariableNode):
            name = value.name.value
            default = self.defaults.get(name)
            missing = int(default.value) if isinstance(default, IntValueNode) else self.default_page_size
            return Count(variables=(PageVariable(name, max(0, missing), self.default_page_size),))
        return Count(fixed=self.default_page_size)

    def _length(self, node: FieldNode, argument: str) -> Count:
        value = _argument(node, argument)
        if isinstance(value, VariableNode):
            name = value.name.value
            default = self.defaults.get(name)
            return Count(variables=(LengthVariable(name, _literal_length(default)),))
        return Count(fixed=_literal_length(value))


def _argument(node: FieldNode, name: str) -> ValueNode | None:
    return next((a.value for a in node.arguments or () if a.name.value == name), None)


def _literal_length(value: ValueNode | None) -> int:
    if value is None or isinstance(value, NullValueNode):
        return 0
    return len(value.values) if isinstance(value, ListValueNode) else 1


def _add(counts: Iterable[Count]) -> Count:
    fixed = 0
    variables: list[PageVariable | LengthVariable] = []
    for count in counts:
        fixed += count.fixed
        variables.extend(count.variables)
    return Count(fixed, tuple(variables))


def _is_connection(type_: object) -> bool:
    """A Relay connection: an object type with `edges` and `pageInfo`."""
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= type_.fields.keys()

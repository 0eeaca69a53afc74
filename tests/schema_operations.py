"""Operations generated from the schema: for every root field and mutation, a document and variables
with type-correct values for its arguments, so a test over them covers a new field without a word of
its own. A field whose arguments the generator cannot build fails the test (CannotBuild) until
`_value_for` learns them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
)

from graph.ids import global_id

WHEN = datetime(2026, 3, 1, 12, tzinfo=UTC)
# Row ids no test row has: well-formed global ids of the right type that name nothing.
NO_ROW = 987_654
# A string argument's chosen value by its name (and whether it is in an input object): the value and
# whether it aims at the rows the test cares about; None: nothing chosen.
StringFor = Callable[[str, bool], tuple[str, bool] | None]


class CannotBuild(Exception):
    """The generator does not know how to make a value for this argument: teach `_value_for`."""


@dataclass(frozen=True)
class Values:
    """What arguments are filled with: global ids by node type, chosen strings, and whether optional
    arguments get a value when one is chosen for them (an id, a chosen string)."""

    ids: Mapping[str, Sequence[str]]
    strings: StringFor = lambda name, in_input: None
    optional: bool = False


@dataclass(frozen=True)
class Operation:
    kind: str  # query | mutation
    field: str  # the root field's name
    name: str  # the field, with `[target]` for one of several `node` calls
    document: str
    variables: dict[str, Any]
    # True when an argument aims at the rows the test cares about (an id of them, a chosen string).
    aims: bool


def unwrap(type_: Any) -> Any:
    """The named type under any non-null and list wrappers."""
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _id_type_for(name: str, field_type: str) -> str:
    """Which node type an ID argument names: `candidateId` → Candidate; a bare `id` is the field's own."""
    for suffix in ("Ids", "Id"):
        if name.endswith(suffix) and name != suffix.lower():
            stem = name[: -len(suffix)]
            stem = {
                "keep": "Candidate",
                "merge": "Candidate",
                "appliedToJob": "Job",
                "group": "AclGroup",
                "user": "User",
            }.get(stem, stem)
            return stem[0].upper() + stem[1:]
    return {"appliedToJob": "Job"}.get(name, field_type)


def _subject_of(input_name: str, ids: Mapping[str, Sequence[str]]) -> str:
    """The node type an input's own `id` names: `UpdateCandidateInput` → Candidate,
    `DeleteApplicationNoteInput` → Note."""
    words = re.findall(r"[A-Z][a-z]*", input_name.removesuffix("Input"))[1:]
    for start in range(len(words)):
        candidate = "".join(words[start:])
        if candidate in ids:
            return candidate
    return "".join(words)


def _value_for(
    name: str, type_: GraphQLInputType, values: Values, owner: str, *, required: bool, in_input: bool = False
) -> tuple[bool, Any, bool]:
    """(has_value, value, aims) for one argument or input field: required ones always; optional ones
    only with `values.optional` and when a value is chosen for them (an id, a chosen string)."""
    nonnull = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        ok, item, aims = _value_for(name, inner.of_type, values, owner, required=True, in_input=in_input)
        return (ok, [item], aims) if ok else (False, None, False)
    if isinstance(inner, GraphQLInputObjectType):
        if not (nonnull or required or values.optional):
            return False, None, False
        value: dict[str, Any] = {}
        aims = False
        for field_name, input_field in inner.fields.items():
            needed = isinstance(input_field.type, GraphQLNonNull) and input_field.default_value is None
            of_input = _subject_of(inner.name, values.ids)
            has, item, of_b = _value_for(
                field_name, input_field.type, values, of_input, required=needed, in_input=True
            )
            if has:
                value[field_name] = item
                aims = aims or of_b
        return (bool(value) or nonnull or required, value, aims)
    wanted = nonnull or required
    if isinstance(inner, GraphQLScalarType):
        if inner.name == "ID":
            if not (wanted or values.optional):
                return False, None, False
            type_name = _id_type_for(name, owner)
            ids = values.ids.get(type_name)
            if not ids:
                raise CannotBuild(f"no id for `{name}` (a {type_name}?)")
            # Two ids of one type in one input (keepId, mergeId) name two different rows.
            return True, ids[1 % len(ids)] if name.startswith("merge") else ids[0], True
        chosen = values.strings(name, in_input) if inner.name == "String" else None
        if chosen is not None and (wanted or values.optional):
            return True, chosen[0], chosen[1]
        if not wanted:
            return False, None, False
        plain = {"String": "schema probe", "Int": 1, "Boolean": False, "DateTime": WHEN.isoformat()}
        if inner.name in plain:
            return True, plain[inner.name], False
        raise CannotBuild(f"no value for `{name}` of scalar {inner.name}")
    if isinstance(inner, GraphQLEnumType):
        if not wanted:
            return False, None, False
        return True, next(iter(inner.values)), False
    raise CannotBuild(f"no value for `{name}` of {inner}")


def selection(type_: GraphQLOutputType, depth: int) -> str:
    """Every argument-free field to `depth` (0: `{ __typename }` on an object, nothing on a scalar)."""
    inner = unwrap(type_)
    if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        return ""
    if depth == 0:
        return "{ __typename }"
    if isinstance(inner, GraphQLUnionType | GraphQLInterfaceType):
        return "{ __typename }"
    assert isinstance(inner, GraphQLObjectType)
    parts = ["__typename"]
    for name, child in inner.fields.items():
        if any(
            isinstance(arg.type, GraphQLNonNull) and arg.default_value is None for arg in child.args.values()
        ):
            continue
        parts.append(f"{name} {selection(child.type, depth - 1)}".strip())
    return "{ " + " ".join(parts) + " }"


def root_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField]]:
    """(kind, name, field) of every root field and mutation."""
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        for name, root_field in root.fields.items():
            yield kind, name, root_field


def operations(
    schema: GraphQLSchema, values: Values, *, depth: int = 0, node_ids: Sequence[str] | None = None
) -> Iterator[Operation]:
    """One operation per root field and mutation (per id of `node_ids` for `node`, when given),
    selecting every argument-free field to `depth`."""
    for kind, name, root_field in root_fields(schema):
        yield from _operations_of(kind, name, root_field, values, depth, node_ids)


def operation(schema: GraphQLSchema, kind: str, name: str, values: Values) -> Operation:
    """The minimal operation for one root field (`kind` query or mutation)."""
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    return next(_operations_of(kind, name, root.fields[name], values, 0, None))


def _operations_of(
    kind: str,
    name: str,
    root_field: GraphQLField,
    values: Values,
    depth: int,
    node_ids: Sequence[str] | None,
) -> Iterator[Operation]:
    owner = getattr(unwrap(root_field.type), "name", "")
    targets: Sequence[str | None] = node_ids if name == "node" and node_ids is not None else [None]
    for target in targets:
        variables: dict[str, Any] = {}
        declared: list[str] = []
        aims = False
        for arg_name, arg in root_field.args.items():
            assert isinstance(arg, GraphQLArgument)
            needed = isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
            if target is not None and arg_name == "id":
                has, value, of_b = True, target, True
            else:
                has, value, of_b = _value_for(arg_name, arg.type, values, owner, required=needed)
            if not has:
                continue
            variables[arg_name] = value
            declared.append(f"${arg_name}: {arg.type}")
            aims = aims or of_b
        args = ", ".join(f"{a}: ${a}" for a in variables)
        header = f"({', '.join(declared)})" if declared else ""
        call = f"{name}({args})" if args else name
        document = f"{kind} Probe{header} {{ {call} {selection(root_field.type, depth)} }}"
        yield Operation(kind, name, f"{name}[{target}]" if target else name, document, variables, aims)


def identified_types(schema: GraphQLSchema) -> list[str]:
    """Every object type with an `id: ID!` (the types a global id can name: nodes, and e.g. Note)."""
    return sorted(
        name
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and "id" in t.fields and str(t.fields["id"].type) == "ID!"
    )


def minimal_values(schema: GraphQLSchema, node_id: str) -> Values:
    """Required arguments only; every id a well-formed one of its type naming no row; `node(id)` is
    `node_id`."""
    ids: dict[str, list[str]] = {
        name: [global_id(name, NO_ROW), global_id(name, NO_ROW + 1)] for name in identified_types(schema)
    }
    ids["Node"] = [node_id]
    return Values(ids=ids)

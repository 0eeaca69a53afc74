"""The SDL is documentation: every type, field and enum value of the schema says what it is."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from graph.schema import schema

# GraphQL's own scalars are described by the specification, not by us.
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed() -> list[str]:
    """Every type, field and enum value without a description, as `Type`, `Type.field`, `Enum.VALUE`."""
    found = []
    for name, named in schema._schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not named.description:
            found.append(name)
        if isinstance(named, GraphQLEnumType):
            found += [f"{name}.{v}" for v, value in named.values.items() if not value.description]
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            found += [f"{name}.{f}" for f, field in named.fields.items() if not field.description]
    return found


def test_every_type_field_and_enum_value_has_a_description() -> None:
    assert undescribed() == []

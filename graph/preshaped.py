"""Pre-shaped list answers: for a plain selection, a list field's whole JSON-ready value built straight
from its rows, instead of graphql-core resolving, completing and serialising each of its fields one by
one (~7 µs a field: 9,644 fields for 1,000 enrichment members).

A resolver returns a `PreShaped` list (rows and a `Shape` table saying how each GraphQL field reads a
row); the schema's executor, `PreShapingExecutor`, compiles the selection at hand against the table and
builds the value. The selection is plain when every field it selects (after fragments, aliases and
`@skip`/`@include`) is in the table, carries no other directive, and has no field extension but the
role gate of graph/permissions.py; and every field the viewer is refused can be refused exactly as
normal execution does: its error at the same path in the same order, null at the same place. Anything
else (an unknown field, `@defer`, a refusal below an asynchronous resolver, where graphql-core orders
errors by its task scheduling, or a refused non-null field whose null would climb past the nearest
nullable object) materialises the list into its GraphQL objects and executes it as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import Any, Generic, TypeVar

import strawberry
from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    located_error,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from graph.permissions import RoleGate

T = TypeVar("T")

# Directives that have done all they do by the time fields are collected.
_COLLECTION_DIRECTIVES = frozenset({"skip", "include"})


@dataclass(frozen=True, slots=True)
class Leaf:
    """A scalar or enum field read from the row's `attribute`; `before` maps the stored value to what the
    field's resolver would return (e.g. the GraphQL enum), before the field type serialises it."""

    attribute: str
    before: Callable[[Any], Any] | None = None
    # The field is the Relay `id` (relay.Node's resolver): the attribute is the node's own id.
    node_id: bool = False


@dataclass(frozen=True, slots=True)
class Child:
    """An object field (or a list of objects) whose source is the row's `attribute` (None: the row
    itself, e.g. a job's columns joined into its application's row)."""

    attribute: str | None
    shape: Shape
    # The field has an async resolver: in normal execution it runs after the list's synchronous part,
    # and any error below it lands in an order graphql-core's tasks decide, so no refusal is shaped there.
    asynchronous: bool = False


@dataclass(frozen=True)
class Shape:
    """How the fields of one GraphQL object type read a row; a field not named here is not plain.
    `columns`: the rows are sequences (Core rows) of these columns, read by position (a Core row's
    attribute costs ~15 times its index); None: objects, read by attribute."""

    type_name: str
    fields: Mapping[str, Leaf | Child]
    columns: Sequence[str] | None = None

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each column's position in a row."""
        return {name: i for i, name in enumerate(self.columns or ())}


# What `_shape_object` does with a slot after the row's attributes are read.
_CONVERT, _CONST, _OBJECT, _LIST, _REFUSED, _REFUSED_NON_NULL = range(6)


@dataclass(slots=True)
class _Level:
    """One object type's selection, compiled: read every slot with one `attrgetter`, then fix up."""

    type_name: str
    keys: tuple[str, ...]
    read: Callable[[Any], Any]
    single: bool
    steps: tuple[tuple[int, int, Any], ...]
    # Some step here or below may fail (a refusal): paths are built only then.
    may_fail: bool


Located = tuple[GraphQLError, Path]


@dataclass(slots=True)
class _Refusal:
    """A refused field's error, made as the permission extension makes it (`on_unauthorized`)."""

    gate: RoleGate
    nodes: list[FieldNode]

    def error(self, at: Path) -> GraphQLError:
        try:
            self.gate.permissions[0].on_unauthorized()
        except Exception as raised:  # the permission's own error, whatever it is
            return located_error(raised, self.nodes, at.as_list())
        raise AssertionError("a role gate's on_unauthorized must raise")  # pragma: no cover


class PreShaped(list[T], Generic[T]):
    """A list field's answer that the executor may shape from `rows` by `shape`; until it is
    `materialise`d (for a selection that is not plain) it holds no objects."""

    def __init__(
        self, rows: Sequence[Any], shape: Shape, roles: frozenset[str], objects: Callable[[], list[T]]
    ) -> None:
        super().__init__()
        self.rows = rows
        self.shape = shape
        self.roles = roles
        self._objects: Callable[[], list[T]] | None = objects

    def materialise(self) -> None:
        """Fill the list with its GraphQL objects (once), for normal execution."""
        if self._objects is not None:
            objects, self._objects = self._objects, None
            self.extend(objects())

    @property
    def materialised(self) -> bool:
        """The list holds its objects."""
        return self._objects is None


def answer(
    info: strawberry.Info[Any, Any], rows: Sequence[Any], shape: Shape, objects: Callable[[], list[T]]
) -> list[T]:
    """What a list field's resolver returns: a `PreShaped` list where the schema's executor shapes one,
    else the objects themselves."""
    executor_class = getattr(info.schema, "execution_context_class", None)
    if isinstance(executor_class, type) and issubclass(executor_class, PreShapingExecutor):
        return PreShaped(rows, shape, info.context.viewer.roles, objects)
    return objects()


class PreShapingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing a `PreShaped` list from its rows when the selection is plain."""

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if isinstance(result, PreShaped) and not result.materialised:
            shaped = self._pre_shape(return_type, field_details_list, path, result, position_context)
            if shaped is not None:
                return shaped
            result.materialise()
        return super().complete_list_value(
            return_type,
            field_details_list,
            info,
            path,
            result,
            position_context,
        )

    def _pre_shape(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        path: Path,
        result: PreShaped[Any],
        position_context: Any,
    ) -> list[Any] | None:
        # Deferred delivery (`position_context`), `@stream` on the list, or no error propagation
        # (`@experimental_disableErrorPropagation`) are executed as usual.
        item_type = return_type.of_type
        if position_context is not None or not self.error_propagation or not _plain(field_details_list):
            return None
        if not (is_non_null_type(item_type) and is_object_type(item_type.of_type)):
            return None
        level = self._compile(
            result.shape, item_type.of_type, field_details_list, result.roles, nullable=False, deferred=False
        )
        if level is None:
            return None
        errors: list[Located] = []
        rows = result.rows
        if level.may_fail:
            data = [_shape_object(level, row, path.add_key(i, None), errors) for i, row in enumerate(rows)]
        else:
            data = [_shape_object(level, row, None, errors) for row in rows]
        for error, at in errors:
            self.collected_errors.add(error, at)
        return data

    def _compile(
        self,
        shape: Shape,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        roles: frozenset[str],
        *,
        nullable: bool,
        deferred: bool,
    ) -> _Level | None:
        """The selection on `object_type` compiled, or None if it is not plain. `nullable`: the object's
        position may be null (a refused non-null field's null stops there); `deferred`: the object is
        below an asynchronous resolver."""
        if object_type.name != shape.type_name:
            return None
        grouped, new_defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages or forbidden:
            return None
        keys: list[str] = []
        attributes: list[str | None] = []
        steps: list[tuple[int, int, Any]] = []
        may_fail = False
        for key, group in grouped.items():
            if not _plain(group):
                return None
            slot = len(keys)
            keys.append(key)
            name = group[0].node.name.value
            if name == "__typename":
                attributes.append(None)  # read anything: the slot is overwritten
                steps.append((slot, _CONST, object_type.name))
                continue
            spec = shape.fields.get(name)
            definition = object_type.fields.get(name)
            strawberry_field = _strawberry_field(definition)
            if spec is None or definition is None or strawberry_field is None:
                return None
            if not _resolves_as_specified(spec, strawberry_field, object_type):
                return None
            plain, gate = _gate(strawberry_field)
            if not plain:
                return None
            if gate is not None and roles.isdisjoint(gate.roles):
                # Refused: the field's resolver never runs, its error says so at its path. An async
                # field's gate runs in its own coroutine, like anything below it: not shaped.
                if deferred or (isinstance(spec, Child) and spec.asynchronous):
                    return None
                non_null = is_non_null_type(definition.type)
                if non_null and not nullable:
                    return None
                attributes.append(None)
                refusal = _Refusal(gate, [details.node for details in group])
                steps.append((slot, _REFUSED_NON_NULL if non_null else _REFUSED, refusal))
                may_fail = True
                continue
            if isinstance(spec, Leaf):
                attributes.append(spec.attribute)
                convert = _leaf_conversion(spec, definition, object_type.name)
                if convert is not None:
                    steps.append((slot, _CONVERT, convert))
                continue
            attributes.append(spec.attribute)
            child = self._compile_child(spec, definition, group, roles, deferred=deferred)
            if child is None:
                return None
            op, level = child
            if spec.attribute is None:
                steps.append((slot, _OBJECT, (level, True)))
            else:
                steps.append((slot, op, (level, False)))
            may_fail = may_fail or level.may_fail
        read = _reader(shape, attributes)
        if read is None:
            return None
        return _Level(object_type.name, tuple(keys), read, len(attributes) == 1, tuple(steps), may_fail)

    def _compile_child(
        self,
        spec: Child,
        definition: GraphQLField,
        group: FieldDetailsList,
        roles: frozenset[str],
        *,
        deferred: bool,
    ) -> tuple[int, _Level] | None:
        # Object (nullable or not) or a non-null list of non-null objects: the shapes tables name.
        field_type = definition.type
        non_null = is_non_null_type(field_type)
        inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        deferred = deferred or spec.asynchronous
        if isinstance(inner, GraphQLObjectType):
            level = self._compile(spec.shape, inner, group, roles, nullable=not non_null, deferred=deferred)
            return (_OBJECT, level) if level is not None else None
        if non_null and is_list_type(inner):
            item = inner.of_type
            if is_non_null_type(item) and isinstance(item.of_type, GraphQLObjectType):
                level = self._compile(
                    spec.shape, item.of_type, group, roles, nullable=False, deferred=deferred
                )
                return (_LIST, level) if level is not None else None
        return None


def _nothing(_row: Any) -> tuple[()]:
    return ()


def _reader(shape: Shape, attributes: list[str | None]) -> Callable[[Any], Any] | None:
    """One getter of every slot (None for a slot that is overwritten anyway); None if the table names
    a column the rows do not hold."""
    if not attributes:
        # Everything skipped (`@include(if: false)`) answers an empty object, as graphql-core does.
        return _nothing
    if shape.columns is None:
        return attrgetter(*(name or "__class__" for name in attributes))
    positions = shape.positions
    if any(name is not None and name not in positions for name in attributes):
        return None
    return itemgetter(*(positions[name] if name is not None else 0 for name in attributes))


def _plain(group: FieldDetailsList) -> bool:
    # No deferral, no fragment arguments, and no directive but those already applied by collection.
    return all(
        details.defer_usage is None
        and details.fragment_variable_values is None
        and all(d.name.value in _COLLECTION_DIRECTIVES for d in details.node.directives or ())
        for details in group
    )


def _strawberry_field(definition: GraphQLField | None) -> StrawberryField | None:
    found = (definition.extensions or {}).get("strawberry-definition") if definition is not None else None
    return found if isinstance(found, StrawberryField) else None


def _gate(field: StrawberryField) -> tuple[bool, RoleGate | None]:
    """Whether the field has no extension but a role gate (any other could do anything: not plain),
    and its role gate (None: none)."""
    gate: RoleGate | None = None
    for extension in field.extensions:
        if not isinstance(extension, RoleGate):
            return False, None
        gate = extension
    return True, gate


def _resolves_as_specified(
    spec: Leaf | Child, field: StrawberryField, object_type: GraphQLObjectType
) -> bool:
    """The field reads what the table says: a plain attribute, Relay's `id`, or (an object field) its
    own resolver, which the table stands for (the comparison test holds them equal)."""
    resolver = field.base_resolver
    if field.arguments:
        # The table reads a row; a field's arguments would change what it answers.
        return False
    if isinstance(spec, Child):
        return resolver is None or (spec.asynchronous and resolver.is_async)
    if not spec.node_id:
        return resolver is None
    origin = _origin(object_type)
    return (
        resolver is not None
        and getattr(resolver.wrapped_func, "__func__", None) is relay.Node._id.__func__
        and origin is not None
        and getattr(origin.resolve_id, "__func__", None) is relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        and getattr(origin.resolve_typename, "__func__", None) is relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    )


def _origin(object_type: GraphQLObjectType) -> type[relay.Node] | None:
    definition = (object_type.extensions or {}).get("strawberry-definition")
    if isinstance(definition, StrawberryObjectDefinition) and issubclass(definition.origin, relay.Node):
        return definition.origin
    return None


def _leaf_conversion(spec: Leaf, definition: GraphQLField, type_name: str) -> Callable[[Any], Any] | None:
    """How a stored value becomes the serialised one, as resolving then `complete_leaf_value` would
    (None: the value as it is, a str or bool whose serialisation is itself)."""
    named = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
    if not is_leaf_type(named):
        raise TypeError(f"a Leaf names a field of {type_name} that is no scalar or enum")  # pragma: no cover
    if spec.node_id:
        # relay.Node._id: GlobalID(type name, id), serialised by the ID scalar as its base64 string; a
        # job recurs in many applications, so each id is encoded once per request.
        return _memoised(lambda node_id: relay.to_base64(type_name, node_id))
    if spec.before is None and named in (GraphQLString, GraphQLBoolean):
        return None
    serialize = named.serialize
    before = spec.before
    if before is None:
        return serialize
    # Enums: few values, each serialised once per request.
    return _memoised(lambda value: serialize(before(value)))


def _memoised(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}

    def memoised(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            memo[value] = converted = convert(value)
            return converted

    return memoised


def _shape_object(level: _Level, row: Any, path: Path | None, errors: list[Located]) -> dict[str, Any] | None:
    """One object's JSON-ready value (None: a refused non-null field nulled it, its error recorded)."""
    if not level.steps:
        return dict(zip(level.keys, (level.read(row),) if level.single else level.read(row), strict=True))
    values = [level.read(row)] if level.single else list(level.read(row))
    for slot, op, argument in level.steps:
        if op == _CONVERT:
            value = values[slot]
            if value is not None:
                values[slot] = argument(value)
        elif op == _CONST:
            values[slot] = argument
        elif op == _OBJECT:
            child, same_row = argument
            source = row if same_row else values[slot]
            if source is not None:
                at = None
                if child.may_fail and path is not None:
                    at = Path(path, level.keys[slot], level.type_name)
                values[slot] = _shape_object(child, source, at, errors)
        elif op == _LIST:
            items = values[slot]
            child = argument[0]
            if not items:
                # Most members asked have no applications: a fresh empty list, as completion makes.
                values[slot] = []
            elif child.may_fail and path is not None:
                at = Path(path, level.keys[slot], level.type_name)
                values[slot] = [
                    _shape_object(child, item, at.add_key(i, None), errors) for i, item in enumerate(items)
                ]
            else:
                values[slot] = [_shape_object(child, item, None, errors) for item in items]
        else:
            assert path is not None
            at = Path(path, level.keys[slot], level.type_name)
            error = argument.error(at)
            if op == _REFUSED:
                errors.append((error, at))
                values[slot] = None
            else:
                # Nulls this object: graphql-core records the error at the nearest nullable position
                # (this object's own), and executes none of the fields after it.
                errors.append((error, path))
                return None
    return dict(zip(level.keys, values, strict=True))

"""`Query.node(id)`: any Relay node by its global ID, with coded errors for bad or unknown ids."""

from __future__ import annotations

import inspect
from typing import Annotated

import strawberry
from strawberry import relay

from graph.context import Info
from graph.errors import ClientError, NotFoundError
from graph.ids import decode_global_id
from graph.permissions import require_type


async def resolve_node(info: Info, value: str, *, argument: str = "id") -> relay.Node:
    """The node a global ID names; BAD_USER_INPUT when malformed, NOT_FOUND when unknown or another
    customer's (each type resolves through the viewer's customer's loaders)."""
    global_id = decode_global_id(value, argument=argument)
    # Before any lookup: a viewer who may not hold this type learns nothing of its ids.
    require_type(info.context.viewer.roles, global_id.type_name)
    try:
        node_type = global_id.resolve_type(info)
    except relay.GlobalIDValueError as exc:
        raise ClientError(f"`{argument}` names no node type: {value!r}", argument=argument) from exc
    found = node_type.resolve_nodes(info=info, node_ids=[global_id.node_id], required=False)
    if inspect.isawaitable(found):
        found = await found
    node = next(iter(found), None)
    if node is None:
        raise NotFoundError(f"No {global_id.type_name} has the ID {value!r}", argument=argument)
    return node


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID (an unknown ID is a NOT_FOUND error).")
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")]
    ) -> relay.Node | None:
        return await resolve_node(info, id)

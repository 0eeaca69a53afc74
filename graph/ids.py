"""Global ID decoding with clear, coded errors instead of 500s.

A global ID names a type and a row id, never a customer: every lookup adds the viewer's customer (the
loaders and resolvers are bound to it), so another customer's id is NOT_FOUND exactly as an unknown one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import strawberry
from strawberry import relay

from graph.errors import ClientError, NotFoundError
from models.base import MAX_ROW_ID

# ASCII digits only: str.isdigit() also accepts characters such as "²" that int() refuses.
_ROW_ID = re.compile(r"[0-9]{1,18}")


def decode_global_id(value: str, *, argument: str = "id") -> relay.GlobalID:
    """The global ID `value` stands for; a BAD_USER_INPUT error when it is not one of ours."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception as exc:  # strawberry raises several kinds for undecodable input
        raise ClientError(f"`{argument}` is not a valid global ID: {value!r}", argument=argument) from exc
    if not _ROW_ID.fullmatch(global_id.node_id):
        raise ClientError(f"`{argument}` is not a valid global ID: {value!r}", argument=argument)
    if int(global_id.node_id) > MAX_ROW_ID:
        raise NotFoundError(f"No {global_id.type_name} has the ID {value!r}", argument=argument)
    return global_id


def decode_node_id(value: str, type_name: str, *, argument: str = "id") -> int:
    """The database id inside a global ID that must be of `type_name`."""
    global_id = decode_global_id(value, argument=argument)
    if global_id.type_name != type_name:
        raise ClientError(
            f"`{argument}` is the ID of a {global_id.type_name}, not of a {type_name}", argument=argument
        )
    return int(global_id.node_id)


def global_id(type_name: str, row_id: int) -> strawberry.ID:
    """The global ID of a row of `type_name`."""
    return strawberry.ID(str(relay.GlobalID(type_name, str(row_id))))


def int_ids(node_ids: Iterable[str]) -> list[int]:
    """Database ids from Relay node ids (already checked by `decode_global_id`; -1 names no row)."""
    return [int(node_id) if _ROW_ID.fullmatch(node_id) else -1 for node_id in node_ids]

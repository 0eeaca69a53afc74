"""Global ID decoding with clear, coded errors instead of 500s."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry import relay

from graph.errors import ClientError


def decode_global_id(value: str, *, argument: str = "id") -> relay.GlobalID:
    """The global ID `value` stands for; a BAD_USER_INPUT error when it is not one of ours."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception as exc:  # strawberry raises several kinds for undecodable input
        raise ClientError(f"`{argument}` is not a valid global ID: {value!r}", argument=argument) from exc
    # Database ids are positive 64-bit integers; anything else cannot name a row (and would overflow).
    if not (global_id.node_id.isdigit() and len(global_id.node_id) <= 18):
        raise ClientError(f"`{argument}` is not a valid global ID: {value!r}", argument=argument)
    return global_id


def decode_node_id(value: str, type_name: str, *, argument: str = "id") -> int:
    """The database id inside a global ID that must be of `type_name`."""
    global_id = decode_global_id(value, argument=argument)
    if global_id.type_name != type_name:
        raise ClientError(
            f"`{argument}` is the ID of a {global_id.type_name}, not of a {type_name}", argument=argument
        )
    return int(global_id.node_id)


def int_ids(node_ids: Iterable[str]) -> list[int]:
    """Database ids from Relay node ids (already checked to be digits by `decode_global_id`)."""
    return [int(node_id) if node_id.isdigit() else -1 for node_id in node_ids]

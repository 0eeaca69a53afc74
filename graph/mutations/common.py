"""What every ATS mutation shares: ids from global IDs, domain errors as `userErrors`, partial inputs."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from graph.errors import UserError
from models.base import MAX_ROW_ID
from resolvers.ats_writes.validation import InvalidFields
from resolvers.errors import DomainError, InvalidInput, NotFound

# The description of every write payload's `userErrors`.
USER_ERRORS = "Why nothing was changed, each naming the input field at fault; empty on success."


def decode_id(value: str, field: str) -> tuple[str, int]:
    """The type name and database id in a global ID; INVALID when malformed."""
    shown = repr(value if len(value) <= 120 else value[:120] + "…")
    try:
        decoded = relay.GlobalID.from_id(value)
    except Exception as exc:  # strawberry raises several kinds for undecodable input
        raise InvalidInput(f"Not a valid global ID: {shown}", field=field) from exc
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if not (decoded.node_id.isascii() and decoded.node_id.isdigit()):
        raise InvalidInput(f"Not a valid global ID: {shown}", field=field)
    # int() refuses more than 4300 digits (a ValueError, so a 500); any id this long names no row, and
    # every caller answers an id past MAX_ROW_ID as NOT_FOUND.
    if len(decoded.node_id.lstrip("0")) > len(str(MAX_ROW_ID)):
        return decoded.type_name, MAX_ROW_ID + 1
    return decoded.type_name, int(decoded.node_id)


def node_id(value: str, type_name: str, field: str) -> int:
    """The database id in a global ID; a malformed one is INVALID, one of another type NOT_FOUND."""
    found_type, row_id = decode_id(value, field)
    thing = type_name.lower()
    if found_type != type_name:
        raise NotFound(f"No {thing} has this id (it is the id of a {found_type})", field=field)
    # Ids are 32-bit integer columns; a bigger number would fail in the driver, not find nothing.
    if row_id > MAX_ROW_ID:
        raise NotFound(f"No {thing} has this id", field=field)
    return row_id


def user_errors(error: DomainError) -> list[UserError]:
    """One `UserError` per failed input field."""
    errors = error.errors if isinstance(error, InvalidFields) else [error]
    return [UserError.from_domain(each) for each in errors]


def given_fields(data: Any, attrs: tuple[str, ...]) -> dict[str, object]:
    """The attributes of a partial input the client actually sent (absent ones stay unchanged)."""
    return {attr: getattr(data, attr) for attr in attrs if getattr(data, attr) is not strawberry.UNSET}

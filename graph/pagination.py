"""Relay cursor connections with `totalCount`, and validation of page arguments."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import strawberry
from strawberry import relay

from graph.errors import ClientError
from models.base import MAX_ROW_ID

NodeT = TypeVar("NodeT")

_CURSOR_PREFIX = "offset:"
# A connection's page size when the request gives no `first` (the cost limit counts it too).
DEFAULT_PAGE_SIZE = 20

# The page arguments every connection field takes, declared once so their SDL reads the same everywhere.
FirstArg = Annotated[int | None, strawberry.argument(description="Page size (default 20, at most 100).")]
AfterArg = Annotated[str | None, strawberry.argument(description="Cursor of the item before the page.")]


@strawberry.type(description="A page of results with Relay edges, page info and the total count.")
class Connection(relay.Connection[relay.NodeType]):
    total_count: int = strawberry.field(description="How many items match, over all pages.")


@dataclass(frozen=True, slots=True)
class Window(Generic[NodeT]):
    """Which slice of the result a page asks for."""

    offset: int
    limit: int


def encode_cursor(offset: int) -> str:
    """An opaque cursor for the item at `offset`."""
    return base64.b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; a clear client error when it is not one of ours."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text.removeprefix(_CURSOR_PREFIX))
        # We never hand out an offset past the 32-bit id columns; a bigger one overflows SQL's OFFSET.
        if not 0 <= offset <= MAX_ROW_ID:
            raise ValueError(text)
    except ValueError as exc:
        raise ClientError(f"`after` is not a valid cursor: {cursor!r}", argument="after") from exc
    return offset


def page_window(
    first: int | None, after: str | None, *, max_page_size: int, default: int = DEFAULT_PAGE_SIZE
) -> Window[object]:
    """Validate `first`/`after` and turn them into an offset and limit."""
    if first is None:
        first = default
    if first < 0:
        raise ClientError("`first` must not be negative", argument="first")
    if first > max_page_size:
        raise ClientError(f"`first` must be at most {max_page_size}", argument="first")
    offset = decode_cursor(after) + 1 if after is not None else 0
    return Window(offset=offset, limit=first)


def build_connection(
    connection_cls: type[Connection[relay.NodeType]],
    nodes: Sequence[relay.NodeType],
    *,
    window: Window[object],
    total: int,
) -> Connection[relay.NodeType]:
    """A connection over one page of already-fetched nodes."""
    edges = [
        relay.Edge(node=node, cursor=encode_cursor(window.offset + index)) for index, node in enumerate(nodes)
    ]
    page_info = relay.PageInfo(
        has_next_page=window.offset + len(nodes) < total,
        has_previous_page=window.offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return connection_cls(edges=edges, page_info=page_info, total_count=total)

"""The ATS's own notes on a candidate (LinkedIn's prospect notes are `LinkedInNote`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.ids import global_id, int_ids
from models.ats import AtsNoteFields


@strawberry.type(description="A note written in the ATS about a candidate or one of its applications.")
class Note(relay.Node):
    # The same global ID as before (`Note:<id>`), the one deleteCandidateNote / deleteApplicationNote take.
    id: relay.NodeID[int]
    author: str = strawberry.field(description="Who wrote the note.")
    body: str = strawberry.field(description="The note's text.")
    created_at: datetime = strawberry.field(description="When the note was written.")
    application_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the application the note is about, if any."
    )
    row: strawberry.Private[AtsNoteFields]

    @classmethod
    def from_row(cls, row: AtsNoteFields) -> Note:
        """The GraphQL view of a note row."""
        assert row.id is not None
        application_id = (
            global_id("Application", row.application_id) if row.application_id is not None else None
        )
        return cls(
            id=row.id,
            author=row.author,
            body=row.body,
            created_at=row.created_at,
            application_id=application_id,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Note | None]:
        rows = await info.context.loaders.note_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]

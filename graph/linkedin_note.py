"""LinkedIn Recruiter prospect notes: their own type, never mixed with the ATS's notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.ids import int_ids
from graph.inmail import LinkedInVisibility
from graph.user import User
from models.mirror import NoteFields


@strawberry.type(
    description="A LinkedIn Recruiter prospect note about the candidate (deleted notes never show)."
)
class LinkedInNote(relay.Node):
    id: relay.NodeID[int]
    body: str = strawberry.field(description="The note's text.")
    owner: str = strawberry.field(description="The Recruiter seat URN that wrote the note.")
    created_at: datetime = strawberry.field(description="When the note was written on LinkedIn.")
    updated_at: datetime = strawberry.field(description="When the note was last edited on LinkedIn.")
    visibility: LinkedInVisibility = strawberry.field(
        description="Its LinkedIn visibility (a PRIVATE note shows only to its author and to admins)."
    )
    row: strawberry.Private[NoteFields]

    @classmethod
    def from_row(cls, row: NoteFields) -> LinkedInNote:
        """The GraphQL view of a prospect-note row."""
        assert row.id is not None
        return cls(
            id=row.id,
            body=row.body,
            owner=row.owner_seat_urn,
            created_at=row.created_at,
            updated_at=row.updated_at,
            visibility=LinkedInVisibility(row.visibility.value),
            row=row,
        )

    @strawberry.field(description="The ATS user mapped to the owning seat (null when no user holds it).")
    async def owner_recruiter(self, info: Info) -> User | None:
        # Its own loader (not recruiter_by_seat_urn): notes and threads resolve at different moments,
        # and one shared loader would batch them into one or two statements depending on timing.
        row = await info.context.loaders.note_owner_by_seat_urn.load(self.owner)
        return User.from_row(row) if row is not None else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[LinkedInNote | None]:
        rows = await info.context.loaders.linkedin_note_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]

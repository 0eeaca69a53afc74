"""The ATS's own notes on a candidate (LinkedIn's prospect notes are `LinkedInNote`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from graph.ids import global_id


@strawberry.type(description="A note written in the ATS about a candidate or one of its applications.")
class Note:
    author: str = strawberry.field(description="Who wrote the note.")
    body: str = strawberry.field(description="The note's text.")
    created_at: datetime = strawberry.field(description="When the note was written.")
    application_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the application the note is about, if any."
    )
    row: strawberry.Private[models.Note]

    @strawberry.field(description="The note's global ID, for deleteCandidateNote / deleteApplicationNote.")
    def id(self) -> strawberry.ID:
        assert self.row.id is not None
        return global_id("Note", self.row.id)

    @classmethod
    def from_row(cls, row: models.Note) -> Note:
        """The GraphQL view of a note row."""
        application_id = (
            global_id("Application", row.application_id) if row.application_id is not None else None
        )
        return cls(
            author=row.author,
            body=row.body,
            created_at=row.created_at,
            application_id=application_id,
            row=row,
        )

"""The `InterviewFeedback` type: what an interviewer made of a candidate, on one application."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.described import described
from graph.ids import global_id, int_ids


@strawberry.enum(description="The kind of interview, as LinkedIn knows it.")
class InterviewType(enum.Enum):
    PHONE_SCREEN = described("PHONE_SCREEN", "A screening call by phone.")
    ONSITE = described("ONSITE", "An interview in person, at the customer's site.")


@strawberry.type(description='One judged attribute, e.g. "Verbal Communication" → "4/5".')
class InterviewEvaluation:
    attribute: str = strawberry.field(description="What was judged.")
    result: str = strawberry.field(description="The interviewer's judgement of it.")


@strawberry.type(description="An interviewer's feedback on a candidate, for one application.")
class InterviewFeedback(relay.Node):
    id: relay.NodeID[int]
    interviewer_first_name: str = strawberry.field(description="The interviewer's first name.")
    interviewer_last_name: str = strawberry.field(description="The interviewer's last name.")
    evaluations: list[InterviewEvaluation] = strawberry.field(
        description="The attributes judged, in the interviewer's order."
    )
    feedback: str = strawberry.field(description="The feedback's text (may be empty).")
    interview_type: InterviewType | None = strawberry.field(description="The kind of interview, if known.")
    created_at: datetime = strawberry.field(description="When the feedback was given.")
    updated_at: datetime = strawberry.field(description="When the feedback was last changed.")
    application_id: strawberry.ID = strawberry.field(description="The application's global ID.")
    row: strawberry.Private[models.InterviewFeedback]

    @classmethod
    def from_row(cls, row: models.InterviewFeedback) -> InterviewFeedback:
        """The GraphQL view of a feedback row."""
        assert row.id is not None
        return cls(
            id=row.id,
            interviewer_first_name=row.interviewer_first_name,
            interviewer_last_name=row.interviewer_last_name,
            evaluations=[
                InterviewEvaluation(attribute=str(e["attribute"]), result=str(e["result"]))
                for e in row.evaluations
            ],
            feedback=row.feedback,
            interview_type=InterviewType(row.interview_type.value) if row.interview_type else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            application_id=global_id("Application", row.application_id),
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[InterviewFeedback | None]:
        loaders = info.context.loaders
        rows = await loaders.interview_feedback_by_id.load_many(int_ids(node_ids))
        # Feedback on an application the viewer may not see (a secured job) is not there for it.
        applications = await loaders.application_by_id.load_many(
            [row.application_id if row is not None else -1 for row in rows]
        )
        return [
            cls.from_row(row) if row is not None and application is not None else None
            for row, application in zip(rows, applications, strict=True)
        ]

"""The `Application` type (a candidate applied to a job) and its stage history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.ids import int_ids
from graph.interview_feedback import InterviewFeedback
from graph.job import Job
from models.ats import ApplicationFields, StageFields


@strawberry.type(description="One step of an application's stage history.")
class ApplicationStage(relay.Node):
    id: relay.NodeID[int]
    stage: str = strawberry.field(description="The stage reached, e.g. `Phone screen`.")
    at: datetime = strawberry.field(description="When the stage was reached.")
    actor: str | None = strawberry.field(description="Who moved the application, if known.")
    row: strawberry.Private[StageFields]

    @classmethod
    def from_row(cls, row: StageFields) -> ApplicationStage:
        """The GraphQL view of a stage row."""
        assert row.id is not None
        return cls(id=row.id, stage=row.stage, at=row.at, actor=row.actor, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[ApplicationStage | None]:
        rows = await info.context.loaders.stage_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type(description="A candidate's application to a job.")
class Application(relay.Node):
    id: relay.NodeID[int]
    status: str = strawberry.field(description="The application's current status, e.g. `Applied`.")
    source: str | None = strawberry.field(description="Where the application came from, if known.")
    created_at: datetime = strawberry.field(description="When the candidate applied.")
    last_activity_at: datetime = strawberry.field(description="When anything last happened to it.")
    row: strawberry.Private[ApplicationFields]

    @classmethod
    def from_row(cls, row: ApplicationFields) -> Application:
        """The GraphQL view of an application row."""
        assert row.id is not None
        return cls(
            id=row.id,
            status=row.status,
            source=row.source,
            created_at=row.created_at,
            last_activity_at=row.last_activity_at,
            row=row,
        )

    @strawberry.field(description="The job applied to.")
    async def job(self, info: Info) -> Job:
        row = await info.context.loaders.job_by_id.load(self.row.job_id)
        assert row is not None  # the foreign key guarantees it
        return Job.from_row(row)

    @strawberry.field(description="The stage history, oldest first.")
    async def stages(self, info: Info) -> list[ApplicationStage]:
        rows = await info.context.loaders.stages_by_application_id.load(self.id)
        return [ApplicationStage.from_row(row) for row in rows]

    @strawberry.field(description="The interview feedback given on this application, oldest first.")
    async def interview_feedback(self, info: Info) -> list[InterviewFeedback]:
        rows = await info.context.loaders.interview_feedback_by_application_id.load(self.id)
        return [InterviewFeedback.from_row(row) for row in rows]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Application | None]:
        rows = await info.context.loaders.application_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]

"""The `Job` type: a job requisition in the ATS."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.described import described
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from models.ats import JobFields
from resolvers import candidates


@strawberry.enum(description="Whether a job takes applications.")
class JobState(enum.Enum):
    OPEN = described(
        "OPEN",
        "Takes applications.",
    )
    CLOSED = described(
        "CLOSED",
        "Takes no more applications.",
    )


@strawberry.enum(description="Who may see a job on LinkedIn.")
class JobAvailability(enum.Enum):
    PUBLIC = described(
        "PUBLIC",
        "Listed publicly on LinkedIn.",
    )
    PRIVATE_TO_ATS_INTEGRATION = described(
        "PRIVATE_TO_ATS_INTEGRATION",
        "Seen only through the ATS integration (Recruiter's exports and In-ATS data).",
    )


@strawberry.type(description="A job requisition in the ATS.")
class Job(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="The job's title.")
    description: str = strawberry.field(description="The job's description.")
    location: str | None = strawberry.field(description="Where the job is.")
    company_apply_url: str | None = strawberry.field(description="Where candidates apply.")
    state: JobState = strawberry.field(description="Whether the job is open.")
    availability: JobAvailability = strawberry.field(description="Who may see the job on LinkedIn.")
    created_at: datetime = strawberry.field(description="When the job was created.")
    updated_at: datetime = strawberry.field(description="When the job last changed.")
    row: strawberry.Private[JobFields]

    @classmethod
    def from_row(cls, row: JobFields) -> Job:
        """The GraphQL view of a job row."""
        assert row.id is not None
        return cls(
            id=row.id,
            title=row.title,
            description=row.description,
            location=row.location,
            company_apply_url=row.company_apply_url,
            state=JobState(row.state.value),
            availability=JobAvailability(row.availability.value),
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Job | None]:
        rows = await info.context.loaders.job_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type
class JobQuery:
    @strawberry.field(
        description="The ATS's jobs, newest first: a secured job (in an ACL group) only for its groups' "
        "users and admins."
    )
    async def jobs(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Job]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await candidates.jobs_page(
            services.sessions,
            info.context.tenant.id,
            info.context.job_sight,
            offset=window.offset,
            limit=window.limit,
        )
        return build_connection(
            Connection[Job], [Job.from_row(row) for row in rows], window=window, total=total
        )

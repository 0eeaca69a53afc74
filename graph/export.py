"""One-Click Export in GraphQL: export requests and their outcome, replays, and the monthly quota."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

import models
from graph.application import Application
from graph.candidate import Candidate
from graph.context import Info
from graph.described import described
from graph.errors import UserError
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from graph.user import User
from resolvers import export_usage, exports
from resolvers.errors import DomainError


@strawberry.enum(description="Where a One-Click Export request is.")
class LinkedInExportStatus(enum.Enum):
    PENDING = described(
        "PENDING",
        "Not processed yet, or waiting for LinkedIn to answer.",
    )
    DONE = described(
        "DONE",
        "The candidate is in the ATS (and applied to the job when one was named).",
    )
    FAILED = described(
        "FAILED",
        "Could not be processed; `error` says why.",
    )


@strawberry.type(description="One One-Click Export notification from LinkedIn and what the ATS made of it.")
class LinkedInExport(relay.Node):
    id: relay.NodeID[int]
    request_id: str = strawberry.field(description="LinkedIn's request id (the notification id).")
    status: LinkedInExportStatus = strawberry.field(
        description="PENDING until processed (also while LinkedIn is unavailable), then DONE or FAILED."
    )
    seat_urn: str | None = strawberry.field(description="The Recruiter seat that exported, once fetched.")
    member_urn: str | None = strawberry.field(description="The exported member's person URN, once fetched.")
    external_job_posting_id: str | None = strawberry.field(
        description="The ATS job the member was exported to, as LinkedIn names it."
    )
    created_candidate: bool | None = strawberry.field(
        description="True when the export created the candidate, false when it matched an existing one."
    )
    match_reason: str | None = strawberry.field(
        description="Why the candidate was matched (person URN, email or profile URL) or created."
    )
    attempts: int = strawberry.field(description="How many times processing was attempted.")
    error: str | None = strawberry.field(
        description="Why it failed, or the last transient error while it is still pending."
    )
    received_at: datetime = strawberry.field(description="When the notification arrived.")
    exported_at: datetime | None = strawberry.field(description="When the recruiter exported, per LinkedIn.")
    completed_at: datetime | None = strawberry.field(description="When processing finished (DONE or FAILED).")
    row: strawberry.Private[models.ExportRequest]

    @classmethod
    def from_row(cls, row: models.ExportRequest) -> LinkedInExport:
        """The GraphQL view of an export request row."""
        assert row.id is not None
        return cls(
            id=row.id,
            request_id=row.request_id,
            status=LinkedInExportStatus(row.status.value),
            seat_urn=row.seat_urn,
            member_urn=row.member_urn,
            external_job_posting_id=row.external_job_id,
            created_candidate=row.candidate_created,
            match_reason=row.match_reason,
            attempts=row.attempts,
            error=row.error,
            received_at=row.received_at,
            exported_at=row.exported_at,
            completed_at=row.completed_at,
            row=row,
        )

    @strawberry.field(description="The candidate the export matched or created.")
    async def candidate(self, info: Info) -> Candidate | None:
        if self.row.candidate_id is None:
            return None
        row = await info.context.loaders.candidate_by_id.load(self.row.candidate_id)
        return Candidate.from_row(row) if row is not None else None

    @strawberry.field(description="The application to the exported-to job.")
    async def application(self, info: Info) -> Application | None:
        if self.row.application_id is None:
            return None
        row = await info.context.loaders.application_by_id.load(self.row.application_id)
        return Application.from_row(row) if row is not None else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[LinkedInExport | None]:
        rows = await info.context.loaders.linkedin_export_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type(description="One Recruiter seat's One-Click Exports this calendar month (UTC).")
class ExportSeatUsage:
    seat_urn: str = strawberry.field(description="The Recruiter seat.")
    recruiter: User | None = strawberry.field(description="The ATS user holding the seat, if mapped.")
    month: str = strawberry.field(description="The calendar month counted, `YYYY-MM` (UTC).")
    used: int = strawberry.field(description="Exports this month.")
    limit: int = strawberry.field(description="LinkedIn's monthly limit per seat (300).")
    remaining: int = strawberry.field(description="Exports left this month (never below 0).")


@strawberry.input(description="The export to process (again).")
class ProcessLinkedInExportInput:
    request_id: str = strawberry.field(
        description="LinkedIn's request id; one never received by the webhook is fetched from LinkedIn."
    )


@strawberry.type(description="The result of `processLinkedInExport`.")
class ProcessLinkedInExportPayload:
    export: LinkedInExport | None = strawberry.field(description="The export request and its outcome.")
    candidate: Candidate | None = strawberry.field(description="The candidate matched or created.")
    application: Application | None = strawberry.field(description="The application to the job.")
    created: bool = strawberry.field(description="True when this export created the candidate.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the export failed (wrong customer, closed or unknown job) or is still pending "
        "(LINKEDIN_UNAVAILABLE: a later pass completes it)."
    )


def _status(value: LinkedInExportStatus | None) -> models.ExportStatus | None:
    return None if value is None else models.ExportStatus(value.value)


@strawberry.type
class ExportQuery:
    @strawberry.field(description="One One-Click Export by LinkedIn's request id; null when unknown.")
    async def linkedin_export(
        self,
        info: Info,
        request_id: Annotated[str, strawberry.argument(description="LinkedIn's request id.")],
    ) -> LinkedInExport | None:
        row = await exports.export_request(
            info.context.services.sessions, info.context.tenant.id, request_id, sight=info.context.job_sight
        )
        return LinkedInExport.from_row(row) if row is not None else None

    @strawberry.field(description="One-Click Exports received, newest first.")
    async def linkedin_exports(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        status: Annotated[
            LinkedInExportStatus | None, strawberry.argument(description="Only exports in this state.")
        ] = None,
    ) -> Connection[LinkedInExport]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await exports.export_requests_page(
            services.sessions,
            info.context.tenant.id,
            status=_status(status),
            offset=window.offset,
            limit=window.limit,
            sight=info.context.job_sight,
        )
        nodes = [LinkedInExport.from_row(row) for row in rows]
        return build_connection(Connection[LinkedInExport], nodes, window=window, total=total)

    @strawberry.field(
        description="One-Click Exports per Recruiter seat this calendar month, against the limit."
    )
    async def export_usage(self, info: Info) -> list[ExportSeatUsage]:
        services = info.context.services
        usage = await export_usage.export_usage(
            services.sessions, info.context.tenant.id, services.config.exports_per_seat_per_month
        )
        return [
            ExportSeatUsage(
                seat_urn=seat.seat_urn,
                recruiter=User.from_row(seat.recruiter) if seat.recruiter is not None else None,
                month=seat.month,
                used=seat.used,
                limit=seat.limit,
                remaining=seat.remaining,
            )
            for seat in usage
        ]


@strawberry.type
class ExportMutation:
    @strawberry.mutation(
        description="Process a One-Click Export now (a replay, or support's fix): idempotent; "
        "matches or creates the candidate, applies it to the job, sets manualMatchedMember."
    )
    async def process_linked_in_export(
        self, info: Info, input: ProcessLinkedInExportInput
    ) -> ProcessLinkedInExportPayload:
        try:
            request_id = exports.validate_request_id(input.request_id)
            outcome = await exports.process_export_as(
                info.context.services, info.context.tenant, request_id, sight=info.context.job_sight
            )
        except DomainError as error:
            return ProcessLinkedInExportPayload(
                export=None,
                candidate=None,
                application=None,
                created=False,
                user_errors=[UserError.from_domain(error)],
            )
        errors = [UserError.from_domain(e) for e in exports.outcome_errors(outcome)]
        application = outcome.application
        if application is not None and application.id is not None:
            # Through the viewer's loader: an application on a secured job outside its groups stays hidden.
            application = await info.context.loaders.application_by_id.load(application.id)
        return ProcessLinkedInExportPayload(
            export=LinkedInExport.from_row(outcome.request),
            candidate=Candidate.from_row(outcome.candidate) if outcome.candidate else None,
            application=Application.from_row(application) if application else None,
            created=outcome.created,
            user_errors=errors,
        )

"""`Query.syncStatus`: how far the ATS → LinkedIn sync has got, per entity type."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry

import models
from graph.context import Info
from graph.described import described
from graph.errors import ClientError
from graph.ids import global_id
from resolvers.sync import status as sync_status

# Entity types whose records are Relay nodes, with their GraphQL type names.
_NODE_TYPES = {
    models.SyncEntity.CANDIDATE: "Candidate",
    models.SyncEntity.JOB: "Job",
    models.SyncEntity.APPLICATION: "Application",
    models.SyncEntity.ENTITY_ACL: "Job",
    models.SyncEntity.ACL_ASSIGNEE: "User",
}
MAX_FAILURES = 50


@strawberry.enum(description="A kind of ATS record the server pushes to LinkedIn.")
class SyncEntityType(enum.Enum):
    JOB = described(
        "JOB",
        "A job (atsJobPostings).",
    )
    CANDIDATE = described(
        "CANDIDATE",
        "A candidate (atsCandidates).",
    )
    CANDIDATE_NOTE = described(
        "CANDIDATE_NOTE",
        "A note on a candidate (the candidate's notes on LinkedIn).",
    )
    APPLICATION = described(
        "APPLICATION",
        "An application (atsApplications).",
    )
    APPLICATION_NOTE = described(
        "APPLICATION_NOTE",
        "A note on an application.",
    )
    APPLICATION_STAGE = described(
        "APPLICATION_STAGE",
        "A step of an application's stage history.",
    )
    INTERVIEW_FEEDBACK = described(
        "INTERVIEW_FEEDBACK",
        "Interview feedback on an application.",
    )
    ENTITY_ACL = strawberry.enum_value(
        "ENTITY_ACL", description="A secured job's ACLs on LinkedIn (atsEntityAcls); the record is the job."
    )
    ACL_ASSIGNEE = strawberry.enum_value(
        "ACL_ASSIGNEE",
        description="A user's ACL assignments on LinkedIn (atsEntityAclAssignees, by person URN); the "
        "record is the user. Skipped while the user has no person URN.",
    )


@strawberry.enum(description="Why a record is not on LinkedIn.")
class SyncProblemKind(enum.Enum):
    FAILED = strawberry.enum_value("FAILED", description="LinkedIn refused it; it is not retried.")
    SKIPPED = strawberry.enum_value("SKIPPED", description="Never sent, e.g. a candidate without email.")


@strawberry.type(description="One record that is not on LinkedIn, and why.")
class SyncFailure:
    ats_id: int = strawberry.field(description="The record's id in the ATS.")
    record_id: strawberry.ID | None = strawberry.field(
        description="The record's global ID, for candidates, jobs and applications."
    )
    kind: SyncProblemKind = strawberry.field(description="Refused by LinkedIn, or never sent.")
    reason: str = strawberry.field(description="LinkedIn's answer, or why it was not sent.")
    at: datetime = strawberry.field(description="When this was decided.")


@strawberry.type(description="The sync state of one kind of record.")
class EntitySyncStatus:
    entity_type: SyncEntityType = strawberry.field(description="The kind of record.")
    pending: int = strawberry.field(description="Records with changes not yet confirmed by LinkedIn.")
    sent: int = strawberry.field(description="Records whose latest state LinkedIn holds.")
    failed: int = strawberry.field(description="Records LinkedIn refused (parked, never retried).")
    skipped: int = strawberry.field(description="Records never sent, e.g. candidates without email.")
    failures: list[SyncFailure] = strawberry.field(
        description="The most recent refused or skipped records, newest first."
    )


@strawberry.type(description="How far the ATS → LinkedIn sync has got.")
class SyncStatusReport:
    entities: list[EntitySyncStatus] = strawberry.field(
        description="One entry per kind of record, in dependency order (jobs, candidates, ...)."
    )
    backfill_enqueued_at: datetime | None = strawberry.field(
        description="When `rscgraph sync backfill` last enqueued the history; null if never."
    )
    initial_sync_complete: bool = strawberry.field(
        description="True once the backfill was enqueued and nothing it enqueued is still pending."
    )


def _failure(problem: sync_status.Problem) -> SyncFailure:
    type_name = _NODE_TYPES.get(problem.entity_type)
    return SyncFailure(
        ats_id=problem.entity_id,
        record_id=None if type_name is None else global_id(type_name, problem.entity_id),
        kind=SyncProblemKind.FAILED
        if problem.status is models.OutboxStatus.PARKED
        else SyncProblemKind.SKIPPED,
        reason=problem.error or "",
        at=problem.at,
    )


@strawberry.type
class SyncStatusQuery:
    @strawberry.field(description="Per kind of record: pending, sent, failed and skipped, with the reasons.")
    async def sync_status(
        self,
        info: Info,
        failures: Annotated[
            int,
            strawberry.argument(
                description=f"How many failures to list per kind of record (0 to {MAX_FAILURES})."
            ),
        ] = 5,
    ) -> SyncStatusReport:
        if not 0 <= failures <= MAX_FAILURES:
            raise ClientError(f"`failures` must be between 0 and {MAX_FAILURES}", argument="failures")
        report = await sync_status.sync_status(
            info.context.services.sessions, info.context.tenant.id, failures_per_type=failures
        )
        return SyncStatusReport(
            entities=[
                EntitySyncStatus(
                    entity_type=SyncEntityType(e.entity_type.value),
                    pending=e.pending,
                    sent=e.sent,
                    failed=e.failed,
                    skipped=e.skipped,
                    failures=[_failure(p) for p in e.failures],
                )
                for e in report.entities
            ],
            backfill_enqueued_at=report.backfill_enqueued_at,
            initial_sync_complete=report.initial_sync_complete,
        )

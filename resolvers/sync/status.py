"""The syncStatus read model: per entity type, how many records are pending, sent, parked, skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models import OutboxStatus, SyncEntity
from models.db import SessionFactory
from models.sync_statuses import (
    Problem,
    backfill_enqueued_at,
    pending_counts,
    pending_enqueued_before,
    recent_problems,
    status_counts,
)
from resolvers.sync.plan import UPSERT_ORDER

__all__ = ["EntitySyncStatus", "Problem", "SyncStatusReport", "sync_status"]


@dataclass(frozen=True, slots=True)
class EntitySyncStatus:
    """The sync state of one entity type."""

    entity_type: SyncEntity
    pending: int
    sent: int
    failed: int
    skipped: int
    failures: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SyncStatusReport:
    """Every entity type, in dependency order, and whether the initial backfill has been sent."""

    entities: list[EntitySyncStatus]
    backfill_enqueued_at: datetime | None
    initial_sync_complete: bool


async def sync_status(
    sessions: SessionFactory, customer_id: int, *, failures_per_type: int = 5
) -> SyncStatusReport:
    """The customer's counts per entity type and most recent failures (a constant five statements)."""
    async with sessions() as db:
        pending = await pending_counts(db, customer_id)
        counts = await status_counts(db, customer_id)
        problems = await recent_problems(db, customer_id, failures_per_type)
        backfill_at = await backfill_enqueued_at(db, customer_id)
        backlog = 0 if backfill_at is None else await pending_enqueued_before(db, customer_id, backfill_at)
    entities = [
        EntitySyncStatus(
            entity_type=t,
            pending=pending.get(t, 0),
            sent=counts.get((t, OutboxStatus.SENT), 0),
            failed=counts.get((t, OutboxStatus.PARKED), 0),
            skipped=counts.get((t, OutboxStatus.SKIPPED), 0),
            failures=[p for p in problems if p.entity_type is t],
        )
        for t in UPSERT_ORDER
    ]
    return SyncStatusReport(entities, backfill_at, backfill_at is not None and backlog == 0)

"""SyncStatus (one row per pushed ATS record of a customer) writes, and the counts behind `syncStatus`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.integration import OutboxEvent, OutboxStatus, SyncEntity, SyncStatus, SyncWatermark
from models.upsert import insert_for

_S = SyncStatus.__table__  # type: ignore[attr-defined]
_O = OutboxEvent.__table__  # type: ignore[attr-defined]
_W = SyncWatermark.__table__  # type: ignore[attr-defined]

BACKFILL_STREAM = "outbox_backfill"
BACKFILL_SCOPE = "*"


@dataclass(frozen=True, slots=True)
class StatusChange:
    """LinkedIn's latest answer for one record (or why it was not sent)."""

    entity_type: SyncEntity
    entity_id: int
    status: OutboxStatus
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """A record LinkedIn refused (PARKED) or that was never sent (SKIPPED), with the reason."""

    entity_type: SyncEntity
    entity_id: int
    status: OutboxStatus
    error: str | None
    at: datetime


async def upsert_statuses(
    db: AsyncSession, customer_id: int, changes: Sequence[StatusChange], *, now: datetime
) -> None:
    """Insert or replace the SyncStatus of each of the customer's records (one statement); the caller
    commits."""
    if not changes:
        return
    latest = {(c.entity_type, c.entity_id): c for c in changes}
    values = [
        {
            "customer_id": customer_id,
            "entity_type": c.entity_type.value,
            "entity_id": c.entity_id,
            "status": c.status.value,
            "error": c.error,
            "last_pushed_at": now if c.status is OutboxStatus.SENT else None,
            "updated_at": now,
        }
        for c in latest.values()
    ]
    insert = insert_for(db, SyncStatus)
    excluded = insert.excluded
    # executemany of one cached statement: a multi-VALUES insert would be compiled afresh every batch.
    statement = insert.on_conflict_do_update(
        index_elements=[_S.c.customer_id, _S.c.entity_type, _S.c.entity_id],
        set_={
            "status": excluded.status,
            "error": excluded.error,
            # A failed push must not erase when the record last reached LinkedIn.
            "last_pushed_at": sa.func.coalesce(excluded.last_pushed_at, _S.c.last_pushed_at),
            "updated_at": excluded.updated_at,
        },
    )
    await db.exec(statement, params=values)


async def delete_statuses(
    db: AsyncSession, customer_id: int, entity_type: SyncEntity, entity_ids: Sequence[int]
) -> None:
    """Forget the status of records whose deletion LinkedIn confirmed; the caller commits."""
    if entity_ids:
        await db.exec(
            sa.delete(_S).where(
                _S.c.customer_id == customer_id,
                _S.c.entity_type == entity_type.value,
                _S.c.entity_id.in_(list(entity_ids)),
            )
        )


async def statuses_of(
    db: AsyncSession, customer_id: int, entity_type: SyncEntity, entity_ids: Sequence[int]
) -> dict[int, OutboxStatus]:
    """The current SyncStatus of these records (absent when never pushed)."""
    if not entity_ids:
        return {}
    statement = select(_S.c.entity_id, _S.c.status).where(
        _S.c.customer_id == customer_id,
        _S.c.entity_type == entity_type.value,
        _S.c.entity_id.in_(list(entity_ids)),
    )
    return {int(i): OutboxStatus(s) for i, s in (await db.exec(statement)).all()}


async def status_counts(db: AsyncSession, customer_id: int) -> dict[tuple[SyncEntity, OutboxStatus], int]:
    """How many records per entity type are SENT / PARKED / SKIPPED."""
    statement = (
        select(_S.c.entity_type, _S.c.status, sa.func.count())
        .where(_S.c.customer_id == customer_id)
        .group_by(_S.c.entity_type, _S.c.status)
    )
    return {(SyncEntity(t), OutboxStatus(s)): int(n) for t, s, n in (await db.exec(statement)).all()}


async def pending_counts(db: AsyncSession, customer_id: int) -> dict[SyncEntity, int]:
    """How many distinct records per entity type still have a PENDING outbox row."""
    statement = (
        select(_O.c.entity_type, sa.func.count(sa.distinct(_O.c.entity_id)))
        .where(_O.c.customer_id == customer_id, _O.c.status == OutboxStatus.PENDING.value)
        .group_by(_O.c.entity_type)
    )
    return {SyncEntity(t): int(n) for t, n in (await db.exec(statement)).all()}


async def recent_problems(db: AsyncSession, customer_id: int, per_type: int) -> list[Problem]:
    """The `per_type` most recent PARKED or SKIPPED records of each entity type (one statement)."""
    rank = (
        sa.func.row_number()
        .over(partition_by=_S.c.entity_type, order_by=(_S.c.updated_at.desc(), _S.c.entity_id.desc()))
        .label("rank")
    )
    ranked = (
        sa.select(_S.c.entity_type, _S.c.entity_id, _S.c.status, _S.c.error, _S.c.updated_at, rank)
        .where(
            _S.c.customer_id == customer_id,
            _S.c.status.in_([OutboxStatus.PARKED.value, OutboxStatus.SKIPPED.value]),
        )
        .subquery()
    )
    statement = (
        sa.select(
            ranked.c.entity_type, ranked.c.entity_id, ranked.c.status, ranked.c.error, ranked.c.updated_at
        )
        .where(ranked.c.rank <= per_type)
        .order_by(ranked.c.entity_type, ranked.c.rank)
    )
    # Wider than sqlmodel's typed select: run it on the session's connection.
    rows = (await (await db.connection()).execute(statement)).all()
    return [Problem(SyncEntity(t), int(i), OutboxStatus(s), e, at) for t, i, s, e, at in rows]


async def backfill_enqueued_at(db: AsyncSession, customer_id: int) -> datetime | None:
    """When the customer's last backfill was enqueued (None when there never was one)."""
    statement = select(_W.c.updated_at).where(
        _W.c.customer_id == customer_id, _W.c.stream == BACKFILL_STREAM, _W.c.seat_urn == BACKFILL_SCOPE
    )
    return (await db.exec(statement)).first()


async def pending_enqueued_before(db: AsyncSession, customer_id: int, moment: datetime) -> int:
    """How many PENDING outbox rows were enqueued at or before `moment` (a backfill's rows)."""
    statement = select(sa.func.count()).where(
        _O.c.customer_id == customer_id, _O.c.status == OutboxStatus.PENDING.value, _O.c.created_at <= moment
    )
    return int((await db.exec(statement)).one())


# Per customer, for the onboarding status page. The sync branch makes `status_counts` and
# `pending_enqueued_before` take the customer: at its merge these two fold into them.
async def customer_status_counts(
    db: AsyncSession, customer_id: int
) -> dict[tuple[SyncEntity, OutboxStatus], int]:
    """How many of the customer's records per entity type are SENT / PARKED / SKIPPED."""
    statement = (
        select(_S.c.entity_type, _S.c.status, sa.func.count())
        .where(_S.c.customer_id == customer_id)
        .group_by(_S.c.entity_type, _S.c.status)
    )
    return {(SyncEntity(t), OutboxStatus(s)): int(n) for t, s, n in (await db.exec(statement)).all()}


async def customer_pending_enqueued_before(db: AsyncSession, customer_id: int, moment: datetime) -> int:
    """How many of the customer's PENDING outbox rows were enqueued at or before `moment`."""
    statement = select(sa.func.count()).where(
        _O.c.customer_id == customer_id, _O.c.status == OutboxStatus.PENDING.value, _O.c.created_at <= moment
    )
    return int((await db.exec(statement)).one())


__all__ = [
    "BACKFILL_SCOPE",
    "BACKFILL_STREAM",
    "Problem",
    "StatusChange",
    "backfill_enqueued_at",
    "customer_pending_enqueued_before",
    "customer_status_counts",
    "delete_statuses",
    "pending_counts",
    "pending_enqueued_before",
    "recent_problems",
    "status_counts",
    "statuses_of",
    "upsert_statuses",
]

"""Claiming a customer's due outbox rows under a lease, and settling them once LinkedIn has answered.

A claim sets `locked_until` (the lease), which the worker's heartbeat moves forward while it sends, so
a dead worker's rows are free again within one short lease. Settling a row only succeeds while the lease
the worker holds is still the row's lease (a fencing token: the worker's latest renewal), so a worker
that lost its lease cannot overwrite the work of the worker that took the row over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.integration import OutboxEvent, OutboxOp, OutboxStatus, SyncEntity

_T = OutboxEvent.__table__  # type: ignore[attr-defined]
_other = _T.alias("other")


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """A leased outbox row: what the worker needs of it (no ORM instance, so claiming stays cheap)."""

    id: int
    entity_type: SyncEntity
    entity_id: int
    op: OutboxOp
    key: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class Settlement:
    """The new state of one claimed row: SENT / PARKED / SKIPPED, or PENDING again (retry or wait)."""

    id: int
    status: OutboxStatus
    error: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    key: dict[str, Any] | None = None


async def claim_due(
    db: AsyncSession, customer_id: int, *, now: datetime, lease_until: datetime, limit: int
) -> list[ClaimedRow]:
    """Lease up to `limit` of the customer's due PENDING rows (longest due first) in one statement, and
    commit the claim.

    PostgreSQL: `FOR UPDATE SKIP LOCKED` in the sub-select, so concurrent claimers never take the same
    row. SQLite: one UPDATE is one write transaction, which SQLite serialises.
    """
    due = (
        sa.select(_T.c.id)
        .where(
            _T.c.customer_id == customer_id,
            _T.c.status == OutboxStatus.PENDING.value,
            _T.c.next_attempt_at <= now,
            sa.or_(_T.c.locked_until.is_(None), _T.c.locked_until < now),
            # Never split one record's changes between two live workers: an older upsert sent after a
            # newer delete would bring the record back on LinkedIn.
            ~sa.exists().where(
                _other.c.customer_id == _T.c.customer_id,
                _other.c.entity_type == _T.c.entity_type,
                _other.c.entity_id == _T.c.entity_id,
                _other.c.status == OutboxStatus.PENDING.value,
                _other.c.locked_until >= now,
            ),
        )
        # The order of ix_outbox_event_due, so the scan stops at `limit` instead of sorting every due
        # row; rows enqueued together (a write, a backfill) share a time and keep their id order.
        .order_by(_T.c.next_attempt_at, _T.c.id)
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        sa.update(_T)
        .where(_T.c.customer_id == customer_id, _T.c.id.in_(due.scalar_subquery()))
        .values(locked_until=lease_until)
        .returning(_T.c.id, _T.c.entity_type, _T.c.entity_id, _T.c.op, _T.c.key, _T.c.attempts)
    )
    rows = (await db.exec(statement)).all()
    await db.commit()
    claimed = [
        ClaimedRow(int(i), SyncEntity(t), int(e), OutboxOp(o), dict(k or {}), int(a))
        for i, t, e, o, k, a in rows
    ]
    return sorted(claimed, key=lambda row: row.id)


async def settle(
    db: AsyncSession,
    customer_id: int,
    settlements: Sequence[Settlement],
    *,
    lease_until: datetime,
    now: datetime,
) -> None:
    """Apply outcomes to rows still held under `lease_until` (a row whose lease was taken over is left
    alone). The caller commits, together with the matching SyncStatus changes."""
    if not settlements:
        return
    done = [s for s in settlements if s.status is not OutboxStatus.PENDING]
    again = [s for s in settlements if s.status is OutboxStatus.PENDING]
    # Finished rows share few (status, reason) pairs: one UPDATE per pair, not one per row.
    finished: dict[tuple[OutboxStatus, str | None], list[int]] = {}
    for s in done:
        finished.setdefault((s.status, s.error), []).append(s.id)
    for (status, error), ids in finished.items():
        await db.exec(
            sa.update(_T)
            .where(_T.c.customer_id == customer_id, _T.c.id.in_(ids), _T.c.locked_until == lease_until)
            .values(
                status=status.value,
                last_error=error,
                sent_at=now if status is OutboxStatus.SENT else None,
                locked_until=None,
            )
        )
    if again:
        statement = (
            sa.update(_T)
            .where(
                _T.c.customer_id == customer_id,
                _T.c.id == sa.bindparam("b_id"),
                _T.c.locked_until == sa.bindparam("b_lease"),
            )
            .values(
                attempts=sa.bindparam("b_attempts"),
                next_attempt_at=sa.bindparam("b_next"),
                last_error=sa.bindparam("b_error"),
                key=sa.bindparam("b_key", type_=_T.c.key.type),
                locked_until=None,
            )
        )
        params = [
            {
                "b_id": s.id,
                "b_lease": lease_until,
                "b_attempts": s.attempts,
                "b_next": s.next_attempt_at or now,
                "b_error": s.error,
                "b_key": s.key or {},
            }
            for s in again
        ]
        await db.exec(statement, params=params)


async def extend(
    db: AsyncSession, customer_id: int, ids: Sequence[int], *, lease_until: datetime, new_until: datetime
) -> int:
    """Move the lease of those rows still held under `lease_until` to `new_until` (a heartbeat); how many
    moved. The caller commits."""
    if not ids:
        return 0
    result = await db.exec(
        sa.update(_T)
        .where(_T.c.customer_id == customer_id, _T.c.id.in_(ids), _T.c.locked_until == lease_until)
        .values(locked_until=new_until)
    )
    return int(result.rowcount)


async def release(db: AsyncSession, customer_id: int, ids: Sequence[int], *, lease_until: datetime) -> None:
    """Give back rows still held under `lease_until`, unsent and due as they were (a worker stopping).
    The caller commits."""
    if ids:
        await db.exec(
            sa.update(_T)
            .where(_T.c.customer_id == customer_id, _T.c.id.in_(ids), _T.c.locked_until == lease_until)
            .values(locked_until=None)
        )


__all__ = [
    "ClaimedRow",
    "OutboxBacklog",
    "Settlement",
    "claim_due",
    "extend",
    "outbox_backlog",
    "release",
    "settle",
]


async def pending_upserts(
    db: AsyncSession, customer_id: int, entity_type: SyncEntity, entity_id: int
) -> list[int]:
    """The ids of the record's unsent upsert rows (claimed or not)."""
    statement = select(_T.c.id).where(
        _T.c.customer_id == customer_id,
        _T.c.entity_type == entity_type.value,
        _T.c.entity_id == entity_id,
        _T.c.op == OutboxOp.UPSERT.value,
        _T.c.status == OutboxStatus.PENDING.value,
    )
    return [int(i) for i in (await db.exec(statement)).all()]


async def supersede(db: AsyncSession, customer_id: int, ids: Sequence[int], *, now: datetime) -> int:
    """Mark unclaimed PENDING rows SENT: LinkedIn already has what they would send (a whole record was
    put outside the outbox, read after they were written). A row a worker holds is left to it (sending
    it again is idempotent). How many were marked; the caller commits."""
    if not ids:
        return 0
    result = await db.exec(
        sa.update(_T)
        .where(
            _T.c.customer_id == customer_id,
            _T.c.id.in_(ids),
            _T.c.status == OutboxStatus.PENDING.value,
            sa.or_(_T.c.locked_until.is_(None), _T.c.locked_until < now),
        )
        .values(status=OutboxStatus.SENT.value, sent_at=now, last_error=None)
    )
    return int(result.rowcount)


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """How many outbox rows wait to be sent, and since when the oldest waits (None: none waits)."""

    depth: int
    oldest_created_at: datetime | None


async def outbox_backlog(db: AsyncSession, customer_id: int) -> OutboxBacklog:
    """The customer's PENDING outbox rows: their count and the oldest one's creation time."""
    statement = sa.select(sa.func.count(), sa.func.min(_T.c.created_at)).where(
        _T.c.customer_id == customer_id, _T.c.status == OutboxStatus.PENDING.value
    )
    depth, oldest = (await (await db.connection()).execute(statement)).one()
    return OutboxBacklog(int(depth), oldest)

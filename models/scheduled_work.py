"""The `scheduled_work` table: what background work is due, per customer, kind and seat, and who runs it.

Any worker process claims the most overdue rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so processes
never take the same row; on SQLite one process runs the jobs), holds them for a short TTL renewed by a
heartbeat, and gives each back with its next due time. Ordering by due time alone is the fairness: a
customer with many seats has more rows, each waiting its turn, and a failing customer's rows come back
later (backoff) instead of being retried ahead of everyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import UTCDateTime, timestamp_field, utcnow
from models.tenant_keys import customer_id_field
from models.upsert import insert_for, table_of

# The seat of a unit of work that is the customer's as a whole (its outbox, its exports).
WHOLE_CUSTOMER = ""


class ScheduledWork(SQLModel, table=True):
    """One unit of recurring work of a customer: when it is next due, and who holds it now."""

    __tablename__ = "scheduled_work"
    __table_args__ = (sa.Index("ix_scheduled_work_due", "next_run_at"),)

    customer_id: int = customer_id_field()
    kind: str = Field(primary_key=True, max_length=30)
    seat_urn: str = Field(primary_key=True, max_length=100, default=WHOLE_CUSTOMER)
    next_run_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    holder: str | None = Field(default=None, max_length=200)
    held_until: datetime | None = timestamp_field()
    # Failures in a row (0 after a success): the backoff grows with them.
    failures: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    last_started_at: datetime | None = timestamp_field()
    last_finished_at: datetime | None = timestamp_field()


@dataclass(frozen=True, slots=True)
class WorkKey:
    """Which unit: a customer's kind of work, for one seat or the whole customer."""

    customer_id: int
    kind: str
    seat_urn: str = WHOLE_CUSTOMER


@dataclass(frozen=True, slots=True)
class Claimed:
    """A unit this process now holds, with how late it started (its wait past its due time)."""

    key: WorkKey
    due_at: datetime
    failures: int


def _matches(key: WorkKey) -> list[sa.ColumnElement[bool]]:
    return [
        col(ScheduledWork.customer_id) == key.customer_id,
        col(ScheduledWork.kind) == key.kind,
        col(ScheduledWork.seat_urn) == key.seat_urn,
    ]


async def ensure_scheduled(db: AsyncSession, keys: Sequence[WorkKey], *, due_at: datetime) -> None:
    """Schedule these units if they are not yet (first due `due_at`); existing ones keep their times."""
    if not keys:
        return
    table = table_of(ScheduledWork)
    rows = [
        {
            "customer_id": k.customer_id,
            "kind": k.kind,
            "seat_urn": k.seat_urn,
            "next_run_at": due_at,
            "failures": 0,
        }
        for k in keys
    ]
    statement = insert_for(db, ScheduledWork).values(rows)
    await db.exec(
        statement.on_conflict_do_nothing(index_elements=[table.c.customer_id, table.c.kind, table.c.seat_urn])
    )


async def due_by(db: AsyncSession, key: WorkKey, *, latest: datetime) -> None:
    """Bring a unit's due time forward to `latest` when it lies later (an interval that shrank)."""
    await db.exec(
        update(ScheduledWork)
        .where(*_matches(key), col(ScheduledWork.next_run_at) > latest)
        .values(next_run_at=latest)
    )


async def unschedule(db: AsyncSession, customer_id: int, kind: str, keep_seats: Sequence[str]) -> None:
    """Drop a customer's units of `kind` whose seat is no longer among `keep_seats`."""
    await db.exec(
        sa.delete(ScheduledWork).where(
            col(ScheduledWork.customer_id) == customer_id,
            col(ScheduledWork.kind) == kind,
            col(ScheduledWork.seat_urn).not_in(list(keep_seats)),
        )
    )


async def claim_due(
    db: AsyncSession,
    holder: str,
    *,
    kinds: Sequence[str],
    limit: int,
    ttl: timedelta,
    now: datetime | None = None,
    customer_id: int | None = None,
) -> list[Claimed]:
    """Take up to `limit` due units nobody holds, most overdue first, for `ttl` (only `customer_id`'s
    when given). The caller commits."""
    now = now or utcnow()
    due = (
        select(ScheduledWork.customer_id, ScheduledWork.kind, ScheduledWork.seat_urn)
        .where(
            col(ScheduledWork.kind).in_(list(kinds)),
            col(ScheduledWork.next_run_at) <= now,
            sa.or_(col(ScheduledWork.held_until).is_(None), col(ScheduledWork.held_until) <= now),
        )
        .order_by(col(ScheduledWork.next_run_at))
        .limit(limit)
    )
    if customer_id is not None:
        due = due.where(col(ScheduledWork.customer_id) == customer_id)
    if db.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    picked = (await db.exec(due)).all()
    claimed: list[Claimed] = []
    for customer_id, kind, seat_urn in picked:
        key = WorkKey(customer_id, kind, seat_urn)
        row = (
            await db.exec(
                update(ScheduledWork)
                .where(*_matches(key))
                .values(holder=holder, held_until=now + ttl, last_started_at=now)
                .returning(col(ScheduledWork.next_run_at), col(ScheduledWork.failures))
            )
        ).first()
        if row is not None:
            claimed.append(Claimed(key, row[0], row[1]))
    return claimed


async def renew_held(
    db: AsyncSession, keys: Sequence[WorkKey], holder: str, ttl: timedelta, *, now: datetime | None = None
) -> int:
    """Extend our hold on these units; how many are still ours."""
    now = now or utcnow()
    held = 0
    for key in keys:
        result = await db.exec(
            update(ScheduledWork)
            .where(*_matches(key), col(ScheduledWork.holder) == holder)
            .values(held_until=now + ttl)
        )
        held += result.rowcount
    return held


async def finish(
    db: AsyncSession,
    key: WorkKey,
    holder: str,
    *,
    next_run_at: datetime,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Give a unit back, due again at `next_run_at`; `error` counts a failure (None: a success)."""
    failures = col(ScheduledWork.failures) + 1 if error is not None else 0
    due: sa.ColumnElement[datetime] | datetime = next_run_at
    if error is None:
        # Made due again while it ran (`run_soon` moved its due time past its start): run again soon.
        woken = sa.and_(
            col(ScheduledWork.last_started_at).is_not(None),
            col(ScheduledWork.next_run_at) > col(ScheduledWork.last_started_at),
            col(ScheduledWork.next_run_at) < next_run_at,
        )
        due = sa.case((woken, col(ScheduledWork.next_run_at)), else_=sa.literal(next_run_at, UTCDateTime))
    await db.exec(
        update(ScheduledWork)
        .where(*_matches(key), col(ScheduledWork.holder) == holder)
        .values(
            holder=None,
            held_until=None,
            next_run_at=due,
            failures=failures,
            last_error=error[:500] if error is not None else None,
            last_finished_at=now or utcnow(),
        )
    )


async def release(
    db: AsyncSession, key: WorkKey, holder: str, *, next_run_at: datetime | None = None
) -> None:
    """Give a unit back without running it (its customer was busy elsewhere): its failures stay as they
    were; due again at `next_run_at` (None: when it was due)."""
    values: dict[str, object] = {"holder": None, "held_until": None}
    if next_run_at is not None:
        values["next_run_at"] = next_run_at
    await db.exec(
        update(ScheduledWork).where(*_matches(key), col(ScheduledWork.holder) == holder).values(**values)
    )


async def run_soon(db: AsyncSession, key: WorkKey, *, now: datetime | None = None) -> bool:
    """Make a unit due now (e.g. a push recorded an export); whether it is scheduled. A unit running
    now keeps this for when it is given back (`finish` runs it again at once after a success)."""
    now = now or utcnow()
    result = await db.exec(
        update(ScheduledWork)
        .where(
            *_matches(key),
            sa.or_(col(ScheduledWork.next_run_at) > now, col(ScheduledWork.holder).is_not(None)),
        )
        .values(next_run_at=now)
    )
    if result.rowcount:
        return True
    exists = await db.exec(select(ScheduledWork.kind).where(*_matches(key)))
    return exists.first() is not None


async def units_of(db: AsyncSession, customer_id: int, kind: str) -> int:
    """How many units of `kind` the customer has (its polled seats, for `poll`)."""
    statement = (
        select(sa.func.count())
        .select_from(ScheduledWork)
        .where(col(ScheduledWork.customer_id) == customer_id, col(ScheduledWork.kind) == kind)
    )
    return int((await db.exec(statement)).one())


async def scheduled_for(db: AsyncSession, customer_id: int) -> list[ScheduledWork]:
    """A customer's units, by kind and seat (the status page and the CLI show them)."""
    statement = (
        select(ScheduledWork)
        .where(col(ScheduledWork.customer_id) == customer_id)
        .order_by(col(ScheduledWork.kind), col(ScheduledWork.seat_urn))
    )
    return list((await db.exec(statement)).all())


__all__ = [
    "WHOLE_CUSTOMER",
    "Claimed",
    "ScheduledWork",
    "WorkKey",
    "claim_due",
    "due_by",
    "ensure_scheduled",
    "finish",
    "release",
    "renew_held",
    "run_soon",
    "scheduled_for",
    "units_of",
    "unschedule",
]

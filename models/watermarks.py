"""Poll watermarks: how far each LinkedIn stream has been stored, per customer and Recruiter seat."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import utcnow
from models.integration import SyncWatermark
from models.upsert import insert_for, table_of

_WATERMARKS = table_of(SyncWatermark)


class PollStream(enum.StrEnum):
    """The LinkedIn streams the poller reads incrementally."""

    CONVERSATION_EVENTS = "conversationEvents"
    PROSPECT_NOTES = "prospectNotes"
    MAIL_STUBS = "mailStubs"


# The table also keeps other marks (the outbox backfill's, under the "*" scope): only these are polls.
_POLL_STREAMS = [stream.value for stream in PollStream]


async def watermarks(db: AsyncSession, customer_id: int) -> dict[tuple[str, str], datetime]:
    """Every poll watermark of the customer, keyed by (stream, seat URN)."""
    statement = select(SyncWatermark).where(
        col(SyncWatermark.customer_id) == customer_id, col(SyncWatermark.stream).in_(_POLL_STREAMS)
    )
    rows = (await db.exec(statement)).all()
    return {(row.stream, row.seat_urn): row.watermark for row in rows}


@dataclass(frozen=True, slots=True)
class PollMark:
    """How far one stream of one seat is stored: everything in [history_from, watermark) when
    `history_from` is set (the first poll's history is still being walked back), else everything up to
    `watermark` as far back as the initial lookback reached."""

    watermark: datetime
    history_from: datetime | None


async def poll_marks(db: AsyncSession, customer_id: int) -> dict[tuple[str, str], PollMark]:
    """Every poll mark of the customer (watermark and history), keyed by (stream, seat URN)."""
    statement = select(SyncWatermark).where(
        col(SyncWatermark.customer_id) == customer_id, col(SyncWatermark.stream).in_(_POLL_STREAMS)
    )
    rows = (await db.exec(statement)).all()
    return {(row.stream, row.seat_urn): PollMark(row.watermark, row.history_from) for row in rows}


async def start(
    db: AsyncSession,
    customer_id: int,
    stream: PollStream,
    seat_urn: str,
    watermark: datetime,
    history_from: datetime | None,
) -> None:
    """Record a seat's first stored window, inside the caller's transaction: stored up to `watermark`,
    with history back to `history_from` (None: the lookback is already covered)."""
    table = table_of(SyncWatermark)
    stmt = insert_for(db, SyncWatermark).values(
        customer_id=customer_id,
        stream=stream.value,
        seat_urn=seat_urn,
        watermark=watermark,
        history_from=history_from,
        updated_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.customer_id, table.c.stream, table.c.seat_urn],
        set_={
            "watermark": stmt.excluded.watermark,
            "history_from": stmt.excluded.history_from,
            "updated_at": stmt.excluded.updated_at,
        },
        where=table.c.watermark < stmt.excluded.watermark,
    )
    await db.exec(stmt)


async def extend_history(
    db: AsyncSession, customer_id: int, stream: PollStream, seat_urn: str, to: datetime | None
) -> None:
    """Record, inside the caller's transaction, that the seat's history is stored back to `to` (None:
    complete); it only ever moves back, and a complete history stays complete."""
    table = table_of(SyncWatermark)
    stmt = (
        sa.update(table)
        .where(
            table.c.customer_id == customer_id,
            table.c.stream == stream.value,
            table.c.seat_urn == seat_urn,
            table.c.history_from.is_not(None),
        )
        .values(history_from=to, updated_at=utcnow())
    )
    if to is not None:
        stmt = stmt.where(table.c.history_from > to)
    await db.exec(stmt)


async def history_pending_from(
    db: AsyncSession, customer_id: int, seat_urns: Sequence[str]
) -> datetime | None:
    """The latest point from which the first polls' history of these seats still goes back (before it,
    some seat's or stream's history is still being fetched); None when every history is complete."""
    seats = sorted(set(seat_urns))
    if not seats:
        return None
    stmt = select(func.max(SyncWatermark.history_from)).where(
        col(SyncWatermark.customer_id) == customer_id,
        col(SyncWatermark.seat_urn).in_(seats),
        col(SyncWatermark.stream).in_(_POLL_STREAMS),
    )
    latest: datetime | None = (await db.exec(stmt)).one()
    return latest


async def advance(
    db: AsyncSession, customer_id: int, stream: PollStream, seat_urn: str, to: datetime
) -> None:
    """Move the customer's watermark forward to `to` inside the caller's transaction; never moves it back."""
    table = table_of(SyncWatermark)
    stmt = insert_for(db, SyncWatermark).values(
        customer_id=customer_id, stream=stream.value, seat_urn=seat_urn, watermark=to, updated_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.customer_id, table.c.stream, table.c.seat_urn],
        set_={"watermark": stmt.excluded.watermark, "updated_at": stmt.excluded.updated_at},
        where=table.c.watermark < stmt.excluded.watermark,
    )
    await db.exec(stmt)


async def oldest(db: AsyncSession, customer_id: int, seat_urns: Sequence[str]) -> datetime | None:
    """The customer's earliest watermark over these seats and all streams (everything before it is
    stored); None while any seat or stream has never been polled."""
    seats = sorted(set(seat_urns))
    if not seats:
        return None
    stmt = select(func.min(SyncWatermark.watermark), func.count()).where(
        col(SyncWatermark.customer_id) == customer_id,
        col(SyncWatermark.seat_urn).in_(seats),
        col(SyncWatermark.stream).in_(_POLL_STREAMS),
    )
    earliest, count = (await db.exec(stmt)).one()
    if earliest is None or count < len(seats) * len(PollStream):
        return None
    return earliest


async def oldest_poll_watermark(db: AsyncSession, customer_id: int) -> datetime | None:
    """The customer's earliest poll watermark over every seat and stream (None before the first poll)."""
    statement = sa.select(sa.func.min(_WATERMARKS.c.watermark)).where(
        _WATERMARKS.c.customer_id == customer_id, _WATERMARKS.c.stream.in_([s.value for s in PollStream])
    )
    oldest: datetime | None = (await (await db.connection()).execute(statement)).scalar_one()
    return oldest

"""The operator's gauges of one customer (outbox backlog, poll lag): one cheap statement each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.integration import OutboxEvent, OutboxStatus, SyncWatermark
from models.watermarks import PollStream

_O = OutboxEvent.__table__  # type: ignore[attr-defined]
_W = SyncWatermark.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """How many outbox rows wait to be sent, and since when the oldest waits (None: none waits)."""

    depth: int
    oldest_created_at: datetime | None


async def outbox_backlog(db: AsyncSession, customer_id: int) -> OutboxBacklog:
    """The customer's PENDING outbox rows: their count and the oldest one's creation time."""
    statement = sa.select(sa.func.count(), sa.func.min(_O.c.created_at)).where(
        _O.c.customer_id == customer_id, _O.c.status == OutboxStatus.PENDING.value
    )
    depth, oldest = (await (await db.connection()).execute(statement)).one()
    return OutboxBacklog(int(depth), oldest)


async def oldest_poll_watermark(db: AsyncSession, customer_id: int) -> datetime | None:
    """The customer's earliest poll watermark over every seat and stream (None before the first poll)."""
    statement = sa.select(sa.func.min(_W.c.watermark)).where(
        _W.c.customer_id == customer_id, _W.c.stream.in_([s.value for s in PollStream])
    )
    oldest: datetime | None = (await (await db.connection()).execute(statement)).scalar_one()
    return oldest

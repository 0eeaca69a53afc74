"""`rscgraph sync backfill --since 2y`: enqueue every ATS record changed since then, in one pass."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from models import SyncEntity, utcnow
from models.db import SessionFactory
from models.outbox_backfill import enqueue_history

_SPAN = re.compile(r"^\s*(\d+)\s*([dmy])\s*$", re.IGNORECASE)
_DAYS = {"d": 1, "m": 30, "y": 365}
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def parse_span(text: str) -> timedelta:
    """`30d`, `6m` (30-day months) or `2y` (365-day years) as a timedelta; ValueError otherwise."""
    match = _SPAN.match(text)
    if match is None:
        raise ValueError(f"expected a span like 30d, 6m or 2y, got {text!r}")
    days = int(match.group(1)) * _DAYS[match.group(2).lower()]
    # A span longer than a timedelta holds reaches before the calendar: all history, as backfill reads it.
    return timedelta(days=min(days, timedelta.max.days))


async def backfill(
    sessions: SessionFactory, customer_id: int, span: timedelta, *, now: datetime | None = None
) -> dict[SyncEntity, int]:
    """Enqueue UPSERTs for every job (closed ones too), candidate, note, application and stage of the
    customer changed within `span`, and record the backfill; returns the rows enqueued per entity type."""
    now = now or utcnow()
    # `2000y` must not overflow the calendar: a span reaching before year 1 backfills everything.
    since = now - span if span < now - _EARLIEST else _EARLIEST
    async with sessions() as db:
        counts = await enqueue_history(db, customer_id, since=since, now=now)
        await db.commit()
    return counts

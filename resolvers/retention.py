"""Retention of the local LinkedIn mirror: each customer's `linkedinMirrorRetentionDays` enforced by one
set-based pass (models/retention.py says what "no activity" is), its counts logged and stored on the
customer for the status page (`Customer.retention`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import customer_queries, retention
from models.base import utcnow
from models.db import SessionFactory, write_session

log = logging.getLogger("rscgraph.retention")


@dataclass(frozen=True, slots=True)
class RetentionRun:
    """What one pass removed (None when the customer keeps its mirror)."""

    cutoff: datetime | None
    removed: dict[str, int]


async def enforce_retention(
    sessions: SessionFactory, customer_id: int, *, now: datetime | None = None
) -> RetentionRun:
    """Remove the mirror of the customer's members with no activity within its retention days, and
    record the counts with the time of the run (in the same transaction)."""
    now = now or utcnow()
    async with write_session(sessions) as db:
        row = await customer_queries.customer_by_id(db, customer_id)
        if row is None or row.linkedin_mirror_retention_days is None:
            return RetentionRun(cutoff=None, removed={})
        cutoff = now - timedelta(days=row.linkedin_mirror_retention_days)
        removed = await retention.remove_inactive_mirror(db, customer_id, cutoff)
        row.retention_last_run_at = now
        row.retention_last_removed = removed
        db.add(row)
    log.info("mirror retention enforced", extra={"cutoff": cutoff.isoformat(), **removed})
    return RetentionRun(cutoff=cutoff, removed=removed)


__all__ = ["RetentionRun", "enforce_retention"]

"""One-Click Export quota: exports per Recruiter seat this calendar month against LinkedIn's limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import models
from models import export_requests, seats
from models.db import SessionFactory


@dataclass(frozen=True, slots=True)
class SeatUsage:
    """One seat's exports in one month."""

    seat_urn: str
    recruiter: models.User | None
    month: str
    used: int
    limit: int

    @property
    def remaining(self) -> int:
        """Exports left this month, never negative."""
        return max(self.limit - self.used, 0)


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The first instant of `now`'s calendar month (UTC) and of the next one."""
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


async def export_usage(
    sessions: SessionFactory, customer_id: int, limit: int, now: datetime | None = None
) -> list[SeatUsage]:
    """Every mapped seat of the customer, and every seat that exported for it this month, with its count
    (by seat URN)."""
    start, end = month_bounds(now or models.utcnow())
    async with sessions() as db:
        counts = await export_requests.exports_per_seat(db, customer_id, start, end)
        recruiters = dict(await seats.users_with_seats(db, customer_id))
    month = start.strftime("%Y-%m")
    return [
        SeatUsage(seat, recruiters.get(seat), month, counts.get(seat, 0), limit)
        for seat in sorted(set(counts) | set(recruiters))
    ]

"""The scheduler as tests drive it: built as `build_jobs` does, with chosen intervals and a test clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.jobs import Jobs, build_jobs
from app.settings import Settings
from models import scheduled_work as work
from models.base import utcnow
from models.db import SessionFactory
from resolvers.services import Services


@dataclass
class MovableClock:
    """The scheduler's time, moved by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def jobs_for(
    services: Services,
    settings: Settings,
    *,
    poll: float = 0.0,
    outbox: float = 0.0,
    exports: float = 0.0,
    clock: MovableClock | None = None,
    concurrency: int = 8,
) -> Jobs:
    """This process's jobs with these intervals (0: off); its scheduler on `clock` if given."""
    update = {
        "poll_interval_s": poll,
        "outbox_interval_s": outbox,
        "export_interval_s": exports,
        "job_concurrency": concurrency,
    }
    jobs = build_jobs(services, settings.model_copy(update=update))
    if clock is not None:
        jobs.scheduler.clock = clock
    return jobs


def clock_now() -> MovableClock:
    """A clock that starts at the real time (LinkedIn's windows are read up to the real time)."""
    return MovableClock(utcnow())


async def rows_of(sessions: SessionFactory, customer_id: int) -> dict[tuple[str, str], work.ScheduledWork]:
    """The customer's units by (kind, seat)."""
    async with sessions() as db:
        return {(r.kind, r.seat_urn): r for r in await work.scheduled_for(db, customer_id)}

"""Helpers of the refresh tests: a controllable clock the sandbox shares, the refresh service on
it, and a snapshot of everything a poll writes (ids left out, so two runs compare equal)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

import models
from linkedin.client import LinkedInClient
from models.db import SessionFactory
from resolvers.refresh import HISTORY_WINDOWS_PER_POLL, RefreshService
from tests.conftest import Sandbox

# 2025-11-24T16:00:00Z, as in the client tests; the sandbox's world is built around it.
START = datetime(2025, 11, 24, 16, 0, tzinfo=UTC)
LOOKBACK = timedelta(days=8)  # the sandbox's history spans the last 7 days
WINDOWS_PER_SEAT = 16  # 8 days in 12 h windows
# A first refresh reads a seat's newest window, then this many windows of its history (the rest of the
# lookback waits for the next refresh); 15 windows reach back 7.5 days, all of the sandbox's history.
FIRST_POLL_WINDOWS = min(WINDOWS_PER_SEAT, 1 + HISTORY_WINDOWS_PER_POLL)
SEATS = 4


class Clock:
    """Time that moves only when a test says so; LinkedIn (the sandbox) and the poller share it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        """The current time."""
        return self.current

    def ms(self) -> int:
        """The current time in epoch milliseconds (the sandbox's clock)."""
        return int(self.current.timestamp() * 1000)

    def advance(self, **delta: float) -> datetime:
        """Move time forward and return the new now."""
        self.current += timedelta(**delta)
        return self.current


def other_process(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock
) -> RefreshService:
    """A second refresh service of the customer with its own lease holder id, as another server process
    would have."""
    return RefreshService(
        sessions, customer_id, linkedin, initial_lookback=LOOKBACK, clock=clock.now, holder="other"
    )


def _of_app(path: str, app: str | None) -> str:
    return path if app is None else f"{path}?app={app}"


async def upstream_calls(sandbox: Sandbox, endpoint: str, app: str | None = None) -> int:
    """How many calls the sandbox received for one endpoint (of one child app's world, if given)."""
    calls: list[dict[str, Any]] = await sandbox.admin("GET", _of_app("calls", app))
    return sum(1 for call in calls if call["endpoint"] == endpoint)


async def world_counts(sandbox: Sandbox, app: str | None = None) -> dict[str, int]:
    """How many InMails, notes and stubs LinkedIn holds (in one child app's world, if given)."""
    summary = await sandbox.admin("GET", _of_app("summary", app))
    return {"events": summary["events"], "notes": summary["notes"], "stubs": summary["mailStubs"]}


async def snapshot(sessions: SessionFactory) -> dict[str, Any]:
    """Everything a poll writes, in a form that does not depend on autoincrement ids."""
    async with sessions() as db:
        threads = {
            t.id: (t.seat_urn, t.member_urn) for t in (await db.exec(select(models.InMailThread))).all()
        }
        thread_rows = sorted(
            (t.seat_urn, t.member_urn, t.subject, t.last_message_at, t.message_count)
            for t in (await db.exec(select(models.InMailThread))).all()
        )
        messages = sorted(
            (m.event_id, threads[m.thread_id], m.direction, m.subject, m.body, m.sent_at)
            for m in (await db.exec(select(models.InMailMessage))).all()
        )
        notes = sorted(
            (n.note_id, n.owner_seat_urn, n.member_urn, n.body, n.active, n.updated_at)
            for n in (await db.exec(select(models.LinkedInNote))).all()
        )
        marks = sorted(
            (w.stream, w.seat_urn, w.watermark) for w in (await db.exec(select(models.SyncWatermark))).all()
        )
        people = sorted(
            (i.person_urn, c.first_name, c.last_name, c.email, c.phone, c.title, c.mailing_city, c.source)
            for c, i in (
                await db.exec(
                    select(models.Candidate, models.LinkedInIdentity).join(
                        models.LinkedInIdentity,
                        col(models.LinkedInIdentity.candidate_id) == col(models.Candidate.id),
                    )
                )
            ).all()
        )
    return {
        "threads": thread_rows,
        "messages": messages,
        "notes": notes,
        "watermarks": marks,
        "people": people,
    }


async def forget_everything_polled(sessions: SessionFactory) -> None:
    """Delete every row a poll writes, so a fault-free poll can run again from scratch."""
    tables: Sequence[type[Any]] = (
        models.InMailMessage,
        models.InMailThread,
        models.LinkedInNote,
        models.SyncWatermark,
        models.OutboxEvent,
        models.LinkedInIdentity,
        models.Candidate,
    )
    async with sessions() as db:
        for table in tables:
            await db.exec(sa.delete(table))
        await db.commit()


async def count(sessions: SessionFactory, model: type[Any]) -> int:
    """Rows in one table."""
    async with sessions() as db:
        return (await db.exec(select(sa.func.count()).select_from(model))).one()

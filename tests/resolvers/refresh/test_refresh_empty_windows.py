"""A refresh over several windows with nothing new commits once per seat and stream, not once a window;
a first poll commits its newest window, then its history in batches of up to `BATCH_ROWS` rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from linkedin.client import LinkedInClient
from models import watermarks as marks
from models.db import SessionFactory
from resolvers import refresh
from resolvers.poll_windows import to_ms_precision
from resolvers.refresh import RefreshService
from tests.resolvers.refresh.support import Clock


@pytest.fixture
def commits(engine: AsyncEngine) -> Iterator[list[object]]:
    """Every transaction the engine commits from now on."""
    seen: list[object] = []

    def record(connection: Any) -> None:
        seen.append(connection)

    sa.event.listen(engine.sync_engine, "commit", record)
    yield seen
    sa.event.remove(engine.sync_engine, "commit", record)


async def test_empty_windows_open_no_transaction_of_their_own(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, commits: list[object]
) -> None:
    # given: a first poll with no history to walk (12 h lookback), then a refresh one window later
    service = RefreshService(
        sessions, customer_id, linkedin, initial_lookback=timedelta(hours=12), clock=clock.now
    )
    await service.refresh()
    clock.advance(hours=1)
    commits.clear()
    await service.refresh()
    one_window = len(commits)
    # when: nothing new for 36 hours, three windows per seat and stream
    until = clock.advance(hours=36)
    commits.clear()
    report = await service.refresh()
    # then: three windows read per sequence, as many commits as for one window, every watermark at the end
    async with sessions() as db:
        stored = await marks.poll_marks(db, customer_id)
    assert report.windows == 3 * len(stored)
    assert len(commits) == one_window
    assert {mark.watermark for mark in stored.values()} == {to_ms_precision(until)}


async def test_a_first_poll_commits_its_newest_window_and_then_its_history_once_per_seat_and_stream(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, commits: list[object]
) -> None:
    # given: a first poll with 5 windows of history per seat and stream (InMails and notes in several)
    service = RefreshService(
        sessions,
        customer_id,
        linkedin,
        initial_lookback=timedelta(days=8),
        clock=clock.now,
        history_windows_per_poll=5,
    )
    # when
    report = await service.refresh()
    # then: 6 windows read per sequence; two commits each (the newest window alone, then its history),
    # plus the lease's taking and giving back
    async with sessions() as db:
        stored = await marks.poll_marks(db, customer_id)
    assert report.windows == 6 * len(stored)
    assert len(commits) == 2 * len(stored) + 2


async def test_a_batch_commits_once_it_holds_batch_rows_rows(
    sessions: SessionFactory,
    customer_id: int,
    linkedin: LinkedInClient,
    clock: Clock,
    commits: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: batches of at most one row
    monkeypatch.setattr(refresh, "BATCH_ROWS", 1)
    service = RefreshService(
        sessions,
        customer_id,
        linkedin,
        initial_lookback=timedelta(days=8),
        clock=clock.now,
        history_windows_per_poll=5,
    )
    # when
    report = await service.refresh()
    # then: every history window with rows commits alone, so more than two commits per sequence
    async with sessions() as db:
        stored = await marks.poll_marks(db, customer_id)
    assert report.history_windows == 5 * len(stored)
    assert len(commits) > 2 * len(stored) + 2

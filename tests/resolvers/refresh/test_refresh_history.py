"""A seat's first poll: the newest window at once, then its history walked back newest first, a bounded
stretch per poll, until the initial lookback; a crash repeats at most one window and loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlmodel import select

import models
from linkedin.client import LinkedInClient
from models.db import SessionFactory
from models.watermarks import PollStream
from resolvers.errors import LinkedInUnavailable
from resolvers.refresh import RefreshService
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import LOOKBACK, SEATS, Clock, count, world_counts

SEAT = "urn:li:seat:1001"
H12 = timedelta(hours=12)


def _service(
    sessions: SessionFactory,
    customer_id: int,
    linkedin: LinkedInClient,
    clock: Clock,
    *,
    history_windows: int,
    lookback: timedelta = LOOKBACK,
) -> RefreshService:
    return RefreshService(
        sessions,
        customer_id,
        linkedin,
        initial_lookback=lookback,
        clock=clock.now,
        history_windows_per_poll=history_windows,
    )


def _at(ms: str) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


async def _inmail_windows(sandbox: Sandbox, seat: str = SEAT) -> list[tuple[datetime, datetime]]:
    """The time ranges of the seat's conversationEvents calls, in the order LinkedIn received them."""
    calls: list[dict[str, Any]] = await sandbox.admin("GET", "calls")
    out = []
    for call in calls:
        if call["endpoint"] != "conversationEvents":
            continue
        query = parse_qs(call["query"])
        if query["viewer"] != [seat]:
            continue
        out.append((_at(query["timeRange.start"][0]), _at(query["timeRange.end"][0])))
    # A page of a window repeats its range: one entry per window.
    return list(dict.fromkeys(out))


async def _clear_calls(sandbox: Sandbox) -> None:
    await sandbox.admin("DELETE", "calls")


async def _marks(sessions: SessionFactory) -> dict[tuple[str, str], tuple[datetime, datetime | None]]:
    async with sessions() as db:
        rows = (await db.exec(select(models.SyncWatermark))).all()
    return {(m.stream, m.seat_urn): (m.watermark, m.history_from) for m in rows}


async def test_a_first_poll_stores_the_newest_window_first_then_history_newest_first(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    refresher = _service(sessions, customer_id, linkedin, clock, history_windows=3)
    now = clock.now()
    # when
    report = await refresher.refresh()
    # then: now-12 h..now first, then three windows back, each ending where the one before began
    assert await _inmail_windows(sandbox) == [(now - (i + 1) * H12, now - i * H12) for i in range(4)]
    marks = await _marks(sessions)
    assert len(marks) == 3 * SEATS
    assert set(marks.values()) == {(now, now - 4 * H12)}
    assert report.windows == 3 * SEATS * 4
    assert report.history_windows == 3 * SEATS * 3
    # the forward sync is complete: the history still to come does not make the tab stale
    assert report.synced_at == now
    assert await refresher.synced_at() == now
    assert await refresher.history_pending_from() == now - 4 * H12


async def test_successive_polls_walk_the_history_back_to_the_lookback_and_then_only_poll_forward(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given: 8 days are 16 windows; each poll fetches the newest (first) or forward one, and 6 of history
    refresher = _service(sessions, customer_id, linkedin, clock, history_windows=6)
    first = clock.now()
    await refresher.refresh()
    assert set((await _marks(sessions)).values()) == {(first, first - 7 * H12)}
    # when: a second poll
    await _clear_calls(sandbox)
    second = clock.advance(minutes=1)
    await refresher.refresh()
    # then: forward first, then the next 6 windows of history, newest first
    assert await _inmail_windows(sandbox) == [(first, second)] + [
        (first - (i + 1) * H12, first - i * H12) for i in range(7, 13)
    ]
    assert set((await _marks(sessions)).values()) == {(second, first - 13 * H12)}
    # when: a third poll reaches the lookback (now − 8 days: the last window is short)
    await _clear_calls(sandbox)
    third = clock.advance(minutes=1)
    await refresher.refresh()
    # then
    oldest = third - LOOKBACK
    assert await _inmail_windows(sandbox) == [
        (second, third),
        (first - 14 * H12, first - 13 * H12),
        (first - 15 * H12, first - 14 * H12),
        (oldest, first - 15 * H12),
    ]
    assert set((await _marks(sessions)).values()) == {(third, None)}
    assert await refresher.history_pending_from() is None
    assert await count(sessions, models.InMailMessage) == (await world_counts(sandbox))["events"]
    assert await count(sessions, models.LinkedInNote) == (await world_counts(sandbox))["notes"]
    # when: a fourth poll
    await _clear_calls(sandbox)
    fourth = clock.advance(minutes=1)
    await refresher.refresh()
    # then: no history calls any more
    assert await _inmail_windows(sandbox) == [(third, fourth)]


async def test_a_crash_mid_history_resumes_at_the_window_that_failed_with_nothing_lost_or_repeated(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given: LinkedIn answers five InMail windows (the first seat's newest and four of its history), then 429s
    refresher = _service(sessions, customer_id, linkedin, clock, history_windows=16)
    first = clock.now()
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 5})
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()
    assert await _marks(sessions) == {(PollStream.CONVERSATION_EVENTS.value, SEAT): (first, first - 5 * H12)}
    stored_before = await count(sessions, models.InMailMessage)
    # when: the quota is lifted and the next poll runs
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 100_000})
    await _clear_calls(sandbox)
    second = clock.advance(minutes=1)
    await refresher.refresh()
    # then: forward, then history from the window that failed on, newest first, down to the lookback
    oldest = second - LOOKBACK
    windows = await _inmail_windows(sandbox)
    assert windows[0] == (first, second)
    assert windows[1] == (first - 6 * H12, first - 5 * H12)
    assert windows[-1] == (oldest, first - 15 * H12)
    assert len(windows) == 1 + 11
    # every InMail LinkedIn holds is stored once (the upsert would hide a double read: the calls above
    # show none), and the history is complete
    assert stored_before > 0
    assert await count(sessions, models.InMailMessage) == (await world_counts(sandbox))["events"]
    assert set((await _marks(sessions)).values()) == {(second, None)}


async def test_a_seat_polled_before_history_existed_is_polled_forward_only(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given: watermarks of an existing database (history_from NULL: its history counts as complete)
    seats = [seat.urn for seat in await linkedin.seats()]
    since = clock.now() - timedelta(hours=1)
    async with sessions() as db:
        for stream in PollStream:
            for seat in seats:
                db.add(
                    models.SyncWatermark(
                        customer_id=customer_id, stream=stream.value, seat_urn=seat, watermark=since
                    )
                )
        await db.commit()
    await _clear_calls(sandbox)
    refresher = _service(sessions, customer_id, linkedin, clock, history_windows=14)
    # when
    report = await refresher.refresh()
    # then
    assert await _inmail_windows(sandbox) == [(since, clock.now())]
    assert report.windows == 3 * len(seats)
    assert report.history_windows == 0
    assert set((await _marks(sessions)).values()) == {(clock.now(), None)}


async def test_a_shortened_lookback_ends_a_history_in_progress_without_calls(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given: a first poll's history reaches back one day so far
    first = clock.now()
    await _service(sessions, customer_id, linkedin, clock, history_windows=1).refresh()
    assert set((await _marks(sessions)).values()) == {(first, first - 2 * H12)}
    # when: the lookback is now a day
    await _clear_calls(sandbox)
    second = clock.advance(minutes=1)
    await _service(
        sessions, customer_id, linkedin, clock, history_windows=1, lookback=timedelta(days=1)
    ).refresh()
    # then
    assert await _inmail_windows(sandbox) == [(first, second)]
    assert set((await _marks(sessions)).values()) == {(second, None)}


async def test_the_schedulers_poll_of_one_seat_walks_its_history_as_a_refresh_does(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given a customer whose seats were never polled
    refresher = _service(sessions, customer_id, linkedin, clock, history_windows=3)
    now = clock.now()
    # when the scheduler polls one seat
    report = await refresher.poll_seats([SEAT])
    # then that seat got its newest window, then three of history newest first; no other seat was asked
    assert await _inmail_windows(sandbox) == [(now - (i + 1) * H12, now - i * H12) for i in range(4)]
    assert await _inmail_windows(sandbox, "urn:li:seat:1002") == []
    assert set(await _marks(sessions)) == {(stream.value, SEAT) for stream in PollStream}
    assert report.history_windows == 3 * 3

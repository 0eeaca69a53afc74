"""Scheduled work: due units are claimed most overdue first, by one holder at a time, and come back
with their next due time; a holder that dies loses its units when its hold runs out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from app.settings import Settings
from models import scheduled_work as work
from models.db import SessionFactory, write_session
from tests.conftest import add_customer

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
TTL = timedelta(seconds=20)


async def _second_customer(sessions: SessionFactory, settings: Settings) -> int:
    row = await add_customer(
        sessions,
        settings,
        key="globex",
        name="Globex Talent",
        client_id="globex-app",
        client_secret="globex-secret",
        org_urn="urn:li:organization:2",
        contract_urn="urn:li:contract:2",
    )
    assert row.id is not None
    return row.id


async def _schedule(sessions: SessionFactory, keys: list[work.WorkKey], due_at: datetime) -> None:
    async with write_session(sessions) as db:
        await work.ensure_scheduled(db, keys, due_at=due_at)


async def _claim(sessions: SessionFactory, holder: str, limit: int, now: datetime) -> list[work.Claimed]:
    async with write_session(sessions) as db:
        return await work.claim_due(db, holder, kinds=["poll", "outbox"], limit=limit, ttl=TTL, now=now)


async def test_due_units_are_claimed_most_overdue_first_across_customers(
    sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given units of two customers due at different times, one not yet due
    other = await _second_customer(sessions, settings)
    await _schedule(
        sessions, [work.WorkKey(customer_id, "poll", "urn:li:seat:1")], NOW - timedelta(seconds=5)
    )
    await _schedule(sessions, [work.WorkKey(other, "poll", "urn:li:seat:9")], NOW - timedelta(seconds=50))
    await _schedule(sessions, [work.WorkKey(customer_id, "outbox")], NOW - timedelta(seconds=20))
    await _schedule(sessions, [work.WorkKey(other, "outbox")], NOW + timedelta(seconds=30))
    # when a worker claims two, then two more
    first = await _claim(sessions, "w1", 2, NOW)
    rest = await _claim(sessions, "w1", 2, NOW)
    # then the oldest due come first, the one not due stays, and none is handed out twice
    assert [c.key for c in first] == [
        work.WorkKey(other, "poll", "urn:li:seat:9"),
        work.WorkKey(customer_id, "outbox"),
    ]
    assert [c.key for c in rest] == [work.WorkKey(customer_id, "poll", "urn:li:seat:1")]


async def test_scheduling_again_keeps_a_units_due_time(sessions: SessionFactory, customer_id: int) -> None:
    key = work.WorkKey(customer_id, "outbox")
    await _schedule(sessions, [key], NOW - timedelta(seconds=5))
    await _schedule(sessions, [key], NOW + timedelta(hours=1))
    assert [c.key for c in await _claim(sessions, "w1", 5, NOW)] == [key]


async def test_a_finished_unit_comes_back_at_its_next_due_time_and_counts_failures(
    sessions: SessionFactory, customer_id: int
) -> None:
    key = work.WorkKey(customer_id, "outbox")
    await _schedule(sessions, [key], NOW)
    [claimed] = await _claim(sessions, "w1", 1, NOW)
    async with write_session(sessions) as db:
        await work.finish(
            db, key, "w1", next_run_at=NOW + timedelta(seconds=60), error="LinkedIn said 429", now=NOW
        )
    # not due before its time, due after it, with the failure counted
    assert await _claim(sessions, "w2", 1, NOW + timedelta(seconds=59)) == []
    [again] = await _claim(sessions, "w2", 1, NOW + timedelta(seconds=60))
    assert (claimed.failures, again.failures) == (0, 1)
    async with write_session(sessions) as db:
        await work.finish(db, key, "w2", next_run_at=NOW + timedelta(seconds=120), now=NOW)
        [row] = await work.scheduled_for(db, customer_id)
    assert (row.failures, row.last_error, row.holder) == (0, None, None)


async def test_a_held_unit_is_not_claimed_again_until_its_hold_runs_out(
    sessions: SessionFactory, customer_id: int
) -> None:
    key = work.WorkKey(customer_id, "poll", "urn:li:seat:1")
    await _schedule(sessions, [key], NOW)
    assert len(await _claim(sessions, "dead-worker", 1, NOW)) == 1
    assert await _claim(sessions, "w2", 1, NOW + TTL - timedelta(seconds=1)) == []
    [taken] = await _claim(sessions, "w2", 1, NOW + TTL)
    assert taken.key == key
    # and the dead holder can no longer give it back
    async with write_session(sessions) as db:
        await work.finish(db, key, "dead-worker", next_run_at=NOW + timedelta(days=1), now=NOW)
        [row] = await work.scheduled_for(db, customer_id)
    assert row.holder == "w2"


async def test_concurrent_claimers_never_take_the_same_unit(
    sessions: SessionFactory, customer_id: int
) -> None:
    keys = [work.WorkKey(customer_id, "poll", f"urn:li:seat:{n}") for n in range(30)]
    await _schedule(sessions, keys, NOW)
    batches = await asyncio.gather(*(_claim(sessions, f"w{n}", 4, NOW) for n in range(10)))
    taken = [c.key for batch in batches for c in batch]
    assert len(taken) == len(set(taken)) == 30


async def test_a_unit_made_due_while_it_runs_runs_again_at_once_after_its_success(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: a unit running now, and one idle with its next run an hour away
    running, idle = work.WorkKey(customer_id, "outbox"), work.WorkKey(customer_id, "poll", "urn:li:seat:2")
    await _schedule(sessions, [running], NOW)
    await _schedule(sessions, [idle], NOW + timedelta(hours=1))
    await _claim(sessions, "w1", 1, NOW)
    later = NOW + timedelta(seconds=3)
    # when: both are made due (a push arrived)
    async with write_session(sessions) as db:
        assert await work.run_soon(db, running, now=later)
        assert await work.run_soon(db, idle, now=later)
        assert not await work.run_soon(db, work.WorkKey(customer_id, "poll", "urn:li:seat:none"), now=later)
    async with write_session(sessions) as db:
        await work.finish(db, running, "w1", next_run_at=NOW + timedelta(minutes=5), now=later)
    # then: the running one comes back due at the wake-up, the idle one is due now
    async with sessions() as db:
        rows = {r.kind: r for r in await work.scheduled_for(db, customer_id)}
    assert rows["outbox"].next_run_at == later
    assert rows["poll"].next_run_at == later


async def test_a_released_unit_keeps_its_failures(sessions: SessionFactory, customer_id: int) -> None:
    # given: a unit that failed once, claimed again
    key = work.WorkKey(customer_id, "poll", "urn:li:seat:1")
    await _schedule(sessions, [key], NOW)
    await _claim(sessions, "w1", 1, NOW)
    async with write_session(sessions) as db:
        await work.finish(db, key, "w1", next_run_at=NOW, error="429", now=NOW)
    await _claim(sessions, "w1", 1, NOW)
    # when: given back unrun
    async with write_session(sessions) as db:
        await work.release(db, key, "w1", next_run_at=NOW + timedelta(seconds=5))
    # then
    async with sessions() as db:
        (row,) = await work.scheduled_for(db, customer_id)
    assert (row.holder, row.failures, row.next_run_at) == (None, 1, NOW + timedelta(seconds=5))

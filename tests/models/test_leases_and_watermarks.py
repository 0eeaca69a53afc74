"""Leases give one holder at a time (until expiry); watermarks only move forward, each customer's apart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.settings import Settings
from models import leases
from models import watermarks as marks
from models.db import SessionFactory
from models.watermarks import PollStream
from tests.child_apps import other_customer_id

MINUTE = timedelta(minutes=1)
T0 = datetime(2025, 11, 24, 16, 0, tzinfo=UTC)


async def _acquire(sessions: SessionFactory, holder: str, ttl: timedelta = MINUTE) -> bool:
    async with sessions() as db:
        acquired = await leases.try_acquire(db, "poll", holder, ttl)
        await db.commit()
        return acquired


async def test_a_free_lease_is_acquired(sessions: SessionFactory) -> None:
    # when / then
    assert await _acquire(sessions, "a") is True


async def test_a_held_lease_is_refused_to_another_holder(sessions: SessionFactory) -> None:
    # given
    await _acquire(sessions, "a")
    # when / then
    assert await _acquire(sessions, "b") is False


async def test_an_expired_lease_is_taken_over(sessions: SessionFactory) -> None:
    # given: a holder that died (its lease already ran out)
    await _acquire(sessions, "a", ttl=-MINUTE)
    # when / then
    assert await _acquire(sessions, "b") is True


async def test_a_released_lease_is_free_again(sessions: SessionFactory) -> None:
    # given
    await _acquire(sessions, "a")
    async with sessions() as db:
        await leases.release(db, "poll", "a")
        await db.commit()
    # when / then
    assert await _acquire(sessions, "b") is True


async def test_renewing_a_lease_taken_over_by_another_holder_fails(sessions: SessionFactory) -> None:
    # given
    await _acquire(sessions, "a", ttl=-MINUTE)
    await _acquire(sessions, "b")
    # when
    async with sessions() as db:
        renewed = await leases.renew(db, "poll", "a", MINUTE)
    # then
    assert renewed is False


def test_a_customers_lease_is_named_after_the_work_and_the_customer() -> None:
    # when / then
    assert leases.customer_lease("linkedin-poll", 7) == "linkedin-poll:7"


async def test_one_customers_lease_leaves_another_customers_lease_on_the_same_work_free(
    sessions: SessionFactory,
) -> None:
    # given
    async with sessions() as db:
        assert await leases.try_acquire(db, leases.customer_lease("job", 1), "a", MINUTE) is True
        await db.commit()
    # when
    async with sessions() as db:
        other = await leases.try_acquire(db, leases.customer_lease("job", 2), "b", MINUTE)
        await db.commit()
    # then
    assert other is True


async def _advance(
    sessions: SessionFactory,
    customer_id: int,
    to: datetime,
    stream: PollStream = PollStream.CONVERSATION_EVENTS,
) -> None:
    async with sessions() as db:
        await marks.advance(db, customer_id, stream, "urn:li:seat:1", to)
        await db.commit()


async def test_a_watermark_moves_forward(sessions: SessionFactory, customer_id: int) -> None:
    # given
    await _advance(sessions, customer_id, T0)
    # when
    await _advance(sessions, customer_id, T0 + MINUTE)
    # then
    async with sessions() as db:
        assert await marks.watermarks(db, customer_id) == {
            ("conversationEvents", "urn:li:seat:1"): T0 + MINUTE
        }


async def test_a_watermark_never_moves_back(sessions: SessionFactory, customer_id: int) -> None:
    # given
    await _advance(sessions, customer_id, T0 + MINUTE)
    # when
    await _advance(sessions, customer_id, T0)
    # then
    async with sessions() as db:
        assert await marks.watermarks(db, customer_id) == {
            ("conversationEvents", "urn:li:seat:1"): T0 + MINUTE
        }


async def test_nothing_is_known_complete_while_a_stream_was_never_polled(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: only one of the three streams has a watermark
    await _advance(sessions, customer_id, T0)
    # when / then
    async with sessions() as db:
        assert await marks.oldest(db, customer_id, ["urn:li:seat:1"]) is None


async def test_another_customers_watermarks_on_the_same_seat_neither_move_nor_complete_ours(
    sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given: the other customer polled every stream of the seat up to a later time
    other = await other_customer_id(sessions, settings)
    await _advance(sessions, customer_id, T0)
    for stream in PollStream:
        await _advance(sessions, other, T0 + MINUTE, stream)
    # then: ours stays where it was, and ours is still incomplete
    async with sessions() as db:
        assert await marks.watermarks(db, customer_id) == {("conversationEvents", "urn:li:seat:1"): T0}
        assert await marks.oldest(db, customer_id, ["urn:li:seat:1"]) is None
        assert await marks.oldest(db, other, ["urn:li:seat:1"]) == T0 + MINUTE


# --- hold_lease: the heartbeat every background job holds its lease with --------------------------

GUARD_S = 10  # bounds every wait below, so that a bug fails the test instead of hanging the run
SHORT = timedelta(seconds=3)  # renewed every second


class LeaseClock:
    """The leases' time, moved only by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


async def _expiry(sessions: SessionFactory, clock: LeaseClock) -> datetime | None:
    async with sessions() as db:
        return await leases.held_until(db, "job", now=clock())


async def test_a_held_lease_is_renewed_while_its_work_runs(sessions: SessionFactory) -> None:
    # given: work holding the lease; its time moves past the first expiry
    clock = LeaseClock()
    async with leases.hold_lease(sessions, "job", "a", ttl=SHORT, clock=clock):
        clock.now = T0 + timedelta(minutes=5)
        # when: the heartbeat beats (each look at the database yields to it)
        async with asyncio.timeout(GUARD_S):
            while await _expiry(sessions, clock) is None:
                pass
        # then: the lease runs from the new time, and another holder is refused
        assert await _expiry(sessions, clock) == clock.now + SHORT
        assert await _acquire_at(sessions, "b", clock()) is False


async def test_a_lease_is_free_once_its_work_ends(sessions: SessionFactory) -> None:
    # given
    clock = LeaseClock()
    async with leases.hold_lease(sessions, "job", "a", ttl=SHORT, clock=clock):
        pass
    # when / then
    assert await _acquire_at(sessions, "b", clock()) is True


async def test_a_lease_is_given_back_when_its_work_is_cancelled(sessions: SessionFactory) -> None:
    # given: work holding the lease, waiting on something that never comes
    clock = LeaseClock()
    holding = asyncio.Event()

    async def work() -> None:
        async with leases.hold_lease(sessions, "job", "a", ttl=SHORT, clock=clock):
            holding.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(work())
    await asyncio.wait_for(holding.wait(), GUARD_S)
    # when: it is stopped (a shutdown)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    # then
    assert task.cancelled()
    assert await _acquire_at(sessions, "b", clock()) is True


async def test_a_taken_lease_is_refused(sessions: SessionFactory) -> None:
    # given
    clock = LeaseClock()
    assert await _acquire_at(sessions, "b", clock()) is True
    # when / then
    with pytest.raises(leases.LeaseBusy):
        async with leases.hold_lease(sessions, "job", "a", ttl=SHORT, clock=clock):
            pytest.fail("the body must not run without the lease")


async def test_work_whose_lease_was_taken_over_is_stopped_with_lease_lost(sessions: SessionFactory) -> None:
    # given: work holding the lease; its lease lapses (the holder stalled) and another holder takes it
    clock = LeaseClock()

    async def work() -> None:
        async with leases.hold_lease(sessions, "job", "a", ttl=SHORT, clock=clock):
            clock.now = T0 + timedelta(minutes=5)
            assert await _acquire_at(sessions, "b", clock()) is True
            await asyncio.wait_for(asyncio.Event().wait(), GUARD_S)

    # when: the next heartbeat finds the lease gone, it stops the work
    with pytest.raises(leases.LeaseLost):
        await work()
    # then: the new holder keeps it
    assert await _expiry(sessions, clock) == clock.now + MINUTE


async def _acquire_at(sessions: SessionFactory, holder: str, now: datetime) -> bool:
    async with sessions() as db:
        acquired = await leases.try_acquire(db, "job", holder, MINUTE, now=now)
        await db.commit()
        return acquired


async def test_work_stops_once_renewals_keep_failing_for_a_whole_lease() -> None:
    # given: a database that fails every renewal
    attempts: list[int] = []

    async def renew() -> bool:
        attempts.append(len(attempts))
        raise ConnectionError("database unreachable")

    async def work() -> None:
        async with leases.Heartbeat(renew, interval_s=0.01, what="job"):
            await asyncio.wait_for(asyncio.Event().wait(), GUARD_S)

    # when / then: two missed beats are tolerated, the third stops the work
    with pytest.raises(leases.LeaseLost):
        await work()
    assert len(attempts) == leases.MISSED_BEATS

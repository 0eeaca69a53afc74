"""Leases give one holder at a time (until expiry); watermarks only move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import leases
from models import watermarks as marks
from models.db import SessionFactory
from models.watermarks import PollStream

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


async def _advance(sessions: SessionFactory, to: datetime) -> None:
    async with sessions() as db:
        await marks.advance(db, PollStream.CONVERSATION_EVENTS, "urn:li:seat:1", to)
        await db.commit()


async def test_a_watermark_moves_forward(sessions: SessionFactory) -> None:
    # given
    await _advance(sessions, T0)
    # when
    await _advance(sessions, T0 + MINUTE)
    # then
    async with sessions() as db:
        assert await marks.watermarks(db) == {("conversationEvents", "urn:li:seat:1"): T0 + MINUTE}


async def test_a_watermark_never_moves_back(sessions: SessionFactory) -> None:
    # given
    await _advance(sessions, T0 + MINUTE)
    # when
    await _advance(sessions, T0)
    # then
    async with sessions() as db:
        assert await marks.watermarks(db) == {("conversationEvents", "urn:li:seat:1"): T0 + MINUTE}


async def test_nothing_is_known_complete_while_a_stream_was_never_polled(sessions: SessionFactory) -> None:
    # given: only one of the three streams has a watermark
    await _advance(sessions, T0)
    # when / then
    async with sessions() as db:
        assert await marks.oldest(db, ["urn:li:seat:1"]) is None

"""LinkedIn failing mid-poll: whole windows or nothing, the watermark never passes what is stored, and the
next refresh completes the data exactly as a fault-free poll would have."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

import models
from models.db import SessionFactory
from resolvers.errors import LinkedInUnavailable
from resolvers.refresh import RefreshService
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import (
    SEATS,
    Clock,
    count,
    forget_everything_polled,
    snapshot,
    world_counts,
)

# The poll reads InMails for every seat, then notes, then stubs: a fault on a later stream hits mid-poll.
# The test client tries each call twice, so a 5xx or a hang needs count=2 to fail the call.
MID_POLL_FAULTS = [
    pytest.param({"endpoint": "prospectNotes", "status": 500, "count": 2}, id="500-on-notes"),
    pytest.param({"endpoint": "mailStubs", "status": 503, "count": 2}, id="503-on-stubs"),
    pytest.param({"endpoint": "prospectNotes", "status": 429, "count": 1}, id="429-on-notes"),
    pytest.param({"endpoint": "mailStubs", "malformed": True, "count": 1}, id="malformed-stubs"),
    pytest.param({"endpoint": "prospectNotes", "hang": True, "count": 2}, id="hanging-notes"),
]


async def _fault_free_result(sessions: SessionFactory, refresher: RefreshService) -> dict[str, Any]:
    await forget_everything_polled(sessions)
    await refresher.refresh()
    return await snapshot(sessions)


@pytest.mark.parametrize("fault", MID_POLL_FAULTS)
async def test_a_fault_mid_poll_surfaces_as_linkedin_unavailable(
    refresher: RefreshService, sandbox: Sandbox, fault: dict[str, Any]
) -> None:
    # given
    await sandbox.admin("POST", "faults", fault)
    # when / then
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()


@pytest.mark.parametrize("fault", MID_POLL_FAULTS)
async def test_a_fault_mid_poll_keeps_the_streams_stored_before_it_and_nothing_of_the_failed_one(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox, fault: dict[str, Any]
) -> None:
    # given
    await sandbox.admin("POST", "faults", fault)
    # when
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()
    # then: every InMail is stored and its watermarks are at now; the failed stream has neither rows nor marks
    assert await count(sessions, models.InMailMessage) == (await world_counts(sandbox))["events"]
    async with sessions() as db:
        marks = (await db.exec(select(models.SyncWatermark))).all()
    by_stream: dict[str, set[Any]] = {}
    for mark in marks:
        by_stream.setdefault(mark.stream, set()).add(mark.watermark)
    assert by_stream["conversationEvents"] == {clock.now()}
    assert fault["endpoint"] not in by_stream
    if fault["endpoint"] == "prospectNotes":
        assert await count(sessions, models.LinkedInNote) == 0
    assert await count(sessions, models.Candidate) == 0


@pytest.mark.parametrize("fault", MID_POLL_FAULTS)
async def test_the_refresh_after_a_fault_completes_the_data_like_a_fault_free_poll(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox, fault: dict[str, Any]
) -> None:
    # given
    await sandbox.admin("POST", "faults", fault)
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()
    await sandbox.admin("DELETE", "faults")
    # when
    await refresher.refresh()
    # then
    recovered = await snapshot(sessions)
    assert recovered == await _fault_free_result(sessions, refresher)


async def test_a_quota_spent_in_a_later_window_keeps_the_windows_before_it(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given: LinkedIn answers five InMail windows, then 429s (the first seat's sixth window): its newest
    # window and four of its history, newest first
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 5})
    now = clock.now()
    # when
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()
    # then: stored up to now, and back to five windows before it; every InMail stored lies in between
    async with sessions() as db:
        marks = (await db.exec(select(models.SyncWatermark))).all()
        sent = (await db.exec(select(models.InMailMessage.sent_at))).all()
    assert [(m.stream, m.seat_urn, m.watermark, m.history_from) for m in marks] == [
        ("conversationEvents", "urn:li:seat:1001", now, now - timedelta(hours=5 * 12))
    ]
    assert sent
    assert all(now - timedelta(hours=5 * 12) <= at < now for at in sent)


async def test_the_refresh_after_a_spent_quota_completes_the_data_like_a_fault_free_poll(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 5})
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 100_000})
    # when
    await refresher.refresh()
    # then
    assert await snapshot(sessions) == await _fault_free_result(sessions, refresher)
    assert len((await snapshot(sessions))["watermarks"]) == 3 * SEATS


async def test_messages_of_a_window_are_never_stored_without_their_thread_counts(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 20})
    # when
    with pytest.raises(LinkedInUnavailable):
        await refresher.refresh()
    # then
    async with sessions() as db:
        threads = (await db.exec(select(models.InMailThread))).all()
        for thread in threads:
            stored = (
                await db.exec(
                    select(models.InMailMessage.id).where(col(models.InMailMessage.thread_id) == thread.id)
                )
            ).all()
            assert thread.message_count == len(stored)

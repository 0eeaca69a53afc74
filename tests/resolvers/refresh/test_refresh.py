"""The incremental poll: everything LinkedIn holds is mirrored once, and changes arrive on refresh."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

import models
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from models.outbox_backfill import enqueue_history
from resolvers.refresh import RefreshService
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import (
    FIRST_POLL_WINDOWS,
    SEATS,
    Clock,
    count,
    snapshot,
    upstream_calls,
    world_counts,
)


async def test_first_refresh_mirrors_every_inmail_note_and_stub_linkedin_holds(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given
    world = await world_counts(sandbox)
    # when
    report = await refresher.refresh()
    # then
    assert (report.events, report.notes, report.stubs) == (world["events"], world["notes"], world["stubs"])
    assert await count(sessions, models.InMailMessage) == world["events"]
    assert await count(sessions, models.LinkedInNote) == world["notes"]
    assert await upstream_calls(sandbox, "conversationEvents") == SEATS * FIRST_POLL_WINDOWS


async def test_refresh_reads_each_stream_of_each_seat_up_to_now_and_reports_that_time(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # when
    report = await refresher.refresh()
    # then
    assert report.synced_at == clock.now()
    async with sessions() as db:
        marks = (await db.exec(select(models.SyncWatermark))).all()
    assert len(marks) == 3 * SEATS
    assert {m.watermark for m in marks} == {clock.now()}


async def test_refreshing_twice_stores_nothing_twice(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    await refresher.refresh()
    before = await snapshot(sessions)
    # when
    clock.advance(minutes=5)
    await refresher.refresh()
    # then
    after = await snapshot(sessions)
    assert after["threads"] == before["threads"]
    assert after["messages"] == before["messages"]
    assert after["notes"] == before["notes"]
    assert after["people"] == before["people"]


async def test_a_thread_holds_all_of_a_seats_conversations_with_the_member_counted_from_messages(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given: member 0 exchanged InMails with seats 1001 and 1002 (sent, then replied)
    member = build_world(sandbox.config).members[0].urn
    # when
    await refresher.refresh()
    # then
    async with sessions() as db:
        threads = (
            await db.exec(
                select(models.InMailThread)
                .where(col(models.InMailThread.member_urn) == member)
                .order_by(col(models.InMailThread.seat_urn))
            )
        ).all()
    assert [(t.seat_urn, t.message_count) for t in threads] == [
        ("urn:li:seat:1001", 2),
        ("urn:li:seat:1002", 2),
    ]
    assert all(t.subject is not None and not t.subject.startswith("RE:") for t in threads)


async def test_an_inmail_sent_through_linkedin_appears_after_a_refresh(
    refresher: RefreshService, sessions: SessionFactory, customer_id: int, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    member = build_world(sandbox.config).members[0].urn
    await refresher.refresh()
    clock.advance(minutes=1)
    sent = await sandbox.admin(
        "POST",
        "inmails",
        {"seat": "urn:li:seat:1001", "member": member, "subject": "New role", "body": "Hi!"},
    )
    clock.advance(minutes=1)
    # when
    await refresher.refresh()
    # then
    async with sessions() as db:
        message = (
            await db.exec(
                select(models.InMailMessage).where(col(models.InMailMessage.event_id) == sent["id"])
            )
        ).one()
        thread = await db.get(models.InMailThread, (customer_id, message.thread_id))
    assert (message.direction, message.subject, message.body) == (
        models.InMailDirection.OUTBOUND,
        "New role",
        "Hi!",
    )
    assert message.sent_at == clock.now() - timedelta(minutes=1)
    assert thread is not None
    assert (thread.seat_urn, thread.member_urn, thread.message_count) == ("urn:li:seat:1001", member, 3)
    assert thread.last_message_at == message.sent_at


async def test_a_note_edited_in_recruiter_is_updated_on_refresh(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    await refresher.refresh()
    clock.advance(minutes=1)
    await sandbox.admin("PATCH", "notes/note-1", {"note": "Rewritten after the call"})
    clock.advance(minutes=1)
    # when
    await refresher.refresh()
    # then
    async with sessions() as db:
        note = (
            await db.exec(select(models.LinkedInNote).where(col(models.LinkedInNote.note_id) == "note-1"))
        ).one()
    assert (note.body, note.active, note.updated_at) == (
        "Rewritten after the call",
        True,
        clock.now() - timedelta(minutes=1),
    )
    assert await count(sessions, models.LinkedInNote) == (await world_counts(sandbox))["notes"]


async def test_a_note_deleted_in_recruiter_is_marked_inactive_on_refresh(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    await refresher.refresh()
    clock.advance(minutes=1)
    await sandbox.admin("DELETE", "notes/note-1")
    clock.advance(minutes=1)
    # when
    await refresher.refresh()
    # then
    async with sessions() as db:
        note = (
            await db.exec(select(models.LinkedInNote).where(col(models.LinkedInNote.note_id) == "note-1"))
        ).one()
    assert note.active is False


async def test_synced_at_ignores_the_outbox_backfill_mark_kept_beside_the_poll_watermarks(
    refresher: RefreshService, sessions: SessionFactory, customer_id: int, clock: Clock, sandbox: Sandbox
) -> None:
    # given: every seat polled, then the outbox history backfilled (its mark shares the watermark table)
    await refresher.refresh()
    async with sessions() as db:
        await enqueue_history(db, customer_id, since=clock.now() - timedelta(days=30), now=clock.now())
        await db.commit()
    # when / then: the backfill's "*" scope is not a seat that was never polled
    assert await refresher.synced_at() == clock.now()

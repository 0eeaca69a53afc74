"""Mirror upserts: keyed by the customer and LinkedIn's ids, one statement per batch, and replays change
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

import models
from app.settings import Settings
from models.db import SessionFactory
from models.mirror_queries import active_notes_by_member_urns, messages_by_thread_ids, threads_by_member_urns
from models.mirror_visibility import EVERYTHING
from models.mirror_writes import MessageRow, NoteRow, upsert_messages, upsert_notes
from tests.child_apps import other_customer_id

T0 = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
SEAT, MEMBER = "urn:li:seat:1001", "urn:li:person:abc"


def _message(event_id: str, minutes: int, subject: str | None = "Role", **overrides: str) -> MessageRow:
    fields = {
        "event_id": event_id,
        "seat_urn": SEAT,
        "member_urn": MEMBER,
        "conversation_urn": "urn:li:messagingThread:2-1",
        "author_urn": SEAT,
        "direction": models.InMailDirection.OUTBOUND,
        "subject": subject,
        "body": f"body of {event_id}",
        "sent_at": T0 + timedelta(minutes=minutes),
        **overrides,
    }
    return MessageRow(**fields)  # type: ignore[arg-type]


def _note(body: str, minutes: int, active: bool = True) -> NoteRow:
    return NoteRow(
        note_id="note-1",
        owner_seat_urn=SEAT,
        member_urn=MEMBER,
        body=body,
        active=active,
        created_at=T0,
        updated_at=T0 + timedelta(minutes=minutes),
    )


async def _write_messages(sessions: SessionFactory, customer_id: int, *rows: MessageRow) -> None:
    async with sessions() as db:
        await upsert_messages(db, customer_id, rows)
        await db.commit()


async def _write_notes(sessions: SessionFactory, customer_id: int, *rows: NoteRow) -> None:
    async with sessions() as db:
        await upsert_notes(db, customer_id, rows)
        await db.commit()


async def _threads(sessions: SessionFactory) -> list[tuple[str, str, str | None, datetime, int]]:
    async with sessions() as db:
        rows = (await db.exec(select(models.InMailThread))).all()
    return [(t.seat_urn, t.member_urn, t.subject, t.last_message_at, t.message_count) for t in rows]


async def _tab(
    sessions: SessionFactory, customer_id: int
) -> tuple[list[tuple[str, int]], list[str], list[str]]:
    """What the customer's tabs read for MEMBER: (seat, count) per thread, message bodies, note bodies."""
    async with sessions() as db:
        threads = (await threads_by_member_urns(db, customer_id, [MEMBER], EVERYTHING))[MEMBER]
        ids = [t.id for t in threads if t.id is not None]
        messages = await messages_by_thread_ids(db, customer_id, ids, EVERYTHING)
        notes = (await active_notes_by_member_urns(db, customer_id, [MEMBER], EVERYTHING))[MEMBER]
    bodies = [m.body for i in ids for m in messages[i]]
    return [(t.seat_urn, t.message_count) for t in threads], bodies, [n.body for n in notes]


async def test_messages_of_one_seat_and_member_share_one_thread_with_counts_from_its_messages(
    sessions: SessionFactory, customer_id: int
) -> None:
    # when
    await _write_messages(sessions, customer_id, _message("e1", 0), _message("e2", 5, subject="RE: Role"))
    # then
    assert await _threads(sessions) == [(SEAT, MEMBER, "Role", T0 + timedelta(minutes=5), 2)]


async def test_replaying_a_batch_of_messages_stores_nothing_twice(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    batch = (_message("e1", 0), _message("e2", 5))
    await _write_messages(sessions, customer_id, *batch)
    # when
    await _write_messages(sessions, customer_id, *batch)
    # then
    async with sessions() as db:
        stored = (await db.exec(select(models.InMailMessage.event_id))).all()
    assert sorted(stored) == ["e1", "e2"]
    assert [t[-1] for t in await _threads(sessions)] == [2]


async def test_an_older_message_arriving_later_keeps_the_thread_subject_and_last_time_right(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await _write_messages(sessions, customer_id, _message("e2", 5, subject="RE: Role"))
    # when
    await _write_messages(sessions, customer_id, _message("e1", 0, subject="Role"))
    # then
    assert await _threads(sessions) == [(SEAT, MEMBER, "Role", T0 + timedelta(minutes=5), 2)]


async def test_a_batch_of_messages_is_a_constant_number_of_statements(
    sessions: SessionFactory, customer_id: int, sql_log: list[str]
) -> None:
    # given
    few = [_message(f"a{i}", i) for i in range(2)]
    many = [_message(f"b{i}", i, member_urn=f"urn:li:person:m{i % 40}") for i in range(400)]
    # when
    await _write_messages(sessions, customer_id, *few)
    statements_for_few = len(sql_log)
    sql_log.clear()
    await _write_messages(sessions, customer_id, *many)
    # then
    assert len(sql_log) == statements_for_few


async def test_a_note_edit_replaces_the_stored_note(sessions: SessionFactory, customer_id: int) -> None:
    # given
    await _write_notes(sessions, customer_id, _note("first", 0))
    # when
    await _write_notes(sessions, customer_id, _note("edited", 10))
    # then
    async with sessions() as db:
        note = (await db.exec(select(models.LinkedInNote))).one()
    assert (note.body, note.active, note.updated_at) == ("edited", True, T0 + timedelta(minutes=10))


async def test_a_replayed_older_note_version_does_not_undo_a_newer_one(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await _write_notes(sessions, customer_id, _note("deleted", 10, active=False))
    # when
    await _write_notes(sessions, customer_id, _note("first", 0))
    # then
    async with sessions() as db:
        note = (
            await db.exec(select(models.LinkedInNote).where(col(models.LinkedInNote.note_id) == "note-1"))
        ).one()
    assert (note.body, note.active) == ("deleted", False)


async def test_two_versions_of_a_note_in_one_batch_keep_the_newest(
    sessions: SessionFactory, customer_id: int
) -> None:
    # when
    await _write_notes(sessions, customer_id, _note("edited", 10), _note("first", 0))
    # then
    async with sessions() as db:
        note = (await db.exec(select(models.LinkedInNote))).one()
    assert note.body == "edited"


async def test_the_same_event_and_note_ids_of_two_customers_are_two_customers_rows(
    sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given: LinkedIn instances number their events and notes alike ("e1", "note-1")
    other = await other_customer_id(sessions, settings)
    await _write_messages(sessions, customer_id, _message("e1", 0, body="ours"))
    await _write_notes(sessions, customer_id, _note("our note", 0))
    # when: the other customer's poll stores its own e1 and note-1 about the same member, twice
    for _ in range(2):
        await _write_messages(
            sessions, other, _message("e1", 1, body="theirs"), _message("e2", 2, body="theirs 2")
        )
        await _write_notes(sessions, other, _note("their note", 5))
    # then: each customer reads its own, counted from its own messages only
    assert await _tab(sessions, customer_id) == ([(SEAT, 1)], ["ours"], ["our note"])
    assert await _tab(sessions, other) == ([(SEAT, 2)], ["theirs", "theirs 2"], ["their note"])


async def test_a_deletion_replayed_for_one_customer_leaves_the_same_note_id_of_another_alone(
    sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given
    other = await other_customer_id(sessions, settings)
    await _write_notes(sessions, customer_id, _note("ours", 0))
    await _write_notes(sessions, other, _note("theirs", 0))
    # when
    await _write_notes(sessions, other, _note("theirs", 10, active=False))
    # then
    assert (await _tab(sessions, customer_id))[2] == ["ours"]
    assert (await _tab(sessions, other))[2] == []

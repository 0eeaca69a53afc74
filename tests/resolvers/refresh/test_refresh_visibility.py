"""The poll mirrors each InMail's and note's LinkedIn visibility, and a changed visibility on the poll
after the change."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

import models
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.refresh import RefreshService
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import Clock


async def _stored(
    sessions: SessionFactory,
) -> tuple[dict[str, tuple[str, str | None]], dict[str, tuple[str, str | None]]]:
    async with sessions() as db:
        messages = (await db.exec(select(models.InMailMessage))).all()
        notes = (await db.exec(select(models.LinkedInNote))).all()
    return (
        {m.event_id: (m.visibility.value, m.project_urn) for m in messages},
        {n.note_id: (n.visibility.value, n.project_urn) for n in notes},
    )


async def test_a_refresh_stores_the_visibility_and_project_linkedin_gives_each_inmail_and_note(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given: LinkedIn's world, with public, project and private InMails and notes
    world = build_world(sandbox.config)
    assert (
        {e.visibility for e in world.events}
        == {n.visibility for n in world.notes}
        == {
            "PUBLIC",
            "PROJECT",
            "PRIVATE",
        }
    )
    # when
    await refresher.refresh()
    # then
    messages, notes = await _stored(sessions)
    assert messages == {e.id: (e.visibility, e.project) for e in world.events}
    assert notes == {n.id: (n.visibility, n.project) for n in world.notes}


async def test_an_inmail_made_private_by_its_author_is_private_after_the_next_refresh(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given: a public InMail mirrored days after it was sent
    event = next(e for e in build_world(sandbox.config).events if e.visibility == "PUBLIC")
    await refresher.refresh()
    clock.advance(minutes=1)
    await sandbox.admin("PATCH", f"inmails/{event.id}", {"visibility": "PRIVATE"})
    clock.advance(minutes=1)
    # when
    await refresher.refresh()
    # then
    messages, _ = await _stored(sessions)
    assert messages[event.id] == ("PRIVATE", None)
    assert sum(1 for v, _ in messages.values() if v == "PRIVATE") == 1 + sum(
        1 for e in build_world(sandbox.config).events if e.visibility == "PRIVATE"
    )


async def test_a_note_moved_to_a_project_is_a_project_note_after_the_next_refresh(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    await refresher.refresh()
    clock.advance(minutes=1)
    await sandbox.admin("PATCH", "notes/note-1", {"visibility": "PROJECT", "project": "urn:li:hireProject:9"})
    clock.advance(minutes=1)
    # when
    await refresher.refresh()
    # then
    _, notes = await _stored(sessions)
    assert notes["note-1"] == ("PROJECT", "urn:li:hireProject:9")
    async with sessions() as db:
        note = (
            await db.exec(select(models.LinkedInNote).where(col(models.LinkedInNote.note_id) == "note-1"))
        ).one()
    assert note.updated_at == clock.now() - timedelta(minutes=1)

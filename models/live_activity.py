"""What a poll window is about to store that is new, and whose it is: the reads behind live updates
(resolvers/activity_feed.py), run inside the window's transaction before its upserts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import LinkedInIdentity
from models.mirror import InMailMessage, InMailThread, LinkedInNote
from models.upsert import table_of

T = TypeVar("T")
# Values per IN list: well under SQLite's bound-parameter limit, and one statement for a usual window.
CHUNK = 1000


def _chunks(values: Sequence[T]) -> Iterator[list[T]]:
    ordered = sorted(set(values))  # type: ignore[type-var]
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


async def known_event_ids(db: AsyncSession, customer_id: int, event_ids: Sequence[str]) -> set[str]:
    """Which of these LinkedIn InMail event ids the customer has stored already."""
    found: set[str] = set()
    for chunk in _chunks(event_ids):
        statement = select(InMailMessage.event_id).where(
            col(InMailMessage.customer_id) == customer_id, col(InMailMessage.event_id).in_(chunk)
        )
        found.update((await db.exec(statement)).all())
    return found


async def stored_note_versions(
    db: AsyncSession, customer_id: int, note_ids: Sequence[str]
) -> dict[str, datetime]:
    """The stored `updated_at` of each of these LinkedIn prospect notes the customer has."""
    found: dict[str, datetime] = {}
    for chunk in _chunks(note_ids):
        statement = select(LinkedInNote.note_id, LinkedInNote.updated_at).where(
            col(LinkedInNote.customer_id) == customer_id, col(LinkedInNote.note_id).in_(chunk)
        )
        found.update(dict((await db.exec(statement)).all()))
    return found


def _identity_of(member_urn: Any) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(LinkedInIdentity.customer_id) == member_urn.table.c.customer_id,
        col(LinkedInIdentity.person_urn) == member_urn,
    )


async def new_messages_by_candidate(
    db: AsyncSession, customer_id: int, event_ids: Sequence[str]
) -> dict[int, list[int]]:
    """The row ids of these stored InMails by the customer's candidate they are with (InMails with a
    member linked to no candidate are left out)."""
    found: dict[int, list[int]] = {}
    thread = table_of(InMailThread)
    for chunk in _chunks(event_ids):
        statement = (
            select(InMailMessage.id, LinkedInIdentity.candidate_id)
            .join(
                InMailThread,
                (col(InMailThread.customer_id) == col(InMailMessage.customer_id))
                & (col(InMailThread.id) == col(InMailMessage.thread_id)),
            )
            .join(LinkedInIdentity, _identity_of(thread.c.member_urn))
            .where(col(InMailMessage.customer_id) == customer_id, col(InMailMessage.event_id).in_(chunk))
        )
        for message_id, candidate_id in (await db.exec(statement)).all():
            if message_id is not None:
                found.setdefault(candidate_id, []).append(message_id)
    return found


async def changed_notes_by_candidate(
    db: AsyncSession, customer_id: int, note_ids: Sequence[str]
) -> dict[int, list[tuple[int, bool]]]:
    """(row id, active) of these stored prospect notes by the customer's candidate they are about."""
    found: dict[int, list[tuple[int, bool]]] = {}
    note = table_of(LinkedInNote)
    for chunk in _chunks(note_ids):
        statement = (
            select(LinkedInNote.id, LinkedInNote.active, LinkedInIdentity.candidate_id)
            .join(LinkedInIdentity, _identity_of(note.c.member_urn))
            .where(col(LinkedInNote.customer_id) == customer_id, col(LinkedInNote.note_id).in_(chunk))
        )
        for row_id, active, candidate_id in (await db.exec(statement)).all():
            if row_id is not None:
                found.setdefault(candidate_id, []).append((row_id, active))
    return found

"""What a poll window is about to store that is new, and whose it is: the reads behind live updates
(resolvers/activity_feed.py), run inside the window's transaction before its upserts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import LinkedInIdentity
from models.mirror import InMailMessage, LinkedInNote

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


async def candidate_ids_by_person_urns(
    db: AsyncSession, customer_id: int, person_urns: Sequence[str]
) -> dict[str, int]:
    """The customer's candidate linked to each of these members, by person URN (unlinked: absent)."""
    found: dict[str, int] = {}
    for chunk in _chunks(person_urns):
        statement = select(LinkedInIdentity.person_urn, LinkedInIdentity.candidate_id).where(
            col(LinkedInIdentity.customer_id) == customer_id, col(LinkedInIdentity.person_urn).in_(chunk)
        )
        found.update(dict((await db.exec(statement)).all()))
    return found

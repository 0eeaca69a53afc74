"""Rows for the visibility tests: a linked candidate, InMail threads and LinkedIn notes with a LinkedIn
visibility each, the viewers who read them, and ACL groups put together directly with the models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import models
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.graph.tab_world import T0, member, seat

PUBLIC, PROJECT, PRIVATE = (
    models.LinkedInVisibility.PUBLIC,
    models.LinkedInVisibility.PROJECT,
    models.LinkedInVisibility.PRIVATE,
)
PROJECT_URN = "urn:li:hireProject:7"


@dataclass(frozen=True, slots=True)
class Sent:
    """One InMail of a thread: minutes after T0, who wrote it, its visibility and subject."""

    minutes: int
    body: str
    visibility: models.LinkedInVisibility = PUBLIC
    subject: str | None = None
    inbound: bool = False


def recruiter(tenant: Tenant, user_id: int | None, email: str = "grace@ats.example") -> Viewer:
    """A recruiter of the tenant signed in as the user `user_id`."""
    return Viewer(tenant, user=email, roles=frozenset({"recruiter"}), user_id=user_id)


def admin(tenant: Tenant, user_id: int | None = None) -> Viewer:
    """An admin of the tenant."""
    return Viewer(tenant, user="root@ats.example", roles=frozenset({"admin"}), user_id=user_id)


async def add_candidate(sessions: SessionFactory, customer_id: int) -> int:
    """A candidate of the customer linked to member(id); returns its id."""
    async with sessions() as session:
        row = models.Candidate(customer_id=customer_id, first_name="Ada", last_name="Lovelace")
        session.add(row)
        await session.flush()
        assert row.id is not None
        session.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=row.id,
                person_urn=member(row.id),
                match_source=models.MatchSource.MANUAL,
            )
        )
        await session.commit()
        return row.id


async def add_note(
    sessions: SessionFactory,
    customer_id: int,
    candidate_id: int,
    seat_index: int,
    body: str,
    visibility: models.LinkedInVisibility = PUBLIC,
    *,
    minutes: int = 0,
) -> None:
    """A LinkedIn note on the candidate's member written from seat(seat_index)."""
    async with sessions() as session:
        session.add(
            models.LinkedInNote(
                customer_id=customer_id,
                note_id=f"note-{candidate_id}-{body}",
                owner_seat_urn=seat(seat_index),
                member_urn=member(candidate_id),
                body=body,
                created_at=T0 + timedelta(minutes=minutes),
                updated_at=T0 + timedelta(minutes=minutes),
                visibility=visibility,
                project_urn=PROJECT_URN if visibility is PROJECT else None,
            )
        )
        await session.commit()


async def add_thread(
    sessions: SessionFactory, customer_id: int, candidate_id: int, seat_index: int, sent: Sequence[Sent]
) -> None:
    """seat(seat_index)'s thread with the candidate's member, its stored stats describing every message
    (as the mirror writes them)."""
    urn = member(candidate_id)
    first_subject = next((m.subject for m in sorted(sent, key=lambda m: m.minutes) if m.subject), None)
    async with sessions() as session:
        thread = models.InMailThread(
            customer_id=customer_id,
            seat_urn=seat(seat_index),
            member_urn=urn,
            subject=first_subject,
            last_message_at=T0 + timedelta(minutes=max(m.minutes for m in sent)),
            message_count=len(sent),
        )
        session.add(thread)
        await session.flush()
        assert thread.id is not None
        session.add_all(
            models.InMailMessage(
                customer_id=customer_id,
                event_id=f"ev-{thread.id}-{m.minutes}",
                thread_id=thread.id,
                conversation_urn=f"urn:li:messagingThread:{thread.id}",
                author_urn=urn if m.inbound else seat(seat_index),
                direction=models.InMailDirection.INBOUND if m.inbound else models.InMailDirection.OUTBOUND,
                subject=m.subject,
                body=m.body,
                sent_at=T0 + timedelta(minutes=m.minutes),
                visibility=m.visibility,
                project_urn=PROJECT_URN if m.visibility is PROJECT else None,
            )
            for m in sent
        )
        await session.commit()


async def set_project_visibility(
    sessions: SessionFactory, customer_id: int, value: models.ProjectVisibility
) -> None:
    """The customer's `projectVisibility`, written on its row."""
    async with sessions() as session:
        row = await session.get(models.Customer, customer_id)
        assert row is not None
        row.project_visibility = value
        session.add(row)
        await session.commit()


async def add_group(sessions: SessionFactory, customer_id: int, name: str, user_ids: Sequence[int]) -> int:
    """An ACL group of the customer holding these users; returns its id."""
    async with sessions() as session:
        group = models.AclGroup(customer_id=customer_id, name=name)
        session.add(group)
        await session.flush()
        assert group.id is not None
        session.add_all(
            models.AclGroupUser(customer_id=customer_id, group_id=group.id, user_id=user_id)
            for user_id in user_ids
        )
        await session.commit()
        return group.id

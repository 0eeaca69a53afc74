"""Rows for candidate-tab tests, inserted directly with the models (bulk inserts for the big worlds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col
from strawberry import relay

import models
from models.db import SessionFactory
from tests.users_support import add_user

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def gid(type_name: str, row_id: int | str | None) -> str:
    """The global ID of a row."""
    return str(relay.GlobalID(type_name, str(row_id)))


def seat(index: int) -> str:
    """A Recruiter seat URN."""
    return f"urn:li:seat:{1000 + index}"


def member(candidate_id: int) -> str:
    """The person URN of a candidate's LinkedIn member."""
    return f"urn:li:person:m{candidate_id}"


async def add_recruiter(
    sessions: SessionFactory, customer_id: int, seat_index: int, last_name: str = "Hopper"
) -> int:
    """An ATS user of the customer holding the seat `seat(seat_index)`; returns its id."""
    async with sessions() as session:
        recruiter = await add_user(
            session,
            customer_id,
            seat_urn=seat(seat_index),
            first_name="Grace",
            last_name=last_name,
            email=f"{last_name.lower()}{seat_index}@ats.example",
        )
        await session.commit()
        assert recruiter.id is not None
        return recruiter.id


@dataclass(frozen=True, slots=True)
class World:
    """The ids a test needs back."""

    candidate_ids: list[int]
    job_id: int


async def add_candidates(
    sessions: SessionFactory,
    customer_id: int,
    *,
    count: int,
    threads: int,
    messages: int,
    name: str = "Ada",
) -> World:
    """`count` linked candidates of the customer, each with `threads` seats × `messages` InMails, a
    LinkedIn note, an ATS note, an application with two stages and a snapshot."""
    async with sessions() as session:
        job = models.Job(customer_id=customer_id, title=f"{name} job")
        session.add(job)
        candidates = [
            models.Candidate(
                customer_id=customer_id,
                first_name=name,
                last_name=f"Lovelace{i}",
                email=f"{name.lower()}{i}@example.com",
            )
            for i in range(count)
        ]
        session.add_all(candidates)
        await session.flush()
        ids = [c.id for c in candidates if c.id is not None]
        assert job.id is not None
        applications = [
            models.Application(customer_id=customer_id, candidate_id=i, job_id=job.id) for i in ids
        ]
        session.add_all(applications)
        session.add_all(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=i,
                person_urn=member(i),
                match_source=models.MatchSource.EXPORT,
            )
            for i in ids
        )
        session.add_all(
            models.Note(customer_id=customer_id, candidate_id=i, author="ats", body="ATS note") for i in ids
        )
        session.add_all(
            models.LinkedInNote(
                customer_id=customer_id,
                note_id=f"note-{i}",
                owner_seat_urn=seat(0),
                member_urn=member(i),
                body="LinkedIn note",
                created_at=T0,
                updated_at=T0,
            )
            for i in ids
        )
        session.add_all(
            models.LinkedInProfile(
                customer_id=customer_id, candidate_id=i, person_urn=member(i), algorithmic_matches=[member(i)]
            )
            for i in ids
        )
        await session.flush()
        session.add_all(
            models.ApplicationStage(
                customer_id=customer_id, application_id=a.id, stage=stage, at=T0 + timedelta(days=day)
            )
            for a in applications
            if a.id is not None
            for day, stage in enumerate(["Applied", "Phone screen"])
        )
        connection = await session.connection()
        thread_rows = [
            {
                "customer_id": customer_id,
                "seat_urn": seat(t),
                "member_urn": member(i),
                "subject": f"Role {t}",
                "last_message_at": T0 + timedelta(minutes=messages),
                "message_count": messages,
            }
            for i in ids
            for t in range(threads)
        ]
        if thread_rows:
            await connection.execute(sa.insert(models.InMailThread), thread_rows)
        thread_ids = (
            await connection.execute(
                sa.select(col(models.InMailThread.id), col(models.InMailThread.seat_urn)).where(
                    col(models.InMailThread.customer_id) == customer_id,
                    col(models.InMailThread.member_urn).in_([member(i) for i in ids]),
                )
            )
        ).all()
        message_rows = [
            {
                "customer_id": customer_id,
                "event_id": f"ev-{thread_id}-{m}",
                "thread_id": thread_id,
                "conversation_urn": f"urn:li:conversation:{thread_id}",
                "author_urn": seat_urn if m % 2 == 0 else "urn:li:person:someone",
                "direction": (
                    models.InMailDirection.OUTBOUND if m % 2 == 0 else models.InMailDirection.INBOUND
                ),
                "subject": None,
                "body": f"message {m}",
                "sent_at": T0 + timedelta(minutes=m),
            }
            for thread_id, seat_urn in thread_ids
            for m in range(messages)
        ]
        for start in range(0, len(message_rows), 5000):
            await connection.execute(sa.insert(models.InMailMessage), message_rows[start : start + 5000])
        await session.commit()
    return World(candidate_ids=ids, job_id=job.id)

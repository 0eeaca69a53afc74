"""Retention of the local LinkedIn mirror: the InMails, LinkedIn notes and profile snapshots of members
with no activity within the customer's days are removed in one pass; any activity keeps a member's
mirror; what was removed is recorded for the status page; another customer's mirror is never touched."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

import models
from app.settings import Settings
from models.db import SessionFactory
from resolvers.retention import enforce_retention
from resolvers.services import Services
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL
from tests.scheduler_support import clock_now, jobs_for, rows_of

NOW = models.utcnow()
OLD = NOW - timedelta(days=100)
RECENT = NOW - timedelta(days=1)
SEAT = "urn:li:seat:1001"


async def member_with_mirror(
    sessions: SessionFactory,
    customer_id: int,
    name: str,
    *,
    candidate_at: datetime | None = OLD,
    inmail_at: datetime = OLD,
    note_at: datetime = OLD,
) -> str:
    """A member with one InMail thread (one message), one LinkedIn note and, when `candidate_at` is
    given, a candidate created and updated then, linked to it, with a profile snapshot."""
    urn = f"urn:li:person:{name}"
    async with sessions() as db:
        thread = models.InMailThread(
            customer_id=customer_id, seat_urn=SEAT, member_urn=urn, last_message_at=inmail_at, message_count=1
        )
        db.add(thread)
        await db.flush()
        db.add_all(
            [
                models.InMailMessage(
                    customer_id=customer_id,
                    event_id=f"evt-{name}",
                    thread_id=int(thread.id or 0),
                    conversation_urn=f"urn:li:messagingThread:{name}",
                    author_urn=SEAT,
                    direction=models.InMailDirection.OUTBOUND,
                    body="Hello",
                    sent_at=inmail_at,
                ),
                models.LinkedInNote(
                    customer_id=customer_id,
                    note_id=f"note-{name}",
                    owner_seat_urn=SEAT,
                    member_urn=urn,
                    body="Strong Go",
                    created_at=note_at,
                    updated_at=note_at,
                ),
            ]
        )
        if candidate_at is not None:
            candidate = models.Candidate(
                customer_id=customer_id,
                first_name=name,
                last_name="Person",
                created_at=candidate_at,
                updated_at=candidate_at,
            )
            db.add(candidate)
            await db.flush()
            candidate_id = int(candidate.id or 0)
            db.add_all(
                [
                    models.LinkedInIdentity(
                        customer_id=customer_id,
                        candidate_id=candidate_id,
                        person_urn=urn,
                        match_source=models.MatchSource.MANUAL,
                        matched_at=candidate_at,
                    ),
                    models.LinkedInProfile(
                        customer_id=customer_id, candidate_id=candidate_id, person_urn=urn, fetched_at=OLD
                    ),
                ]
            )
        await db.commit()
    return urn


async def candidate_of(sessions: SessionFactory, customer_id: int, urn: str) -> int:
    async with sessions() as db:
        statement = select(models.LinkedInIdentity.candidate_id).where(
            col(models.LinkedInIdentity.customer_id) == customer_id,
            col(models.LinkedInIdentity.person_urn) == urn,
        )
        found = (await db.exec(statement)).first()
    assert found is not None
    return found


async def mirrored_members(sessions: SessionFactory, customer_id: int) -> set[str]:
    """Members with any mirror row left (thread, message, LinkedIn note)."""
    async with sessions() as db:
        threads = (
            await db.exec(
                select(models.InMailThread.member_urn).where(
                    col(models.InMailThread.customer_id) == customer_id
                )
            )
        ).all()
        notes = (
            await db.exec(
                select(models.LinkedInNote.member_urn).where(
                    col(models.LinkedInNote.customer_id) == customer_id
                )
            )
        ).all()
    return {urn.rsplit(":", 1)[1] for urn in [*threads, *notes]}


async def set_retention(sessions: SessionFactory, customer_id: int, days: int | None) -> None:
    async with sessions() as db:
        row = await db.get(models.Customer, customer_id)
        assert row is not None
        row.linkedin_mirror_retention_days = days
        db.add(row)
        await db.commit()


async def test_only_members_with_no_activity_since_the_cutoff_lose_their_mirror(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: a 30-day retention and members with and without activity in those 30 days
    await member_with_mirror(sessions, customer_id, "idle")
    await member_with_mirror(sessions, customer_id, "orphan-idle", candidate_at=None)
    await member_with_mirror(sessions, customer_id, "inmailed", inmail_at=RECENT)
    await member_with_mirror(sessions, customer_id, "noted-on-linkedin", note_at=RECENT)
    await member_with_mirror(sessions, customer_id, "edited-in-ats", candidate_at=RECENT)
    await member_with_mirror(sessions, customer_id, "orphan-inmailed", candidate_at=None, inmail_at=RECENT)
    applied = await member_with_mirror(sessions, customer_id, "applied")
    noted = await member_with_mirror(sessions, customer_id, "noted-in-ats")
    async with sessions() as db:
        job = models.Job(customer_id=customer_id, title="Engineer")
        db.add(job)
        await db.flush()
        db.add_all(
            [
                models.Application(
                    customer_id=customer_id,
                    candidate_id=await candidate_of(sessions, customer_id, applied),
                    job_id=int(job.id or 0),
                    created_at=OLD,
                    last_activity_at=RECENT,
                ),
                models.Note(
                    customer_id=customer_id,
                    candidate_id=await candidate_of(sessions, customer_id, noted),
                    author="Rae",
                    body="Call back",
                    created_at=RECENT,
                ),
            ]
        )
        await db.commit()
    await set_retention(sessions, customer_id, 30)
    # when
    run = await enforce_retention(sessions, customer_id, now=NOW)
    # then: the two idle members' mirror went (threads, messages, notes; the candidate's snapshot)
    assert run.removed == {"threads": 2, "messages": 2, "linkedinNotes": 2, "profiles": 1}
    assert await mirrored_members(sessions, customer_id) == {
        "inmailed",
        "noted-on-linkedin",
        "edited-in-ats",
        "orphan-inmailed",
        "applied",
        "noted-in-ats",
    }
    # and: the ATS's own records stay
    async with sessions() as db:
        candidates = (
            await db.exec(select(models.Candidate.id).where(col(models.Candidate.customer_id) == customer_id))
        ).all()
        customer = await db.get(models.Customer, customer_id)
    assert len(candidates) == 6
    assert customer is not None
    assert customer.retention_last_removed == run.removed
    assert customer.retention_last_run_at == NOW


async def test_a_customer_that_keeps_its_mirror_loses_nothing_and_another_customer_is_never_touched(
    sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given: customer A keeps its mirror; B has a 30-day retention; both have an idle member
    other = await other_customer_id(sessions, settings)
    await member_with_mirror(sessions, customer_id, "idle-a")
    await member_with_mirror(sessions, other, "idle-b")
    await member_with_mirror(sessions, other, "active-b", inmail_at=RECENT)
    await set_retention(sessions, other, 30)
    # when
    kept = await enforce_retention(sessions, customer_id, now=NOW)
    removed = await enforce_retention(sessions, other, now=NOW)
    # then
    assert (kept.cutoff, kept.removed) == (None, {})
    assert await mirrored_members(sessions, customer_id) == {"idle-a"}
    assert removed.removed["threads"] == 1
    assert await mirrored_members(sessions, other) == {"active-b"}


RETENTION = """
mutation { updateCustomerSettings(input: {linkedinMirrorRetentionDays: 30}) {
  customer { linkedinMirrorRetentionDays } userErrors { field code } } }
"""
REPORT = """
{ viewer { customer { linkedinMirrorRetentionDays retention {
  lastRunAt removedThreads removedMessages removedLinkedinNotes removedProfiles } } } }
"""


async def test_admins_set_the_retention_and_read_what_the_last_run_removed(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: an admin sets a 30-day retention; an idle member
    set_result = await graphql(RETENTION)
    await member_with_mirror(sessions, customer_id, "idle")
    # when: retention runs
    await enforce_retention(sessions, customer_id, now=NOW)
    report = await graphql(REPORT)
    # then
    assert set_result.errors is None
    assert set_result.data == {
        "updateCustomerSettings": {"customer": {"linkedinMirrorRetentionDays": 30}, "userErrors": []}
    }
    assert report.errors is None
    assert report.data is not None
    customer = report.data["viewer"]["customer"]
    assert customer["linkedinMirrorRetentionDays"] == 30
    assert {k: v for k, v in customer["retention"].items() if k != "lastRunAt"} == {
        "removedThreads": 1,
        "removedMessages": 1,
        "removedLinkedinNotes": 1,
        "removedProfiles": 1,
    }


async def test_a_retention_of_zero_days_is_refused_and_null_turns_it_off(graphql: GraphQL) -> None:
    refused = await graphql(
        "mutation { updateCustomerSettings(input: {linkedinMirrorRetentionDays: 0}) {"
        " userErrors { field code } } }"
    )
    await graphql(RETENTION)
    off = await graphql(
        "mutation { updateCustomerSettings(input: {linkedinMirrorRetentionDays: null}) {"
        " customer { linkedinMirrorRetentionDays } } }"
    )
    assert refused.data == {
        "updateCustomerSettings": {
            "userErrors": [{"field": ["input", "linkedinMirrorRetentionDays"], "code": "INVALID"}]
        }
    }
    assert off.data == {"updateCustomerSettings": {"customer": {"linkedinMirrorRetentionDays": None}}}


async def test_the_retention_unit_runs_for_customers_with_a_retention_only(
    sessions: SessionFactory, settings: Settings, services: Services, customer_id: int
) -> None:
    # given: A with a 30-day retention and an idle member; B keeps its mirror
    other = await other_customer_id(sessions, settings)
    await member_with_mirror(sessions, customer_id, "idle")
    await member_with_mirror(sessions, other, "idle-b")
    await set_retention(sessions, customer_id, 30)
    # when: one scheduler round
    ran = await jobs_for(services, settings, clock=clock_now()).scheduler.tick()
    # then: A's retention ran (B has no retention unit) and A's idle mirror is gone
    assert [(r.key.customer_id, r.key.kind, r.ok) for r in ran] == [(customer_id, "retention", True)]
    assert await mirrored_members(sessions, customer_id) == set()
    assert await mirrored_members(sessions, other) == {"idle-b"}
    assert ("retention", "") in await rows_of(sessions, customer_id)
    assert ("retention", "") not in await rows_of(sessions, other)

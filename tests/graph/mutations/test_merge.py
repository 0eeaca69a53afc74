"""mergeCandidates: one person's two records become one, here and (through the outbox) on LinkedIn."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

import models
from linkedin.restli import parse_key
from models.db import SessionFactory
from resolvers.ats_writes import applications, notes
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox
from tests.graph.mutations.conftest import Outbox
from tests.graph.mutations.factories import gid, make_candidate, make_job

MERGE = """
mutation Merge($input: MergeCandidatesInput!) {
  mergeCandidates(input: $input) {
    candidate { id firstName email phone title possibleDuplicateOf { id } }
    userErrors { field code message }
  }
}
"""

MEMBER = "urn:li:person:merged-member"


async def merge(graphql: GraphQL, keep: int | None, merged: int | None) -> dict[str, Any]:
    variables = {"input": {"keepId": gid("Candidate", keep), "mergeId": gid("Candidate", merged)}}
    result = await asyncio.wait_for(graphql(MERGE, variables), 10)
    assert result.errors is None, result.errors
    assert result.data is not None
    return dict(result.data["mergeCandidates"])


async def flagged_duplicate(sessions: SessionFactory, customer_id: int, of: int, **fields: Any) -> int:
    """A candidate as migration 0002 leaves an earlier duplicate: same email, flagged for review."""
    async with sessions() as db, db.begin():
        row = models.Candidate(customer_id=customer_id, possible_duplicate_of_id=of, **fields)
        db.add(row)
        await db.flush()
        assert row.id is not None
        return row.id


async def test_merging_a_flagged_pair_moves_everything_to_the_kept_candidate_and_queues_linkedin(
    graphql: GraphQL, sessions: SessionFactory, outbox: Outbox, clear_outbox: Any, customer_id: int
) -> None:
    # given: the kept candidate lacks a phone and title; both applied to one job, the merged one to another
    keep = await make_candidate(sessions, customer_id, first_name="Ada", email="ada@example.com")
    assert keep.id is not None
    merged = await flagged_duplicate(
        sessions,
        customer_id,
        keep.id,
        first_name="A.",
        last_name="Lovelace",
        email="ada@example.com",
        phone="+44 1",
    )
    shared_job, other_job = (
        await make_job(sessions, customer_id, title="Shared"),
        await make_job(sessions, customer_id, title="Other"),
    )
    assert shared_job.id is not None
    assert other_job.id is not None
    kept_app = await applications.apply_to_job(sessions, customer_id, keep.id, shared_job.id)
    dropped_app = await applications.apply_to_job(sessions, customer_id, merged, shared_job.id)
    moved_app = await applications.apply_to_job(sessions, customer_id, merged, other_job.id)
    assert dropped_app.id is not None
    later = datetime.now(UTC) + timedelta(hours=1)
    await applications.move_application_stage(sessions, customer_id, dropped_app.id, "Onsite", at=later)
    note = await notes.add_candidate_note(
        sessions, customer_id, merged, author="Jane", body="Same person as Ada"
    )
    app_note = await notes.add_application_note(
        sessions, customer_id, dropped_app.id, author="Jane", body="Strong"
    )
    async with sessions() as db, db.begin():
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=merged,
                person_urn=MEMBER,
                match_source=models.MatchSource.MANUAL,
            )
        )
        db.add(
            models.LinkedInProfile(
                customer_id=customer_id,
                candidate_id=merged,
                person_urn=MEMBER,
                headline="Analyst",
            )
        )
        db.add(
            models.LinkedInProfile(
                customer_id=customer_id,
                candidate_id=keep.id,
                person_urn=None,
                headline="nobody",
            )
        )
    third = await flagged_duplicate(
        sessions, customer_id, merged, first_name="Third", email="ada@example.com"
    )
    await clear_outbox()
    # when
    payload = await merge(graphql, keep.id, merged)
    # then: the kept candidate, its blanks filled, its own values kept
    assert payload == {
        "candidate": {
            "id": gid("Candidate", keep.id),
            "firstName": "Ada",
            "email": "ada@example.com",
            "phone": "+44 1",
            "title": None,
            "possibleDuplicateOf": None,
        },
        "userErrors": [],
    }
    async with sessions() as db:
        assert await db.get(models.Candidate, (customer_id, merged)) is None
        apps = (await db.exec(select(models.Application).order_by(col(models.Application.id)))).all()
        stages = (
            await db.exec(
                select(models.ApplicationStage.stage).where(
                    col(models.ApplicationStage.application_id) == kept_app.id
                )
            )
        ).all()
        moved_notes = (await db.exec(select(models.Note).order_by(col(models.Note.id)))).all()
        identity = (await db.exec(select(models.LinkedInIdentity))).one()
        profiles = (await db.exec(select(models.LinkedInProfile))).all()
        third_row = await db.get(models.Candidate, (customer_id, third))
    # one application per job: the kept one's for the shared job, with the merged history and status
    assert [(a.id, a.candidate_id, a.job_id, a.status) for a in apps] == [
        (kept_app.id, keep.id, shared_job.id, "Onsite"),
        (moved_app.id, keep.id, other_job.id, "Applied"),
    ]
    assert sorted(stages) == ["Applied", "Applied", "Onsite"]
    assert [(n.id, n.candidate_id, n.application_id) for n in moved_notes] == [
        (note.id, keep.id, None),
        (app_note.id, keep.id, kept_app.id),
    ]
    assert (identity.candidate_id, identity.person_urn) == (keep.id, MEMBER)
    assert [(p.candidate_id, p.headline) for p in profiles] == [(keep.id, "Analyst")]
    assert third_row is not None
    assert third_row.possible_duplicate_of_id == keep.id
    # LinkedIn learns it from the same transaction: merged gone, kept upserted with its applications
    rows = {(entity, entity_id, op) for entity, entity_id, op, _ in await outbox()}
    assert ("CANDIDATE", merged, "DELETE") in rows
    assert ("CANDIDATE", keep.id, "UPSERT") in rows
    assert ("APPLICATION", dropped_app.id, "DELETE") in rows
    assert {("APPLICATION", kept_app.id, "UPSERT"), ("APPLICATION", moved_app.id, "UPSERT")} <= rows
    assert ("CANDIDATE_NOTE", note.id, "UPSERT") in rows
    assert ("APPLICATION_NOTE", app_note.id, "UPSERT") in rows


async def test_merging_into_itself_an_unknown_id_or_two_linked_members_is_a_user_error(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    a = await make_candidate(sessions, customer_id, email="a@example.com")
    b = await make_candidate(sessions, customer_id, email="b@example.com")
    async with sessions() as db, db.begin():
        for candidate, urn in ((a, "urn:li:person:a"), (b, "urn:li:person:b")):
            assert candidate.id is not None
            db.add(
                models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    person_urn=urn,
                    match_source=models.MatchSource.MANUAL,
                )
            )
    # when
    itself = await merge(graphql, a.id, a.id)
    unknown_keep = await merge(graphql, 987654, a.id)
    unknown_merge = await merge(graphql, a.id, 987654)
    linked = await merge(graphql, a.id, b.id)
    # then
    assert [(e["field"], e["code"]) for e in itself["userErrors"]] == [(["input", "mergeId"], "INVALID")]
    assert [(e["field"], e["code"]) for e in unknown_keep["userErrors"]] == [
        (["input", "keepId"], "NOT_FOUND")
    ]
    assert [(e["field"], e["code"]) for e in unknown_merge["userErrors"]] == [
        (["input", "mergeId"], "NOT_FOUND")
    ]
    assert [(e["field"], e["code"]) for e in linked["userErrors"]] == [(["input", "mergeId"], "CONFLICT")]
    assert all(p["candidate"] is None for p in (itself, unknown_keep, unknown_merge, linked))
    async with sessions() as db:
        assert len((await db.exec(select(models.Candidate))).all()) == 2


async def test_ten_merges_of_one_pair_at_once_merge_it_once(
    graphql: GraphQL, sessions: SessionFactory, outbox: Outbox, clear_outbox: Any, customer_id: int
) -> None:
    # given
    keep = await make_candidate(sessions, customer_id, email="ada@example.com")
    assert keep.id is not None
    merged = await flagged_duplicate(
        sessions, customer_id, keep.id, first_name="A", last_name="L", email="ada@example.com"
    )
    await clear_outbox()
    # when
    payloads = await asyncio.wait_for(
        asyncio.gather(*(merge(graphql, keep.id, merged) for _ in range(10))), 30
    )
    # then
    assert sum(1 for p in payloads if p["candidate"] is not None) == 1
    assert all(
        [(e["field"], e["code"]) for e in p["userErrors"]] == [(["input", "mergeId"], "NOT_FOUND")]
        for p in payloads
        if p["candidate"] is None
    )
    deletes = [row for row in await outbox() if row[:3] == ("CANDIDATE", merged, "DELETE")]
    assert len(deletes) == 1


async def test_linkedin_holds_the_kept_candidate_with_both_applications_after_a_merge(
    graphql: GraphQL, sessions: SessionFactory, tenant: Tenant, sandbox: Sandbox, customer_id: int
) -> None:
    # given: two eligible candidates, both already on LinkedIn with an application each
    keep = await make_candidate(sessions, customer_id, email="ada@example.com")
    merged = await make_candidate(
        sessions, customer_id, first_name="Ada", email="ada.lovelace@example.com", phone="+44 1"
    )
    job_a, job_b = (
        await make_job(sessions, customer_id, title="A"),
        await make_job(sessions, customer_id, title="B"),
    )
    assert keep.id is not None
    assert merged.id is not None
    assert job_a.id is not None
    assert job_b.id is not None
    kept_app = await applications.apply_to_job(sessions, customer_id, keep.id, job_a.id)
    moved_app = await applications.apply_to_job(sessions, customer_id, merged.id, job_b.id)
    clock = Clock()
    worker = OutboxWorker(sessions, tenant, SyncConfig(), clock=clock)
    await drain(worker, clock)
    # when
    payload = await merge(graphql, keep.id, merged.id)
    await drain(worker, clock)
    # then
    assert payload["userErrors"] == []
    state = await sandbox.admin("GET", "state")
    held = {parse_key(c["key"])["atsCandidateId"]: c["body"] for c in state["candidates"]}
    assert list(held) == [str(keep.id)]
    assert held[str(keep.id)]["phoneNumbers"][0]["number"] == "+44 1"
    apps = {parse_key(a["key"])["atsJobApplicationId"]: a["body"] for a in state["applications"]}
    assert sorted(apps) == sorted([str(kept_app.id), str(moved_app.id)])
    assert {body["atsCandidateId"] for body in apps.values()} == {str(keep.id)}


class Clock:
    """Wall-clock time plus an offset the test moves (job posting tasks finish "later")."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def drain(worker: OutboxWorker, clock: Clock) -> None:
    """Run the worker until nothing is due, letting job posting tasks finish in between."""
    for _ in range(5):
        await asyncio.wait_for(worker.run_until_idle(), 30)
        clock.offset += timedelta(minutes=10)


async def test_keeping_the_flagged_one_of_a_pair_gives_it_the_email_and_clears_its_flag(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    holder = await make_candidate(sessions, customer_id, email="ada@example.com", title="Analyst")
    assert holder.id is not None
    flagged = await flagged_duplicate(
        sessions, customer_id, holder.id, first_name="Ada", last_name="L", email="ada@example.com"
    )
    # when
    payload = await merge(graphql, flagged, holder.id)
    # then
    assert payload["userErrors"] == []
    assert payload["candidate"] == {
        "id": gid("Candidate", flagged),
        "firstName": "Ada",
        "email": "ada@example.com",
        "phone": None,
        "title": "Analyst",
        "possibleDuplicateOf": None,
    }
    created = await graphql(
        "mutation($i: CreateCandidateInput!) { createCandidate(input: $i) { userErrors { existingId } } }",
        {"i": {"firstName": "X", "lastName": "Y", "email": "ADA@example.com"}},
    )
    assert created.data == {"createCandidate": {"userErrors": [{"existingId": gid("Candidate", flagged)}]}}

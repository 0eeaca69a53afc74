"""Candidates reach LinkedIn with every field, edits follow, deletes remove them, and a candidate
LinkedIn cannot take (no email) is skipped with the reason until it can."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import SQLAlchemyError

from models import Candidate, LinkedInIdentity, MatchSource, OutboxStatus, SyncEntity
from models.db import SessionFactory
from models.mirror_queries import profiles_by_candidate_ids
from resolvers.sync import senders
from resolvers.sync.outcomes import Kind
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import CREATED, MODIFIED, Ats, Clock, ms, pushed


def ada(**overrides: object) -> Candidate:
    fields: dict[str, object] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@analytical.example",
        "phone": "+44 20 7946 0001",
        "title": "Analyst",
        "company": "Analytical Engines Ltd",
        "mailing_city": "London",
        "do_not_contact": True,
        "created_at": CREATED,
        "updated_at": MODIFIED,
    }
    fields.update(overrides)
    return Candidate(**fields)  # type: ignore[arg-type]


async def test_a_new_candidate_appears_on_linkedin_with_every_field(
    ats: Ats, sessions: SessionFactory, customer_id: int, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    async with sessions() as db:
        db.add(
            LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn="urn:li:person:ada",
                profile_url="https://www.linkedin.com/in/ada-lovelace",
                match_source=MatchSource.MANUAL,
            )
        )
        await db.commit()
    # when
    report = await worker.run_once()
    # then
    assert report.count(Kind.SENT) == 1
    held = (await pushed(sandbox))["candidates"][str(candidate.id)]
    assert held["body"] == {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "emailAddresses": ["ada@analytical.example"],
        "phoneNumbers": [{"number": "+44 20 7946 0001"}],
        "addresses": [{"city": "London"}],
        "atsCreatedAt": ms(CREATED),
        "atsLastModifiedAt": ms(MODIFIED),
        "externalProfileUrl": f"https://ats.example.com/candidates/{candidate.id}",
        "linkedInProfileUrl": "https://www.linkedin.com/in/ada-lovelace",
        "currentCompanyName": "Analytical Engines Ltd",
        "currentJobTitle": "Analyst",
        "doNotContact": True,
        "manualMatchedMember": "urn:li:person:ada",
    }
    status = await ats.status(SyncEntity.CANDIDATE, candidate.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SENT, None)
    assert [row.status for row in await ats.outbox()] == [OutboxStatus.SENT]


async def test_an_algorithmic_match_is_not_sent_as_the_manual_match(
    ats: Ats, sessions: SessionFactory, customer_id: int, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: LinkedIn's own guess, not a person's choice
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    async with sessions() as db:
        db.add(
            LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn="urn:li:person:ada",
                match_source=MatchSource.ALGORITHMIC,
            )
        )
        await db.commit()
    # when
    await worker.run_once()
    # then
    held = (await pushed(sandbox))["candidates"][str(candidate.id)]
    assert "manualMatchedMember" not in held["body"]


async def test_an_edit_to_a_candidate_follows_it_to_linkedin(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    await worker.run_once()
    # when
    await ats.update(Candidate, candidate.id, SyncEntity.CANDIDATE, title="Countess", mailing_city=None)
    await worker.run_once()
    # then
    body = (await pushed(sandbox))["candidates"][str(candidate.id)]["body"]
    assert (body["currentJobTitle"], body["addresses"]) == ("Countess", [])


async def test_a_deleted_candidate_is_removed_from_linkedin(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    await worker.run_once()
    # when
    await ats.delete(Candidate, candidate.id, SyncEntity.CANDIDATE)
    await worker.run_once()
    # then
    assert (await pushed(sandbox))["candidates"] == {}
    assert await ats.status(SyncEntity.CANDIDATE, candidate.id) is None


async def test_a_delete_after_unsent_upserts_sends_only_the_delete(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    await ats.update(Candidate, candidate.id, SyncEntity.CANDIDATE, title="Countess")
    await ats.delete(Candidate, candidate.id, SyncEntity.CANDIDATE)
    # when
    await worker.run_once()
    # then
    calls = [(c["method"], c["endpoint"]) for c in await sandbox.admin("GET", "calls")]
    assert ("PUT", "atsCandidates") not in calls
    assert ("DELETE", "atsCandidates") in calls
    assert [row.status for row in await ats.outbox()] == [OutboxStatus.SENT] * 3


async def test_a_candidate_without_email_is_never_sent_and_says_why(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(ada(email=None), SyncEntity.CANDIDATE)
    # when
    report = await worker.run_once()
    # then
    assert report.count(Kind.SKIPPED) == 1
    assert (await pushed(sandbox))["candidates"] == {}
    status = await ats.status(SyncEntity.CANDIDATE, candidate.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SKIPPED, "missing email")
    assert [(row.status, row.last_error) for row in await ats.outbox()] == [
        (OutboxStatus.SKIPPED, "missing email")
    ]


async def test_adding_the_missing_email_sends_the_candidate(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(ada(email=None), SyncEntity.CANDIDATE)
    await worker.run_once()
    # when
    await ats.update(Candidate, candidate.id, SyncEntity.CANDIDATE, email="ada@analytical.example")
    await worker.run_once()
    # then
    body = (await pushed(sandbox))["candidates"][str(candidate.id)]["body"]
    assert body["emailAddresses"] == ["ada@analytical.example"]
    status = await ats.status(SyncEntity.CANDIDATE, candidate.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SENT, None)


async def test_a_pushed_candidates_linkedin_matches_are_stored(
    ats: Ats, sessions: SessionFactory, customer_id: int, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: a candidate with the email of a member of the sandbox's world
    member = (await sandbox.admin("GET", "world"))["members"][0]
    candidate = await ats.create(ada(email=member["emailAddress"]), SyncEntity.CANDIDATE)
    # when
    await worker.run_once()
    # then
    async with sessions() as db:
        snapshot = (await profiles_by_candidate_ids(db, customer_id, [candidate.id])).get(candidate.id)
    assert snapshot is not None
    assert (snapshot.algorithmic_matches, snapshot.manual_match) == ([member["urn"]], None)


async def test_a_candidate_is_recorded_as_sent_even_when_storing_its_matches_fails(
    ats: Ats, worker: OutboxWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the match snapshot cannot be written (the database refuses it)
    async def refuse(*_: object) -> None:
        raise SQLAlchemyError("snapshot write refused")

    monkeypatch.setattr(senders, "save_match_snapshots", refuse)
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    # when
    report = await worker.run_once()
    # then: LinkedIn holds the candidate, and so does its sync status
    assert report.count(Kind.SENT) == 1
    status = await ats.status(SyncEntity.CANDIDATE, candidate.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SENT, None)


async def test_a_record_linkedin_refuses_is_parked_alone_while_its_batch_mates_succeed(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock
) -> None:
    # given
    good = await ats.create(ada(), SyncEntity.CANDIDATE)
    bad = await ats.create(ada(email="not-an-email"), SyncEntity.CANDIDATE)
    # when
    await worker.run_once()
    clock.advance(7200)
    again = await worker.run_once()
    # then
    assert list((await pushed(sandbox))["candidates"]) == [str(good.id)]
    status = await ats.status(SyncEntity.CANDIDATE, bad.id)
    assert status is not None
    assert (status.status, status.error) == (
        OutboxStatus.PARKED,
        "LinkedIn 400: Invalid email address 'not-an-email'",
    )
    assert again.claimed == 0


@pytest.mark.parametrize(
    ("status", "attempts", "wait_s"), [(503, 2, 30), (429, 1, 60)], ids=["server-error", "rate-limited"]
)
async def test_a_batch_linkedin_fails_with_5xx_or_429_is_retried_on_the_next_pass(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock, status: int, attempts: int, wait_s: float
) -> None:
    # given: LinkedIn fails every attempt of the first pass (the client retries a 503 once, never a 429)
    candidate = await ats.create(ada(), SyncEntity.CANDIDATE)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "status": status, "count": attempts})
    first = await worker.run_once()
    [row] = await ats.outbox()
    assert (first.count(Kind.RETRY), row.status, row.attempts) == (1, OutboxStatus.PENDING, 1)
    # when: the backoff (and, after a 429, the worker's pause) has passed
    clock.advance(wait_s)
    second = await worker.run_once()
    # then
    assert second.count(Kind.SENT) == 1
    assert str(candidate.id) in (await pushed(sandbox))["candidates"]


async def test_a_retried_row_is_not_claimed_before_its_backoff_has_passed(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    await ats.create(ada(), SyncEntity.CANDIDATE)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "status": 500, "count": 2})
    await worker.run_once()
    # when
    report = await worker.run_once()
    # then
    assert report.claimed == 0


async def test_a_pass_runs_the_same_statements_for_one_candidate_and_for_fifty(
    ats: Ats, worker: OutboxWorker, sql_log: list[str]
) -> None:
    # given
    await ats.create(ada(), SyncEntity.CANDIDATE)
    sql_log.clear()
    await worker.run_once()
    one = len(sql_log)
    for n in range(50):
        await ats.create(ada(email=f"ada{n}@analytical.example"), SyncEntity.CANDIDATE)
    sql_log.clear()
    # when
    report = await worker.run_once()
    # then
    assert report.count(Kind.SENT) == 50
    assert len(sql_log) == one

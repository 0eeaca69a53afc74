"""A synced candidate that loses its email (or a name) leaves LinkedIn with its applications and notes, and
comes back with them, holding the new values, once it can be sent again."""

from __future__ import annotations

from typing import Any

import pytest

from linkedin.sandbox.config import SandboxConfig
from models import Candidate, OutboxStatus, SyncEntity
from models.db import SessionFactory
from resolvers.ats_writes.candidates import update_candidate
from resolvers.sync.status import sync_status
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import Ats, Clock, pushed, received_keys
from tests.resolvers.sync.test_dependency_order import every_kind


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Job posting tasks finish as soon as they are asked about."""
    return SandboxConfig(job_task_delay_ms=0)


async def held(sandbox: Sandbox, ids: dict[str, int]) -> dict[str, Any]:
    """What LinkedIn holds of the world of `every_kind`: the candidate, its note, the application and
    the application's note and stage (None where absent)."""
    state = await pushed(sandbox)
    candidate = state["candidates"].get(str(ids["candidate"]))
    application = state["applications"].get(str(ids["application"]))
    return {
        "email": candidate["body"]["emailAddresses"] if candidate else None,
        "note": str(ids["note"]) in candidate["notes"] if candidate else None,
        "application": application["body"]["candidateEmail"] if application else None,
        "app_note": str(ids["app_note"]) in application["notes"] if application else None,
        "stage": str(ids["stage"]) in application["stages"] if application else None,
    }


async def test_clearing_the_email_removes_the_candidate_and_its_records_from_linkedin(
    ats: Ats, sessions: SessionFactory, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: everything on LinkedIn
    ids = await every_kind(ats)
    await worker.run_until_idle()
    assert (await held(sandbox, ids))["email"] == ["a@b.example"]
    await sandbox.admin("DELETE", "calls")
    # when: only the candidate's own row is enqueued; the sync finds its applications itself
    await ats.update(Candidate, ids["candidate"], SyncEntity.CANDIDATE, email=None)
    await worker.run_until_idle()
    # then
    assert await held(sandbox, ids) == dict.fromkeys(("email", "note", "application", "app_note", "stage"))
    # LinkedIn cascades a candidate's notes and an application's notes and stages: not deleted one by one
    deletes = [c["endpoint"] for c in await sandbox.admin("GET", "calls") if c["method"] == "DELETE"]
    assert sorted(deletes) == ["atsApplications", "atsCandidates"]
    report = await sync_status(sessions, ats.customer_id)
    [candidates] = [e for e in report.entities if e.entity_type is SyncEntity.CANDIDATE]
    assert [(p.entity_id, p.status, p.error) for p in candidates.failures] == [
        (ids["candidate"], OutboxStatus.SKIPPED, "missing email")
    ]
    status = await ats.status(SyncEntity.APPLICATION, ids["application"])
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SKIPPED, "candidate missing email")


async def test_setting_the_email_again_sends_the_candidate_and_its_records_back_once(
    ats: Ats, sessions: SessionFactory, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: a candidate withdrawn from LinkedIn for want of an email
    ids = await every_kind(ats)
    await worker.run_until_idle()
    await update_candidate(sessions, ats.customer_id, ids["candidate"], {"email": None})
    await worker.run_until_idle()
    assert (await held(sandbox, ids))["email"] is None
    await sandbox.admin("DELETE", "calls")
    # when: the write API sets a new email
    await update_candidate(sessions, ats.customer_id, ids["candidate"], {"email": "ada@new.example"})
    await worker.run_until_idle()
    # then: LinkedIn holds all of it again, with the new email, each record sent once
    assert await held(sandbox, ids) == {
        "email": ["ada@new.example"],
        "note": True,
        "application": "ada@new.example",
        "app_note": True,
        "stage": True,
    }
    assert await received_keys(sandbox, "atsCandidates") == [str(ids["candidate"])]
    assert await received_keys(sandbox, "atsApplications") == [str(ids["application"])]
    report = await sync_status(sessions, ats.customer_id)
    assert all(e.skipped == 0 and not e.failures for e in report.entities)


async def test_an_ineligible_candidate_linkedin_never_held_is_skipped_without_a_call(
    ats: Ats, sessions: SessionFactory, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    candidate = await ats.create(Candidate(first_name="Ada", last_name="Lovelace"), SyncEntity.CANDIDATE)
    await sandbox.admin("DELETE", "calls")
    # when
    await worker.run_until_idle()
    # then
    assert [c for c in await sandbox.admin("GET", "calls") if c["endpoint"] == "atsCandidates"] == []
    status = await ats.status(SyncEntity.CANDIDATE, candidate.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SKIPPED, "missing email")


async def test_a_candidate_whose_applications_linkedin_fails_to_delete_stays_until_they_are_gone(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock
) -> None:
    # given: everything on LinkedIn; LinkedIn fails the next application delete
    ids = await every_kind(ats)
    await worker.run_until_idle()
    await sandbox.admin("POST", "faults", {"endpoint": "atsApplications", "status": 503, "count": 2})
    # when
    await ats.update(Candidate, ids["candidate"], SyncEntity.CANDIDATE, email=" ")
    await worker.run_until_idle()
    # then: the candidate is not deleted before its applications (no orphans on LinkedIn)
    assert (await held(sandbox, ids))["email"] == ["a@b.example"]
    status = await ats.status(SyncEntity.CANDIDATE, ids["candidate"])
    assert status is not None
    assert status.status is OutboxStatus.SENT
    # when: the retry is due
    clock.advance(3600)
    await worker.run_until_idle()
    # then
    assert await held(sandbox, ids) == dict.fromkeys(("email", "note", "application", "app_note", "stage"))

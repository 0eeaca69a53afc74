"""A worker stopped mid-batch loses nothing: its lease expires, another pass sends what was left, and
every change arrives exactly once in effect."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models import Application, Candidate, Job, OutboxStatus, SyncEntity
from models.db import SessionFactory
from models.outbox_claims import claim_due
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import Ats, Clock, ident, pushed, received_keys


async def three_candidates_with_applications(ats: Ats) -> list[int]:
    """Three candidates, each applied to one job; returns the application ids."""
    job = await ats.create(Job(title="Engineer", description="Build", location="Paris, FR"), SyncEntity.JOB)
    application_ids = []
    for n in range(3):
        candidate = await ats.create(
            Candidate(first_name=f"C{n}", last_name="Test", email=f"c{n}@example.com"), SyncEntity.CANDIDATE
        )
        application = await ats.create(
            Application(candidate_id=ident(candidate), job_id=ident(job)),
            SyncEntity.APPLICATION,
            {"candidate_id": ident(candidate), "job_id": ident(job)},
        )
        application_ids.append(ident(application))
    return application_ids


async def test_rows_claimed_by_a_worker_that_died_are_sent_once_its_lease_expires(
    ats: Ats,
    sessions: SessionFactory,
    worker: OutboxWorker,
    sandbox: Sandbox,
    clock: Clock,
    sync_config: SyncConfig,
) -> None:
    # given: a worker claimed every row, then died before sending anything
    await three_candidates_with_applications(ats)
    async with sessions() as db:
        now = clock()
        await claim_due(db, now=now, lease_until=now + timedelta(seconds=sync_config.lease_s), limit=100)
    held_by_the_dead = await worker.run_once()
    # when
    clock.advance(sync_config.lease_s + 1)
    report = await worker.run_once()
    # then
    assert (held_by_the_dead.claimed, report.claimed) == (0, 7)
    state = await pushed(sandbox)
    assert (len(state["candidates"]), len(state["applications"])) == (3, 3)
    assert [(row.entity_type, row.status) for row in await ats.outbox()] == [
        (SyncEntity.JOB, OutboxStatus.PENDING),  # submitted; waiting for LinkedIn's task
        *[(SyncEntity.CANDIDATE, OutboxStatus.SENT), (SyncEntity.APPLICATION, OutboxStatus.SENT)] * 3,
    ]


async def test_a_pass_that_fails_after_part_of_the_batch_resends_only_the_rest(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock
) -> None:
    # given: candidates go through, then LinkedIn fails every application call
    application_ids = await three_candidates_with_applications(ats)
    await sandbox.admin("POST", "faults", {"endpoint": "atsApplications", "status": 502, "count": None})
    await worker.run_once()
    await sandbox.admin("DELETE", "faults")
    # when
    clock.advance(3600)
    await worker.run_once()
    # then
    assert len(await received_keys(sandbox, "atsCandidates")) == 3
    assert sorted((await pushed(sandbox))["applications"]) == sorted(str(i) for i in application_ids)


async def test_a_worker_cancelled_mid_request_is_restarted_and_every_change_arrives_exactly_once(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock, sync_config: SyncConfig
) -> None:
    # given: the application call hangs, and the worker is cancelled while it waits
    application_ids = await three_candidates_with_applications(ats)
    await sandbox.admin("POST", "faults", {"endpoint": "atsApplications", "hang": True, "count": None})
    stopped = asyncio.create_task(worker.run_once())
    async with asyncio.timeout(10):
        while not any(c["endpoint"] == "atsApplications" for c in await sandbox.admin("GET", "calls")):
            assert not stopped.done()
    stopped.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(stopped, 10)
    await sandbox.admin("DELETE", "faults")
    # when: a new worker pass after the lease has expired
    clock.advance(sync_config.lease_s + 1)
    await worker.run_until_idle()
    # then
    state = await pushed(sandbox)
    assert sorted(state["applications"]) == sorted(str(i) for i in application_ids)
    assert len(state["candidates"]) == 3
    assert len(await received_keys(sandbox, "atsCandidates")) == 3
    statuses = {(row.entity_type, row.status) for row in await ats.outbox()}
    assert (SyncEntity.APPLICATION, OutboxStatus.PENDING) not in statuses
    assert (SyncEntity.CANDIDATE, OutboxStatus.PENDING) not in statuses


async def test_a_records_later_change_waits_while_another_worker_holds_its_earlier_one(
    ats: Ats,
    sessions: SessionFactory,
    worker: OutboxWorker,
    sandbox: Sandbox,
    clock: Clock,
    sync_config: SyncConfig,
) -> None:
    # given: another worker leased the candidate's upsert; then the candidate is deleted
    candidate = await ats.create(
        Candidate(first_name="A", last_name="B", email="a@b.example"), SyncEntity.CANDIDATE
    )
    async with sessions() as db:
        now = clock()
        await claim_due(db, now=now, lease_until=now + timedelta(seconds=sync_config.lease_s), limit=100)
    await ats.delete(Candidate, ident(candidate), SyncEntity.CANDIDATE)
    # when
    while_held = await worker.run_once()
    clock.advance(sync_config.lease_s + 1)
    after_lease = await worker.run_once()
    # then: the delete was not sent beside the other worker's upsert; afterwards both go as one delete
    assert (while_held.claimed, after_lease.claimed) == (0, 2)
    calls = [(c["method"], c["endpoint"]) for c in await sandbox.admin("GET", "calls")]
    assert ("PUT", "atsCandidates") not in calls
    assert ("DELETE", "atsCandidates") in calls

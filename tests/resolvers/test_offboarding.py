"""Offboarding a customer: everything synced is deleted on LinkedIn exactly once, even when the worker
is killed halfway and another process resumes; the other customer's data stays, locally and on LinkedIn."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select, update

import models
from app.services import build_services
from app.settings import Settings
from linkedin.sandbox.config import SandboxConfig
from models import OutboxEvent, OutboxOp, SyncEntity
from models.base import utcnow
from models.db import SessionFactory
from models.leases import LeaseBusy
from models.offboarding import DataChoice, OffboardingState
from resolvers import offboarding
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.child_apps import add_child_customer
from tests.conftest import Sandbox
from tests.resolvers.offboarding_support import SYNC, World, linkedin_state, synced_world
from tests.scheduler_support import clock_now, jobs_for, rows_of

CANDIDATES = 7


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    # Job postings are processed at once, so the world's jobs are synced (SENT) before offboarding.
    return SandboxConfig(job_task_delay_ms=0)


async def rows_per_table(sessions: SessionFactory, customer_id: int) -> dict[str, int]:
    """How many rows the customer has in each of its tables."""
    counts: dict[str, int] = {}
    async with sessions() as db:
        for table in SQLModel.metadata.sorted_tables:
            if "customer_id" in table.columns:
                statement = (
                    sa.select(sa.func.count()).select_from(table).where(table.c.customer_id == customer_id)
                )
                counts[table.name] = int((await (await db.connection()).execute(statement)).scalar_one())
    return counts


def without_schedule(counts: dict[str, int]) -> dict[str, int]:
    # The scheduler's own rows of B (its purge check unit) may come and go with the rounds.
    return {name: n for name, n in counts.items() if name not in ("scheduled_work", "lease")}


def deleted_keys(state: dict[str, Any]) -> dict[str, dict[str, int]]:
    calls: dict[str, dict[str, int]] = state["deleteCalls"]
    return calls


async def test_an_offboarding_killed_halfway_and_resumed_by_another_worker_deletes_everything_once(
    sandbox: Sandbox,
    sessions: SessionFactory,
    settings: Settings,
    services: Services,
    tenant: Tenant,
    http: aiohttp.ClientSession,
) -> None:
    # given: customer A (the default app) and customer B (a child app of its own), both synced
    other, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert other.id is not None
    tenant_b = await services.tenants.get(other.id)
    world: World = await synced_world(sessions, tenant, candidates=CANDIDATES, mark="acme")
    await synced_world(sessions, tenant_b, candidates=3, mark="globex")
    b_before = await linkedin_state(sandbox, app.client_id)
    b_rows_before = await rows_per_table(sessions, other.id)
    a_before = await linkedin_state(sandbox, None)
    assert len(a_before["candidates"]) == CANDIDATES  # type: ignore[arg-type]
    assert len(a_before["entityAcls"]) == 1  # type: ignore[arg-type]
    # and: A's offboarding is asked for; the first worker deletes in batches of 2 and LinkedIn hangs on
    # the first candidate delete (after every application and candidate note went), when it is killed
    await offboarding.start_offboarding(
        sessions, tenant.id, DataChoice.DELETE, requested_by="ops@vendor.test"
    )
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "hang": True, "count": 1})
    clock = clock_now()
    first = jobs_for(services, settings.model_copy(update={"offboarding_batch_size": 2}), clock=clock)
    running = asyncio.create_task(first.scheduler.run_due())
    assert (await sandbox.admin("GET", "hangs/wait?timeout=20"))["hanging"] is True
    running.cancel()  # the process dies: no cleanup, its hold on the unit lapses only with time
    with pytest.raises(asyncio.CancelledError):
        await running
    halfway = await offboarding.status(sessions, tenant.id)
    assert halfway is not None
    assert halfway.state is OffboardingState.DELETING_ON_LINKEDIN
    assert halfway.sent == CANDIDATES * 2  # the applications and the candidate notes
    assert halfway.remaining > 0
    await sandbox.admin("DELETE", "faults")
    # when: another worker process (new services, new holder) runs due work after the hold lapsed
    other_services = build_services(settings, sessions, http)
    try:
        clock.advance(first.scheduler.ttl.total_seconds() + 1)
        second = jobs_for(
            other_services, settings.model_copy(update={"offboarding_batch_size": 2}), clock=clock
        )
        ran = await second.scheduler.run_due()
    finally:
        await other_services.aclose()
    # then: the offboarding is done
    assert [(r.key.kind, r.ok) for r in ran] == [("offboarding", True)]
    done = await offboarding.status(sessions, tenant.id)
    assert done is not None
    assert (done.state, done.remaining, done.failed) == (OffboardingState.DONE, 0, 0)
    # and: every synced record of A was deleted on LinkedIn exactly once, and its jobs closed
    a_after = await linkedin_state(sandbox, None)
    calls = deleted_keys(a_after)
    assert sorted(calls["atsApplications"].values()) == [1] * CANDIDATES
    assert sorted(calls["atsCandidates"].values()) == [1] * CANDIDATES
    assert sorted(calls["atsCandidates/notes"].values()) == [1] * CANDIDATES
    assert calls["atsEntityAcls"] == {a_before["entityAcls"][0]: 1}  # type: ignore[index]
    assert calls["atsEntityAclAssignees"] == {a_before["aclAssignees"][0]: 1}  # type: ignore[index]
    assert "atsApplications/stages" not in calls  # LinkedIn drops them with their application
    assert "atsApplications/notes" not in calls
    assert (a_after["candidates"], a_after["applications"]) == ([], [])
    assert (a_after["entityAcls"], a_after["aclAssignees"]) == ([], [])
    states = {job["externalJobPostingId"]: job["state"] for job in a_after["jobs"]}  # type: ignore[attr-defined]
    assert states == {str(job): "CLOSED" for job in world.jobs}
    # and: A's local data is gone but for its customer row, offboarding and audit log
    left = {name: n for name, n in (await rows_per_table(sessions, tenant.id)).items() if n}
    assert set(left) <= {"customer_offboarding", "offboarding_item", "scheduled_work", "audit_entry"}
    # and: an offboarded customer has no scheduled work left once the scheduler next looks
    await second.scheduler.sync_customers()
    assert await rows_of(sessions, tenant.id) == {}
    # and: B is untouched, on LinkedIn and locally
    b_after = await linkedin_state(sandbox, app.client_id)
    assert b_after["deleteCalls"] == {}
    for part in ("candidates", "applications", "jobs", "entityAcls", "aclAssignees"):
        assert b_after[part] == b_before[part]
    assert without_schedule(await rows_per_table(sessions, other.id)) == without_schedule(b_rows_before)


async def test_deletions_wait_for_an_outbox_batch_another_worker_is_sending(
    sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given: a synced customer, and a change another worker claimed and is sending right now
    world = await synced_world(sessions, tenant, candidates=1, mark="acme")
    async with sessions() as db:
        sending = OutboxEvent(
            customer_id=tenant.id,
            entity_type=SyncEntity.CANDIDATE,
            entity_id=world.candidates[0],
            op=OutboxOp.UPSERT,
            locked_until=utcnow() + timedelta(seconds=60),
        )
        unsent = OutboxEvent(
            customer_id=tenant.id, entity_type=SyncEntity.JOB, entity_id=world.jobs[0], op=OutboxOp.UPSERT
        )
        db.add_all([sending, unsent])
        await db.commit()
    await offboarding.start_offboarding(sessions, tenant.id, DataChoice.DELETE, requested_by=None)
    offboarder = offboarding.Offboarder(sessions, tenant, SYNC)
    # when / then: the unit is busy while the batch is in flight; nothing is deleted on LinkedIn yet
    with pytest.raises(LeaseBusy):
        await offboarder.run()
    assert (await linkedin_state(sandbox, None))["deleteCalls"] == {}
    # when: the other worker's claim ends
    async with sessions() as db:
        await db.exec(
            update(OutboxEvent)
            .where(col(OutboxEvent.customer_id) == tenant.id)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
        await db.commit()
    done = await offboarder.run()
    # then: the offboarding runs to its end, and the customer's outbox is empty
    assert done is not None
    assert done.state is OffboardingState.DONE
    async with sessions() as db:
        left = (await db.exec(select(OutboxEvent.id).where(col(OutboxEvent.customer_id) == tenant.id))).all()
    assert list(left) == []


async def test_disabling_a_provisioned_customer_removes_its_callback_and_its_widgets_domains(
    sandbox: Sandbox, sessions: SessionFactory, settings: Settings, services: Services
) -> None:
    # given: a customer whose child app the partner app provisioned, with its callback URL configured
    row, app = await add_child_customer(sessions, settings, sandbox, key="initech", name="Initech")
    assert row.id is not None
    (held,) = [a for a in await sandbox.admin("GET", "apps") if a["clientId"] == app.client_id]
    async with sessions() as db:
        stored = await db.get(models.Customer, row.id)
        assert stored is not None
        stored.linkedin_app_urn = held["key"]
        db.add(stored)
        db.add(models.CustomerIntegration(customer_id=row.id, type="ONE_CLICK_EXPORT", enabled=True))
        await db.commit()
    tenant = await services.tenants.get(row.id)
    await tenant.linkedin.set_callback_url("https://ats.example.com/webhooks/linkedin/initech")
    before = await sandbox.admin("GET", f"apps/{app.client_id}/integrations")
    assert any("CALLBACK_URL" in json.dumps(c) for c in before["configurations"].values())
    await offboarding.start_offboarding(sessions, row.id, DataChoice.ANONYMISE, requested_by=None)
    assert services.onboarding is not None
    # when
    done = await offboarding.Offboarder(sessions, tenant, SYNC, partner=services.onboarding.partner).run()
    # then: LinkedIn pushes nothing more and the widgets load nowhere; locally the integration is off
    assert done is not None
    assert done.state is OffboardingState.DONE
    (after,) = [a for a in await sandbox.admin("GET", "apps") if a["clientId"] == app.client_id]
    assert after["validJsSdkDomains"] == []
    configured = await sandbox.admin("GET", f"apps/{app.client_id}/integrations")
    assert all("CALLBACK_URL" not in json.dumps(c) for c in configured["configurations"].values())
    async with sessions() as db:
        integration = await db.get(models.CustomerIntegration, (row.id, "ONE_CLICK_EXPORT"))
    assert integration is not None
    assert (integration.enabled, integration.state) == (False, "DISABLED_AT_OFFBOARDING")


async def test_linkedin_failing_midway_backs_the_offboarding_off_and_the_next_run_finishes_it(
    sandbox: Sandbox, sessions: SessionFactory, settings: Settings, services: Services, tenant: Tenant
) -> None:
    # given: a synced customer being offboarded; LinkedIn answers 503 to every candidate call
    await synced_world(sessions, tenant, candidates=3, mark="acme")
    await offboarding.start_offboarding(sessions, tenant.id, DataChoice.DELETE, requested_by=None)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "status": 503, "count": None})
    clock = clock_now()
    jobs = jobs_for(services, settings, clock=clock)
    # when
    failed = await jobs.scheduler.run_due()
    # then: the unit failed and backs off; what LinkedIn confirmed stays done
    assert [(r.key.kind, r.ok) for r in failed] == [("offboarding", False)]
    assert failed[0].next_run_at is not None
    assert failed[0].next_run_at > clock.now
    halfway = await offboarding.status(sessions, tenant.id)
    assert halfway is not None
    assert (halfway.state, halfway.sent) == (OffboardingState.DELETING_ON_LINKEDIN, 3 + 3)
    assert await jobs.scheduler.run_due() == []  # not due again yet
    # when: LinkedIn is back and the backoff has passed
    await sandbox.admin("DELETE", "faults")
    clock.now = failed[0].next_run_at
    finished = await jobs.scheduler.run_due()
    # then: done, every record deleted once
    assert [(r.key.kind, r.ok) for r in finished] == [("offboarding", True)]
    calls = deleted_keys(await linkedin_state(sandbox, None))
    assert sorted(calls["atsApplications"].values()) == [1, 1, 1]
    assert sorted(calls["atsCandidates"].values()) == [1, 1, 1]
    done = await offboarding.status(sessions, tenant.id)
    assert done is not None
    assert done.state is OffboardingState.DONE


async def test_anonymising_leaves_no_row_that_names_a_person(
    sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given: a synced customer whose people are named, mailed and noted (the recruiter with a person URN)
    world = await synced_world(sessions, tenant, candidates=2, mark="acme")
    traces = ["person0@acme.example", "person1@acme.example", "acme0", "acme1", "recruiter@acme.test"]
    traces += [world.person_urn, "acme note", "acme application note"]
    await offboarding.start_offboarding(
        sessions, tenant.id, DataChoice.ANONYMISE, requested_by="ops@vendor.test"
    )
    # when
    done = await offboarding.Offboarder(sessions, tenant, SYNC).run()
    # then: no text of any row of any table holds any of them; jobs and applications remain
    assert done is not None
    assert done.state is OffboardingState.DONE
    found: list[str] = []
    async with sessions() as db:
        connection = await db.connection()
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(sa.select(table))).all():
                text = " ".join(str(value) for value in row)
                found += [f"{table.name}: {trace}" for trace in traces if trace in text]
    assert found == []
    left = await rows_per_table(sessions, tenant.id)
    assert (left["job"], left["application"], left["candidate"]) == (2, 2, 2)
    assert (left["note"], left["ats_user"], left["linkedin_identity"]) == (0, 0, 0)


async def test_a_candidate_whose_delete_reached_linkedin_unrecorded_is_not_deleted_again(
    sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given: an offboarding whose earlier process deleted a candidate on LinkedIn and died before it
    # recorded it (the item is still pending)
    world = await synced_world(sessions, tenant, candidates=2, mark="acme")
    await offboarding.start_offboarding(sessions, tenant.id, DataChoice.DELETE, requested_by=None)
    await tenant.linkedin.delete_candidates([str(world.candidates[0])])
    # when
    done = await offboarding.Offboarder(sessions, tenant, SYNC).run()
    # then: LinkedIn was asked which it still holds; each candidate was deleted once in all
    assert done is not None
    assert (done.state, done.failed) == (OffboardingState.DONE, 0)
    calls = deleted_keys(await linkedin_state(sandbox, None))
    assert sorted(calls["atsCandidates"].values()) == [1, 1]

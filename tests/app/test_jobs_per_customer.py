"""The scheduler runs every customer's units: LinkedIn refusing or throttling one customer's app (429,
401) leaves the other customers' outbox sync and exports done in the same round; a unit another process
holds is left to it; one customer's unit raising leaves the others done and is counted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlmodel import col, select

import models
from app.export_worker import EXPORT_JOB
from app.settings import Settings
from linkedin.push import EXPORT_CANDIDATE_PROFILE, PushNotification
from models import scheduled_work as work
from models.db import SessionFactory, write_session
from resolvers import exports
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.child_apps import add_child_customer
from tests.conftest import Sandbox
from tests.scheduler_support import clock_now, jobs_for, rows_of

TTL = timedelta(seconds=20)


async def work_for(sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant, app: str | None) -> str:
    """A candidate of the customer waiting in its outbox, and an export of a member of its world (in app
    `app`'s, None: the default app's) to one of its jobs, pushed and recorded; returns the request id."""
    world = await sandbox.admin("GET", "world" if app is None else f"world?app={app}")
    member = world["members"][3]
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=tenant.id, first_name="Grace", last_name="Hopper", email=f"grace@{tenant.key}.example"
        )
        job = models.Job(customer_id=tenant.id, title="Compiler Engineer")
        db.add_all([candidate, job])
        await db.flush()
        assert candidate.id is not None
        db.add(
            models.OutboxEvent(
                customer_id=tenant.id,
                entity_type=models.SyncEntity.CANDIDATE,
                entity_id=candidate.id,
                op=models.OutboxOp.UPSERT,
            )
        )
        await db.commit()
    body = {"seat": world["seats"][0]["urn"], "member": member["urn"], "externalJobPostingId": str(job.id)}
    answer = await sandbox.admin("POST", "exports" if app is None else f"exports?app={app}", body)
    request_id = str(answer["requestId"])
    notification = PushNotification(request_id, EXPORT_CANDIDATE_PROFILE, request_id, None)
    await exports.record_notification(sessions, tenant.id, notification)
    return request_id


async def pushed_emails(sandbox: Sandbox, app: str | None) -> set[str]:
    """The emails of the candidates the app's LinkedIn holds."""
    state = await sandbox.admin("GET", "state" if app is None else f"state?app={app}")
    return {email for c in state["candidates"] for email in c["body"].get("emailAddresses", [])}


async def outbox_of(sessions: SessionFactory, customer_id: int) -> list[models.OutboxStatus]:
    async with sessions() as db:
        statement = (
            select(models.OutboxEvent.status)
            .where(col(models.OutboxEvent.customer_id) == customer_id)
            .order_by(col(models.OutboxEvent.id))
        )
        return [models.OutboxStatus(status) for status in (await db.exec(statement)).all()]


@pytest.fixture
async def failing(
    sessions: SessionFactory, settings: Settings, sandbox: Sandbox, services: Services
) -> tuple[Tenant, str]:
    """A second customer, whose child app's LinkedIn the test makes fail; its tenant and client id."""
    row, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert row.id is not None
    return await services.tenants.get(row.id), app.client_id


@pytest.mark.parametrize("status", [429, 401], ids=["throttled", "refused"])
async def test_one_customers_linkedin_failing_leaves_the_others_sync_and_exports_done_in_the_same_run(
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    tenant: Tenant,
    failing: tuple[Tenant, str],
    settings: Settings,
    status: int,
) -> None:
    # given: work waiting for both customers; every call of globex's app is answered `status`
    other, app = failing
    healthy_export = await work_for(sandbox, sessions, tenant, None)
    failing_export = await work_for(sandbox, sessions, other, app)
    await sandbox.admin("POST", f"faults?app={app}", {"endpoint": "*", "status": status, "count": None})
    jobs = jobs_for(services, settings, outbox=30.0, exports=30.0, clock=clock_now())
    # when: one round of the scheduler
    ran = await jobs.scheduler.tick()
    # then: acme's candidate is on its LinkedIn and its export done, in this very run
    assert "grace@acme.example" in await pushed_emails(sandbox, None)
    # (its first row is the candidate's; the export enqueued the member's candidate and application after)
    assert (await outbox_of(sessions, tenant.id))[0] is models.OutboxStatus.SENT
    done = await exports.export_request(sessions, tenant.id, healthy_export)
    assert done is not None
    assert done.status is models.ExportStatus.DONE
    # and globex's work waits, unsent and unlost, for its LinkedIn to answer again
    assert await pushed_emails(sandbox, app) == set()
    assert await outbox_of(sessions, other.id) == [models.OutboxStatus.PENDING]
    waiting = await exports.export_request(sessions, other.id, failing_export)
    assert waiting is not None
    assert waiting.status is models.ExportStatus.PENDING
    # and globex's units failed (backed off), acme's succeeded
    outcomes = {(r.key.customer_id, r.key.kind): r.ok for r in ran}
    assert outcomes == {
        (tenant.id, "outbox"): True,
        (tenant.id, "exports"): True,
        (other.id, "outbox"): False,
        (other.id, "exports"): False,
    }


async def test_a_unit_another_process_holds_is_left_to_it_and_the_others_run(
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    settings: Settings,
    tenant: Tenant,
    failing: tuple[Tenant, str],
) -> None:
    # given: another (live) process holds acme's outbox unit right now
    other, app = failing
    await work_for(sandbox, sessions, tenant, None)
    await work_for(sandbox, sessions, other, app)
    clock = clock_now()
    jobs = jobs_for(services, settings, outbox=30.0, clock=clock)
    await jobs.scheduler.sync_customers()
    async with write_session(sessions) as db:
        held = await work.claim_due(db, "another-process", kinds=["outbox"], limit=1, ttl=TTL, now=clock())
    assert [c.key.customer_id for c in held] in ([tenant.id], [other.id])
    holder_of = held[0].key.customer_id
    # when
    ran = await jobs.scheduler.run_due()
    # then: the held customer's unit was left to its holder; the other's ran
    assert [r.key.customer_id for r in ran] == [other.id if holder_of == tenant.id else tenant.id]
    assert (await rows_of(sessions, holder_of))[("outbox", "")].holder == "another-process"


async def test_one_customers_unit_raising_leaves_the_others_done_and_is_counted(
    sessions: SessionFactory,
    services: Services,
    settings: Settings,
    tenant: Tenant,
    failing: tuple[Tenant, str],
) -> None:
    # given: a unit of work that breaks for acme alone (a bug, a row no column takes)
    other, _ = failing
    ran: list[str] = []

    async def run_for(customer: Tenant, keys: Sequence[work.WorkKey]) -> Any:
        if customer.id == tenant.id:
            raise RuntimeError("acme's share breaks")
        ran.append(customer.key)

    jobs = jobs_for(services, settings, exports=30.0, clock=clock_now())
    jobs.scheduler.runners[EXPORT_JOB] = run_for
    failures = {"job": EXPORT_JOB, "customer": "acme"}
    before = REGISTRY.get_sample_value("rscgraph_customer_job_failures_total", failures) or 0.0
    # when
    outcomes = await jobs.scheduler.tick()
    # then
    assert {r.key.customer_id: r.ok for r in outcomes} == {tenant.id: False, other.id: True}
    assert ran == [other.key]
    assert REGISTRY.get_sample_value("rscgraph_customer_job_failures_total", failures) == before + 1
    assert (await rows_of(sessions, tenant.id))[(EXPORT_JOB, "")].failures == 1

"""A job run does every customer's share (the poll, the outbox, the exports): LinkedIn refusing or
throttling one customer's app (429, 401) leaves the other customers' outbox sync and exports done in the
same run; each customer's share runs
under a lease of its own, which another process holding it makes this one skip."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlmodel import col, func, select

import models
from app.export_worker import EXPORT_JOB, ExportWorker
from app.jobs import OUTBOX_JOB, POLL_JOB, OutboxJob, build_jobs
from app.per_customer import for_each_customer
from app.settings import Settings
from linkedin.push import EXPORT_CANDIDATE_PROFILE, PushNotification
from models import leases
from models.db import SessionFactory
from resolvers import exports
from resolvers.services import Services
from resolvers.sync.config import SyncConfig
from resolvers.tenants import Tenant
from tests.child_apps import add_child_customer
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import world_counts

HOLDER = "this-process"


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
    status: int,
) -> None:
    # given: work waiting for both customers; every call of globex's app is answered `status`
    other, app = failing
    healthy_export = await work_for(sandbox, sessions, tenant, None)
    failing_export = await work_for(sandbox, sessions, other, app)
    await sandbox.admin("POST", f"faults?app={app}", {"endpoint": "*", "status": status, "count": None})
    outbox = OutboxJob(services, SyncConfig())
    # when: one run of the outbox job, then one of the export job
    synced = await for_each_customer(services, OUTBOX_JOB, outbox.run_for, holder=HOLDER)
    swept = await ExportWorker(services).sweep()
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
    assert (swept.done, swept.pending) == (1, 1)
    # and neither customer's share failed as a job (a LinkedIn outage is an outcome, not a crash)
    assert synced == {"acme": True, "globex": True}


async def test_a_customers_share_another_process_holds_is_skipped_and_the_others_run(
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    tenant: Tenant,
    failing: tuple[Tenant, str],
) -> None:
    # given: another process is draining acme's outbox right now
    other, app = failing
    await work_for(sandbox, sessions, tenant, None)
    await work_for(sandbox, sessions, other, app)
    async with sessions() as db:
        assert await leases.try_acquire(
            db, leases.customer_lease(OUTBOX_JOB, tenant.id), "another-process", leases.DEFAULT_TTL
        )
        await db.commit()
    outbox = OutboxJob(services, SyncConfig())
    # when
    synced = await for_each_customer(services, OUTBOX_JOB, outbox.run_for, holder=HOLDER)
    # then: acme's share was left to the other process; globex's ran
    assert synced == {"globex": True}
    assert await outbox_of(sessions, tenant.id) == [models.OutboxStatus.PENDING]
    assert await outbox_of(sessions, other.id) == [models.OutboxStatus.SENT]


async def test_one_customers_share_raising_leaves_the_others_done_and_is_counted(
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    tenant: Tenant,
    failing: tuple[Tenant, str],
) -> None:
    # given: a unit of work that breaks for acme alone (a bug, a row no column takes)
    other, _ = failing
    ran: list[str] = []

    async def run_for(customer: Tenant) -> Any:
        if customer.id == tenant.id:
            raise RuntimeError("acme's share breaks")
        ran.append(customer.key)

    failures = {"job": EXPORT_JOB, "customer": "acme"}
    before = REGISTRY.get_sample_value("rscgraph_customer_job_failures_total", failures) or 0.0
    # when
    outcomes = await for_each_customer(services, EXPORT_JOB, run_for, holder=HOLDER)
    # then
    assert outcomes == {"acme": False, "globex": True}
    assert ran == [other.key]
    assert REGISTRY.get_sample_value("rscgraph_customer_job_failures_total", failures) == before + 1


async def inmails_of(sessions: SessionFactory, customer_id: int) -> int:
    async with sessions() as db:
        statement = (
            select(func.count())
            .select_from(models.InMailMessage)
            .where(col(models.InMailMessage.customer_id) == customer_id)
        )
        return int((await db.exec(statement)).one())


async def test_one_run_of_the_poll_job_polls_every_customers_linkedin(
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    settings: Settings,
    tenant: Tenant,
    failing: tuple[Tenant, str],
) -> None:
    # given: two customers, each with InMails in its own LinkedIn world
    other, app = failing
    jobs = build_jobs(services, settings)
    # when
    await jobs.runs[POLL_JOB]()
    # then: each customer's mirror holds its own world's InMails
    assert await inmails_of(sessions, tenant.id) == (await world_counts(sandbox))["events"] > 0
    assert await inmails_of(sessions, other.id) == (await world_counts(sandbox, app))["events"] > 0

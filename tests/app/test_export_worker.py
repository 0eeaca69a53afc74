"""The export worker: background passes on wake-up, and claims that keep two processes off one export."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.export_worker import EXPORT_JOB, ExportWorker
from app.factory import create_app
from app.scheduler import run_soon
from app.settings import Settings
from linkedin.client import LinkedInClient
from linkedin.push import PushNotification
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from linkedin.sandbox.world import build_world
from models import ExportStatus, Job
from models.db import SessionFactory
from resolvers import exports
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.conftest import Sandbox
from tests.scheduler_support import jobs_for

WORLD = build_world(SandboxConfig())


# Bounds every wait on a pass, so that a regression fails the test instead of hanging the run.
GUARD_S = 10


async def pending_export(sandbox: Sandbox, sessions: SessionFactory, customer_id: int) -> str:
    """An export of the customer LinkedIn holds and whose push was recorded (the acknowledging process
    may be gone)."""
    async with sessions() as db:
        job = Job(customer_id=customer_id, title="Product Designer")
        db.add(job)
        await db.commit()
    body = {"seat": WORLD.seats[0].urn, "member": WORLD.members[170].urn, "externalJobPostingId": str(job.id)}
    request_id = str((await sandbox.admin("POST", "exports", body))["requestId"])
    notification = PushNotification(request_id, "EXPORT_CANDIDATE_PROFILE", request_id, None)
    await exports.record_notification(sessions, customer_id, notification)
    return request_id


async def test_the_started_scheduler_completes_a_pending_export_without_being_asked(
    sandbox: Sandbox, services: Services, settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    request_id = await pending_export(sandbox, sessions, customer_id)
    jobs = jobs_for(services, settings, exports=3600)
    # when: the scheduler starts (the customer's exports unit is due at once)
    jobs.start()
    try:
        await asyncio.wait_for(jobs.exports.passes_done(1), GUARD_S)
    finally:
        await jobs.stop()
    # then
    row = await exports.export_request(sessions, customer_id, request_id)
    assert row is not None
    assert row.status == ExportStatus.DONE


async def test_making_the_exports_unit_due_runs_another_pass(
    services: Services, settings: Settings, customer_id: int
) -> None:
    # given: the first pass is done and the next is an hour away
    jobs = jobs_for(services, settings, exports=3600)
    jobs.start()
    try:
        await asyncio.wait_for(jobs.exports.passes_done(1), GUARD_S)
        # when
        await run_soon(services.sessions, customer_id, EXPORT_JOB, jobs.scheduler)
        # then
        await asyncio.wait_for(jobs.exports.passes_done(2), GUARD_S)
    finally:
        await jobs.stop()


async def test_a_pending_export_claimed_by_another_worker_is_left_to_it(
    sandbox: Sandbox, services: Services, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: a pending export another process's worker is processing
    request_id = await pending_export(sandbox, sessions, customer_id)
    assert await exports.claim(
        sessions, customer_id, request_id, "export-worker:elsewhere", timedelta(minutes=5)
    )
    # when
    result = await ExportWorker(services).run_for(tenant)
    # then
    assert (result.done, result.skipped) == (0, 1)
    row = await exports.export_request(sessions, customer_id, request_id)
    assert row is not None
    assert (row.status, row.attempts) == (ExportStatus.PENDING, 0)


async def test_an_export_is_processed_once_its_claim_is_released(
    sandbox: Sandbox, services: Services, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given
    request_id = await pending_export(sandbox, sessions, customer_id)
    assert await exports.claim(
        sessions, customer_id, request_id, "export-worker:elsewhere", timedelta(minutes=5)
    )
    await exports.release_claim(sessions, customer_id, request_id, "export-worker:elsewhere")
    # when
    result = await ExportWorker(services).run_for(tenant)
    # then
    assert (result.done, result.skipped) == (1, 0)


async def test_the_apps_export_job_is_woken_by_a_push_and_completes_the_export(
    settings: Settings,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    linkedin: LinkedInClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the app's export job sweeps at start and then every 30 s, so only a wake-up finishes in time
    started: list[ExportWorker] = []

    class Seen(ExportWorker):
        def __init__(self, services: Services) -> None:
            super().__init__(services)
            started.append(self)

    monkeypatch.setattr("app.jobs.ExportWorker", Seen)
    async with sessions() as db:
        job = Job(customer_id=customer_id, title="Product Designer")
        db.add(job)
        await db.commit()
    body = {"seat": WORLD.seats[0].urn, "member": WORLD.members[171].urn, "externalJobPostingId": str(job.id)}
    async with serve_asgi(
        create_app(settings.model_copy(update={"export_interval_s": 30.0, "run_jobs": True}))
    ) as url:
        await linkedin.set_callback_url(url + "/webhooks/linkedin/acme")
        # when: LinkedIn pushes the export to the running server
        request_id = str((await sandbox.admin("POST", "exports", body))["requestId"])
        # then: a pass completes it (a bug fails the guard, it does not hang the run)
        [worker] = started
        async with asyncio.timeout(10):
            passes = 1
            while (row := await exports.export_request(sessions, customer_id, request_id)) is None or (
                row.status != ExportStatus.DONE
            ):
                await worker.passes_done(passes)
                passes += 1

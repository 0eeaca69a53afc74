"""The export worker's background loop: a wake-up runs a pass that completes pending exports."""

from __future__ import annotations

from app.export_worker import ExportWorker
from linkedin.push import PushNotification
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models import ExportStatus, Job
from models.db import SessionFactory
from resolvers import exports
from resolvers.services import Services
from tests.conftest import Sandbox

WORLD = build_world(SandboxConfig())


async def test_the_started_worker_completes_a_pending_export_without_being_asked(
    sandbox: Sandbox, services: Services, sessions: SessionFactory
) -> None:
    # given: a push was recorded (the process that acknowledged it may have died since)
    async with sessions() as db:
        job = Job(title="Product Designer")
        db.add(job)
        await db.commit()
    body = {"seat": WORLD.seats[0].urn, "member": WORLD.members[170].urn, "externalJobPostingId": str(job.id)}
    request_id = str((await sandbox.admin("POST", "exports", body))["requestId"])
    notification = PushNotification(request_id, "EXPORT_CANDIDATE_PROFILE", request_id, None)
    await exports.record_notification(sessions, notification)
    worker = ExportWorker(services, interval_s=3600)
    # when: the worker starts (its first pass sweeps what is pending)
    worker.start()
    try:
        await worker.passes_done(1)
    finally:
        await worker.stop()
    # then
    row = await exports.export_request(sessions, request_id)
    assert row is not None
    assert row.status == ExportStatus.DONE


async def test_a_wake_up_runs_another_pass(services: Services) -> None:
    # given
    worker = ExportWorker(services, interval_s=3600)
    worker.start()
    try:
        await worker.passes_done(1)
        # when
        worker.wake()
        # then
        await worker.passes_done(2)
    finally:
        await worker.stop()

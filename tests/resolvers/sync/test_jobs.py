"""Jobs reach LinkedIn through simpleJobPostings; the task LinkedIn returns decides SENT or PARKED."""

from __future__ import annotations

import pytest

from linkedin.sandbox.config import SandboxConfig
from models import Job, JobAvailability, JobState, OutboxStatus, SyncEntity
from resolvers.sync.outcomes import Kind
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import CREATED, MODIFIED, Ats, Clock, ms, pushed

TASK_POLL_S = 60


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Job posting tasks finish as soon as they are asked about."""
    return SandboxConfig(job_task_delay_ms=0)


def analyst(**overrides: object) -> Job:
    fields: dict[str, object] = {
        "title": "Engine Analyst",
        "description": "Program the analytical engine.",
        "location": "London, GB",
        "company_apply_url": "https://careers.example.com/analyst",
        "state": JobState.OPEN,
        "availability": JobAvailability.PUBLIC,
        "created_at": CREATED,
        "updated_at": MODIFIED,
    }
    fields.update(overrides)
    return Job(**fields)  # type: ignore[arg-type]


async def test_a_new_job_appears_on_linkedin_with_every_field(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock
) -> None:
    # given
    job = await ats.create(analyst(), SyncEntity.JOB)
    # when
    await worker.run_once()
    # then
    assert (await pushed(sandbox))["jobs"][str(job.id)] == {
        "integrationContext": sandbox.config.org_urn,
        "externalJobPostingId": str(job.id),
        "title": "Engine Analyst",
        "description": "Program the analytical engine.",
        "location": "London, GB",
        "state": "LISTED",
        "companyApplyUrl": "https://careers.example.com/analyst",
        "listedAt": ms(CREATED),
        "availability": "PUBLIC",
        "jobPostingOperationType": "CREATE",
    }


async def test_a_submitted_job_is_pending_until_its_task_succeeds(
    ats: Ats, worker: OutboxWorker, clock: Clock
) -> None:
    # given
    job = await ats.create(analyst(), SyncEntity.JOB)
    first = await worker.run_once()
    [row] = await ats.outbox()
    assert (first.count(Kind.AWAIT_TASK), row.status) == (1, OutboxStatus.PENDING)
    # when
    clock.advance(TASK_POLL_S)
    second = await worker.run_once()
    # then
    assert second.count(Kind.SENT) == 1
    status = await ats.status(SyncEntity.JOB, job.id)
    assert status is not None
    assert status.status == OutboxStatus.SENT


async def test_closing_a_job_follows_it_to_linkedin(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock
) -> None:
    # given
    job = await ats.create(analyst(), SyncEntity.JOB)
    await worker.run_once()
    clock.advance(TASK_POLL_S)
    await worker.run_once()
    # when
    await ats.update(Job, job.id, SyncEntity.JOB, state=JobState.CLOSED, title="Senior Engine Analyst")
    await worker.run_once()
    # then
    held = (await pushed(sandbox))["jobs"][str(job.id)]
    assert (held["state"], held["title"], held["jobPostingOperationType"]) == (
        "CLOSED",
        "Senior Engine Analyst",
        "CLOSE",
    )


async def test_a_job_whose_task_fails_is_parked_with_linkedins_reason(
    ats: Ats, worker: OutboxWorker, clock: Clock
) -> None:
    # given: the sandbox fails the task of a job titled with its failure marker
    job = await ats.create(analyst(title="Analyst [fail]"), SyncEntity.JOB)
    await worker.run_once()
    # when
    clock.advance(TASK_POLL_S)
    await worker.run_once()
    # then
    status = await ats.status(SyncEntity.JOB, job.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.PARKED, "Job posting was rejected by LinkedIn")


async def test_a_job_without_a_title_fails_alone_and_its_batch_mates_are_submitted(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    untitled = await ats.create(analyst(title=""), SyncEntity.JOB)
    titled = await ats.create(analyst(), SyncEntity.JOB)
    # when
    report = await worker.run_once()
    # then
    assert (report.count(Kind.PARKED), report.count(Kind.AWAIT_TASK)) == (1, 1)
    assert list((await pushed(sandbox))["jobs"]) == [str(titled.id)]
    status = await ats.status(SyncEntity.JOB, untitled.id)
    assert status is not None
    assert (status.status, status.error) == (
        OutboxStatus.PARKED,
        "LinkedIn 400: 'title' is required and must be a non-empty string",
    )

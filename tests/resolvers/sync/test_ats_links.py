"""The ATS links pushed to LinkedIn follow the port the server is served on, from one settings object."""

from __future__ import annotations

import pytest

from app.jobs import sync_config
from app.services import domain_config
from app.settings import Settings
from linkedin.sandbox.config import SandboxConfig
from models import Candidate, Job, SyncEntity
from models.db import SessionFactory
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import Ats, Clock, pushed


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Job posting tasks finish as soon as they are asked about."""
    return SandboxConfig(job_task_delay_ms=0)


async def test_a_pushed_candidate_links_to_its_page_on_the_served_port(
    settings: Settings,
    ats: Ats,
    sessions: SessionFactory,
    tenant: Tenant,
    sandbox: Sandbox,
    clock: Clock,
) -> None:
    # given: the server runs on 9123 and nobody set a link template
    served = settings.model_copy(update={"port": 9123})
    worker = OutboxWorker(sessions, tenant, sync_config(served), clock=clock)
    candidate = await ats.create(
        Candidate(first_name="Ada", last_name="Lovelace", email="ada@analytical.example"),
        SyncEntity.CANDIDATE,
    )
    # when
    await worker.run_once()
    # then
    held = (await pushed(sandbox))["candidates"][str(candidate.id)]
    assert held["body"]["externalProfileUrl"] == f"http://127.0.0.1:9123/candidates/{candidate.id}"


async def test_a_job_without_its_own_apply_url_links_to_its_page_on_the_served_port(
    settings: Settings,
    ats: Ats,
    sessions: SessionFactory,
    tenant: Tenant,
    sandbox: Sandbox,
    clock: Clock,
) -> None:
    # given
    served = settings.model_copy(update={"host": "0.0.0.0", "port": 9124})
    worker = OutboxWorker(sessions, tenant, sync_config(served), clock=clock)
    job = await ats.create(
        Job(title="Engine Analyst", description="Program the engine.", location="London, GB"), SyncEntity.JOB
    )
    # when
    await worker.run_once()
    # then: a wildcard bind is reached on loopback
    assert (await pushed(sandbox))["jobs"][str(job.id)][
        "companyApplyUrl"
    ] == f"http://127.0.0.1:9124/jobs/{job.id}"


def test_the_settings_object_is_the_only_source_of_the_links() -> None:
    # given
    served = Settings(port=9123)
    explicit = Settings(port=9123, ats_candidate_url_template="https://ats.example.com/people/{id}")
    # when
    worker_links = sync_config(served)
    domain = domain_config(served)
    # then
    assert worker_links.candidate_url_template == "http://127.0.0.1:9123/candidates/{id}"
    assert domain.ats_candidate_url_template == worker_links.candidate_url_template
    assert sync_config(explicit).candidate_url_template == "https://ats.example.com/people/{id}"
    assert domain_config(explicit).ats_candidate_url_template == "https://ats.example.com/people/{id}"

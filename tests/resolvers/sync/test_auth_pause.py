"""Credentials LinkedIn refuses: the outbox keeps its rows pending without burning attempts, does not call
LinkedIn again until the credentials change, then sends everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from pydantic import SecretStr

from linkedin.client import LinkedInClient
from models import OutboxStatus
from models.db import SessionFactory
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import upstream_calls
from tests.resolvers.sync.conftest import Ats, Clock, pushed
from tests.resolvers.sync.test_crash_safety import three_candidates_with_applications


@pytest.fixture
async def refused(tenant: Tenant) -> AsyncIterator[LinkedInClient]:
    """The customer's LinkedIn client, but with a wrong client secret."""
    async with aiohttp.ClientSession() as http:
        yield LinkedInClient(http, replace(tenant.linkedin.config, client_secret=SecretStr("wrong")))


@pytest.fixture
def paused_worker(
    sessions: SessionFactory, tenant: Tenant, refused: LinkedInClient, sync_config: SyncConfig, clock: Clock
) -> OutboxWorker:
    """The customer's outbox worker speaking with refused credentials."""
    return OutboxWorker(sessions, replace(tenant, linkedin=refused), sync_config, clock=clock)


async def _rows(ats: Ats) -> set[tuple[OutboxStatus, int]]:
    return {(row.status, row.attempts) for row in await ats.outbox()}


async def test_refused_credentials_leave_every_row_pending_without_an_attempt(
    ats: Ats, paused_worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    await three_candidates_with_applications(ats)
    # when
    await paused_worker.run_until_idle()
    # then
    assert await _rows(ats) == {(OutboxStatus.PENDING, 0)}
    assert await upstream_calls(sandbox, "accessToken") == 1


async def test_while_the_credentials_stay_refused_later_passes_do_not_call_linkedin(
    ats: Ats, paused_worker: OutboxWorker, sandbox: Sandbox, clock: Clock, sync_config: SyncConfig
) -> None:
    # given: a first pass met the refusal
    await three_candidates_with_applications(ats)
    await paused_worker.run_until_idle()
    # when: the pause and the rows' waits pass, several times over
    for _ in range(3):
        clock.advance(sync_config.throttle_pause_s + sync_config.job_task_poll_s)
        await paused_worker.run_until_idle()
    # then
    calls = [c["endpoint"] for c in await sandbox.admin("GET", "calls")]
    assert calls == ["accessToken"]
    assert await _rows(ats) == {(OutboxStatus.PENDING, 0)}


async def test_once_the_credentials_change_the_held_rows_are_sent(
    ats: Ats,
    paused_worker: OutboxWorker,
    refused: LinkedInClient,
    sandbox: Sandbox,
    clock: Clock,
    sync_config: SyncConfig,
) -> None:
    # given
    application_ids = await three_candidates_with_applications(ats)
    await paused_worker.run_until_idle()
    # when
    refused.tokens.use_credentials(sandbox.config.client_id, SecretStr(sandbox.config.client_secret))
    clock.advance(sync_config.throttle_pause_s + sync_config.job_task_poll_s)
    await paused_worker.run_until_idle()
    # then
    state = await pushed(sandbox)
    assert (len(state["candidates"]), sorted(state["applications"])) == (3, sorted(map(str, application_ids)))

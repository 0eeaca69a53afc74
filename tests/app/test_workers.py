"""The periodic job runner, and the LinkedIn poller the app runs on it."""

from __future__ import annotations

import asyncio
import logging

import pytest

import models
from app.factory import create_app
from app.settings import Settings
from app.workers import Workers
from models import leases
from models.db import SessionFactory
from resolvers.refresh import LEASE_NAME
from resolvers.tenants import Tenant
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import count, world_counts

# Every wait below is bounded only so that a bug fails the test instead of hanging the run.
GUARD_S = 10


async def test_a_job_runs_right_at_start() -> None:
    # given
    ran = asyncio.Event()

    async def job() -> None:
        ran.set()

    workers = Workers()
    workers.add("job", 3600, job)
    # when
    workers.start()
    # then
    try:
        await asyncio.wait_for(ran.wait(), GUARD_S)
    finally:
        await workers.stop()


async def test_a_job_that_fails_runs_again_on_its_next_tick() -> None:
    # given
    runs: list[int] = []
    second_run = asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("LinkedIn is down")
        second_run.set()

    workers = Workers()
    workers.add("flaky", 0.001, job)
    # when
    workers.start()
    try:
        await asyncio.wait_for(second_run.wait(), GUARD_S)
    finally:
        await workers.stop()
    # then
    assert runs[:2] == [0, 1]


async def test_stop_cancels_a_run_in_flight_and_waits_for_it_to_end() -> None:
    # given
    started, ended = asyncio.Event(), asyncio.Event()

    async def job() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            ended.set()

    workers = Workers()
    workers.add("slow", 3600, job)
    workers.start()
    await asyncio.wait_for(started.wait(), GUARD_S)
    # when
    await workers.stop()
    # then
    assert ended.is_set()


async def test_stop_lets_a_run_in_flight_finish_within_the_grace_period() -> None:
    # given: a run in flight that finishes once the stop has begun
    started, finish, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def job() -> None:
        started.set()
        await finish.wait()
        finished.set()

    workers = Workers()
    workers.add("batch", 3600, job)
    workers.start()
    await asyncio.wait_for(started.wait(), GUARD_S)
    # when
    stopping = asyncio.create_task(workers.stop(grace_s=GUARD_S))
    finish.set()
    await asyncio.wait_for(stopping, GUARD_S)
    # then: it ended by itself, not by cancellation
    assert finished.is_set()


async def test_stop_cancels_a_run_still_going_after_the_grace_period() -> None:
    # given
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def job() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    workers = Workers()
    workers.add("stuck", 3600, job)
    workers.start()
    await asyncio.wait_for(started.wait(), GUARD_S)
    # when
    await asyncio.wait_for(workers.stop(grace_s=0.1), GUARD_S)
    # then
    assert cancelled.is_set()


def test_an_interval_of_zero_registers_nothing() -> None:
    # given
    workers = Workers()

    async def job() -> None:
        return None

    # when
    workers.add("off", 0, job)
    # then
    assert workers.names == []


async def test_the_periodic_poll_mirrors_linkedin(
    tenant: Tenant, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given
    polled = asyncio.Event()

    async def tick() -> None:
        await tenant.refresh.poll_tick()
        polled.set()

    workers = Workers()
    workers.add("linkedin-poll", 3600, tick)
    # when
    workers.start()
    try:
        await asyncio.wait_for(polled.wait(), GUARD_S)
    finally:
        await workers.stop()
    # then
    assert await count(sessions, models.InMailMessage) == (await world_counts(sandbox))["events"]


async def test_the_periodic_poll_logs_a_linkedin_outage_instead_of_failing(
    tenant: Tenant, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "status": 503, "count": None})
    # when
    with caplog.at_level(logging.WARNING, logger="rscgraph.refresh"):
        await tenant.refresh.poll_tick()
    # then
    assert any("will retry next tick" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_shutdown_ends_a_poll_hanging_on_linkedin_and_releases_its_lease(
    settings: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn hangs every seats call; the app polls at start and a request waits on that poll
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "hang": True, "count": None})
    app = create_app(
        settings.model_copy(
            update={
                "run_jobs": True,
                "shutdown_grace_s": 0.5,  # the poll hangs: it is cancelled once the grace is over
                "poll_interval_s": 3600.0,
                "linkedin_timeout_s": 30.0,
                "export_interval_s": 0.0,
            }
        )
    )
    lifespan = app.router.lifespan_context(app)
    state = await lifespan.__aenter__()
    assert state is not None
    tenant = await state["services"].tenants.get(customer_id)
    waiting = asyncio.create_task(tenant.refresh.refresh())
    # when
    await asyncio.wait_for(lifespan.__aexit__(None, None, None), GUARD_S)
    # then
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, GUARD_S)
    async with sessions() as db:
        assert await leases.held_until(db, leases.customer_lease(LEASE_NAME, customer_id)) is None

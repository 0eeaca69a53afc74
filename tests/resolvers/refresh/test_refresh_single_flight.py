"""Concurrent refreshes share one poll: in the process through one task, across processes through a lease."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from linkedin.client import LinkedInClient
from models import leases
from models import watermarks as marks
from models.db import SessionFactory
from models.watermarks import PollStream
from resolvers import linkedin_faults
from resolvers.errors import LinkedInUnavailable
from resolvers.refresh import RefreshService, lease_name
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import (
    FIRST_POLL_WINDOWS,
    LOOKBACK,
    SEATS,
    Clock,
    count,
    other_process,
    upstream_calls,
    world_counts,
)


async def test_ten_concurrent_refreshes_make_one_upstream_poll(
    refresher: RefreshService, sandbox: Sandbox
) -> None:
    # when
    reports = await asyncio.gather(*(refresher.refresh() for _ in range(10)))
    # then
    assert await upstream_calls(sandbox, "seatsV2") == 1
    assert await upstream_calls(sandbox, "conversationEvents") == SEATS * FIRST_POLL_WINDOWS
    assert all(report is reports[0] for report in reports)


async def test_ten_concurrent_refreshes_store_each_inmail_and_note_once(
    refresher: RefreshService, sessions: SessionFactory, sandbox: Sandbox
) -> None:
    # given
    world = await world_counts(sandbox)
    # when
    await asyncio.gather(*(refresher.refresh() for _ in range(10)))
    # then
    assert await count(sessions, models.InMailMessage) == world["events"]
    assert await count(sessions, models.LinkedInNote) == world["notes"]


async def test_a_refresh_after_the_shared_poll_finished_polls_again(
    refresher: RefreshService, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    await refresher.refresh()
    clock.advance(minutes=1)
    # when
    await refresher.refresh()
    # then
    assert await upstream_calls(sandbox, "seatsV2") == 2


async def test_two_processes_refreshing_at_once_make_one_upstream_poll(
    refresher: RefreshService,
    sessions: SessionFactory,
    customer_id: int,
    linkedin: LinkedInClient,
    clock: Clock,
    sandbox: Sandbox,
) -> None:
    # given
    second = other_process(sessions, customer_id, linkedin, clock)
    # when
    reports = await asyncio.gather(refresher.refresh(), second.refresh())
    # then
    assert await upstream_calls(sandbox, "seatsV2") == 1
    assert sorted(report.polled for report in reports) == [False, True]
    assert {report.synced_at for report in reports} == {clock.now()}


async def test_a_refresh_waits_for_another_processs_poll_and_does_not_poll_itself(
    refresher: RefreshService,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    engine: AsyncEngine,
) -> None:
    # given: another process holds the customer's poll lease
    lease = lease_name(customer_id)
    async with sessions() as db:
        assert await leases.try_acquire(db, lease, "another-process", timedelta(minutes=1))
        await db.commit()
    # when: a refresh waits for it (it reads the lease again and again), and that poll stores a window
    lease_reads: list[str] = []
    waiting = asyncio.Event()

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM lease" in statement:
            lease_reads.append(statement)
            if len(lease_reads) >= 2:
                waiting.set()

    sa.event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        refreshing = asyncio.create_task(refresher.refresh())
        await asyncio.wait_for(waiting.wait(), 10)
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", seen)
    async with sessions() as db:
        for stream in PollStream:
            await marks.advance(db, customer_id, stream, "urn:li:seat:1001", models.utcnow())
        await leases.release(db, lease, "another-process")
        await db.commit()
    report = await asyncio.wait_for(refreshing, 10)
    # then
    assert report.polled is False
    assert report.synced_at is not None
    assert await upstream_calls(sandbox, "seatsV2") == 0
    async with sessions() as db:
        assert await leases.held_until(db, lease) is None


async def test_a_refresh_that_waited_for_another_process_storing_nothing_says_so(
    refresher: RefreshService, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: another process holds the poll lease and dies without storing anything
    async with sessions() as db:
        assert await leases.try_acquire(
            db, lease_name(customer_id), "another-process", timedelta(seconds=0.5)
        )
        await db.commit()
    # when
    with pytest.raises(LinkedInUnavailable) as raised:
        await refresher.refresh()
    # then: never success with old data
    assert raised.value.message == linkedin_faults.NOT_UPDATED
    assert await upstream_calls(sandbox, "seatsV2") == 0


async def test_the_lease_is_released_when_a_poll_ends(
    refresher: RefreshService, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # when
    await refresher.refresh()
    # then
    async with sessions() as db:
        assert await leases.held_until(db, lease_name(customer_id)) is None


async def test_another_customers_poll_holding_its_lease_does_not_hold_up_ours(
    refresher: RefreshService, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: some process polls another customer (its lease is held)
    async with sessions() as db:
        assert await leases.try_acquire(
            db, lease_name(customer_id + 1), "another-process", timedelta(minutes=1)
        )
        await db.commit()
    # when
    report = await refresher.refresh()
    # then: ours polled at once, itself
    assert report.polled is True
    assert await upstream_calls(sandbox, "seatsV2") == 1


async def test_a_poll_whose_lease_another_process_took_over_stops_without_writing(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given: our lease has always lapsed (negative TTL, so no clock skew between the two can save it);
    # LinkedIn holds our first call while another process takes the lease
    ours = RefreshService(
        sessions,
        customer_id,
        linkedin,
        initial_lookback=LOOKBACK,
        clock=clock.now,
        lease_ttl=timedelta(hours=-1),
    )
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "hang": True, "count": 1})
    polling = asyncio.create_task(ours.refresh())
    # ours asks LinkedIn only once it holds the lease: a hanging call means we can take it over now
    assert await sandbox.admin("GET", "hangs/wait") == {"hanging": True}
    async with sessions() as db:
        assert await leases.try_acquire(db, lease_name(customer_id), "another-process", timedelta(seconds=1))
        await db.commit()
    await sandbox.admin("DELETE", "faults")
    # when
    report = await asyncio.wait_for(polling, 10)
    # then
    assert report.polled is False
    assert await count(sessions, models.InMailMessage) == 0

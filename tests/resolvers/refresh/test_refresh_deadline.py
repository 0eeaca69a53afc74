"""A refresh answers by its deadline with what is stored; the poll goes on in the background, its outcome
logged and remembered, and shutdown ends it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import pytest

from app.settings import Settings
from linkedin.client import LinkedInClient
from models.db import SessionFactory
from resolvers import linkedin_faults
from resolvers.errors import ErrorKind
from resolvers.linkedin_faults import Fault
from resolvers.refresh import PollOverdue, RefreshService
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import LOOKBACK, Clock, upstream_calls

DEADLINE_S = 1.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """LinkedIn's own timeout well past the refresh deadline, as in production (5 s × 3 attempts)."""
    return settings.model_copy(update={"linkedin_timeout_s": 10.0})


@pytest.fixture
async def refresher(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock
) -> AsyncIterator[RefreshService]:
    """The refresh service with a 1 s deadline; a poll left running is ended with the test."""
    service = RefreshService(
        sessions, customer_id, linkedin, initial_lookback=LOOKBACK, clock=clock.now, deadline_s=DEADLINE_S
    )
    yield service
    await asyncio.wait_for(service.aclose(), 5)


async def test_a_refresh_against_a_hanging_linkedin_answers_within_its_deadline_plus_one_second(
    refresher: RefreshService, sandbox: Sandbox
) -> None:
    # given: LinkedIn hangs on every seat lookup
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "hang": True, "count": None})
    started = time.monotonic()
    # when
    with pytest.raises(PollOverdue) as caught:
        await asyncio.wait_for(refresher.refresh(), 10)
    elapsed = time.monotonic() - started
    # then
    assert elapsed < DEADLINE_S + 1
    assert caught.value.kind is ErrorKind.LINKEDIN_UNAVAILABLE
    assert caught.value.message.startswith(linkedin_faults.TIMED_OUT)
    assert refresher.polling
    assert refresher.state().overdue


async def test_the_poll_goes_on_after_the_deadline_and_stores_what_linkedin_sends(
    refresher: RefreshService, sandbox: Sandbox, clock: Clock
) -> None:
    # given: the seat lookup is slower than the deadline, but answers
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "latency_ms": 1500, "count": 1})
    with pytest.raises(PollOverdue):
        await refresher.refresh()
    # when
    await asyncio.wait_for(refresher.wait_idle(), 10)
    # then
    assert await refresher.synced_at() == clock.now()
    assert refresher.state().overdue is False
    assert refresher.state().failure is None
    assert await upstream_calls(sandbox, "seatsV2") == 1


async def test_a_refresh_during_an_overdue_poll_joins_it_rather_than_starting_another(
    refresher: RefreshService, sandbox: Sandbox
) -> None:
    # given
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "latency_ms": 1500, "count": 1})
    with pytest.raises(PollOverdue):
        await refresher.refresh()
    # when: whether it answers in time or not, it waits on the same poll
    with contextlib.suppress(PollOverdue):
        await asyncio.wait_for(refresher.refresh(), 10)
    await asyncio.wait_for(refresher.wait_idle(), 10)
    # then
    assert await upstream_calls(sandbox, "seatsV2") == 1


async def test_a_background_poll_that_fails_is_logged_and_remembered(
    refresher: RefreshService, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    # given: the caller gives up at the deadline, then LinkedIn fails the InMail reads
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "latency_ms": 1500, "count": 1})
    await sandbox.admin("POST", "faults", {"endpoint": "conversationEvents", "status": 500, "count": None})
    with pytest.raises(PollOverdue):
        await refresher.refresh()
    # when
    with caplog.at_level(logging.WARNING, logger="rscgraph.refresh"):
        await asyncio.wait_for(refresher.wait_idle(), 10)
    # then
    assert refresher.state().failure == Fault(ErrorKind.LINKEDIN_UNAVAILABLE, linkedin_faults.TROUBLE)
    assert refresher.state().overdue is False
    assert any("LinkedIn poll stopped" in r.getMessage() for r in caplog.records)


async def test_shutdown_ends_a_poll_left_running_by_a_deadline(
    refresher: RefreshService, sandbox: Sandbox
) -> None:
    # given: a poll hanging in the background after its caller gave up
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "hang": True, "count": None})
    with pytest.raises(PollOverdue):
        await refresher.refresh()
    assert (await sandbox.admin("GET", "hangs/wait?timeout=5"))["hanging"] is True
    # when
    await asyncio.wait_for(refresher.aclose(), 5)
    # then
    assert refresher.polling is False
    assert refresher.state().overdue is False


async def test_the_periodic_poll_has_no_deadline(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock, sandbox: Sandbox
) -> None:
    # given: a seat lookup slower than the deadline
    service = RefreshService(
        sessions, customer_id, linkedin, initial_lookback=LOOKBACK, clock=clock.now, deadline_s=DEADLINE_S
    )
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "latency_ms": 1500, "count": 1})
    # when
    await asyncio.wait_for(service.poll_tick(), 10)
    # then: it waited for the whole poll
    assert service.polling is False
    assert await service.synced_at() == clock.now()

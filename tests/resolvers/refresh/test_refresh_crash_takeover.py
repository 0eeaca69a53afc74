"""A process killed -9 mid-poll holds the poll lease only briefly: another process polls within 30 s."""

from __future__ import annotations

from datetime import timedelta

import models
from app.settings import Settings
from linkedin.client import LinkedInClient
from models import leases, utcnow
from models.db import SessionFactory
from resolvers.refresh import RefreshService, lease_name
from tests import holders
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import LOOKBACK, Clock, count, world_counts

TAKEOVER = timedelta(seconds=30)


async def test_after_kill_9_of_the_polling_process_another_polls_within_30_s(
    settings: Settings,
    sessions: SessionFactory,
    customer_id: int,
    linkedin: LinkedInClient,
    clock: Clock,
    sandbox: Sandbox,
) -> None:
    # given: another process took the poll lease and waits on LinkedIn, then is killed -9
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "hang": True, "count": None})
    crashed_at = utcnow()
    holder = holders.spawn("poll", settings, crashed_at, customer_id)
    try:
        assert await sandbox.admin("GET", "hangs/wait?timeout=60") == {"hanging": True}
    finally:
        holders.kill_9(holder)
    await sandbox.admin("DELETE", "faults")
    async with sessions() as db:
        still_held = await leases.held_until(
            db, lease_name(customer_id), now=crashed_at + timedelta(seconds=1)
        )
    # when: this process refreshes 30 s (by the leases' clock) after the crash
    survivor = RefreshService(
        sessions,
        customer_id,
        linkedin,
        initial_lookback=LOOKBACK,
        clock=clock.now,
        lease_clock=lambda: crashed_at + TAKEOVER,
    )
    report = await survivor.refresh()
    # then: the dead holder's lease was real, and this process polled LinkedIn itself
    assert still_held is not None
    assert report.polled is True
    assert await count(sessions, models.InMailMessage) == (await world_counts(sandbox))["events"]

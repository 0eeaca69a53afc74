"""The scheduler: units of due work per customer and seat, claimed by one holder at a time, paced by the
budget, backed off per customer; driven by a test clock (LinkedIn is the sandbox, over HTTP)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest

from app.scheduler import POLL, Scheduler
from app.settings import Settings
from models import scheduled_work as work
from models.db import SessionFactory, write_session
from models.scheduled_work import WorkKey
from resolvers.scheduling import Pacing
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.child_apps import add_child_customer
from tests.conftest import Sandbox, add_customer
from tests.scheduler_support import clock_now, jobs_for, rows_of

POLL_S = 60.0


async def seats_of(sandbox: Sandbox, app: str | None) -> list[str]:
    world = await sandbox.admin("GET", "world" if app is None else f"world?app={app}")
    return sorted(seat["urn"] for seat in world["seats"])


async def polled_seats(sandbox: Sandbox, app: str | None) -> Counter[str]:
    """How often each seat's conversation events were read from the app's LinkedIn."""
    calls = await sandbox.admin("GET", "calls" if app is None else f"calls?app={app}")
    seats = await seats_of(sandbox, app)
    return Counter(
        seat
        for c in calls
        if c.get("endpoint") == "conversationEvents"
        for seat in seats
        if seat in unquote(str(c["query"]))
    )


async def test_units_are_made_per_customer_and_per_seat_and_every_seat_is_polled(
    sandbox: Sandbox, sessions: SessionFactory, services: Services, settings: Settings, tenant: Tenant
) -> None:
    # given: two customers with their own child apps
    other, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert other.id is not None
    clock = clock_now()
    jobs = jobs_for(services, settings, poll=POLL_S, outbox=30.0, exports=30.0, clock=clock)
    # when: one round
    await jobs.scheduler.tick()
    # then: each customer has its whole-customer units and one poll unit per seat, each polled once
    for customer_id, child in ((tenant.id, None), (other.id, app.client_id)):
        seats = await seats_of(sandbox, child)
        rows = await rows_of(sessions, customer_id)
        assert sorted(rows) == sorted(
            [("exports", ""), ("outbox", ""), ("purge_check", ""), ("seats", "")] + [(POLL, s) for s in seats]
        )
        interval = jobs.scheduler.pacing.seat_poll_interval_s(len(seats))
        for seat in seats:
            row = rows[(POLL, seat)]
            assert (row.failures, row.holder) == (0, None)
            assert row.next_run_at == clock.now + timedelta(seconds=interval)
        assert rows[("seats", "")].next_run_at == clock.now + timedelta(days=1)
        assert set(await polled_seats(sandbox, child)) == set(seats)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 600), (401, None)], ids=["throttled", "refused"])
async def test_a_failing_customer_is_backed_off_while_the_others_poll_on_time(
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    settings: Settings,
    tenant: Tenant,
    status: int,
    retry_after: int | None,
) -> None:
    # given: both customers polled once; then globex's LinkedIn answers `status` to everything
    other, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert other.id is not None
    clock = clock_now()
    jobs = jobs_for(services, settings, poll=POLL_S, clock=clock)
    await jobs.scheduler.tick()
    fault: dict[str, Any] = {"endpoint": "*", "status": status, "count": None}
    if retry_after is not None:
        fault["retry_after"] = retry_after
    await sandbox.admin("POST", f"faults?app={app.client_id}", fault)
    healthy_before = await polled_seats(sandbox, None)
    # when: the poll interval passes
    failed_at = clock.advance(POLL_S)
    await jobs.scheduler.run_due()
    # then: acme's seats were polled again, on time; globex's are backed off (Retry-After honoured)
    acme = await rows_of(sessions, tenant.id)
    globex = await rows_of(sessions, other.id)
    pacing = jobs.scheduler.pacing
    backoff = pacing.after_failure_s(POLL_S, 1, retry_after)
    assert {(r.failures, r.next_run_at) for k, r in acme.items() if k[0] == POLL} == {
        (0, failed_at + timedelta(seconds=POLL_S))
    }
    assert {(r.failures, r.next_run_at) for k, r in globex.items() if k[0] == POLL} == {
        (1, failed_at + timedelta(seconds=backoff))
    }
    assert backoff >= (retry_after or 2 * POLL_S)
    # (each seat's poll reads its streams forward, then a stretch of its first poll's history)
    healthy_after = await polled_seats(sandbox, None)
    assert set(healthy_after - healthy_before) == set(await seats_of(sandbox, None))
    # and the next interval: acme runs again, globex is not tried before its backoff ends
    failing_calls = len(await sandbox.admin("GET", f"calls?app={app.client_id}"))
    clock.advance(POLL_S)
    ran = await jobs.scheduler.run_due()
    assert {r.key.customer_id for r in ran} == {tenant.id}
    assert len(await sandbox.admin("GET", f"calls?app={app.client_id}")) == failing_calls


async def test_a_customer_with_more_seats_gets_longer_per_seat_intervals(
    sessions: SessionFactory, services: Services, settings: Settings, customer_id: int
) -> None:
    # given: acme with 5 seats, globex with 50; the operator asks for polling every second
    other = await bare_customer(sessions, settings, "globex")
    clock = clock_now()
    jobs = jobs_for(services, settings, poll=1.0, clock=clock)
    polled: list[str] = []

    async def poll(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        polled.extend(k.seat_urn for k in keys)

    jobs.scheduler.runners[POLL] = poll
    await jobs.scheduler.schedule_seats(customer_id, [f"urn:li:seat:a{i}" for i in range(5)])
    await jobs.scheduler.schedule_seats(other, [f"urn:li:seat:g{i}" for i in range(50)])
    # when
    await jobs.scheduler.run_due()
    # then: every seat polled once, each next due after its customer's budgeted interval
    assert len(polled) == 55
    small = {r.next_run_at - clock.now for k, r in (await rows_of(sessions, customer_id)).items()}
    large = {r.next_run_at - clock.now for k, r in (await rows_of(sessions, other)).items()}
    assert len(small) == len(large) == 1
    (small_s,), (large_s,) = [d.total_seconds() for d in small], [d.total_seconds() for d in large]
    assert large_s == pytest.approx(10 * small_s)
    assert small_s > 1.0  # the budget, not the operator's wish, sets the pace
    pacing = jobs.scheduler.pacing
    assert pacing.polls_per_day(50) <= pacing.daily_call_budget


async def test_a_customer_not_configured_yet_gets_no_poll_or_outbox_until_it_is(
    sandbox: Sandbox, sessions: SessionFactory, services: Services, settings: Settings, customer_id: int
) -> None:
    # given: a customer provisioned without its organization yet
    pending = await add_customer(
        sessions,
        settings,
        key="initech",
        name="Initech",
        client_id="initech-app",
        client_secret="initech-secret",
        org_urn="",
        contract_urn="",
    )
    assert pending.id is not None
    jobs = jobs_for(services, settings, poll=POLL_S, outbox=30.0, exports=30.0, clock=clock_now())
    # when
    await jobs.scheduler.tick()
    # then: only its exports unit (no LinkedIn call); acme has its poll units
    assert sorted(await rows_of(sessions, pending.id)) == [("exports", "")]
    assert any(kind == POLL for kind, _ in await rows_of(sessions, customer_id))
    # and once configured, its units appear
    async with sessions() as db:
        row = await db.get(type(pending), pending.id)
        assert row is not None
        row.linkedin_org_urn, row.linkedin_contract_urn = "urn:li:organization:7", "urn:li:contract:7"
        await db.commit()
    await jobs.scheduler.sync_customers()
    assert sorted(await rows_of(sessions, pending.id)) == [
        ("exports", ""),
        ("outbox", ""),
        ("purge_check", ""),
        ("seats", ""),
    ]


async def test_a_unit_whose_holder_died_is_taken_over_once_its_hold_expires(
    sessions: SessionFactory, services: Services, settings: Settings, customer_id: int
) -> None:
    # given: a process claimed acme's outbox unit and died
    clock = clock_now()
    jobs = jobs_for(services, settings, outbox=30.0, clock=clock)
    ran: list[str] = []

    async def outbox(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        ran.append(tenant.key)

    jobs.scheduler.runners["outbox"] = outbox
    await jobs.scheduler.sync_customers()
    async with write_session(sessions) as db:
        dead = await work.claim_due(
            db, "dead", kinds=["outbox"], limit=1, ttl=jobs.scheduler.ttl, now=clock()
        )
    assert len(dead) == 1
    # when: before its hold expires, then after
    clock.advance(jobs.scheduler.ttl.total_seconds() / 2)
    early = await jobs.scheduler.run_due()
    clock.advance(jobs.scheduler.ttl.total_seconds())
    late = await jobs.scheduler.run_due()
    # then: left alone first, taken over after
    assert (early, ran) == ([], ["acme"])
    assert [r.key for r in late] == [WorkKey(customer_id, "outbox")]
    row = (await rows_of(sessions, customer_id))[("outbox", "")]
    assert (row.holder, row.failures) == (None, 0)
    # and the dead holder's late report changes nothing
    async with write_session(sessions) as db:
        await work.finish(db, dead[0].key, "dead", next_run_at=clock.now, error="late")
    assert (await rows_of(sessions, customer_id))[("outbox", "")].failures == 0


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_schedulers_never_run_the_same_unit(
    sessions: SessionFactory, services: Services, settings: Settings, customer_id: int
) -> None:
    # given: 30 customers' outbox units due, two schedulers (two processes' worth) on PostgreSQL
    for i in range(29):
        await bare_customer(sessions, settings, f"c{i:02d}")
    clock = clock_now()
    ran: list[tuple[str, int]] = []
    both = asyncio.Event()

    def scheduler(holder: str) -> Scheduler:
        async def outbox(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
            ran.append((holder, tenant.id))
            if {h for h, _ in ran} == {"one", "two"}:
                both.set()
            # Each holds its first unit until the other runs one too: they claim at the same time.
            await asyncio.wait_for(both.wait(), 10)

        pacing = Pacing(0.0, 30.0, 0.0)
        return Scheduler(services, pacing, {"outbox": outbox}, holder, concurrency=2, clock=clock)

    first, second = scheduler("one"), scheduler("two")
    await first.sync_customers()
    # when
    await asyncio.gather(first.run_due(), second.run_due())
    # then: every unit ran exactly once, and both took a share
    assert sorted(c for _, c in ran) == sorted({c for _, c in ran})
    assert len(ran) == 30
    assert {h for h, _ in ran} == {"one", "two"}


async def bare_customer(sessions: SessionFactory, settings: Settings, key: str) -> int:
    row = await add_customer(
        sessions,
        settings,
        key=key,
        name=key.title(),
        client_id=f"{key}-app",
        client_secret=f"{key}-secret",
        org_urn="urn:li:organization:9001",
        contract_urn="urn:li:contract:9002",
    )
    assert row.id is not None
    return row.id

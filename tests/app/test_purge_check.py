"""LinkedIn's closed-or-purged exported profiles are read at least every RSC_PURGE_CHECK_INTERVAL_DAYS
per customer, however often the processes restart (the schedule is in `scheduled_work`); an interval over
30 days is refused at start-up; flagged candidates are erased after the customer's auto-erase days."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from pydantic import ValidationError
from sqlmodel import col, select

import models
from app.jobs import eraser_for
from app.services import build_services
from app.settings import Settings
from models.db import SessionFactory
from resolvers import purged_profiles
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.app.test_cli import rscgraph, sqlite
from tests.conftest import Sandbox
from tests.scheduler_support import MovableClock, clock_now, jobs_for, rows_of

MEMBER = "urn:li:person:purged-member"


async def linked_candidate(sessions: SessionFactory, customer_id: int, member: str = MEMBER) -> int:
    """A candidate exported from LinkedIn and linked to `member`."""
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id,
            first_name="Ada",
            last_name="Lovelace",
            email=f"{member.rsplit(':', 1)[1]}@example.com",
            source=models.CandidateSource.LINKEDIN_EXPORT,
        )
        db.add(candidate)
        await db.flush()
        assert candidate.id is not None
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn=member,
                match_source=models.MatchSource.EXPORT,
            )
        )
        await db.commit()
        return candidate.id


async def purge_checks(sandbox: Sandbox) -> int:
    """How many times LinkedIn was asked for the purged profiles."""
    calls = await sandbox.admin("GET", "calls")
    return sum(1 for c in calls if c["endpoint"] == "atsPurgedExportedCandidates")


async def purged_at(sessions: SessionFactory, candidate_id: int) -> object:
    async with sessions() as db:
        statement = select(models.Candidate.linkedin_profile_purged_at).where(
            col(models.Candidate.id) == candidate_id
        )
        return (await db.exec(statement)).first()


async def restart_and_tick(
    settings: Settings, sessions: SessionFactory, http: aiohttp.ClientSession, clock: MovableClock
) -> None:
    """A process that starts (new services, a new scheduler), runs one round, and stops."""
    services = build_services(settings, sessions, http)
    try:
        await jobs_for(services, settings, clock=clock).scheduler.tick()
    finally:
        await services.aclose()


@pytest.mark.parametrize("days", ["31", "0"])
def test_a_purge_check_interval_outside_1_to_30_days_is_refused_at_start_up(
    tmp_path: Path, days: str
) -> None:
    done = rscgraph(
        tmp_path, "serve", RSC_DATABASE_URL=sqlite(tmp_path / "x.db"), RSC_PURGE_CHECK_INTERVAL_DAYS=days
    )

    assert done.returncode == 78
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"rscgraph: error: invalid setting RSC_PURGE_CHECK_INTERVAL_DAYS='{days}': ")
    expected = "at least every 30 days" if days == "31" else "at least 1 day"
    assert expected in first


def test_thirty_days_is_the_longest_interval_the_settings_take() -> None:
    assert Settings(purge_check_interval_days=30).purge_check_interval_days == 30
    with pytest.raises(ValidationError, match="at least every 30 days"):
        Settings(purge_check_interval_days=31)


async def test_the_purge_check_runs_within_its_interval_though_the_process_restarts_every_day(
    sandbox: Sandbox,
    sessions: SessionFactory,
    settings: Settings,
    http: aiohttp.ClientSession,
    tenant: Tenant,
) -> None:
    # given: a candidate whose member closed their account, and a purge check every 7 days
    candidate_id = await linked_candidate(sessions, tenant.id)
    await sandbox.admin("POST", "purges", {"member": MEMBER, "reason": "CLOSED"})
    weekly = settings.model_copy(update={"purge_check_interval_days": 7})
    clock = clock_now()
    # when: a process starts and stops every day, days 0 to 6
    for _ in range(7):
        await restart_and_tick(weekly, sessions, http, clock)
        clock.advance(86_400)
    # then: no check yet (the first one is due 7 days after the customer was first scheduled)
    assert await purge_checks(sandbox) == 0
    assert await purged_at(sessions, candidate_id) is None
    # when: the process of day 7 starts
    clock.advance(60)
    await restart_and_tick(weekly, sessions, http, clock)
    # then: the check ran once and flagged the candidate; the next is due 7 days later
    assert await purge_checks(sandbox) == 1
    assert await purged_at(sessions, candidate_id) is not None
    row = (await rows_of(sessions, tenant.id))[("purge_check", "")]
    assert row.next_run_at == clock.now + timedelta(days=7)


async def test_a_shorter_interval_after_a_restart_brings_the_next_check_forward(
    sandbox: Sandbox,
    sessions: SessionFactory,
    settings: Settings,
    http: aiohttp.ClientSession,
    tenant: Tenant,
) -> None:
    # given: the customer's check was scheduled under a 30-day interval
    clock = clock_now()
    await restart_and_tick(
        settings.model_copy(update={"purge_check_interval_days": 30}), sessions, http, clock
    )
    assert (await rows_of(sessions, tenant.id))[("purge_check", "")].next_run_at == clock.now + timedelta(
        days=30
    )
    # when: the processes restart with a 2-day interval
    clock.advance(60)
    await restart_and_tick(
        settings.model_copy(update={"purge_check_interval_days": 2}), sessions, http, clock
    )
    # then: the check is due within 2 days of the restart, not 30 of the first schedule
    assert (await rows_of(sessions, tenant.id))[("purge_check", "")].next_run_at == clock.now + timedelta(
        days=2
    )


async def test_flagged_candidates_are_erased_after_the_customers_auto_erase_days_and_not_before(
    sandbox: Sandbox, sessions: SessionFactory, services: Services, tenant: Tenant
) -> None:
    # given: two purged members' candidates, a third candidate whose member is fine; erase after 3 days
    purged = await linked_candidate(sessions, tenant.id)
    kept = await linked_candidate(sessions, tenant.id, "urn:li:person:still-here")
    await sandbox.admin("POST", "purges", {"member": MEMBER, "reason": "PURGED"})
    async with sessions() as db:
        customer = await db.get(models.Customer, tenant.id)
        assert customer is not None
        customer.purged_profile_auto_erase_days = 3
        db.add(customer)
        await db.commit()
    erase = eraser_for(services, tenant)
    # when: a check two days after the purge
    soon = await purged_profiles.check_purged_profiles(
        sessions, tenant, erase=erase, now=models.utcnow() + timedelta(days=2)
    )
    # then: flagged, not erased yet
    assert (soon.listed, soon.flagged, soon.erased) == (1, 1, 0)
    assert await purged_at(sessions, purged) is not None
    # when: a check four days after it
    later = await purged_profiles.check_purged_profiles(
        sessions, tenant, erase=erase, now=models.utcnow() + timedelta(days=4)
    )
    # then: the flagged candidate is erased (through erasure, with its audit entry), the other stays
    assert (later.flagged, later.erased) == (0, 1)
    async with sessions() as db:
        left = (
            await db.exec(select(models.Candidate.id).where(col(models.Candidate.customer_id) == tenant.id))
        ).all()
        actions = (await db.exec(select(models.AuditEntry.action, models.AuditEntry.actor))).all()
    assert list(left) == [kept]
    assert ("candidateErased", "system") in list(actions)

"""What the writers announce on the live-update feed once they have committed: a One-Click Export (MATCH
and APPLICATION), a poll's new InMails (INMAIL), new prospect notes (NOTE) and mail stubs (MATCH), and
nothing for what was stored already."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

import models
from linkedin.client import LinkedInClient
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers import exports
from resolvers.activity_feed import ActivityFeed, ActivityKind, Listener
from resolvers.refresh import RefreshService
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.conftest import Sandbox
from tests.graph.live_support import add_candidate, link
from tests.resolvers.refresh.support import LOOKBACK, START, Clock
from tests.resolvers.test_exports import MEMBER, export, make_job

SEAT = "urn:li:seat:1004"


def _drain(listener: Listener) -> list[ActivityKind]:
    """The kinds of the events queued for the listener so far, in order (without waiting)."""
    return [event.kind for event in listener.drain()]


async def test_an_export_announces_the_match_and_the_application_of_the_candidate_it_made(
    services: Services, tenant: Tenant, sessions: SessionFactory, sandbox: Sandbox, customer_id: int
) -> None:
    # given: an open job; Ada exists, linked to the exported member; her tab is open
    job_id = await make_job(sessions, customer_id)
    ada, _ = await add_candidate(sessions, customer_id, "Ada")
    await link(sessions, customer_id, ada, MEMBER.urn)
    listener = services.activity.listen(customer_id, ada)
    request_id = await export(sandbox, job_id)
    # when: processed, then processed again (a redelivery)
    first = await exports.process_export(services, tenant, request_id)
    after_first = _drain(listener)
    await exports.process_export(services, tenant, request_id)
    # then
    assert first.candidate is not None
    assert first.candidate.id == ada
    assert after_first == [ActivityKind.MATCH, ActivityKind.APPLICATION]
    assert ActivityKind.APPLICATION not in _drain(listener)


@pytest.fixture
def clock() -> Clock:
    """LinkedIn's (the sandbox's) and the poller's shared time."""
    return Clock(START)


@pytest.fixture
def sandbox_config(clock: Clock) -> SandboxConfig:
    """A sandbox on the test's clock."""
    return SandboxConfig(now_ms=clock.ms)


async def test_a_poll_announces_new_inmails_and_notes_once(
    services: Services,
    sessions: SessionFactory,
    customer_id: int,
    linkedin: LinkedInClient,
    sandbox: Sandbox,
    clock: Clock,
) -> None:
    # given: member 200 is Ada's, and the customer's history is polled
    member = build_world(sandbox.config).members[200].urn
    ada, _ = await add_candidate(sessions, customer_id, "Ada")
    await link(sessions, customer_id, ada, member)
    feed: ActivityFeed = services.activity
    poller = RefreshService(
        sessions, customer_id, linkedin, initial_lookback=LOOKBACK, clock=clock.now, feed=feed
    )
    await poller.refresh()
    listener = feed.listen(customer_id, ada)
    # when: a recruiter writes to her and notes her on LinkedIn; two polls follow
    await sandbox.admin("POST", "inmails", {"seat": SEAT, "member": member, "body": "Hi!"})
    await sandbox.admin("POST", "notes", {"seat": SEAT, "member": member, "note": "Strong"})
    clock.advance(minutes=1)
    await poller.refresh()
    first = listener.drain()
    clock.advance(minutes=1)
    await poller.refresh()
    # then: the first poll announces each once, naming the stored rows; the second, nothing
    assert [e.kind for e in first] == [ActivityKind.INMAIL, ActivityKind.NOTE]
    async with sessions() as db:
        message_ids = (
            await db.exec(
                select(models.InMailMessage.id)
                .join(models.InMailThread, col(models.InMailThread.id) == col(models.InMailMessage.thread_id))
                .where(col(models.InMailThread.member_urn) == member)
            )
        ).all()
        note_ids = (
            await db.exec(select(models.LinkedInNote.id).where(col(models.LinkedInNote.member_urn) == member))
        ).all()
    assert [e.items for e in first] == [tuple(message_ids), tuple(note_ids)]
    assert _drain(listener) == []
    await poller.aclose()

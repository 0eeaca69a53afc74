"""resolvers.erasure.erase_candidate as automatic erasure calls it (no person acting)."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

import models
from models.db import SessionFactory
from resolvers.erasure import CANDIDATE_ERASED, SYSTEM_ACTOR, erase_candidate
from resolvers.member_digest import erased_members
from resolvers.tenants import Tenant
from tests.graph.mutations.factories import gid, make_application, make_candidate


async def test_the_system_erases_a_candidate_once_and_is_audited_as_the_system(
    sessions: SessionFactory, tenant: Tenant, customer_id: int
) -> None:
    # given: a candidate linked to a member, with an application
    application = await make_application(sessions, customer_id)
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=application.candidate_id,
                person_urn="urn:li:person:auto-erased",
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
    # when
    erased = await erase_candidate(
        sessions, tenant, application.candidate_id, reason="profile purged on LinkedIn", actor=None
    )
    again = await erase_candidate(sessions, tenant, application.candidate_id, reason="x", actor=None)
    # then
    assert erased is not None
    assert (erased.candidate_id, erased.applications, erased.members_tombstoned) == (
        application.candidate_id,
        1,
        1,
    )
    assert again is None
    async with sessions() as db:
        audit = (
            await db.exec(select(models.AuditEntry).where(col(models.AuditEntry.action) == CANDIDATE_ERASED))
        ).all()
        outbox = (
            await db.exec(select(models.OutboxEvent).where(col(models.OutboxEvent.op) == "DELETE"))
        ).all()
    assert [(a.actor, a.target, a.detail) for a in audit] == [
        (SYSTEM_ACTOR, gid("Candidate", application.candidate_id), {})
    ]
    assert sorted((o.entity_type.value, o.entity_id) for o in outbox) == [
        ("APPLICATION", application.id),
        ("CANDIDATE", application.candidate_id),
    ]


async def test_erasing_an_unknown_candidate_id_finds_nothing_and_writes_nothing(
    sessions: SessionFactory, tenant: Tenant, customer_id: int
) -> None:
    # given: the id of no candidate of this customer
    candidate = await make_candidate(sessions, customer_id)
    assert candidate.id is not None
    # when
    erased = await erase_candidate(sessions, tenant, candidate.id + 1000, reason="x", actor=None)
    # then
    assert erased is None
    async with sessions() as db:
        assert (await db.exec(select(models.MemberTombstone))).all() == []
        assert (
            await db.exec(select(models.AuditEntry).where(col(models.AuditEntry.action) == CANDIDATE_ERASED))
        ).all() == []


async def _waiting_on_an_advisory_lock(engine: AsyncEngine, *, timeout_s: float = 10.0) -> bool:
    """Whether, within `timeout_s`, some transaction of this database waits for an advisory lock (polled:
    PostgreSQL offers no notification of a lock wait)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        async with engine.connect() as connection:
            waiting = await connection.scalar(
                sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
        if waiting:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_an_erasure_waits_for_a_poll_window_under_way_and_removes_what_it_wrote(
    sessions: SessionFactory, tenant: Tenant, customer_id: int, engine: AsyncEngine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's advisory locks order the two; SQLite runs one writer at a time")
    # given: a member's candidate, and a poll window that found no tombstone and is writing their note
    member = "urn:li:person:erased-mid-poll"
    application = await make_application(sessions, customer_id)
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=application.candidate_id,
                person_urn=member,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
    async with sessions() as window:
        assert await erased_members(window, customer_id, tenant.member_digest, [member]) == set()
        window.add(
            models.LinkedInNote(
                customer_id=customer_id,
                note_id="written-mid-erasure",
                owner_seat_urn="urn:li:seat:1",
                member_urn=member,
                body="a note the window stores",
                created_at=models.utcnow(),
                updated_at=models.utcnow(),
            )
        )
        await window.flush()
        # when: the person is erased meanwhile, and the window commits after
        erasure = asyncio.create_task(
            erase_candidate(sessions, tenant, application.candidate_id, reason="asked", actor=None)
        )
        assert await _waiting_on_an_advisory_lock(engine), "the erasure did not wait for the window"
        assert not erasure.done()
        await window.commit()
    erased = await asyncio.wait_for(erasure, timeout=10)
    # then: the erasure ran after the window and removed what it wrote
    assert erased is not None
    async with sessions() as db:
        notes = (
            await db.exec(select(models.LinkedInNote).where(col(models.LinkedInNote.member_urn) == member))
        ).all()
    assert notes == []

"""resolvers.erasure.erase_candidate as automatic erasure calls it (no person acting)."""

from __future__ import annotations

from sqlmodel import col, select

import models
from models.db import SessionFactory
from resolvers.erasure import CANDIDATE_ERASED, SYSTEM_ACTOR, erase_candidate
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

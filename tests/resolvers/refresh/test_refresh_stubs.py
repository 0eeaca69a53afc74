"""Mail stubs create or update candidates, link the member, and enqueue the candidate for LinkedIn."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

import models
from linkedin.records import MailStub
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.refresh import RefreshService
from resolvers.stubs import apply_mail_stubs
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import Clock, count

URN = "urn:li:person:stubbed01"


def _stub(stub_id: str = "stub-x1", **fields: str | None) -> MailStub:
    values: dict[str, str | None] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada.Lovelace@Example.COM",
        "phone": "+1 555 0100",
        "title": "Staff Engineer",
        "city": "Providence",
        "profile_url": "https://www.linkedin.com/in/ada-lovelace",
        **fields,
    }
    return MailStub(
        id=stub_id,
        owner_seat_urn="urn:li:seat:1001",
        member_urn=URN,
        created_at=datetime(2025, 11, 24, 12, 0, tzinfo=UTC),
        **values,
    )


async def _apply(sessions: SessionFactory, *stubs: MailStub) -> None:
    async with sessions() as db:
        await apply_mail_stubs(db, stubs)
        await db.commit()


async def _candidates(sessions: SessionFactory) -> list[models.Candidate]:
    async with sessions() as db:
        return list((await db.exec(select(models.Candidate).order_by(col(models.Candidate.id)))).all())


async def _identity(sessions: SessionFactory, urn: str = URN) -> models.LinkedInIdentity:
    async with sessions() as db:
        return (
            await db.exec(
                select(models.LinkedInIdentity).where(col(models.LinkedInIdentity.person_urn) == urn)
            )
        ).one()


async def _add_candidate(sessions: SessionFactory, **fields: str) -> int:
    async with sessions() as db:
        candidate = models.Candidate.model_validate(fields)
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
        return candidate.id


async def _link(sessions: SessionFactory, candidate_id: int, urn: str) -> None:
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                candidate_id=candidate_id, person_urn=urn, match_source=models.MatchSource.MANUAL
            )
        )
        await db.commit()


async def test_a_stub_creates_a_candidate_with_the_six_fields_and_the_inmail_source(
    sessions: SessionFactory,
) -> None:
    # when
    await _apply(sessions, _stub())
    # then
    [candidate] = await _candidates(sessions)
    assert (
        candidate.first_name,
        candidate.last_name,
        candidate.email,
        candidate.phone,
        candidate.title,
        candidate.mailing_city,
        candidate.source,
    ) == (
        "Ada",
        "Lovelace",
        "ada.lovelace@example.com",
        "+1 555 0100",
        "Staff Engineer",
        "Providence",
        models.CandidateSource.LINKEDIN_INMAIL,
    )


async def test_a_stub_links_the_member_to_the_candidate_it_creates(sessions: SessionFactory) -> None:
    # when
    await _apply(sessions, _stub())
    # then
    [candidate] = await _candidates(sessions)
    identity = await _identity(sessions)
    assert (identity.candidate_id, identity.match_source, identity.profile_url) == (
        candidate.id,
        models.MatchSource.STUB,
        "https://www.linkedin.com/in/ada-lovelace",
    )


async def test_a_stub_enqueues_its_candidate_for_linkedin(sessions: SessionFactory) -> None:
    # when
    await _apply(sessions, _stub())
    # then
    [candidate] = await _candidates(sessions)
    async with sessions() as db:
        events = (await db.exec(select(models.OutboxEvent))).all()
    assert [(e.entity_type, e.entity_id, e.op) for e in events] == [
        (models.SyncEntity.CANDIDATE, candidate.id, models.OutboxOp.UPSERT)
    ]


async def test_a_replayed_stub_changes_nothing_and_enqueues_nothing_more(sessions: SessionFactory) -> None:
    # given
    await _apply(sessions, _stub())
    # when
    await _apply(sessions, _stub())
    # then
    assert len(await _candidates(sessions)) == 1
    assert await count(sessions, models.OutboxEvent) == 1


async def test_a_stub_updates_the_candidate_linked_to_the_member_even_when_the_email_differs(
    sessions: SessionFactory,
) -> None:
    # given
    candidate_id = await _add_candidate(sessions, first_name="Ada", last_name="L", email="old@example.com")
    await _link(sessions, candidate_id, URN)
    # when
    await _apply(sessions, _stub(title="Principal Engineer"))
    # then
    [candidate] = await _candidates(sessions)
    assert (candidate.id, candidate.last_name, candidate.email, candidate.title, candidate.source) == (
        candidate_id,
        "Lovelace",
        "ada.lovelace@example.com",
        "Principal Engineer",
        models.CandidateSource.MANUAL,
    )


async def test_a_stub_links_an_unlinked_candidate_with_the_same_email(sessions: SessionFactory) -> None:
    # given
    candidate_id = await _add_candidate(sessions, first_name="Ada", email="ada.lovelace@example.com")
    # when
    await _apply(sessions, _stub())
    # then
    assert [c.id for c in await _candidates(sessions)] == [candidate_id]
    assert (await _identity(sessions)).candidate_id == candidate_id


async def test_a_stub_never_matches_a_candidate_by_name_alone(sessions: SessionFactory) -> None:
    # given
    namesake = await _add_candidate(
        sessions, first_name="Ada", last_name="Lovelace", email="other@example.com"
    )
    # when
    await _apply(sessions, _stub())
    # then
    candidates = await _candidates(sessions)
    assert [c.id == namesake for c in candidates] == [True, False]
    assert (await _identity(sessions)).candidate_id == candidates[1].id


async def test_a_stub_does_not_take_over_a_candidate_linked_to_another_member(
    sessions: SessionFactory,
) -> None:
    # given
    other = await _add_candidate(sessions, first_name="Ada", email="ada.lovelace@example.com")
    await _link(sessions, other, "urn:li:person:someone-else")
    # when
    await _apply(sessions, _stub())
    # then
    candidates = await _candidates(sessions)
    assert len(candidates) == 2
    assert (await _identity(sessions)).candidate_id == candidates[1].id


async def test_a_stub_shared_through_linkedin_creates_its_candidate_on_refresh(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given: member 150 never exchanged InMails in the seeded world
    member = build_world(sandbox.config).members[150]
    await refresher.refresh()
    clock.advance(minutes=1)
    await sandbox.admin("POST", "mailStubs", {"seat": "urn:li:seat:1002", "member": member.urn})
    clock.advance(minutes=1)
    # when
    report = await refresher.refresh()
    # then
    identity = await _identity(sessions, member.urn)
    assert report.candidates_created == [identity.candidate_id]
    async with sessions() as db:
        candidate = await db.get(models.Candidate, identity.candidate_id)
    assert candidate is not None
    assert (candidate.first_name, candidate.last_name, candidate.email) == (
        member.first_name,
        member.last_name,
        member.email,
    )


async def test_inmails_from_a_member_without_a_candidate_are_kept_and_attach_once_the_member_is_linked(
    refresher: RefreshService, sessions: SessionFactory, clock: Clock, sandbox: Sandbox
) -> None:
    # given: an InMail conversation with a member who is nobody's candidate yet
    member = build_world(sandbox.config).members[160]
    await sandbox.admin("POST", "inmails", {"seat": "urn:li:seat:1003", "member": member.urn})
    await sandbox.admin("POST", "replies", {"seat": "urn:li:seat:1003", "member": member.urn})
    clock.advance(minutes=1)
    await refresher.refresh()
    # when: the member shares contact details later
    await sandbox.admin("POST", "mailStubs", {"seat": "urn:li:seat:1003", "member": member.urn})
    clock.advance(minutes=1)
    await refresher.refresh()
    # then: the thread stored before the candidate existed is the candidate's
    identity = await _identity(sessions, member.urn)
    async with sessions() as db:
        threads = (
            await db.exec(
                select(models.InMailThread)
                .join(
                    models.LinkedInIdentity,
                    col(models.LinkedInIdentity.person_urn) == col(models.InMailThread.member_urn),
                )
                .where(col(models.LinkedInIdentity.candidate_id) == identity.candidate_id)
            )
        ).all()
    assert [(t.seat_urn, t.message_count) for t in threads] == [("urn:li:seat:1003", 2)]

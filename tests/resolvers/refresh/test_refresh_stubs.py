"""Mail stubs create or update candidates, link the member, and enqueue the candidate for LinkedIn."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import and_, col, select

import models
from linkedin.records import MailStub
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.ats_writes.candidates import update_candidate
from resolvers.refresh import RefreshService
from resolvers.stubs import apply_mail_stubs
from tests.conftest import Sandbox
from tests.resolvers.refresh.support import Clock, count
from tests.resolvers.suggestions import suggestions

URN = "urn:li:person:stubbed01"


LATER = datetime(2025, 11, 25, 12, 0, tzinfo=UTC)


def _stub(
    stub_id: str = "stub-x1",
    created_at: datetime = datetime(2025, 11, 24, 12, 0, tzinfo=UTC),
    **fields: str | None,
) -> MailStub:
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
        created_at=created_at,
        **values,
    )


async def _apply(sessions: SessionFactory, customer_id: int, *stubs: MailStub) -> None:
    async with sessions() as db:
        await apply_mail_stubs(db, customer_id, stubs)
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


async def _add_candidate(sessions: SessionFactory, customer_id: int, **fields: str) -> int:
    async with sessions() as db:
        candidate = models.Candidate.model_validate({"customer_id": customer_id, **fields})
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
        return candidate.id


async def _link(sessions: SessionFactory, customer_id: int, candidate_id: int, urn: str) -> None:
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate_id,
                person_urn=urn,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()


async def test_a_stub_creates_a_candidate_with_the_six_fields_and_the_inmail_source(
    sessions: SessionFactory, customer_id: int
) -> None:
    # when
    await _apply(sessions, customer_id, _stub())
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


async def test_a_stub_links_the_member_to_the_candidate_it_creates(
    sessions: SessionFactory, customer_id: int
) -> None:
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    [candidate] = await _candidates(sessions)
    identity = await _identity(sessions)
    assert (identity.candidate_id, identity.match_source, identity.profile_url) == (
        candidate.id,
        models.MatchSource.STUB,
        "https://www.linkedin.com/in/ada-lovelace",
    )


async def test_a_stub_enqueues_its_candidate_for_linkedin(sessions: SessionFactory, customer_id: int) -> None:
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    [candidate] = await _candidates(sessions)
    async with sessions() as db:
        events = (await db.exec(select(models.OutboxEvent))).all()
    assert [(e.entity_type, e.entity_id, e.op) for e in events] == [
        (models.SyncEntity.CANDIDATE, candidate.id, models.OutboxOp.UPSERT)
    ]


async def test_a_replayed_stub_changes_nothing_and_enqueues_nothing_more(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await _apply(sessions, customer_id, _stub())
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    assert len(await _candidates(sessions)) == 1
    assert await count(sessions, models.OutboxEvent) == 1


async def test_a_stub_fills_the_blanks_of_the_linked_candidate_and_only_suggests_where_it_differs(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: a candidate an ATS user entered, linked to the member, with another email and last name
    candidate_id = await _add_candidate(
        sessions, customer_id, first_name="Ada", last_name="L", email="old@example.com"
    )
    await _link(sessions, customer_id, candidate_id, URN)
    # when
    await _apply(sessions, customer_id, _stub(title="Principal Engineer"))
    # then: the user's values stay, the blanks are LinkedIn's, the disagreements are suggestions
    [candidate] = await _candidates(sessions)
    assert (candidate.id, candidate.last_name, candidate.email, candidate.title, candidate.source) == (
        candidate_id,
        "L",
        "old@example.com",
        "Principal Engineer",
        models.CandidateSource.MANUAL,
    )
    assert await suggestions(sessions, candidate_id) == [
        ("email", "ada.lovelace@example.com", models.LinkedInSource.LINKEDIN_INMAIL),
        ("last_name", "Lovelace", models.LinkedInSource.LINKEDIN_INMAIL),
    ]


async def test_a_stub_keeps_the_title_name_and_phone_a_recruiter_edited_and_suggests_its_own(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: a stub created the candidate, then a recruiter corrected three fields in the ATS
    await _apply(sessions, customer_id, _stub("stub-1", title="Senior Backend Engineer"))
    [created] = await _candidates(sessions)
    assert created.id is not None
    await update_candidate(
        sessions,
        customer_id,
        created.id,
        {"title": "Principal Engineer", "first_name": "Augusta", "phone": "+1 555 0199"},
    )
    # when: a later stub repeats what LinkedIn said before
    await _apply(sessions, customer_id, _stub("stub-2", title="Senior Backend Engineer", created_at=LATER))
    # then
    [candidate] = await _candidates(sessions)
    assert (candidate.title, candidate.first_name, candidate.phone) == (
        "Principal Engineer",
        "Augusta",
        "+1 555 0199",
    )
    assert await suggestions(sessions, created.id) == [
        ("first_name", "Ada", models.LinkedInSource.LINKEDIN_INMAIL),
        ("phone", "+1 555 0100", models.LinkedInSource.LINKEDIN_INMAIL),
        ("title", "Senior Backend Engineer", models.LinkedInSource.LINKEDIN_INMAIL),
    ]


async def test_a_value_linkedin_filled_is_updated_by_a_later_stub_without_a_suggestion(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: LinkedIn filled the title, and nobody in the ATS changed it
    await _apply(sessions, customer_id, _stub("stub-1", title="Staff Engineer"))
    # when
    await _apply(sessions, customer_id, _stub("stub-2", title="Principal Engineer", created_at=LATER))
    # then
    [candidate] = await _candidates(sessions)
    assert candidate.id is not None
    assert candidate.title == "Principal Engineer"
    assert await suggestions(sessions, candidate.id) == []
    assert await count(sessions, models.OutboxEvent) == 2


async def test_an_older_stub_applied_late_does_not_undo_what_a_newer_one_filled(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await _apply(sessions, customer_id, _stub("stub-2", title="Principal Engineer", created_at=LATER))
    # when
    await _apply(sessions, customer_id, _stub("stub-1", title="Staff Engineer"))
    # then
    [candidate] = await _candidates(sessions)
    assert candidate.title == "Principal Engineer"


async def test_older_stubs_applied_after_newer_ones_leave_every_value_the_newer_ones_set(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: the newest stub created the candidate (a first poll's newest window comes first)
    await _apply(
        sessions, customer_id, _stub("stub-3", title="Principal Engineer", city="Boston", created_at=LATER)
    )
    # when: the history brings older stubs, in two windows, each newer than the next
    await _apply(sessions, customer_id, _stub("stub-2", title="Staff Engineer", city="Providence"))
    await _apply(
        sessions,
        customer_id,
        _stub("stub-1", created_at=datetime(2025, 11, 20, tzinfo=UTC), title="Engineer", phone=None),
    )
    # then: nothing newer was replaced or suggested over
    [candidate] = await _candidates(sessions)
    assert candidate.id is not None
    assert (candidate.title, candidate.mailing_city, candidate.phone) == (
        "Principal Engineer",
        "Boston",
        "+1 555 0100",
    )
    assert await suggestions(sessions, candidate.id) == []
    assert await count(sessions, models.OutboxEvent) == 1


async def test_an_older_stub_after_a_recruiter_edited_a_newer_ones_value_suggests_nothing(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: the newer stub filled the title, then a recruiter changed it
    await _apply(sessions, customer_id, _stub("stub-2", title="Principal Engineer", created_at=LATER))
    [created] = await _candidates(sessions)
    assert created.id is not None
    await update_candidate(sessions, customer_id, created.id, {"title": "CTO"})
    # when: an older stub arrives from the history
    await _apply(sessions, customer_id, _stub("stub-1", title="Staff Engineer"))
    # then: LinkedIn's newest word was already heard; its older one is no suggestion
    [candidate] = await _candidates(sessions)
    assert candidate.title == "CTO"
    assert await suggestions(sessions, created.id) == []


async def test_an_older_stub_after_a_newer_suggestion_keeps_the_newer_suggestion(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: an ATS candidate with a newer stub's title suggestion
    candidate_id = await _add_candidate(
        sessions, customer_id, first_name="Ada", last_name="Lovelace", title="CTO"
    )
    await _link(sessions, customer_id, candidate_id, URN)
    await _apply(sessions, customer_id, _stub("stub-2", title="Principal Engineer", created_at=LATER))
    # when
    await _apply(sessions, customer_id, _stub("stub-1", title="Staff Engineer"))
    # then
    titles = [s for s in await suggestions(sessions, candidate_id) if s[0] == "title"]
    assert titles == [("title", "Principal Engineer", models.LinkedInSource.LINKEDIN_INMAIL)]


async def test_a_newer_linkedin_value_replaces_the_older_suggestion_for_the_field(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: a suggestion for the title of a candidate an ATS user entered
    candidate_id = await _add_candidate(
        sessions, customer_id, first_name="Ada", last_name="Lovelace", title="CTO"
    )
    await _link(sessions, customer_id, candidate_id, URN)
    await _apply(sessions, customer_id, _stub("stub-1", title="Staff Engineer"))
    # when
    await _apply(sessions, customer_id, _stub("stub-2", title="Principal Engineer", created_at=LATER))
    # then
    titles = [s for s in await suggestions(sessions, candidate_id) if s[0] == "title"]
    assert titles == [("title", "Principal Engineer", models.LinkedInSource.LINKEDIN_INMAIL)]


async def test_a_linkedin_value_equal_to_the_current_one_removes_the_suggestion(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await _add_candidate(
        sessions, customer_id, first_name="Ada", last_name="Lovelace", title="CTO"
    )
    await _link(sessions, customer_id, candidate_id, URN)
    await _apply(sessions, customer_id, _stub("stub-1", title="Staff Engineer"))
    assert ("title", "Staff Engineer", models.LinkedInSource.LINKEDIN_INMAIL) in await suggestions(
        sessions, candidate_id
    )
    # when: LinkedIn now says what the ATS has
    await _apply(sessions, customer_id, _stub("stub-2", title="CTO", created_at=LATER))
    # then
    assert [s[0] for s in await suggestions(sessions, candidate_id)] == []


async def test_a_stub_that_only_suggests_does_not_enqueue_the_candidate(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: every field the stub shares is set, and differs, in the ATS
    candidate_id = await _add_candidate(
        sessions,
        customer_id,
        first_name="A",
        last_name="B",
        email="a.b@example.com",
        phone="1",
        title="T",
        mailing_city="C",
    )
    await _link(sessions, customer_id, candidate_id, URN)
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    assert await count(sessions, models.OutboxEvent) == 0
    assert len(await suggestions(sessions, candidate_id)) == 6


async def test_a_stub_links_an_unlinked_candidate_with_the_same_email(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await _add_candidate(
        sessions, customer_id, first_name="Ada", email="ada.lovelace@example.com"
    )
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    assert [c.id for c in await _candidates(sessions)] == [candidate_id]
    assert (await _identity(sessions)).candidate_id == candidate_id


async def test_a_stub_never_matches_a_candidate_by_name_alone(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    namesake = await _add_candidate(
        sessions, customer_id, first_name="Ada", last_name="Lovelace", email="other@example.com"
    )
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    candidates = await _candidates(sessions)
    assert [c.id == namesake for c in candidates] == [True, False]
    assert (await _identity(sessions)).candidate_id == candidates[1].id


async def test_a_stub_does_not_take_over_a_candidate_linked_to_another_member(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    other = await _add_candidate(sessions, customer_id, first_name="Ada", email="ada.lovelace@example.com")
    await _link(sessions, customer_id, other, "urn:li:person:someone-else")
    # when
    await _apply(sessions, customer_id, _stub())
    # then
    candidates = await _candidates(sessions)
    assert len(candidates) == 2
    assert (await _identity(sessions)).candidate_id == candidates[1].id


async def test_a_stub_shared_through_linkedin_creates_its_candidate_on_refresh(
    refresher: RefreshService, sessions: SessionFactory, customer_id: int, clock: Clock, sandbox: Sandbox
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
        candidate = await db.get(models.Candidate, (customer_id, identity.candidate_id))
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
                    and_(
                        col(models.LinkedInIdentity.customer_id) == col(models.InMailThread.customer_id),
                        col(models.LinkedInIdentity.person_urn) == col(models.InMailThread.member_urn),
                    ),
                )
                .where(col(models.LinkedInIdentity.candidate_id) == identity.candidate_id)
            )
        ).all()
    assert [(t.seat_urn, t.message_count) for t in threads] == [("urn:li:seat:1003", 2)]

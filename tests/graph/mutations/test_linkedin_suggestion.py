"""LinkedIn's suggestions on the candidate and `acceptLinkedInSuggestion`: ATS values stay until a user
accepts LinkedIn's, which then goes through the ordinary update path (outbox included)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from strawberry import relay

import models
from linkedin.records import MailStub
from models.db import SessionFactory
from resolvers.member_matching import MemberDetails, member_details, merge_details
from resolvers.stubs import apply_mail_stubs
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Outbox
from tests.graph.mutations.factories import gid, make_candidate

URN = "urn:li:person:suggested01"
STUB_AT = datetime(2025, 11, 24, 12, 0, tzinfo=UTC)

CANDIDATE = """
query($id: ID!) {
  candidate(id: $id) { title firstName phone linkedinSuggestions { field value source at } }
}
"""
UPDATE = """
mutation($input: UpdateCandidateInput!) {
  updateCandidate(input: $input) { userErrors { field message code } }
}
"""
ACCEPT = """
mutation($input: AcceptLinkedInSuggestionInput!) {
  acceptLinkedInSuggestion(input: $input) {
    candidate { id title linkedinSuggestions { field value } }
    userErrors { field message code }
  }
}
"""


def _stub(stub_id: str, at: datetime, **fields: str) -> MailStub:
    values = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada.lovelace@example.com",
        "phone": "+1 555 0100",
        "title": "Senior Backend Engineer",
        "city": "Providence",
        **fields,
    }
    return MailStub(
        id=stub_id,
        owner_seat_urn="urn:li:seat:1001",
        member_urn=URN,
        profile_url=None,
        created_at=at,
        **values,
    )


async def _apply(sessions: SessionFactory, customer_id: int, stub: MailStub) -> list[int]:
    async with sessions() as db:
        outcome = await apply_mail_stubs(db, customer_id, [stub])
        await db.commit()
    return outcome.created


async def _data(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    data: dict[str, Any] = result.data
    return data


async def _recruiter_edits_after_a_stub(graphql: GraphQL, sessions: SessionFactory, customer_id: int) -> str:
    """The issue's case: a stub created the candidate, a recruiter edited title, name and phone, and a
    later stub repeats LinkedIn's values. Returns the candidate's global ID."""
    [candidate_id] = await _apply(sessions, customer_id, _stub("stub-1", STUB_AT))
    candidate = gid("Candidate", candidate_id)
    edit = {"id": candidate, "title": "Principal Engineer", "firstName": "Augusta", "phone": "+1 555 0199"}
    assert await _data(await graphql(UPDATE, {"input": edit})) == {"updateCandidate": {"userErrors": []}}
    await _apply(sessions, customer_id, _stub("stub-2", datetime(2025, 11, 25, 9, 30, tzinfo=UTC)))
    return candidate


async def test_a_later_stub_keeps_the_recruiters_title_and_shows_its_own_as_a_suggestion(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate = await _recruiter_edits_after_a_stub(graphql, sessions, customer_id)
    # when
    data = await _data(await graphql(CANDIDATE, {"id": candidate}))
    # then
    at = "2025-11-25T09:30:00+00:00"
    assert data == {
        "candidate": {
            "title": "Principal Engineer",
            "firstName": "Augusta",
            "phone": "+1 555 0199",
            "linkedinSuggestions": [
                {"field": "firstName", "value": "Ada", "source": "LINKEDIN_INMAIL", "at": at},
                {"field": "phone", "value": "+1 555 0100", "source": "LINKEDIN_INMAIL", "at": at},
                {"field": "title", "value": "Senior Backend Engineer", "source": "LINKEDIN_INMAIL", "at": at},
            ],
        }
    }


async def test_accepting_a_suggestion_updates_the_candidate_queues_the_outbox_and_removes_it(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await _recruiter_edits_after_a_stub(graphql, sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(ACCEPT, {"input": {"candidateId": candidate, "field": "title"}})
    # then
    data = await _data(result)
    assert data["acceptLinkedInSuggestion"] == {
        "candidate": {
            "id": candidate,
            "title": "Senior Backend Engineer",
            "linkedinSuggestions": [
                {"field": "firstName", "value": "Ada"},
                {"field": "phone", "value": "+1 555 0100"},
            ],
        },
        "userErrors": [],
    }
    candidate_id = int(relay.GlobalID.from_id(candidate).node_id)
    assert await outbox() == [("CANDIDATE", candidate_id, "UPSERT", {})]
    again = await _data(await graphql(CANDIDATE, {"id": candidate}))
    assert [s["field"] for s in again["candidate"]["linkedinSuggestions"]] == ["firstName", "phone"]


async def test_an_accepted_value_is_the_users_and_a_later_linkedin_value_only_suggests(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: the title accepted from LinkedIn
    candidate = await _recruiter_edits_after_a_stub(graphql, sessions, customer_id)
    await _data(await graphql(ACCEPT, {"input": {"candidateId": candidate, "field": "title"}}))
    # when: LinkedIn's title changes again
    await _apply(sessions, customer_id, _stub("stub-3", datetime(2025, 11, 26, tzinfo=UTC), title="CTO"))
    # then
    data = await _data(await graphql(CANDIDATE, {"id": candidate}))
    assert data["candidate"]["title"] == "Senior Backend Engineer"
    assert {
        "field": "title",
        "value": "CTO",
        "source": "LINKEDIN_INMAIL",
        "at": "2025-11-26T00:00:00+00:00",
    } in (data["candidate"]["linkedinSuggestions"])


async def test_accepting_a_field_linkedin_never_suggests_is_a_user_error_naming_the_field(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate = await _recruiter_edits_after_a_stub(graphql, sessions, customer_id)
    # when
    result = await graphql(ACCEPT, {"input": {"candidateId": candidate, "field": "company"}})
    # then
    data = await _data(result)
    assert data["acceptLinkedInSuggestion"] == {
        "candidate": None,
        "userErrors": [
            {
                "field": ["input", "field"],
                "message": "LinkedIn suggests only firstName, lastName, email, phone, title, mailingCity; "
                "not 'company'",
                "code": "INVALID",
            }
        ],
    }


async def test_accepting_where_there_is_no_suggestion_is_a_not_found_user_error(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given: LinkedIn agrees about the last name, so nothing is suggested for it
    candidate = await _recruiter_edits_after_a_stub(graphql, sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(ACCEPT, {"input": {"candidateId": candidate, "field": "lastName"}})
    # then
    data = await _data(result)
    assert data["acceptLinkedInSuggestion"] == {
        "candidate": None,
        "userErrors": [
            {
                "field": ["input", "field"],
                "message": "LinkedIn suggests nothing for lastName on this candidate",
                "code": "NOT_FOUND",
            }
        ],
    }
    assert await outbox() == []


async def test_accepting_for_an_unknown_candidate_is_a_not_found_user_error(graphql: GraphQL) -> None:
    result = await graphql(ACCEPT, {"input": {"candidateId": gid("Candidate", 987654), "field": "title"}})
    data = await _data(result)
    assert data["acceptLinkedInSuggestion"]["userErrors"] == [
        {"field": ["input", "candidateId"], "message": "No candidate has this id", "code": "NOT_FOUND"}
    ]


async def test_a_suggested_value_the_ats_refuses_is_a_user_error_naming_the_field(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: LinkedIn suggests an email the ATS's own validation refuses
    candidate = await _recruiter_edits_after_a_stub(graphql, sessions, customer_id)
    update = {"id": candidate, "email": "ada@ats.example"}
    await _data(await graphql(UPDATE, {"input": update}))
    await _apply(
        sessions, customer_id, _stub("stub-3", datetime(2025, 11, 26, tzinfo=UTC), email="not-an-email")
    )
    # when
    result = await graphql(ACCEPT, {"input": {"candidateId": candidate, "field": "email"}})
    # then
    data = await _data(result)
    [error] = data["acceptLinkedInSuggestion"]["userErrors"]
    assert (error["field"], error["code"], data["acceptLinkedInSuggestion"]["candidate"]) == (
        ["input", "field"],
        "INVALID",
        None,
    )


SUGGESTIONS_OF_MANY = """
query($search: String!) {
  candidates(first: 100, filter: {search: $search}) { edges { node { linkedinSuggestions { field } } } }
}
"""


async def test_suggestions_of_many_candidates_cost_the_same_statements_as_of_one(
    graphql: GraphQL, sessions: SessionFactory, sql_log: list[str], customer_id: int
) -> None:
    # given: one candidate and ten, each with a suggestion (the ATS user set another title)
    for i in range(11):
        name = "Solo" if i == 0 else "Bulk"
        candidate = await make_candidate(
            sessions, customer_id, first_name=name, email=f"{name}{i}@example.com", title="CTO"
        )
        assert candidate.id is not None
        async with sessions() as db:
            await merge_details(db, candidate, _details(f"urn:li:person:many{i}"))
            await db.commit()
    # when
    sql_log.clear()
    one = await _data(await graphql(SUGGESTIONS_OF_MANY, {"search": "solo"}))
    one_count = len(sql_log)
    sql_log.clear()
    ten = await _data(await graphql(SUGGESTIONS_OF_MANY, {"search": "bulk"}))
    ten_count = len(sql_log)
    # then
    assert [e["node"]["linkedinSuggestions"] for e in one["candidates"]["edges"]] == [[{"field": "title"}]]
    assert [e["node"]["linkedinSuggestions"] for e in ten["candidates"]["edges"]] == [
        [{"field": "title"}]
    ] * 10
    assert one_count == ten_count


def _details(urn: str) -> MemberDetails:
    return member_details(
        member_urn=urn,
        profile_url=None,
        source=models.LinkedInSource.LINKEDIN_EXPORT,
        at=STUB_AT,
        first_name=None,
        last_name=None,
        email=None,
        phone=None,
        title="Staff Engineer",
        city=None,
    )

"""`linkedinMembers`: In-ATS and Past Applicant for up to 1,000 members in a constant number of statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import models
from models.db import SessionFactory
from tests.conftest import GraphQL, Server

MEMBERS = """
query Members($urns: [String!], $urls: [String!]) {
  linkedinMembers(personUrns: $urns, profileUrls: $urls) {
    personUrn profileUrl error inAts pastApplicant
    candidate { firstName }
    applications { job { title } status lastActivityAt }
  }
}
"""

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def urn(i: int) -> str:
    """The person URN of seeded member `i`."""
    return f"urn:li:person:m{i}"


def url(i: int) -> str:
    """The stored profile URL of seeded member `i`."""
    return f"https://www.linkedin.com/in/member-{i}"


async def seed_members(
    sessions: SessionFactory, customer_id: int, count: int, *, applicants_every: int = 2
) -> None:
    """`count` candidates linked to members 0..count-1; every `applicants_every`-th applied to two jobs."""
    async with sessions() as db, db.begin():
        jobs = [
            models.Job(customer_id=customer_id, title="Engineer"),
            models.Job(customer_id=customer_id, title="Designer"),
        ]
        db.add_all(jobs)
        candidates = [
            models.Candidate(customer_id=customer_id, first_name=f"First{i}", last_name=f"Last{i}")
            for i in range(count)
        ]
        db.add_all(candidates)
        await db.flush()
        db.add_all(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=c.id,
                person_urn=urn(i),
                profile_url=url(i),
                match_source=models.MatchSource.MANUAL,
            )
            for i, c in enumerate(candidates)
            if c.id is not None
        )
        for i, candidate in enumerate(candidates):
            if i % applicants_every == 0 and candidate.id is not None:
                for offset, job in enumerate(jobs):
                    assert job.id is not None
                    db.add(
                        models.Application(
                            customer_id=customer_id,
                            candidate_id=candidate.id,
                            job_id=job.id,
                            status="Applied" if offset else "Phone screen",
                            last_activity_at=T0 + timedelta(days=1 - offset),
                        )
                    )


async def test_members_are_answered_in_the_order_asked_urns_first_with_candidate_and_applications(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 3)
    # when
    result = await graphql(MEMBERS, {"urns": [urn(1), urn(0)], "urls": [url(2)]})
    # then
    assert result.errors is None
    assert result.data == {
        "linkedinMembers": [
            {
                "personUrn": urn(1),
                "profileUrl": None,
                "error": None,
                "inAts": True,
                "pastApplicant": False,
                "candidate": {"firstName": "First1"},
                "applications": [],
            },
            {
                "personUrn": urn(0),
                "profileUrl": None,
                "error": None,
                "inAts": True,
                "pastApplicant": True,
                "candidate": {"firstName": "First0"},
                "applications": [
                    {
                        "job": {"title": "Engineer"},
                        "status": "Phone screen",
                        "lastActivityAt": "2030-01-02T00:00:00+00:00",
                    },
                    {
                        "job": {"title": "Designer"},
                        "status": "Applied",
                        "lastActivityAt": "2030-01-01T00:00:00+00:00",
                    },
                ],
            },
            {
                "personUrn": None,
                "profileUrl": url(2),
                "error": None,
                "inAts": True,
                "pastApplicant": True,
                "candidate": {"firstName": "First2"},
                "applications": [
                    {
                        "job": {"title": "Engineer"},
                        "status": "Phone screen",
                        "lastActivityAt": "2030-01-02T00:00:00+00:00",
                    },
                    {
                        "job": {"title": "Designer"},
                        "status": "Applied",
                        "lastActivityAt": "2030-01-01T00:00:00+00:00",
                    },
                ],
            },
        ]
    }


async def test_an_unknown_member_is_not_in_the_ats(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 1)
    # when
    result = await graphql(MEMBERS, {"urns": ["urn:li:person:nobody"]})
    # then
    assert result.errors is None
    assert result.data == {
        "linkedinMembers": [
            {
                "personUrn": "urn:li:person:nobody",
                "profileUrl": None,
                "error": None,
                "inAts": False,
                "pastApplicant": False,
                "candidate": None,
                "applications": [],
            }
        ]
    }


async def test_malformed_urns_and_urls_get_an_entry_with_an_error_and_the_rest_are_answered(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 1)
    # when
    result = await graphql(
        MEMBERS, {"urns": ["urn:li:member:1", urn(0)], "urls": ["https://example.com/in/ada", "not a url"]}
    )
    # then
    assert result.errors is None
    assert result.data is not None
    assert [
        (m["personUrn"], m["profileUrl"], m["error"], m["inAts"]) for m in result.data["linkedinMembers"]
    ] == [
        ("urn:li:member:1", None, "Not a person URN (urn:li:person:<id>): 'urn:li:member:1'", False),
        (urn(0), None, None, True),
        (
            None,
            "https://example.com/in/ada",
            "Not a LinkedIn profile URL (https://www.linkedin.com/in/<name>): 'https://example.com/in/ada'",
            False,
        ),
        (
            None,
            "not a url",
            "Not a LinkedIn profile URL (https://www.linkedin.com/in/<name>): 'not a url'",
            False,
        ),
    ]


@pytest.mark.parametrize(
    "spelling",
    [
        "http://linkedin.com/in/member-0/",
        "linkedin.com/in/member-0",
        "https://www.linkedin.com/in/Member-0?trk=search",
        "https://uk.linkedin.com/in/member-0#top",
    ],
)
async def test_a_profile_url_matches_whatever_its_spelling(
    graphql: GraphQL, sessions: SessionFactory, spelling: str, customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 1)
    # when
    result = await graphql(MEMBERS, {"urls": [spelling]})
    # then
    assert result.errors is None
    assert result.data is not None
    assert [(m["profileUrl"], m["inAts"]) for m in result.data["linkedinMembers"]] == [(spelling, True)]


async def test_more_than_1000_members_is_a_bad_user_input_error_naming_the_limit(graphql: GraphQL) -> None:
    # when
    result = await graphql(
        MEMBERS, {"urns": [urn(i) for i in range(600)], "urls": [url(i) for i in range(401)]}
    )
    # then
    assert result.data is None
    assert result.errors is not None
    assert [(e.message, e.extensions) for e in result.errors] == [
        (
            "At most 1000 members per query (personUrns and profileUrls together); 1001 were asked",
            {"code": "BAD_USER_INPUT"},
        )
    ]


async def test_enriching_25_and_1000_members_runs_the_same_number_of_sql_statements(
    graphql: GraphQL, sessions: SessionFactory, sql_log: list[str], customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 1000)
    sql_log.clear()
    # when
    small = await graphql(
        MEMBERS, {"urns": [urn(i) for i in range(20)], "urls": [url(i) for i in range(20, 25)]}
    )
    small_count = len(sql_log)
    sql_log.clear()
    large = await graphql(
        MEMBERS, {"urns": [urn(i) for i in range(500)], "urls": [url(i) for i in range(500, 1000)]}
    )
    large_count = len(sql_log)
    # then
    assert small.errors is None
    assert large.errors is None
    assert large.data is not None
    assert sum(m["inAts"] for m in large.data["linkedinMembers"]) == 1000
    assert sum(m["pastApplicant"] for m in large.data["linkedinMembers"]) == 500
    assert (small_count, large_count) == (2, 2)


async def test_1000_members_over_http_are_answered_and_1001_are_refused_with_a_client_error(
    server: Server, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 10)
    urns = [urn(i) for i in range(1000)]
    # when
    ok_status, ok_body = await server.graphql(MEMBERS, {"urns": urns})
    bad_status, bad_body = await server.graphql(MEMBERS, {"urns": [*urns, urn(1000)]})
    # then
    assert (ok_status, len(ok_body["data"]["linkedinMembers"])) == (200, 1000)
    assert sum(m["inAts"] for m in ok_body["data"]["linkedinMembers"]) == 10
    assert bad_status == 200
    assert bad_body["data"] is None
    assert [e["extensions"]["code"] for e in bad_body["errors"]] == ["BAD_USER_INPUT"]


CANDIDATES = """
query Candidates($filter: CandidateFilter) {
  candidates(filter: $filter, first: 100) { totalCount edges { node { firstName } } }
}
"""


async def _unlinked_candidate(sessions: SessionFactory, customer_id: int) -> None:
    async with sessions() as db, db.begin():
        db.add(models.Candidate(customer_id=customer_id, first_name="Unlinked", last_name="Person"))


@pytest.mark.parametrize(
    ("in_ats", "expected"),
    [(True, ["First0", "First1", "First2"]), (False, ["Unlinked"])],
)
async def test_the_candidates_filter_in_ats_keeps_candidates_linked_to_a_member(
    graphql: GraphQL, sessions: SessionFactory, in_ats: bool, expected: list[str], customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 3)
    await _unlinked_candidate(sessions, customer_id)
    # when
    result = await graphql(CANDIDATES, {"filter": {"inAts": in_ats}})
    # then
    assert result.errors is None
    assert result.data is not None
    names = sorted(edge["node"]["firstName"] for edge in result.data["candidates"]["edges"])
    assert (result.data["candidates"]["totalCount"], names) == (len(expected), expected)


@pytest.mark.parametrize(
    ("past_applicant", "expected"),
    [(True, ["First0", "First2"]), (False, ["First1", "Unlinked"])],
)
async def test_the_candidates_filter_past_applicant_keeps_candidates_with_an_application(
    graphql: GraphQL, sessions: SessionFactory, past_applicant: bool, expected: list[str], customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 3)
    await _unlinked_candidate(sessions, customer_id)
    # when
    result = await graphql(CANDIDATES, {"filter": {"pastApplicant": past_applicant}})
    # then
    assert result.errors is None
    assert result.data is not None
    names = sorted(edge["node"]["firstName"] for edge in result.data["candidates"]["edges"])
    assert (result.data["candidates"]["totalCount"], names) == (len(expected), expected)


async def test_a_huge_malformed_urn_is_quoted_back_shortened(graphql: GraphQL) -> None:
    # given
    huge = "x" * 10_000
    # when
    result = await graphql(MEMBERS, {"urns": [huge]})
    # then
    assert result.errors is None
    assert result.data is not None
    (member,) = result.data["linkedinMembers"]
    assert member["error"] == f"Not a person URN (urn:li:person:<id>): {'x' * 120 + '…'!r}"

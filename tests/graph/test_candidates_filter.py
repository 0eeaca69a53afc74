"""`candidates(first, after, filter)`: free-text search, source, LinkedIn match, applications, paging."""

from __future__ import annotations

from typing import Any

import pytest

import models
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.tab_world import gid

LIST = """
query($filter: CandidateFilter, $first: Int, $after: String) {
  candidates(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { email } }
  }
}
"""


def row_id(row: models.Job | models.Candidate) -> int:
    """The id of a flushed row."""
    assert row.id is not None
    return row.id


@pytest.fixture
async def people(sessions: SessionFactory, customer_id: int) -> dict[str, int]:
    """Four candidates: Ada (applied, linked), Grace (applied, LinkedIn snapshot match), Alan (InMail stub),
    Barbara (no email); returns a job id under `job` and candidate ids by first name."""
    async with sessions() as session:
        job, other_job = (
            models.Job(customer_id=customer_id, title="Engineer"),
            models.Job(customer_id=customer_id, title="Analyst"),
        )
        ada = models.Candidate(
            customer_id=customer_id, first_name="Ada", last_name="Lovelace", email="ada@example.com"
        )
        grace = models.Candidate(
            customer_id=customer_id, first_name="Grace", last_name="Hopper", email="grace@navy.example"
        )
        alan = models.Candidate(
            customer_id=customer_id,
            first_name="Alan",
            last_name="Turing",
            email="alan@example.com",
            source=models.CandidateSource.LINKEDIN_INMAIL,
        )
        barbara = models.Candidate(customer_id=customer_id, first_name="Barbara", last_name="Liskov_100%")
        session.add_all([job, other_job, ada, grace, alan, barbara])
        await session.flush()
        job_id, other_job_id, ada_id, grace_id, alan_id, barbara_id = (
            row_id(row) for row in (job, other_job, ada, grace, alan, barbara)
        )
        session.add_all(
            [
                models.Application(customer_id=customer_id, candidate_id=ada_id, job_id=job_id),
                models.Application(customer_id=customer_id, candidate_id=grace_id, job_id=other_job_id),
                models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=ada_id,
                    person_urn="urn:li:person:ada",
                    match_source=models.MatchSource.EXPORT,
                ),
                models.LinkedInProfile(
                    customer_id=customer_id, candidate_id=grace_id, person_urn="urn:li:person:grace"
                ),
            ]
        )
        await session.commit()
        return {"job": job_id, "Ada": ada_id, "Grace": grace_id, "Alan": alan_id, "Barbara": barbara_id}


async def emails(graphql: GraphQL, variables: dict[str, Any]) -> tuple[int, list[str | None]]:
    """The total count and the emails of the page, sorted (ordering is tested on its own)."""
    result = await graphql(LIST, variables)
    assert result.errors is None
    assert result.data is not None
    connection = result.data["candidates"]
    return connection["totalCount"], sorted((e["node"]["email"] or "") for e in connection["edges"])


async def test_search_matches_any_name_or_email_case_insensitively(
    graphql: GraphQL, people: dict[str, int]
) -> None:
    # when
    found = await emails(graphql, {"filter": {"search": "  LOVE  "}})
    # then
    assert found == (1, ["ada@example.com"])


async def test_search_needs_every_word_to_match_somewhere(graphql: GraphQL, people: dict[str, int]) -> None:
    # when
    found = await emails(graphql, {"filter": {"search": "grace NAVY"}})
    # then
    assert found == (1, ["grace@navy.example"])


async def test_search_treats_like_wildcards_as_plain_text(graphql: GraphQL, people: dict[str, int]) -> None:
    # when
    found = await emails(graphql, {"filter": {"search": "_100%"}})
    # then
    assert found == (1, [""])


async def test_source_keeps_only_candidates_from_that_source(
    graphql: GraphQL, people: dict[str, int]
) -> None:
    # when
    found = await emails(graphql, {"filter": {"source": "LINKEDIN_INMAIL"}})
    # then
    assert found == (1, ["alan@example.com"])


async def test_has_linkedin_match_counts_identities_and_snapshot_matches(
    graphql: GraphQL, people: dict[str, int]
) -> None:
    # when
    matched = await emails(graphql, {"filter": {"hasLinkedInMatch": True}})
    unmatched = await emails(graphql, {"filter": {"hasLinkedInMatch": False}})
    # then
    assert matched == (2, ["ada@example.com", "grace@navy.example"])
    assert unmatched == (2, ["", "alan@example.com"])


async def test_has_applied_splits_applicants_from_the_rest(graphql: GraphQL, people: dict[str, int]) -> None:
    # when
    applied = await emails(graphql, {"filter": {"hasApplied": True}})
    not_applied = await emails(graphql, {"filter": {"hasApplied": False}})
    # then
    assert applied == (2, ["ada@example.com", "grace@navy.example"])
    assert not_applied == (2, ["", "alan@example.com"])


async def test_applied_to_job_keeps_only_that_jobs_applicants(
    graphql: GraphQL, people: dict[str, int]
) -> None:
    # when
    found = await emails(graphql, {"filter": {"appliedToJob": gid("Job", people["job"])}})
    # then
    assert found == (1, ["ada@example.com"])


async def test_filters_combine(graphql: GraphQL, people: dict[str, int]) -> None:
    # when
    found = await emails(
        graphql, {"filter": {"hasApplied": True, "hasLinkedInMatch": True, "search": "hopper"}}
    )
    # then
    assert found == (1, ["grace@navy.example"])


async def test_pages_follow_the_cursor_and_report_the_total(graphql: GraphQL, people: dict[str, int]) -> None:
    # given
    first = await graphql(LIST, {"first": 3})
    assert first.data is not None
    cursor = first.data["candidates"]["pageInfo"]["endCursor"]
    # when
    second = await graphql(LIST, {"first": 3, "after": cursor})
    # then
    assert second.data is not None
    page = second.data["candidates"]
    assert page["totalCount"] == 4
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": page["pageInfo"]["endCursor"],
    }
    assert len(page["edges"]) == 1
    first_emails = {e["node"]["email"] for e in first.data["candidates"]["edges"]}
    assert page["edges"][0]["node"]["email"] not in first_emails


async def test_the_most_recently_updated_candidate_comes_first(
    graphql: GraphQL, sessions: SessionFactory, people: dict[str, int], customer_id: int
) -> None:
    # given: Alan is edited last
    async with sessions() as session:
        alan = await session.get(models.Candidate, (customer_id, people["Alan"]))
        assert alan is not None
        alan.updated_at = models.utcnow()
        session.add(alan)
        await session.commit()
    # when
    result = await graphql(LIST, {"first": 1})
    # then
    assert result.data is not None
    assert [e["node"]["email"] for e in result.data["candidates"]["edges"]] == ["alan@example.com"]

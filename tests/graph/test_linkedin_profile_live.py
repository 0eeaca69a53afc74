"""The LinkedIn Profile tab's live matches: one batched fetch, reuse within the TTL, snapshots on outages."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

import models
from app.settings import Settings
from linkedin import LinkedInClient, wire
from models.db import SessionFactory
from resolvers import linkedin_faults
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox, Server
from tests.graph.tab_world import gid

PROFILE_QUERY = """
query Profile($id: ID!) {
  candidate(id: $id) {
    linkedinProfile {
      personUrn matchSource algorithmicMatches manualMatch viewInRecruiterUrl
      widget { apiKey integrationContext atsCandidateId scriptUrl }
      freshness { fetchedAt stale error errorCode }
    }
  }
}
"""

PAGE_QUERY = """
{ candidates(first: 100) { edges { node { linkedinProfile { algorithmicMatches freshness { stale } } } } } }
"""

SNAPSHOT_AT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A tab timeout well under the client's own, and no retries, so each failure has one cause."""
    return settings.model_copy(
        update={"live_match_timeout_s": 1.0, "linkedin_timeout_s": 10.0, "linkedin_max_attempts": 1}
    )


async def add_candidate(
    sessions: SessionFactory, customer_id: int, email: str, first_name: str = "Ada"
) -> int:
    """A candidate row of the customer; returns its id."""
    async with sessions() as session:
        row = models.Candidate(
            customer_id=customer_id, first_name=first_name, last_name="Lovelace", email=email
        )
        session.add(row)
        await session.commit()
        assert row.id is not None
        return row.id


async def sync_to_linkedin(linkedin: LinkedInClient, candidate_ids: list[int], emails: list[str]) -> None:
    """Push candidates to the sandbox, as the outbox worker would."""
    now = datetime.now(UTC)
    bodies = {
        str(i): wire.candidate_to_wire(
            first_name="Ada",
            last_name="Lovelace",
            email_addresses=[email],
            created_at=now - timedelta(days=1),
            last_modified_at=now,
            external_profile_url=f"https://ats.example.com/candidates/{i}",
        )
        for i, email in zip(candidate_ids, emails, strict=True)
    }
    result = await linkedin.upsert_candidates(bodies)
    assert result.errors == {}


async def world_member(sandbox: Sandbox, index: int = 0) -> dict[str, Any]:
    """One member of the sandbox's world (`member`, `emailAddress`...)."""
    member: dict[str, Any] = (await sandbox.admin("GET", "world"))["members"][index]
    return member


async def match_calls(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The atsCandidates BATCH_GETs the sandbox received."""
    calls = await sandbox.admin("GET", "calls")
    return [c for c in calls if c["endpoint"] == "atsCandidates" and c["method"] == "GET"]


async def add_snapshot(
    sessions: SessionFactory, customer_id: int, candidate_id: int, member_urn: str
) -> None:
    """What LinkedIn said last time: one algorithmic match."""
    async with sessions() as session:
        session.add(
            models.LinkedInProfile(
                customer_id=customer_id,
                candidate_id=candidate_id,
                person_urn=member_urn,
                algorithmic_matches=[member_urn],
                fetched_at=SNAPSHOT_AT,
            )
        )
        await session.commit()


async def test_a_synced_candidate_shows_linkedins_live_algorithmic_match(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    linkedin: LinkedInClient,
    settings: Settings,
    customer: models.Customer,
) -> None:
    # given: the candidate carries a LinkedIn member's email and was synced
    member = await world_member(sandbox)
    candidate_id = await add_candidate(sessions, customer_id, member["emailAddress"])
    await sync_to_linkedin(linkedin, [candidate_id], [member["emailAddress"]])
    # when
    result = await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    # then
    assert result.errors is None
    assert result.data is not None
    profile = result.data["candidate"]["linkedinProfile"]
    member_id = member["member"].rsplit(":", 1)[-1]
    assert {k: v for k, v in profile.items() if k != "freshness"} == {
        "personUrn": member["member"],
        "matchSource": "ALGORITHMIC",
        "algorithmicMatches": [member["member"]],
        "manualMatch": None,
        "viewInRecruiterUrl": f"{settings.linkedin_recruiter_profile_url}/{member_id}",
        "widget": {
            "apiKey": customer.linkedin_client_id,
            "integrationContext": customer.linkedin_org_urn,
            "atsCandidateId": str(candidate_id),
            "scriptUrl": settings.linkedin_profile_plugin.script_url,
        },
    }
    assert profile["freshness"]["stale"] is False
    assert profile["freshness"]["error"] is None


async def test_a_fetched_match_is_stored_as_the_candidates_snapshot(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    linkedin: LinkedInClient,
    tenant: Tenant,
) -> None:
    # given
    member = await world_member(sandbox)
    candidate_id = await add_candidate(sessions, customer_id, member["emailAddress"])
    await sync_to_linkedin(linkedin, [candidate_id], [member["emailAddress"]])
    # when
    await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    await tenant.live_matches.drain()
    # then
    async with sessions() as session:
        snapshot = (await session.exec(select(models.LinkedInProfile))).one()
    assert (
        snapshot.candidate_id,
        snapshot.person_urn,
        snapshot.algorithmic_matches,
        snapshot.manual_match,
    ) == (
        candidate_id,
        member["member"],
        [member["member"]],
        None,
    )


async def test_a_page_of_many_candidates_makes_one_upstream_batch_get(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given
    for index in range(60):
        await add_candidate(sessions, customer_id, f"person{index}@example.com")
    await sandbox.admin("DELETE", "calls")
    # when
    result = await graphql(PAGE_QUERY)
    # then
    assert result.errors is None
    calls = await match_calls(sandbox)
    assert [c["status"] for c in calls] == [200]


async def test_tabs_asked_for_at_once_share_one_upstream_batch_get(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn takes a moment over the first match request, so the eight tabs overlap it
    candidate_id = await add_candidate(sessions, customer_id, "person0@example.com")
    await sandbox.admin("DELETE", "calls")
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": 1, "latency_ms": 300})
    # when: eight requests open the same candidate's tab at once
    results = await asyncio.gather(
        *(graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)}) for _ in range(8))
    )
    # then: one BATCH_GET answered all of them, alike
    assert [r.errors for r in results] == [None] * 8
    assert await match_calls(sandbox) != []
    assert len(await match_calls(sandbox)) == 1
    assert len({str(r.data) for r in results}) == 1


async def test_live_matches_are_reused_within_the_cache_time(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: one request already fetched the page's matches
    for index in range(3):
        await add_candidate(sessions, customer_id, f"person{index}@example.com")
    await graphql(PAGE_QUERY)
    await sandbox.admin("DELETE", "calls")
    # when
    result = await graphql(PAGE_QUERY)
    # then
    assert result.errors is None
    assert await match_calls(sandbox) == []


async def test_a_candidate_with_no_identity_and_no_match_has_a_profile_naming_no_member(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: LinkedIn knows no member with this email
    candidate_id = await add_candidate(sessions, customer_id, "nobody@example.com")
    # when
    result = await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    # then
    assert result.errors is None
    assert result.data is not None
    profile = result.data["candidate"]["linkedinProfile"]
    assert (profile["personUrn"], profile["matchSource"], profile["algorithmicMatches"]) == (None, None, [])
    assert profile["widget"]["atsCandidateId"] == str(candidate_id)


@pytest.mark.parametrize(
    ("fault", "error", "code"),
    [
        ({"status": 500}, linkedin_faults.TROUBLE, "LINKEDIN_UNAVAILABLE"),
        (
            {"status": 429, "retry_after": 90},
            "LinkedIn is rate-limiting this customer until ",
            "LINKEDIN_RATE_LIMITED",
        ),
        ({"malformed": True}, linkedin_faults.UNREADABLE, "LINKEDIN_UNAVAILABLE"),
        ({"hang": True}, linkedin_faults.TIMED_OUT, "LINKEDIN_UNAVAILABLE"),
    ],
    ids=["server-error", "rate-limited", "malformed-json", "hang"],
)
async def test_when_linkedin_fails_the_tab_answers_from_the_snapshot_and_says_it_is_stale(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    fault: dict[str, Any],
    error: str,
    code: str,
) -> None:
    # given: a snapshot from an earlier fetch, and LinkedIn failing every match lookup
    candidate_id = await add_candidate(sessions, customer_id, "ada@example.com")
    await add_snapshot(sessions, customer_id, candidate_id, "urn:li:person:snap1")
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, **fault})
    # when
    result = await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    # then
    assert result.errors is None
    assert result.data is not None
    profile = result.data["candidate"]["linkedinProfile"]
    assert profile["personUrn"] == "urn:li:person:snap1"
    assert profile["algorithmicMatches"] == ["urn:li:person:snap1"]
    assert profile["freshness"]["fetchedAt"] == "2026-11-20T08:30:00+00:00"
    assert profile["freshness"]["stale"] is True
    assert profile["freshness"]["error"].startswith(error)
    assert profile["freshness"]["errorCode"] == code


async def test_a_rate_limited_tab_says_until_when_in_utc_minutes(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn asks to come back in 90 s (longer than the client waits on a 429)
    candidate_id = await add_candidate(sessions, customer_id, "ada@example.com")
    await sandbox.admin(
        "POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 429, "retry_after": 90}
    )
    before = datetime.now(UTC)
    # when
    result = await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    # then: the time said is 90 s from now, rounded up to the minute
    after = datetime.now(UTC)
    assert result.data is not None
    error = result.data["candidate"]["linkedinProfile"]["freshness"]["error"]
    said = {f"{_ceil_minute(t + timedelta(seconds=90)):%H:%M}" for t in (before, after)}
    assert error in {f"LinkedIn is rate-limiting this customer until {hhmm} UTC" for hhmm in said}


def _ceil_minute(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


async def test_after_a_failure_tabs_answer_stale_without_asking_linkedin_during_the_backoff(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn failed once, then recovered, within the backoff (5 s by default)
    candidate_id = await add_candidate(sessions, customer_id, "ada@example.com")
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 500})
    await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    await sandbox.admin("DELETE", "faults")
    await sandbox.admin("DELETE", "calls")
    # when
    result = await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    # then
    assert result.data is not None
    freshness = result.data["candidate"]["linkedinProfile"]["freshness"]
    assert freshness["stale"] is True
    assert freshness["error"] == linkedin_faults.TROUBLE
    assert await match_calls(sandbox) == []


async def test_a_failure_is_not_cached_so_after_the_backoff_linkedin_is_asked_again(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox, services: Services
) -> None:
    # given: no backoff, and LinkedIn failed once
    services.config = replace(services.config, live_match_failure_backoff_s=0)
    candidate_id = await add_candidate(sessions, customer_id, "ada@example.com")
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 500})
    await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    await sandbox.admin("DELETE", "faults")
    await sandbox.admin("DELETE", "calls")
    # when
    result = await graphql(PROFILE_QUERY, {"id": gid("Candidate", candidate_id)})
    # then
    assert result.errors is None
    assert [c["status"] for c in await match_calls(sandbox)] == [200]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_http_the_whole_tab_answers_200_without_errors_while_linkedin_fails(
    server: Server, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given
    candidate_id = await add_candidate(sessions, customer_id, "ada@example.com")
    await add_snapshot(sessions, customer_id, candidate_id, "urn:li:person:snap1")
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 503})
    # when
    status, body = await server.graphql(
        "query($id: ID!) { candidate(id: $id) { firstName applications { id } inmailThreads { seatUrn } "
        "linkedinNotes { body } linkedinProfile { personUrn freshness { stale } } } }",
        {"id": gid("Candidate", candidate_id)},
    )
    # then
    assert status == 200
    assert "errors" not in body
    assert body["data"] == {
        "candidate": {
            "firstName": "Ada",
            "applications": [],
            "inmailThreads": [],
            "linkedinNotes": [],
            "linkedinProfile": {"personUrn": "urn:li:person:snap1", "freshness": {"stale": True}},
        }
    }

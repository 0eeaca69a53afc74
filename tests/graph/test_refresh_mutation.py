"""`refreshLinkedInActivity`: the shared poll behind a button on the candidate's record."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from strawberry import relay

import models
from app.settings import Settings
from linkedin.client import LinkedInClient
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers import linkedin_faults
from resolvers.refresh import RefreshService
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox, Server, serve_app
from tests.resolvers.refresh.support import LOOKBACK, START, Clock, upstream_calls

REFRESH = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) {
    candidate { firstName inmailThreads { seatUrn messageCount messages { direction subject body } } }
    syncedAt
    userErrors { field message code }
  }
}
"""

REFRESH_FRESHNESS = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) {
    candidate { linkedinActivity { fetchedAt stale error errorCode } }
    syncedAt
    userErrors { field message code }
  }
}
"""

REFRESH_ERRORS = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) {
    candidate { id }
    syncedAt
    userErrors { field code }
  }
}
"""

CANDIDATE_THREADS = """
query Threads($id: ID!) { candidate(id: $id) { inmailThreads { seatUrn messageCount } } }
"""


@pytest.fixture
def clock() -> Clock:
    """LinkedIn's (the sandbox's) and the poller's shared time."""
    return Clock(START)


@pytest.fixture
def sandbox_config(clock: Clock) -> SandboxConfig:
    """A sandbox on the test's clock."""
    return SandboxConfig(now_ms=clock.ms)


@pytest.fixture
async def tenant(
    tenant: Tenant, settings: Settings, sessions: SessionFactory, clock: Clock
) -> AsyncIterator[Tenant]:
    """The test customer with its poller on the test's clock; a poll left running ends with the test."""
    tenant.refresh = RefreshService(
        sessions,
        tenant.id,
        tenant.linkedin,
        initial_lookback=LOOKBACK,
        clock=clock.now,
        deadline_s=settings.refresh_deadline_s,
    )
    yield tenant
    await asyncio.wait_for(tenant.refresh.aclose(), 5)


async def _candidate_of_member(
    sessions: SessionFactory, customer_id: int, sandbox: Sandbox, index: int
) -> str:
    member = build_world(sandbox.config).members[index]
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name=member.first_name, last_name=member.last_name
        )
        db.add(candidate)
        await db.flush()
        assert candidate.id is not None
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn=member.urn,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
        return str(relay.GlobalID("Candidate", str(candidate.id)))


async def test_refresh_returns_the_candidate_with_an_inmail_just_sent_through_linkedin(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox, clock: Clock
) -> None:
    # given: member 200 has no InMail history; a recruiter writes to them
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 200)
    member = build_world(sandbox.config).members[200].urn
    await sandbox.admin(
        "POST", "inmails", {"seat": "urn:li:seat:1004", "member": member, "subject": "Hello", "body": "Hi!"}
    )
    clock.advance(minutes=1)
    # when
    result = await graphql(REFRESH, {"id": candidate_id})
    # then
    assert result.errors is None
    assert result.data is not None
    payload = result.data["refreshLinkedInActivity"]
    assert payload["userErrors"] == []
    assert payload["candidate"]["inmailThreads"] == [
        {
            "seatUrn": "urn:li:seat:1004",
            "messageCount": 1,
            "messages": [{"direction": "OUTBOUND", "subject": "Hello", "body": "Hi!"}],
        }
    ]


async def test_refresh_reports_the_time_up_to_which_linkedin_activity_is_stored(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox, clock: Clock
) -> None:
    # given
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 200)
    # when
    result = await graphql(REFRESH_ERRORS, {"id": candidate_id})
    # then
    assert result.data is not None
    assert result.data["refreshLinkedInActivity"]["syncedAt"] == clock.now().isoformat()


@pytest.mark.parametrize(
    ("candidate_id", "code"),
    [
        pytest.param(str(relay.GlobalID("Candidate", "999999")), "NOT_FOUND", id="unknown"),
        pytest.param("not-a-global-id", "INVALID", id="malformed"),
        pytest.param(str(relay.GlobalID("Job", "1")), "INVALID", id="another-type"),
        pytest.param(str(relay.GlobalID("Candidate", "²")), "INVALID", id="non-ascii-digit"),
        pytest.param(str(relay.GlobalID("Candidate", str(2**40))), "NOT_FOUND", id="past-32-bit"),
    ],
)
async def test_a_bad_candidate_id_is_a_user_error_naming_candidate_id(
    graphql: GraphQL, sandbox: Sandbox, candidate_id: str, code: str
) -> None:
    # when
    result = await graphql(REFRESH_ERRORS, {"id": candidate_id})
    # then
    assert result.errors is None
    assert result.data == {
        "refreshLinkedInActivity": {
            "candidate": None,
            "syncedAt": None,
            "userErrors": [{"field": ["input", "candidateId"], "code": code}],
        }
    }
    assert await upstream_calls(sandbox, "seatsV2") == 0


async def test_linkedin_failing_mid_poll_is_a_user_error_and_what_was_stored_is_shown(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: member 0 has InMail threads with two seats; LinkedIn fails on notes, after the InMails
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    await sandbox.admin("POST", "faults", {"endpoint": "prospectNotes", "status": 500, "count": 2})
    # when
    result = await graphql(REFRESH, {"id": candidate_id})
    # then
    assert result.errors is None
    assert result.data is not None
    payload = result.data["refreshLinkedInActivity"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "LINKEDIN_UNAVAILABLE")]
    assert payload["userErrors"][0]["message"] == linkedin_faults.TROUBLE
    assert payload["syncedAt"] is None
    assert [t["seatUrn"] for t in payload["candidate"]["inmailThreads"]] == [
        "urn:li:seat:1001",
        "urn:li:seat:1002",
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_ten_concurrent_refreshes_over_http_make_one_upstream_poll(
    server: Server, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: the viewer has signed in once (a first sign-in writes its user; ten of them at once queue
    # on SQLite's one writer, and a refresh arriving after the shared poll ended would start its own)
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    status, _ = await server.graphql("{ viewer { roles } }")
    assert status == 200
    # when
    answers: list[tuple[int, dict[str, Any]]] = await asyncio.gather(
        *(server.graphql(REFRESH_ERRORS, {"id": candidate_id}) for _ in range(10))
    )
    # then
    assert [status for status, _ in answers] == [200] * 10
    assert all(body["data"]["refreshLinkedInActivity"]["userErrors"] == [] for _, body in answers)
    assert await upstream_calls(sandbox, "seatsV2") == 1


async def test_inmails_stored_before_the_member_was_linked_show_once_the_candidate_is_linked(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox, clock: Clock
) -> None:
    # given: InMails with member 210, who is nobody's candidate when the refresh stores them
    member = build_world(sandbox.config).members[210].urn
    await sandbox.admin("POST", "inmails", {"seat": "urn:li:seat:1002", "member": member, "body": "Hi"})
    clock.advance(minutes=1)
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="Late", last_name="Link")
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
    candidate_id = str(relay.GlobalID("Candidate", str(candidate.id)))
    before = await graphql(REFRESH, {"id": candidate_id})
    assert before.data is not None
    assert before.data["refreshLinkedInActivity"]["candidate"]["inmailThreads"] == []
    # when
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn=member,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
    after = await graphql(CANDIDATE_THREADS, {"id": candidate_id})
    # then
    assert after.errors is None
    threads = [{"seatUrn": "urn:li:seat:1002", "messageCount": 1}]
    assert after.data == {"candidate": {"inmailThreads": threads}}


async def test_after_a_successful_refresh_linkedin_activity_is_fresh_up_to_now(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox, clock: Clock
) -> None:
    # given
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    # when
    result = await graphql(REFRESH_FRESHNESS, {"id": candidate_id})
    # then
    assert result.errors is None
    assert result.data is not None
    payload = result.data["refreshLinkedInActivity"]
    assert payload["userErrors"] == []
    assert payload["candidate"]["linkedinActivity"] == {
        "fetchedAt": clock.now().isoformat(),
        "stale": False,
        "error": None,
        "errorCode": None,
    }


async def test_a_refresh_that_failed_says_on_the_candidate_that_its_activity_is_stale(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn fails on notes, after the InMails
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    await sandbox.admin("POST", "faults", {"endpoint": "prospectNotes", "status": 500, "count": 2})
    # when
    result = await graphql(REFRESH_FRESHNESS, {"id": candidate_id})
    # then
    assert result.data is not None
    assert result.data["refreshLinkedInActivity"]["candidate"]["linkedinActivity"] == {
        "fetchedAt": None,
        "stale": True,
        "error": linkedin_faults.TROUBLE,
        "errorCode": "LINKEDIN_UNAVAILABLE",
    }


async def test_a_refresh_against_a_hanging_linkedin_answers_within_its_deadline_plus_one_second_saying_stale(
    graphql: GraphQL,
    tenant: Tenant,
    settings: Settings,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    clock: Clock,
) -> None:
    # given: a 1 s deadline, LinkedIn's own timeout 5 s (x2 attempts), and LinkedIn hanging on every call
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    await sandbox.admin("POST", "faults", {"endpoint": "*", "hang": True, "count": None})
    async with aiohttp.ClientSession() as http:
        patient = LinkedInClient(http, replace(settings.linkedin_config(), request_timeout_s=5.0))
        tenant.refresh = RefreshService(
            sessions, customer_id, patient, initial_lookback=LOOKBACK, clock=clock.now, deadline_s=1.0
        )
        started = time.monotonic()
        # when
        result = await asyncio.wait_for(graphql(REFRESH_FRESHNESS, {"id": candidate_id}), 10)
        elapsed = time.monotonic() - started
        await asyncio.wait_for(tenant.refresh.aclose(), 5)
    # then
    assert elapsed < 1.0 + 1
    assert result.errors is None
    assert result.data is not None
    payload = result.data["refreshLinkedInActivity"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "LINKEDIN_UNAVAILABLE")]
    assert payload["userErrors"][0]["message"].startswith(linkedin_faults.TIMED_OUT)
    assert payload["candidate"]["linkedinActivity"]["stale"] is True
    assert payload["candidate"]["linkedinActivity"]["errorCode"] == "LINKEDIN_UNAVAILABLE"


async def test_refused_credentials_are_a_linkedin_auth_failed_user_error(
    graphql: GraphQL,
    tenant: Tenant,
    settings: Settings,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    clock: Clock,
) -> None:
    # given: the customer's client secret is wrong
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    async with aiohttp.ClientSession() as http:
        config = replace(settings.linkedin_config(), client_secret=SecretStr("wrong"))
        tenant.refresh = RefreshService(
            sessions, customer_id, LinkedInClient(http, config), initial_lookback=LOOKBACK, clock=clock.now
        )
        # when
        result = await graphql(REFRESH_FRESHNESS, {"id": candidate_id})
    # then
    assert result.data is not None
    payload = result.data["refreshLinkedInActivity"]
    assert payload["userErrors"] == [
        {"field": None, "message": linkedin_faults.CREDENTIALS_REFUSED, "code": "LINKEDIN_AUTH_FAILED"}
    ]
    assert payload["candidate"]["linkedinActivity"]["errorCode"] == "LINKEDIN_AUTH_FAILED"


async def test_a_spent_quota_is_a_linkedin_rate_limited_user_error_saying_until_when(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn's daily InMail quota is spent (no Retry-After: it resets at 00:00 UTC)
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    await sandbox.admin("POST", "quotas", {"endpoint": "conversationEvents", "daily": 0})
    # when
    result = await graphql(REFRESH, {"id": candidate_id})
    # then
    assert result.data is not None
    assert result.data["refreshLinkedInActivity"]["userErrors"] == [
        {
            "field": None,
            "message": "LinkedIn is rate-limiting this customer until 00:00 UTC",
            "code": "LINKEDIN_RATE_LIMITED",
        }
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_poll_left_running_by_the_deadline_does_not_outlive_the_apps_shutdown(
    settings: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: the app answered a refresh at its deadline while LinkedIn hangs
    candidate_id = await _candidate_of_member(sessions, customer_id, sandbox, 0)
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "hang": True, "count": None})
    patient = settings.model_copy(update={"refresh_deadline_s": 1.0, "linkedin_timeout_s": 30.0})
    async with serve_app(patient) as server:
        status, body = await server.graphql(REFRESH_ERRORS, {"id": candidate_id})
        assert status == 200
        assert body["data"]["refreshLinkedInActivity"]["userErrors"] == [
            {"field": None, "code": "LINKEDIN_UNAVAILABLE"}
        ]
        assert (await sandbox.admin("GET", "hangs/wait?timeout=5"))["hanging"] is True
        # when: the app shuts down (leaving this block)
    # then
    polls = [t for t in asyncio.all_tasks() if t.get_name().startswith("linkedin-poll") and not t.done()]
    assert polls == []

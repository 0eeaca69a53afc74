"""The live-match cache shared through Redis: two app instances (each its own engine, Redis client and
caches, as two processes are) ask LinkedIn once between them, see each other's forgets and outages, and
keep answering when Redis is unreachable or silent. Needs TEST_REDIS_URL (e.g.
redis://127.0.0.1:6379/0); without it these tests skip and say why. LinkedIn is the sandbox over real
HTTP; its call log counts the upstream lookups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from app.match_stores import RedisMatchStore, answer_key, lock_key, outage_key
from app.settings import Settings
from linkedin.records import CandidateMatch
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers import linkedin_faults
from resolvers.errors import ErrorKind
from resolvers.match_cache import LiveMatch, LiveMatchCache, encode_answer, encode_outage
from tests.conftest import Sandbox, Server, serve_app
from tests.graph.live_support import add_candidate

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SKIP_REDIS = "Redis tests need TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason=SKIP_REDIS)
# The instances' database: what is shared here is Redis.
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# Every wait here is bounded by this (seconds).
WAIT_S = 10.0
MEMBER = build_world(SandboxConfig()).members[220].urn
# Customer ids of the store-level tests: far from the ids the test databases hand out.
CUSTOMER_A, CUSTOMER_B = 900_001, 900_002

PROFILE = """
query Profile($id: ID!) {
  candidate(id: $id) {
    linkedinProfile { personUrn manualMatch algorithmicMatches freshness { stale error errorCode } }
  }
}
"""

LINK = """
mutation Link($input: LinkLinkedInMemberInput!) {
  linkLinkedInMember(input: $input) { pushed userErrors { code } }
}
"""


async def _drop_keys(redis: Redis, *customer_ids: int) -> None:
    """Delete the live-match keys of these customers (Redis outlives each test's database)."""
    for customer_id in customer_ids:
        keys = [key async for key in redis.scan_iter(match=f"rscgraph:live-match:{{{customer_id}}}:*")]
        if keys:
            await redis.delete(*keys)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client of the test Redis; the store tests' customers' keys dropped around it."""
    assert TEST_REDIS_URL is not None
    client = Redis.from_url(TEST_REDIS_URL)
    await _drop_keys(client, CUSTOMER_A, CUSTOMER_B)
    yield client
    await _drop_keys(client, CUSTOMER_A, CUSTOMER_B)
    await client.aclose()


@pytest.fixture
async def shared(settings: Settings, redis: Redis, customer_id: int) -> AsyncIterator[Settings]:
    """Settings of an instance on the test Redis; the test customer's keys dropped around it."""
    await _drop_keys(redis, customer_id)
    yield settings.model_copy(update={"redis_url": TEST_REDIS_URL})
    await _drop_keys(redis, customer_id)


async def match_calls(sandbox: Sandbox) -> list[dict[str, Any]]:
    """The atsCandidates BATCH_GETs the sandbox received."""
    calls = await sandbox.admin("GET", "calls")
    return [c for c in calls if c["endpoint"] == "atsCandidates" and c["method"] == "GET"]


async def profile(server: Server, candidate: str) -> dict[str, Any]:
    """The candidate's LinkedIn Profile tab, asserted to answer 200 without errors."""
    status, body = await server.graphql(PROFILE, {"id": candidate})
    assert (status, body.get("errors")) == (200, None)
    answer: dict[str, Any] = body["data"]["candidate"]["linkedinProfile"]
    return answer


@contextlib.asynccontextmanager
async def two_instances(settings: Settings) -> AsyncIterator[tuple[Server, Server]]:
    """Two app instances on loopback ports, each signed in once (its viewer's user stored)."""
    async with serve_app(settings) as first, serve_app(settings) as second:
        for server in (first, second):
            status, _ = await server.graphql("{ __typename }")
            assert status == 200
        yield first, second


@ON_SQLITE
async def test_tabs_asked_for_at_once_on_two_instances_cost_linkedin_one_lookup(
    shared: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: two instances, and LinkedIn slow over the first lookup so that every request overlaps it
    candidate_id, candidate = await add_candidate(sessions, customer_id, "Ada")
    async with two_instances(shared) as (first, second):
        await sandbox.admin("DELETE", "calls")
        await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": 1, "latency_ms": 500})
        # when: eight tabs of the candidate at once, four on each instance
        answers = await asyncio.gather(*(profile(s, candidate) for s in [first, second] * 4))
    # then: one BATCH_GET answered all eight, alike
    assert [c["status"] for c in await match_calls(sandbox)] == [200]
    assert len({str(a) for a in answers}) == 1
    assert answers[0]["freshness"] == {"stale": False, "error": None, "errorCode": None}


@ON_SQLITE
async def test_an_answer_one_instance_fetched_is_reused_by_the_other(
    shared: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: the first instance showed the tab
    _, candidate = await add_candidate(sessions, customer_id, "Ada")
    async with two_instances(shared) as (first, second):
        shown = await profile(first, candidate)
        await sandbox.admin("DELETE", "calls")
        # when
        again = await profile(second, candidate)
    # then
    assert again == shown
    assert await match_calls(sandbox) == []


@ON_SQLITE
async def test_a_link_on_one_instance_makes_the_other_ask_linkedin_again(
    shared: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: the candidate's tab is cached (shown on the first instance)
    _, candidate = await add_candidate(sessions, customer_id, "Ada")
    async with two_instances(shared) as (first, second):
        before = await profile(first, candidate)
        # when: a recruiter links her to a member on the second instance, then the first shows the tab
        status, linked = await second.graphql(
            LINK, {"input": {"candidateId": candidate, "personUrn": MEMBER}}
        )
        await sandbox.admin("DELETE", "calls")
        after = await profile(first, candidate)
    # then: the first asked LinkedIn again and shows the new manual match
    assert (status, linked["data"]) == (200, {"linkLinkedInMember": {"pushed": True, "userErrors": []}})
    assert before["manualMatch"] is None
    assert after["manualMatch"] == MEMBER
    assert [c["status"] for c in await match_calls(sandbox)] == [200]


@ON_SQLITE
async def test_an_outage_one_instance_met_pauses_the_others_lookups(
    shared: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn failed the first instance's lookup, then recovered within the backoff (5 s)
    _, candidate = await add_candidate(sessions, customer_id, "Ada")
    async with two_instances(shared) as (first, second):
        await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 500})
        failed = await profile(first, candidate)
        await sandbox.admin("DELETE", "faults")
        await sandbox.admin("DELETE", "calls")
        # when
        paused = await profile(second, candidate)
    # then: the second answered from what is stored, saying why, without asking LinkedIn
    assert failed["freshness"]["error"] == linkedin_faults.TROUBLE
    assert paused["freshness"] == {
        "stale": True,
        "error": linkedin_faults.TROUBLE,
        "errorCode": "LINKEDIN_UNAVAILABLE",
    }
    assert await match_calls(sandbox) == []


@ON_SQLITE
async def test_with_redis_unreachable_the_tab_answers_from_this_processs_cache(
    settings: Settings,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given: RSC_REDIS_URL names a port nobody listens on (the rate limit's buckets too: they fall
    # back to this process's)
    unreachable = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    _, candidate = await add_candidate(sessions, customer_id, "Ada")
    caplog.set_level(logging.WARNING, logger="rscgraph.live_matches")
    async with serve_app(unreachable) as server:
        await sandbox.admin("DELETE", "calls")
        # when
        shown = await profile(server, candidate)
        again = await profile(server, candidate)
    # then: both answered; LinkedIn was asked once (the second came from this process's cache)
    assert shown == again
    assert shown["freshness"] == {"stale": False, "error": None, "errorCode": None}
    assert [c["status"] for c in await match_calls(sandbox)] == [200]
    warnings = [r.getMessage() for r in caplog.records if r.name == "rscgraph.live_matches"]
    assert any(w.startswith("shared live-match cache: Redis failed to read") for w in warnings)


# --- the store and the flight, on real Redis (two clients: two processes) ---------------------------


def answer(candidate_id: int, at: datetime) -> LiveMatch:
    """A successful answer fetched at `at` (the shared cache ages answers by it)."""
    return LiveMatch(CandidateMatch(str(candidate_id), ("urn:li:person:a",), None), at)


class Fetch:
    """A LinkedIn lookup that counts its calls; with `hold`, each waits until the test releases it."""

    def __init__(self, *, hold: bool = False) -> None:
        self.calls: list[list[int]] = []
        self.at = datetime.now(UTC)
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        if not hold:
            self.release.set()

    async def __call__(self, ids: list[int]) -> dict[int, LiveMatch]:
        self.calls.append(ids)
        self.started.set()
        await self.release.wait()
        return {i: answer(i, self.at) for i in ids}


@pytest.fixture
async def other(redis: Redis) -> AsyncIterator[Redis]:
    """A second client of the test Redis (another process's)."""
    assert TEST_REDIS_URL is not None
    client = Redis.from_url(TEST_REDIS_URL)
    yield client
    await client.aclose()


async def test_one_customers_answers_outages_and_forgets_never_reach_another(redis: Redis) -> None:
    # given: customer A's answer for candidate 7 and its outage
    store = RedisMatchStore(redis)
    stored = encode_answer(answer(7, datetime.now(UTC)))
    claim = await store.claim(CUSTOMER_A, [7], token="t", claim_s=5)
    await store.land(CUSTOMER_A, {7: stored}, token="t", ttl_s=30)
    await store.record_outage(CUSTOMER_A, encode_outage("down", ErrorKind.LINKEDIN_UNAVAILABLE), backoff_s=5)
    # when: customer B reads, claims and forgets the same candidate id
    read_b = await store.read(CUSTOMER_B, [7])
    claim_b = await store.claim(CUSTOMER_B, [7], token="u", claim_s=5)
    await store.forget(CUSTOMER_B, [7])
    # then: B saw none of A's, and A's answer is still there
    assert claim.claimed == [7]
    assert read_b == {}
    assert (claim_b.found, claim_b.claimed, claim_b.outage) == ({}, [7], None)
    assert await store.read(CUSTOMER_A, [7]) == {7: stored}
    assert answer_key(CUSTOMER_A, 7).startswith(f"rscgraph:live-match:{{{CUSTOMER_A}}}:")
    assert lock_key(CUSTOMER_A, 7).startswith(f"rscgraph:live-match:{{{CUSTOMER_A}}}:")
    assert outage_key(CUSTOMER_A) == f"rscgraph:live-match:{{{CUSTOMER_A}}}:outage"


async def test_a_stored_answer_expires_after_the_cache_time(redis: Redis) -> None:
    # given
    store = RedisMatchStore(redis)
    await store.claim(CUSTOMER_A, [7], token="t", claim_s=5)
    # when
    await store.land(CUSTOMER_A, {7: encode_answer(answer(7, datetime.now(UTC)))}, token="t", ttl_s=30)
    # then: it expires within the 30 s, and the claim is gone
    ttl_ms = await redis.pttl(answer_key(CUSTOMER_A, 7))
    assert 29_000 < ttl_ms <= 30_000
    assert await redis.exists(lock_key(CUSTOMER_A, 7)) == 0


async def test_a_forget_during_a_fetch_keeps_its_answer_out_of_the_store(redis: Redis, other: Redis) -> None:
    # given: one process's fetch of candidate 7 under way
    fetching = LiveMatchCache(customer_id=CUSTOMER_A, shared=RedisMatchStore(redis))
    forgetting = LiveMatchCache(customer_id=CUSTOMER_A, shared=RedisMatchStore(other))
    fetch = Fetch(hold=True)
    flight = asyncio.ensure_future(fetching.single_flight([7], fetch, share_s=30, wait_s=5))
    await asyncio.wait_for(fetch.started.wait(), WAIT_S)
    # when: another process forgets the candidate (its link changed), then LinkedIn answers
    await forgetting.forget([7])
    fetch.release.set()
    got = await asyncio.wait_for(flight, WAIT_S)
    # then: the asker has its answer, but the store does not keep one that predates the forget
    assert got == {7: answer(7, fetch.at)}
    assert await forgetting.lookup([7], max_age_s=30) == {}


async def test_a_claim_that_lapses_is_taken_over(redis: Redis, other: Redis) -> None:
    # given: a process claimed candidate 7 and died (its claim lasts 0.3 s)
    await RedisMatchStore(other).claim(CUSTOMER_A, [7], token="dead", claim_s=0.3)
    cache = LiveMatchCache(customer_id=CUSTOMER_A, shared=RedisMatchStore(redis))
    fetch = Fetch()
    # when
    got = await asyncio.wait_for(cache.single_flight([7], fetch, share_s=30, wait_s=5), WAIT_S)
    # then: this process fetched once, after the lapse, and stored the answer for the others
    assert (got, fetch.calls) == ({7: answer(7, fetch.at)}, [[7]])
    assert await cache.lookup([7], max_age_s=30) == {7: answer(7, fetch.at)}


async def test_a_waiter_asks_linkedin_itself_once_its_wait_is_over(redis: Redis, other: Redis) -> None:
    # given: another process's fetch of candidate 7 that takes longer than this one waits (0.2 s)
    await RedisMatchStore(other).claim(CUSTOMER_A, [7], token="slow", claim_s=30)
    cache = LiveMatchCache(customer_id=CUSTOMER_A, shared=RedisMatchStore(redis))
    fetch = Fetch()
    # when
    got = await asyncio.wait_for(cache.single_flight([7], fetch, share_s=30, wait_s=0.2), WAIT_S)
    # then: it answered from its own lookup, and left the store to the claim's holder
    assert (got, fetch.calls) == ({7: answer(7, fetch.at)}, [[7]])
    assert await redis.exists(answer_key(CUSTOMER_A, 7)) == 0


async def test_a_silent_redis_costs_a_bounded_wait_then_this_processs_cache_serves() -> None:
    # given: a "Redis" that accepts connections and never answers
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = Redis.from_url(f"redis://127.0.0.1:{port}/0")
    store = RedisMatchStore(client, op_timeout_s=0.2)
    cache = LiveMatchCache(customer_id=CUSTOMER_A, shared=store)
    fetch = Fetch()
    try:
        # when
        async with asyncio.timeout(WAIT_S):
            missing = await cache.lookup([7], max_age_s=30)
            got = await cache.single_flight([7], fetch, share_s=30, wait_s=5)
            cached = await cache.lookup([7], max_age_s=30)
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
    # then: the store is paused, LinkedIn was asked once and this process's cache holds the answer
    assert (missing, got, cached) == ({}, {7: answer(7, fetch.at)}, {7: answer(7, fetch.at)})
    assert fetch.calls == [[7]]
    assert store.available() is False

"""The rate limit's three stores keep one bucket alike, and the shared ones share it between processes.

Redis runs when TEST_REDIS_URL is set (e.g. redis://127.0.0.1:6379/0), PostgreSQL when TEST_DATABASE_URL
is; "two processes" are two stores with their own connections on one Redis or database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from redis.asyncio import Redis

import models
from app.rate_limit_stores import LocalBuckets, PostgresBuckets, RedisBuckets, build_rate_limiter
from app.settings import Settings
from models.db import create_engine, session_factory
from resolvers.rate_limit import Bucket, BucketKey, BucketPolicy, BucketStore, Decision, take

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SKIP_REDIS = "Redis tests need TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
POLICY = BucketPolicy(capacity=3, refill_per_s=1)


@dataclass
class Shared:
    """Two stores over one backing (two processes' worth), and a customer whose buckets they keep."""

    first: BucketStore
    second: BucketStore
    customer_id: int


async def _a_customer(url: str) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as db, db.begin():
            key = f"rl-{uuid.uuid4().hex[:8]}"
            row = models.Customer(
                key=key,
                name=key,
                linkedin_client_id=key,
                linkedin_client_secret_encrypted="-",
                linkedin_org_urn="urn:li:organization:1",
                linkedin_contract_urn="urn:li:contract:1",
            )
            db.add(row)
            await db.flush()
            assert row.id is not None
            return row.id
    finally:
        await engine.dispose()


@pytest.fixture(params=["in-process", "redis", "postgres"])
def backing(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """Which store, and the URL of what backs it (the run's migrated PostgreSQL database)."""
    if request.param == "redis" and not TEST_REDIS_URL:
        pytest.skip(SKIP_REDIS)
    if request.param == "postgres":
        return request.param, str(request.getfixturevalue("postgres_url"))
    return request.param, TEST_REDIS_URL


@pytest.fixture
async def shared(backing: tuple[str, str | None]) -> AsyncIterator[Shared]:
    """The store under test, twice over one backing."""
    kind, backing_url = backing
    if kind == "in-process":
        local = LocalBuckets()
        yield Shared(local, local, 1)
        return
    assert backing_url is not None
    url = backing_url
    if kind == "redis":
        clients = [Redis.from_url(url), Redis.from_url(url)]
        try:
            yield Shared(RedisBuckets(clients[0]), RedisBuckets(clients[1]), 1)
        finally:
            for client in clients:
                await client.aclose()
    else:
        customer_id = await _a_customer(url)
        engines = [create_engine(url), create_engine(url)]
        try:
            yield Shared(
                PostgresBuckets(session_factory(engines[0])),
                PostgresBuckets(session_factory(engines[1])),
                customer_id,
            )
        finally:
            async with engines[0].begin() as connection:
                await connection.execute(
                    sa.text("DELETE FROM rate_limit_bucket WHERE customer_id = :c"), {"c": customer_id}
                )
                await connection.execute(sa.text("DELETE FROM customer WHERE id = :c"), {"c": customer_id})
            for engine in engines:
                await engine.dispose()


def _key(shared: Shared) -> BucketKey:
    # Unique per test: Redis is shared with other runs (its buckets expire on their own).
    return BucketKey(shared.customer_id, f"user:{uuid.uuid4().hex}@test")


async def test_a_bucket_lets_its_capacity_through_then_refuses_then_refills(shared: Shared) -> None:
    # given
    key = _key(shared)
    # when: four at once, then a quarter and a whole second later
    at_once = [await shared.first.take(key, POLICY, 100.0) for _ in range(4)]
    early = await shared.first.take(key, POLICY, 100.25)
    refilled = await shared.first.take(key, POLICY, 101.25)
    # then: as the pure algorithm says
    assert [d.allowed for d in at_once] == [True, True, True, False]
    assert at_once[-1].retry_after_s == 1.0
    assert (early.allowed, early.retry_after_s) == (False, 0.75)
    assert refilled.allowed is True
    assert refilled.bucket.tokens == take(POLICY, Bucket(0.25, 100.25), 101.25).bucket.tokens == 0.25


async def test_a_clock_behind_the_bucket_refills_nothing(shared: Shared) -> None:
    # given: an emptied bucket
    key = _key(shared)
    for _ in range(3):
        await shared.first.take(key, POLICY, 100.0)
    # when: another process whose clock is two seconds behind
    behind = await shared.second.take(key, POLICY, 98.0)
    # then
    assert (behind.allowed, behind.retry_after_s) == (False, 1.0)


async def test_two_viewers_have_two_buckets(shared: Shared) -> None:
    ada, grace = _key(shared), _key(shared)
    for _ in range(3):
        await shared.first.take(ada, POLICY, 100.0)
    assert (await shared.first.take(ada, POLICY, 100.0)).allowed is False
    assert (await shared.first.take(grace, POLICY, 100.0)).allowed is True


async def test_two_processes_taking_at_once_share_one_bucket_and_never_overspend_it(shared: Shared) -> None:
    # given: ten tokens and (practically) no refill
    policy = BucketPolicy(capacity=10, refill_per_s=1e-6)
    key = _key(shared)

    async def takes(store: BucketStore) -> list[Decision]:
        return [await store.take(key, policy, 500.0) for _ in range(10)]

    # when: both "processes" take ten, interleaved
    first, second = await asyncio.gather(takes(shared.first), takes(shared.second))
    # then: ten granted in all, whoever got them
    assert sum(d.allowed for d in first + second) == 10
    assert (await shared.second.take(key, policy, 500.0)).allowed is False


async def test_with_redis_unreachable_this_processs_buckets_limit_and_nothing_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given: Redis on a port nobody listens on
    redis = Redis.from_url("redis://127.0.0.1:9/0")
    store = RedisBuckets(redis)
    key = BucketKey(1, "user:ada@test")
    caplog.set_level(logging.WARNING, logger="rscgraph.rate_limit")
    # when
    try:
        decisions = [await store.take(key, POLICY, 100.0) for _ in range(4)]
    finally:
        await redis.aclose()
    # then: the same bucket, kept here, with one warning
    assert [d.allowed for d in decisions] == [True, True, True, False]
    warnings = [r.getMessage() for r in caplog.records if r.name == "rscgraph.rate_limit"]
    assert len(warnings) == 1
    assert warnings[0].startswith("rate limit: Redis failed")


def _settings(**fields: object) -> Settings:
    return Settings(**fields)  # type: ignore[arg-type]


def test_the_limiter_uses_redis_when_configured_else_postgresql_else_this_process() -> None:
    sessions = session_factory(create_engine("sqlite+aiosqlite:///:memory:"))
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    on = _settings(rate_limit_per_minute=60)
    with_redis = build_rate_limiter(on, sessions, dialect="postgresql", redis=redis)
    with_postgres = build_rate_limiter(on, sessions, dialect="postgresql", redis=None)
    alone = build_rate_limiter(on, sessions, dialect="sqlite", redis=None)
    off = build_rate_limiter(_settings(rate_limit_per_minute=0), sessions, dialect="sqlite", redis=None)
    assert with_redis is not None
    assert with_postgres is not None
    assert alone is not None
    assert [type(limiter.store) for limiter in (with_redis, with_postgres, alone)] == [
        RedisBuckets,
        PostgresBuckets,
        LocalBuckets,
    ]
    assert alone.policy == BucketPolicy(capacity=60, refill_per_s=1)
    assert off is None

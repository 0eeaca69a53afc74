"""Where the rate limit's buckets live: Redis when RSC_REDIS_URL is set, else PostgreSQL when that is the
database, else this process (resolvers/rate_limit.py holds the algorithm each one applies atomically).

Redis and PostgreSQL share a viewer's bucket between every process and host; in-process buckets limit
each process on its own (a viewer may then send the limit to each process).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from app.settings import Settings
from models.db import SessionFactory
from models.rate_limit_buckets import take_token
from resolvers.rate_limit import (
    Bucket,
    BucketKey,
    BucketPolicy,
    BucketStore,
    Decision,
    RateLimiter,
    retry_after_s,
    take,
)

if TYPE_CHECKING:
    # Imported only with RSC_REDIS_URL set: redis loads OpenTelemetry whenever it is installed, and
    # without an endpoint the server imports none of it (tests/app/test_tracing.py).
    from redis.asyncio import Redis

log = logging.getLogger("rscgraph.rate_limit")

# In-process buckets kept before full ones (idle for a refill's length) are dropped.
MAX_LOCAL_BUCKETS: Final = 100_000


class LocalBuckets:
    """Buckets in this process's memory; atomic because nothing awaits between read and write."""

    def __init__(self, max_buckets: int = MAX_LOCAL_BUCKETS) -> None:
        self._buckets: dict[BucketKey, Bucket] = {}
        self._max_buckets = max_buckets

    async def take(self, key: BucketKey, policy: BucketPolicy, now: float) -> Decision:
        """Take one token from the bucket `key`."""
        decision = take(policy, self._buckets.get(key), now)
        self._buckets[key] = decision.bucket
        if len(self._buckets) > self._max_buckets:
            self._drop_full(policy, now)
        return decision

    def _drop_full(self, policy: BucketPolicy, now: float) -> None:
        # A bucket idle for a whole refill is full again: dropping it changes nothing.
        full = [k for k, b in self._buckets.items() if now - b.at >= policy.full_after_s]
        for key in full:
            del self._buckets[key]


# KEYS[1]: the bucket; ARGV: capacity, refill per second, now (seconds), expiry (seconds).
# resolvers/rate_limit.py's `take`, in one script so no other client's take comes between read and write.
# Tokens go back as a string: Redis truncates a Lua number to an integer.
TAKE_SCRIPT: Final = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(capacity, tokens + elapsed * rate)
if now > at then at = now end
local granted = 0
if tokens >= 1 then
  tokens = tokens - 1
  granted = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return {granted, string.format('%.17g', tokens)}
"""
REDIS_PREFIX: Final = "rscgraph:rate-limit"


# A take answers in well under a millisecond; one that takes this long counts as Redis failing.
REDIS_TIMEOUT_S: Final = 0.5
# After Redis failed, this process's own buckets limit for this long before Redis is tried again.
REDIS_DOWN_S: Final = 5.0


class RedisBuckets:
    """Buckets in Redis, each a hash that expires once it would be full again. While Redis fails (or
    answers slower than REDIS_TIMEOUT_S) this process's own buckets limit instead, with a warning: a
    request is never refused or failed because Redis is down."""

    def __init__(self, redis: Redis, *, timeout_s: float = REDIS_TIMEOUT_S) -> None:
        from redis.exceptions import RedisError

        self._redis = redis
        self._take = redis.register_script(TAKE_SCRIPT)
        self._timeout_s = timeout_s
        self._failures: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)
        self._fallback = LocalBuckets()
        self._down_until = 0.0

    async def take(self, key: BucketKey, policy: BucketPolicy, now: float) -> Decision:
        """Take one token from the bucket `key` (in this process's buckets while Redis fails)."""
        if time.monotonic() < self._down_until:
            return await self._fallback.take(key, policy, now)
        customer = "-" if key.customer_id is None else str(key.customer_id)
        name = f"{REDIS_PREFIX}:{customer}:{key.who}"
        expiry = int(policy.full_after_s) + 1
        try:
            async with asyncio.timeout(self._timeout_s):
                reply: Any = await self._take(
                    keys=[name], args=[policy.capacity, policy.refill_per_s, now, expiry]
                )
        except self._failures as exc:
            log.warning(
                "rate limit: Redis failed (%s); this process's own buckets limit for %g s",
                str(exc) or type(exc).__name__,
                REDIS_DOWN_S,
            )
            self._down_until = time.monotonic() + REDIS_DOWN_S
            return await self._fallback.take(key, policy, now)
        granted, tokens = int(reply[0]) == 1, float(reply[1])
        bucket = Bucket(tokens, now)
        if granted:
            return Decision(True, bucket)
        return Decision(False, bucket, retry_after_s(policy, tokens))


class PostgresBuckets:
    """Buckets in the `rate_limit_bucket` table, one atomic statement per take.

    An operator belongs to no customer and so has no row there: its buckets stay in this process.
    """

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._operators = LocalBuckets()

    async def take(self, key: BucketKey, policy: BucketPolicy, now: float) -> Decision:
        """Take one token from the bucket `key`."""
        if key.customer_id is None:
            return await self._operators.take(key, policy, now)
        async with self._sessions() as db, db.begin():
            granted, tokens = await take_token(
                db,
                key.customer_id,
                key.who,
                capacity=policy.capacity,
                refill_per_s=policy.refill_per_s,
                now=now,
            )
        bucket = Bucket(tokens, now)
        if granted:
            return Decision(True, bucket)
        return Decision(False, bucket, retry_after_s(policy, tokens))


def build_rate_limiter(
    settings: Settings, sessions: SessionFactory, *, dialect: str, redis: Redis | None
) -> RateLimiter | None:
    """The rate limiter the settings ask for (None when RSC_RATE_LIMIT_PER_MINUTE is 0), on the
    shared store there is: `redis` (from RSC_REDIS_URL), else PostgreSQL, else this process."""
    if settings.rate_limit_per_minute == 0:
        return None
    store: BucketStore
    if redis is not None:
        store, where = RedisBuckets(redis), "Redis"
    elif dialect == "postgresql":
        store, where = PostgresBuckets(sessions), "PostgreSQL"
    else:
        store, where = LocalBuckets(), "this process (no Redis or PostgreSQL to share them)"
    log.info(
        "rate limit: %d requests a minute per viewer, buckets in %s", settings.rate_limit_per_minute, where
    )
    return RateLimiter(store, BucketPolicy.per_minute(settings.rate_limit_per_minute))

"""The per-viewer rate limit: a token bucket (pure; the clock is the caller's) and whose bucket a viewer uses.

Here rather than in app/ because graph/'s view refuses a request with `RateLimited` and graph/ may not
import app/; and rather than in a store because every store (in-process, Redis, PostgreSQL: app/
rate_limit_stores.py) keeps the same arithmetic, stated once here and in each store's atomic statement.

A bucket holds up to `capacity` tokens (a minute's allowance: the burst) and gains `refill_per_s`; a
request takes one, or is refused until one has refilled. Times are wall-clock seconds, so processes on
several hosts share a bucket; a clock read behind the bucket's (skew) refills nothing rather than
going back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from resolvers.viewer import Viewer

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class BucketPolicy:
    """How big a bucket is and how fast it refills."""

    capacity: float
    refill_per_s: float

    @classmethod
    def per_minute(cls, requests: int) -> BucketPolicy:
        """`requests` a minute, all of them at once if need be."""
        return cls(capacity=float(requests), refill_per_s=requests / 60)

    @property
    def full_after_s(self) -> float:
        """How long an emptied bucket takes to fill (after that it need not be kept)."""
        return self.capacity / self.refill_per_s


@dataclass(frozen=True, slots=True)
class Bucket:
    """A bucket's tokens, counted at `at` (clock seconds)."""

    tokens: float
    at: float


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a request may go, the bucket after it, and how long until a refused one may retry."""

    allowed: bool
    bucket: Bucket
    retry_after_s: float = 0.0


def take(policy: BucketPolicy, bucket: Bucket | None, now: float) -> Decision:
    """Take one token from `bucket` (None: a new, full bucket) at `now`."""
    if bucket is None:
        bucket = Bucket(policy.capacity, now)
    elapsed = max(0.0, now - bucket.at)
    tokens = min(policy.capacity, bucket.tokens + elapsed * policy.refill_per_s)
    at = max(now, bucket.at)
    if tokens >= 1:
        return Decision(True, Bucket(tokens - 1, at))
    return Decision(False, Bucket(tokens, at), retry_after_s(policy, tokens))


def retry_after_s(policy: BucketPolicy, tokens: float) -> float:
    """How long a bucket holding `tokens` (< 1) takes to hold one."""
    return max(0.0, (1 - tokens) / policy.refill_per_s)


def retry_after_header(seconds: float) -> str:
    """`Retry-After` in whole seconds, never 0 (a client retrying at once would be refused again)."""
    return str(max(1, math.ceil(seconds)))


@dataclass(frozen=True, slots=True)
class BucketKey:
    """Whose bucket: the viewer's customer (None for an operator) and who within it."""

    customer_id: int | None
    who: str


def bucket_key(viewer: Viewer) -> BucketKey:
    """An API key's own bucket, else the user's within their customer."""
    if viewer.api_key_id is not None:
        return BucketKey(viewer.customer_id, f"api-key:{viewer.api_key_id}")
    if viewer.user_id is not None:
        return BucketKey(viewer.customer_id, f"user-id:{viewer.user_id}")
    # No user row (an operator, the development viewer): the name it signed in with.
    return BucketKey(viewer.customer_id, f"user:{viewer.user or ''}")


class BucketStore(Protocol):
    """Where buckets live; `take` reads, decides (as `take` above) and writes in one atomic step."""

    async def take(self, key: BucketKey, policy: BucketPolicy, now: float) -> Decision:
        """Take one token from the bucket `key`."""
        ...


class RateLimited(Exception):
    """The viewer has no token left (answered with HTTP 429 and `Retry-After`)."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"Too many requests: retry after {retry_after_header(retry_after_s)} s")
        self.retry_after_s = retry_after_s


class RateLimiter:
    """Takes a token for each request of a viewer from its bucket in `store`."""

    def __init__(self, store: BucketStore, policy: BucketPolicy, clock: Clock = time.time) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock

    async def check(self, viewer: Viewer) -> None:
        """Let the request go, or raise RateLimited."""
        decision = await self.store.take(bucket_key(viewer), self.policy, self.clock())
        if not decision.allowed:
            raise RateLimited(decision.retry_after_s)

"""resolvers/rate_limit.py: the token bucket (a clock passed in) and whose bucket a viewer takes from."""

from __future__ import annotations

import pytest

from resolvers.rate_limit import (
    Bucket,
    BucketKey,
    BucketPolicy,
    Decision,
    RateLimited,
    RateLimiter,
    bucket_key,
    retry_after_header,
    take,
)
from resolvers.viewer import Viewer

# Three at once, then one a second.
POLICY = BucketPolicy(capacity=3, refill_per_s=1)


def test_a_new_bucket_lets_its_capacity_through_at_once_then_refuses() -> None:
    # given
    bucket: Bucket | None = None
    allowed = []
    # when
    for _ in range(4):
        decision = take(POLICY, bucket, now=100.0)
        allowed.append(decision.allowed)
        bucket = decision.bucket
    # then
    assert allowed == [True, True, True, False]
    assert decision == Decision(False, Bucket(0.0, 100.0), retry_after_s=1.0)


def test_an_empty_bucket_refills_at_its_rate_and_says_how_long_until_the_next_token() -> None:
    empty = Bucket(0.0, 100.0)
    assert take(POLICY, empty, now=100.25) == Decision(False, Bucket(0.25, 100.25), retry_after_s=0.75)
    assert take(POLICY, empty, now=101.0) == Decision(True, Bucket(0.0, 101.0))
    assert take(POLICY, empty, now=102.5) == Decision(True, Bucket(1.5, 102.5))


def test_a_bucket_never_holds_more_than_its_capacity() -> None:
    assert take(POLICY, Bucket(0.0, 0.0), now=1_000.0) == Decision(True, Bucket(2.0, 1_000.0))


def test_a_clock_behind_the_bucket_refills_nothing_and_keeps_the_bucket_time() -> None:
    # Another host's clock a little behind: no negative refill, no time going back.
    assert take(POLICY, Bucket(1.5, 100.0), now=99.0) == Decision(True, Bucket(0.5, 100.0))


def test_per_minute_holds_a_minute_and_refills_over_it() -> None:
    policy = BucketPolicy.per_minute(600)
    assert (policy.capacity, policy.refill_per_s, policy.full_after_s) == (600.0, 10.0, 60.0)


@pytest.mark.parametrize(("seconds", "header"), [(0.0, "1"), (0.2, "1"), (1.0, "1"), (29.99, "30")])
def test_retry_after_is_whole_seconds_and_never_zero(seconds: float, header: str) -> None:
    assert retry_after_header(seconds) == header


def _viewer(**fields: object) -> Viewer:
    return Viewer(None, **fields)  # type: ignore[arg-type]


def test_an_api_key_has_its_own_bucket_before_its_user() -> None:
    assert bucket_key(_viewer(user="api key 7", api_key_id=7, user_id=3)) == BucketKey(None, "api-key:7")


def test_a_user_is_keyed_by_its_row_else_by_its_name() -> None:
    assert bucket_key(_viewer(user="ada@acme.test", user_id=3)) == BucketKey(None, "user-id:3")
    assert bucket_key(_viewer(user="ops@vendor.test")) == BucketKey(None, "user:ops@vendor.test")


class _Buckets:
    """A store holding buckets in a dict, as the in-process one does."""

    def __init__(self) -> None:
        self.buckets: dict[BucketKey, Bucket] = {}

    async def take(self, key: BucketKey, policy: BucketPolicy, now: float) -> Decision:
        decision = take(policy, self.buckets.get(key), now)
        self.buckets[key] = decision.bucket
        return decision


async def test_the_limiter_refuses_a_viewer_past_its_bucket_with_the_wait_and_not_another() -> None:
    # given: a clock that stands still
    limiter = RateLimiter(_Buckets(), BucketPolicy(capacity=2, refill_per_s=0.5), clock=lambda: 50.0)
    ada, grace = _viewer(user="ada", user_id=1), _viewer(user="grace", user_id=2)
    # when
    await limiter.check(ada)
    await limiter.check(ada)
    with pytest.raises(RateLimited) as refused:
        await limiter.check(ada)
    # then: two seconds for half a token a second; grace's bucket is her own
    assert refused.value.retry_after_s == 2.0
    assert str(refused.value) == "Too many requests: retry after 2 s"
    await limiter.check(grace)

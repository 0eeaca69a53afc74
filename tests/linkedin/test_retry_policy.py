"""RetryPolicy: which calls are replayed, and after how long."""

from __future__ import annotations

import random

import pytest

from linkedin.retry import RetryPolicy, effective_method


class _FixedRandom(random.Random):
    """An RNG whose uniform(a, b) always returns b, so full jitter shows its ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_delays_grow_exponentially_up_to_the_cap_without_jitter() -> None:
    policy = RetryPolicy(base_delay_s=0.5, cap_delay_s=3.0, jitter=False)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_full_jitter_draws_between_zero_and_the_capped_ceiling() -> None:
    # given
    policy = RetryPolicy(base_delay_s=1.0, cap_delay_s=4.0, rng=_FixedRandom())
    # then
    assert [policy.delay(n) for n in range(1, 5)] == [1.0, 2.0, 4.0, 4.0]


def test_seeded_jitter_is_reproducible_and_within_bounds() -> None:
    first = RetryPolicy(base_delay_s=1.0, cap_delay_s=8.0, rng=random.Random(3))
    second = RetryPolicy(base_delay_s=1.0, cap_delay_s=8.0, rng=random.Random(3))
    delays = [first.delay(n) for n in range(1, 6)]
    assert delays == [second.delay(n) for n in range(1, 6)]
    assert all(0 <= d <= min(8.0, 2 ** (n - 1)) for n, d in enumerate(delays, start=1))


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "get"])
def test_idempotent_methods_are_retried_on_5xx_until_the_last_attempt(method: str) -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.retries_status(method, 503, attempt=1)
    assert policy.retries_status(method, 503, attempt=2)
    assert not policy.retries_status(method, 503, attempt=3)


def test_post_is_never_retried() -> None:
    assert not RetryPolicy().retries_status("POST", 503, attempt=1)
    assert not RetryPolicy().can_retry("POST", attempt=1)


@pytest.mark.parametrize("status", [400, 401, 404, 429, 501])
def test_statuses_outside_the_retried_set_are_not_retried(status: int) -> None:
    assert not RetryPolicy().retries_status("GET", status, attempt=1)


def test_a_tunnelled_post_with_a_get_override_counts_as_get() -> None:
    assert effective_method("POST", "GET") == "GET"
    assert effective_method("POST", None) == "POST"
    assert effective_method("put", None) == "PUT"


def test_a_short_retry_after_is_honoured_for_idempotent_calls() -> None:
    assert RetryPolicy(max_retry_after_s=30).rate_limit_delay("GET", 2.0, attempt=1) == 2.0


def test_a_missing_or_long_retry_after_fails_fast() -> None:
    policy = RetryPolicy(max_retry_after_s=30)
    assert policy.rate_limit_delay("GET", None, attempt=1) is None
    assert policy.rate_limit_delay("GET", 31.0, attempt=1) is None


def test_a_429_on_post_or_on_the_last_attempt_fails_fast() -> None:
    policy = RetryPolicy(max_attempts=2)
    assert policy.rate_limit_delay("POST", 1.0, attempt=1) is None
    assert policy.rate_limit_delay("GET", 1.0, attempt=2) is None


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)

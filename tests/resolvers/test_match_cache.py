"""The process-wide cache of live LinkedIn matches: reuse within the age asked for, never cache failures;
the shared shape (tests/app/test_shared_live_matches.py runs the Redis store)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from linkedin.records import CandidateMatch
from resolvers.errors import ErrorKind
from resolvers.match_cache import (
    LiveMatch,
    LiveMatchCache,
    decode_answer,
    decode_outage,
    encode_answer,
    encode_outage,
)

NOW = datetime(2026, 11, 25, tzinfo=UTC)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def answer(candidate_id: int) -> LiveMatch:
    return LiveMatch(CandidateMatch(str(candidate_id), ("urn:li:person:a",), None), NOW)


def test_an_answer_is_reused_while_younger_than_the_age_asked_for() -> None:
    # given
    clock = Clock()
    cache = LiveMatchCache(clock=clock)
    cache.put({1: answer(1)})
    clock.now += 29.9
    # when
    found = cache.fresh([1], max_age_s=30)
    # then
    assert found == {1: answer(1)}


def test_an_answer_older_than_the_age_asked_for_is_not_returned() -> None:
    # given
    clock = Clock()
    cache = LiveMatchCache(clock=clock)
    cache.put({1: answer(1)})
    clock.now += 30
    # when
    found = cache.fresh([1], max_age_s=30)
    # then
    assert found == {}


def test_failures_are_never_cached() -> None:
    # given
    cache = LiveMatchCache(clock=Clock())
    # when
    cache.put({1: LiveMatch(None, None, "LinkedIn is unavailable")})
    # then
    assert cache.fresh([1], max_age_s=30) == {}


def test_the_oldest_answers_go_first_when_the_cache_is_full() -> None:
    # given
    cache = LiveMatchCache(max_entries=2, clock=Clock())
    cache.put({1: answer(1)})
    cache.put({2: answer(2)})
    # when
    cache.put({3: answer(3)})
    # then
    assert sorted(cache.fresh([1, 2, 3], max_age_s=30)) == [2, 3]


async def test_forgotten_candidates_are_fetched_again() -> None:
    # given
    cache = LiveMatchCache(clock=Clock())
    cache.put({1: answer(1), 2: answer(2)})
    # when
    await cache.forget([1])
    # then
    assert sorted(cache.fresh([1, 2], max_age_s=30)) == [2]


async def test_an_outage_is_reported_until_its_backoff_ends() -> None:
    # given
    clock = Clock()
    cache = LiveMatchCache(clock=clock)
    await cache.record_outage("LinkedIn is unavailable: 500", backoff_s=5)
    # when
    clock.now += 4.9
    during = cache.outage()
    clock.now += 0.1
    after = cache.outage()
    # then
    assert (during, after) == ("LinkedIn is unavailable: 500", None)


class HeldFetch:
    """A LinkedIn fetch that starts, then waits until the test releases it; it counts its calls."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.calls: list[list[int]] = []

    async def __call__(self, ids: list[int]) -> dict[int, LiveMatch]:
        self.calls.append(ids)
        self.started.set()
        await self.release.wait()
        return {i: answer(i) for i in ids}


async def test_concurrent_askers_for_the_same_candidates_share_one_fetch() -> None:
    # given: a first asker whose fetch of 1 and 2 is under way
    cache = LiveMatchCache(clock=Clock())
    fetch = HeldFetch()
    first = asyncio.ensure_future(cache.single_flight([1, 2], fetch))
    await asyncio.wait_for(fetch.started.wait(), timeout=5)
    # when: two more ask while it is (their steps run before the release: the loop runs ready callbacks
    # in the order they were scheduled)
    second = asyncio.ensure_future(cache.single_flight([2, 1], fetch))
    third = asyncio.ensure_future(cache.single_flight([2, 3], fetch))
    asyncio.get_running_loop().call_soon(fetch.release.set)
    answers = await asyncio.wait_for(asyncio.gather(first, second, third), timeout=5)
    # then: 1 and 2 were fetched once; only 3, which nobody was fetching, was fetched again
    assert fetch.calls == [[1, 2], [3]]
    assert list(answers) == [
        {1: answer(1), 2: answer(2)},
        {2: answer(2), 1: answer(1)},
        {2: answer(2), 3: answer(3)},
    ]


async def test_an_asker_that_gives_up_does_not_cancel_the_fetch_the_others_wait_for() -> None:
    # given: two askers sharing one fetch
    cache = LiveMatchCache(clock=Clock())
    fetch = HeldFetch()
    first = asyncio.ensure_future(cache.single_flight([1], fetch))
    await asyncio.wait_for(fetch.started.wait(), timeout=5)
    second = asyncio.ensure_future(cache.single_flight([1], fetch))
    # when: the first asker's request is cancelled, then LinkedIn answers
    first.cancel()
    asyncio.get_running_loop().call_soon(fetch.release.set)
    # then: the second still gets the one fetch's answer, and a later asker starts a fetch of its own
    assert await asyncio.wait_for(second, timeout=5) == {1: answer(1)}
    assert first.cancelled()
    assert fetch.calls == [[1]]
    assert await asyncio.wait_for(cache.single_flight([1], fetch), timeout=5) == {1: answer(1)}
    assert fetch.calls == [[1], [1]]


def test_an_answer_survives_the_shared_shape_unchanged() -> None:
    # given: a match with a manual member, and LinkedIn's "no such candidate"
    matched = LiveMatch(CandidateMatch("7", ("urn:li:person:a", "urn:li:person:b"), "urn:li:person:m"), NOW)
    unknown = LiveMatch(None, NOW)
    # when / then
    assert decode_answer(encode_answer(matched)) == matched
    assert decode_answer(encode_answer(unknown)) == unknown


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1]",
        b'{"v": 2, "at": "2026-11-25T00:00:00+00:00", "m": null}',
        b'{"v": 1, "at": "yesterday", "m": null}',
        b'{"v": 1, "at": "2026-11-25T00:00:00+00:00", "m": {"id": "7", "members": [1], "manual": null}}',
    ],
    ids=["not-json", "not-an-object", "other-version", "bad-time", "bad-member"],
)
def test_a_shared_value_not_of_our_shape_is_a_miss(raw: bytes) -> None:
    assert decode_answer(raw) is None


def test_an_outage_survives_the_shared_shape_and_junk_is_none() -> None:
    outage = encode_outage("LinkedIn is rate-limiting", ErrorKind.LINKEDIN_RATE_LIMITED)
    assert decode_outage(outage) == ("LinkedIn is rate-limiting", ErrorKind.LINKEDIN_RATE_LIMITED)
    assert decode_outage(b'{"v": 1, "error": "x", "code": "NOPE"}') is None


async def test_a_fetch_under_way_when_its_candidate_is_forgotten_does_not_cache_its_answer() -> None:
    # given: a fetch of 1 and 2 under way
    cache = LiveMatchCache(clock=Clock())
    fetch = HeldFetch()
    flight = asyncio.ensure_future(cache.single_flight([1, 2], fetch))
    await asyncio.wait_for(fetch.started.wait(), timeout=5)
    # when: 1's link changes (forget), then LinkedIn answers what it knew before
    await cache.forget([1])
    fetch.release.set()
    answers = await asyncio.wait_for(flight, timeout=5)
    # then: the asker has both answers; only 2's is kept
    assert answers == {1: answer(1), 2: answer(2)}
    assert sorted(cache.fresh([1, 2], max_age_s=30)) == [2]


async def test_an_asker_after_a_forget_does_not_join_the_fetch_begun_before_it() -> None:
    # given: a fetch of 1 under way, then 1's link changes (forget)
    cache = LiveMatchCache(clock=Clock())
    before = HeldFetch()
    first = asyncio.ensure_future(cache.single_flight([1], before))
    await asyncio.wait_for(before.started.wait(), timeout=5)
    await cache.forget([1])
    # when: a tab asks for 1 again
    after = HeldFetch()
    second = asyncio.ensure_future(cache.single_flight([1], after))
    await asyncio.wait_for(after.started.wait(), timeout=5)
    # then: it asked LinkedIn anew, and neither answer from before the forget is kept
    before.release.set()
    await asyncio.wait_for(first, timeout=5)
    assert cache.fresh([1], max_age_s=30) == {}
    after.release.set()
    assert await asyncio.wait_for(second, timeout=5) == {1: answer(1)}
    assert (before.calls, after.calls) == ([[1]], [[1]])
    assert sorted(cache.fresh([1], max_age_s=30)) == [1]

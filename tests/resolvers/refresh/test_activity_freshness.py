"""When a candidate's polled LinkedIn activity is stale, and what it says then (resolvers/activity.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resolvers import linkedin_faults
from resolvers.activity import NEVER, SLOW, activity_freshness
from resolvers.errors import ErrorKind
from resolvers.linkedin_faults import Fault
from resolvers.profile_view import Freshness
from resolvers.refresh import PollState

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
MAX_AGE_S = 900.0
REFUSED = Fault(ErrorKind.LINKEDIN_AUTH_FAILED, linkedin_faults.CREDENTIALS_REFUSED)


def test_data_stored_up_to_a_minute_ago_after_a_successful_poll_is_fresh() -> None:
    at = NOW - timedelta(minutes=1)
    assert activity_freshness(at, PollState(), now=NOW, max_age_s=MAX_AGE_S) == Freshness(at, False, None)


def test_after_a_failed_poll_the_data_is_stale_with_the_failures_words_and_code() -> None:
    at = NOW - timedelta(minutes=1)
    state = PollState(REFUSED, failed_at=NOW)
    assert activity_freshness(at, state, now=NOW, max_age_s=MAX_AGE_S) == Freshness(
        at, True, linkedin_faults.CREDENTIALS_REFUSED, ErrorKind.LINKEDIN_AUTH_FAILED
    )


def test_data_stored_after_the_failure_by_another_process_is_fresh_again() -> None:
    state = PollState(REFUSED, failed_at=NOW - timedelta(minutes=2))
    at = NOW - timedelta(minutes=1)
    assert activity_freshness(at, state, now=NOW, max_age_s=MAX_AGE_S) == Freshness(at, False, None)


def test_a_poll_past_a_refresh_deadline_makes_the_data_stale() -> None:
    at = NOW - timedelta(minutes=1)
    state = PollState(overdue=True)
    assert activity_freshness(at, state, now=NOW, max_age_s=MAX_AGE_S) == Freshness(
        at, True, SLOW, ErrorKind.LINKEDIN_UNAVAILABLE
    )


def test_nothing_polled_yet_is_stale_without_a_linkedin_failure() -> None:
    assert activity_freshness(None, PollState(), now=NOW, max_age_s=MAX_AGE_S) == Freshness(
        None, True, NEVER, None
    )


def test_data_older_than_the_maximum_age_is_stale_without_a_linkedin_failure() -> None:
    at = NOW - timedelta(seconds=MAX_AGE_S + 1)
    assert activity_freshness(at, PollState(), now=NOW, max_age_s=MAX_AGE_S) == Freshness(
        at, True, "Not brought up to date in the last 15 minutes", None
    )


def test_data_exactly_the_maximum_age_old_is_still_fresh() -> None:
    at = NOW - timedelta(seconds=MAX_AGE_S)
    assert activity_freshness(at, PollState(), now=NOW, max_age_s=MAX_AGE_S).stale is False

"""Pacing: a customer's seats are polled no faster than its daily LinkedIn budget allows; failed work
backs off, as long as LinkedIn asked at least, and never longer than an hour."""

from __future__ import annotations

import pytest

from resolvers.scheduling import CALLS_PER_SEAT_ROUND, DAILY_CALL_BUDGET, Pacing

PACING = Pacing(poll_interval_s=30.0, outbox_interval_s=5.0, export_interval_s=30.0)


@pytest.mark.parametrize("seats", [1, 10, 100, 1000])
def test_polling_a_customers_seats_stays_within_its_daily_budget(seats: int) -> None:
    assert PACING.polls_per_day(seats) <= 0.8 * DAILY_CALL_BUDGET


def test_a_small_customer_is_polled_as_often_as_the_operator_asks() -> None:
    # 10 seats x 3 calls x 86,400 s / 80,000 calls = 32.4 s: the wish of 30 s is refused, 60 s kept
    assert PACING.seat_poll_interval_s(10) == pytest.approx(10 * CALLS_PER_SEAT_ROUND * 86_400 / 80_000)
    assert Pacing(60.0, 5.0, 30.0).seat_poll_interval_s(10) == 60.0


def test_more_seats_mean_each_seat_is_polled_less_often() -> None:
    assert PACING.seat_poll_interval_s(100) == pytest.approx(10 * PACING.seat_poll_interval_s(10))


def test_failed_work_backs_off_doubling_up_to_an_hour_and_honours_retry_after() -> None:
    assert [PACING.after_failure_s(5.0, n) for n in (1, 2, 3)] == [10.0, 20.0, 40.0]
    assert PACING.after_failure_s(5.0, 40) == 3_600.0
    assert PACING.after_failure_s(5.0, 1, retry_after_s=120.0) == 120.0

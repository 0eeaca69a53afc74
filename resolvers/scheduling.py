"""When a customer's recurring work is next due: poll intervals from its LinkedIn call budget, and the
backoff of work that failed.

LinkedIn allows each application 100,000 calls a day across InMails, notes, mail stubs and seats
(`shared/linkedin-rsc.md`); one seat's poll round reads three streams, so a customer with more seats is
polled less often per seat. A part of the budget stays unused by polling, for refreshes a recruiter asks
for and the daily seat sync.
"""

from __future__ import annotations

from dataclasses import dataclass

DAILY_CALL_BUDGET = 100_000
# Polled streams per seat and round: conversation events, prospect notes, mail stubs (one call each at least).
CALLS_PER_SEAT_ROUND = 3
# What polling may spend of the budget; the rest is for refreshes on demand and the seat sync.
POLL_SHARE = 0.8
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Pacing:
    """How often a customer's work runs: the operator's wishes, never faster than its budget allows."""

    poll_interval_s: float
    outbox_interval_s: float
    export_interval_s: float
    daily_call_budget: int = DAILY_CALL_BUDGET
    # Longest wait after failures in a row.
    max_backoff_s: float = 3_600.0
    # The privacy duties (issue 11); 0 turns a kind off (the purge check never is: settings refuse 0).
    purge_check_interval_s: float = 0.0
    retention_interval_s: float = 0.0
    # How soon an offboarding that stopped on a failure is tried again (it backs off from there).
    offboarding_interval_s: float = 0.0

    def seat_poll_interval_s(self, seats: int) -> float:
        """Seconds between two polls of one seat, for a customer with `seats` seats."""
        floor = max(1, seats) * CALLS_PER_SEAT_ROUND * SECONDS_PER_DAY / (self.daily_call_budget * POLL_SHARE)
        return max(self.poll_interval_s, floor)

    def polls_per_day(self, seats: int) -> float:
        """The LinkedIn calls a day that polling `seats` seats at their interval costs, at the least."""
        return max(1, seats) * CALLS_PER_SEAT_ROUND * SECONDS_PER_DAY / self.seat_poll_interval_s(seats)

    def after_failure_s(self, interval_s: float, failures: int, retry_after_s: float | None = None) -> float:
        """Seconds until work that failed `failures` times in a row runs again: its interval doubled per
        failure, at least what LinkedIn asked (Retry-After), at most `max_backoff_s`."""
        backoff = min(self.max_backoff_s, interval_s * float(2 ** min(failures, 16)))
        return max(backoff, retry_after_s or 0.0)

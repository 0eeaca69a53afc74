"""How current a candidate's InMail threads and LinkedIn notes are (`Candidate.linkedinActivity`).

`fetched_at` is the time up to which every stream (InMails, prospect notes, mail stubs) of every seat
of the candidate's customer is stored: the oldest poll watermark of that customer. Any seat may write to
or about a candidate, so no smaller set of seats makes the candidate's activity complete.

The data is stale when
* this process's last poll of the customer failed and nothing newer has been stored since (another
  process's later poll clears it): the error is that failure's, with its code;
* a refresh's deadline passed while the poll is still running (the poll goes on in the background);
* nothing has been polled yet;
* `fetched_at` is older than `DomainConfig.activity_max_age_s` (twice the periodic poll interval when
  the poller runs, else 15 minutes): nobody brought it up to date lately, though nothing failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from resolvers.errors import ErrorKind
from resolvers.profile_view import Freshness
from resolvers.refresh import PollState
from resolvers.services import Services
from resolvers.tenants import Tenant

SLOW = "LinkedIn is slow to answer; the refresh goes on in the background"
NEVER = "LinkedIn activity has not been fetched yet"


def activity_freshness(
    fetched_at: datetime | None, state: PollState, *, now: datetime, max_age_s: float
) -> Freshness:
    """The freshness of polled LinkedIn activity stored up to `fetched_at`, by the rules above."""
    failure, failed_at = state.failure, state.failed_at
    if failure is not None and (fetched_at is None or failed_at is None or fetched_at <= failed_at):
        return Freshness(fetched_at, True, failure.message, failure.code)
    if state.overdue:
        return Freshness(fetched_at, True, SLOW, ErrorKind.LINKEDIN_UNAVAILABLE)
    if fetched_at is None:
        return Freshness(None, True, NEVER)
    if now - fetched_at > timedelta(seconds=max_age_s):
        minutes = max_age_s / 60
        return Freshness(fetched_at, True, f"Not brought up to date in the last {minutes:g} minutes")
    return Freshness(fetched_at, False, None)


async def activity_freshness_by_candidate_ids(
    services: Services, tenant: Tenant, candidate_ids: Sequence[int]
) -> list[Freshness]:
    """Each of the tenant's candidates' activity freshness, in key order (one watermark read for all of
    them): its own poll's, never another customer's."""
    refresh = tenant.refresh
    fetched_at = await refresh.synced_at()
    freshness = activity_freshness(
        fetched_at, refresh.state(), now=refresh.now(), max_age_s=services.config.activity_max_age_s
    )
    return [freshness for _ in candidate_ids]

"""LinkedIn's closed-or-purged exported profiles (shared/linkedin-rsc.md §6.3): read them at least every
30 days per customer, flag the candidates they name, tell admins what to do, and erase them after the
customer's chosen number of days when it chose one.

What an admin is told to do (`recommended_action`): ERASE when the candidate came to the ATS from
LinkedIn and is in no hiring process (LinkedIn's data was the only basis for holding it); REVIEW when the
ATS holds it on its own account too (made in the ATS, or with applications), since the customer may
still have a legal basis to keep it.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from linkedin.errors import LinkedInError
from models import customer_queries, purged_profiles
from models.ats import Candidate, CandidateSource
from models.base import utcnow
from models.db import SessionFactory, write_session
from resolvers.errors import LinkedInUnavailable
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.purged_profiles")

# The erasure of one candidate (resolvers.erasure.erase_candidate, bound to its customer and reason).
Eraser = Callable[[int], Awaitable[object]]
ERASURE_REASON = "LINKEDIN_PROFILE_PURGED"


class RecommendedAction(enum.StrEnum):
    ERASE = "ERASE"
    REVIEW = "REVIEW"


@dataclass(frozen=True, slots=True)
class PurgeCheck:
    """What one check found: members LinkedIn listed, candidates newly flagged, candidates erased."""

    listed: int
    flagged: int
    erased: int


@dataclass(frozen=True, slots=True)
class PurgedProfile:
    """A flagged candidate as the admins' list shows it."""

    candidate: Candidate
    applications: int
    recommended_action: RecommendedAction
    auto_erase_at: datetime | None


def recommended_action(candidate: Candidate, applications: int) -> RecommendedAction:
    """ERASE or REVIEW (see the module)."""
    from_linkedin = candidate.source is not CandidateSource.MANUAL
    return RecommendedAction.ERASE if from_linkedin and applications == 0 else RecommendedAction.REVIEW


async def check_purged_profiles(
    sessions: SessionFactory, tenant: Tenant, *, erase: Eraser | None, now: datetime | None = None
) -> PurgeCheck:
    """Read every closed or purged profile LinkedIn lists for the customer, flag the candidates linked to
    those members, then erase the flagged ones past the customer's auto-erase days (when set and an
    `erase` is given). LinkedIn failing is `LinkedInUnavailable` (the unit backs off)."""
    now = now or utcnow()
    try:
        listed = [(p.member_urn, p.purged_at) async for p in tenant.linkedin.purged_exported_candidates()]
    except LinkedInError as exc:
        raise LinkedInUnavailable(f"could not read the purged profiles: {exc}") from exc
    async with write_session(sessions) as db:
        flagged = await purged_profiles.flag_purged(db, tenant.id, listed)
    erased = await erase_due(sessions, tenant, erase=erase, now=now) if erase is not None else 0
    log.info("purged profiles checked", extra={"listed": len(listed), "flagged": flagged, "erased": erased})
    return PurgeCheck(listed=len(listed), flagged=flagged, erased=erased)


async def erase_due(sessions: SessionFactory, tenant: Tenant, *, erase: Eraser, now: datetime) -> int:
    """Erase the customer's flagged candidates whose purge is older than its auto-erase days; how many."""
    async with sessions() as db:
        row = await customer_queries.customer_by_id(db, tenant.id)
        days = None if row is None else row.purged_profile_auto_erase_days
        if days is None:
            return 0
        due = await purged_profiles.purged_before(db, tenant.id, now - timedelta(days=days))
    for candidate_id in due:
        await erase(candidate_id)
    return len(due)


async def purged_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int
) -> tuple[list[PurgedProfile], int]:
    """A page of the customer's flagged candidates with what to do about each, and the total."""
    async with sessions() as db:
        rows, total = await purged_profiles.purged_candidates_page(
            db, customer_id, offset=offset, limit=limit
        )
        customer = await customer_queries.customer_by_id(db, customer_id)
    days = None if customer is None else customer.purged_profile_auto_erase_days
    page = [
        PurgedProfile(
            candidate=candidate,
            applications=count,
            recommended_action=recommended_action(candidate, count),
            auto_erase_at=(
                None
                if days is None or candidate.linkedin_profile_purged_at is None
                else candidate.linkedin_profile_purged_at + timedelta(days=days)
            ),
        )
        for candidate, count in rows
    ]
    return page, total


__all__ = [
    "ERASURE_REASON",
    "Eraser",
    "PurgeCheck",
    "PurgedProfile",
    "RecommendedAction",
    "check_purged_profiles",
    "erase_due",
    "purged_page",
    "recommended_action",
]

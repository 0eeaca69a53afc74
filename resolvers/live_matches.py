"""LinkedIn's live member matches for candidates: one BATCH_GET per request (shared by concurrent
requests for the same candidates, in every process when the cache is shared), cached, never fatal.

Everything here is the tenant's own: its LinkedIn client asks, its cache remembers answers and outages,
so a customer whose LinkedIn fails backs off alone and the others' tabs keep asking theirs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import partial

from sqlalchemy.exc import SQLAlchemyError

from linkedin.errors import LinkedInError
from models.base import utcnow
from models.linkedin_profiles import MatchSnapshot, save_match_snapshots
from resolvers import linkedin_faults
from resolvers.match_cache import LiveMatch
from resolvers.services import Services
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.live_matches")


async def live_matches_by_candidate_ids(
    services: Services, tenant: Tenant, candidate_ids: Sequence[int]
) -> list[LiveMatch]:
    """LinkedIn's current match per candidate of the tenant, in key order: cached answers first, one
    fetch from the tenant's LinkedIn for the rest."""
    cache, config = tenant.live_matches, services.config
    found = await cache.lookup(candidate_ids, max_age_s=config.live_match_cache_s)
    missing = [i for i in dict.fromkeys(candidate_ids) if i not in found]
    if missing:
        found.update(
            await cache.single_flight(
                missing,
                partial(_fetch, services, tenant),
                share_s=config.live_match_cache_s,
                # Another process's fetch is waited for as long as this tab would wait for LinkedIn.
                wait_s=config.live_match_timeout_s,
            )
        )
    return [found[i] for i in candidate_ids]


async def _fetch(services: Services, tenant: Tenant, candidate_ids: list[int]) -> dict[int, LiveMatch]:
    cache, config = tenant.live_matches, services.config
    recent = cache.outage()
    if recent is not None:
        return {i: LiveMatch(None, None, recent, cache.outage_code) for i in candidate_ids}
    try:
        async with asyncio.timeout(config.live_match_timeout_s):
            matches = await tenant.linkedin.candidate_matches([str(i) for i in candidate_ids])
    except (TimeoutError, LinkedInError) as exc:
        # The tab's words come from the one mapping; the internals (hosts, exception names) stay here.
        fault = linkedin_faults.describe(exc)
        log.warning(
            "live LinkedIn matches for %d candidates of customer %d failed: %s",
            len(candidate_ids),
            tenant.id,
            str(exc) or f"no answer within {config.live_match_timeout_s:g} s",
        )
        await cache.record_outage(fault.message, config.live_match_failure_backoff_s, code=fault.code)
        return {i: LiveMatch(None, None, fault.message, fault.code) for i in candidate_ids}
    now = utcnow()
    answers = {i: LiveMatch(matches.get(str(i)), now) for i in candidate_ids}
    cache.write_behind(_save_snapshots(services, tenant.id, answers))
    return answers


async def _save_snapshots(services: Services, customer_id: int, answers: dict[int, LiveMatch]) -> None:
    snapshots = [
        MatchSnapshot(
            candidate_id=candidate_id,
            person_urn=answer.match.best_member,
            algorithmic_matches=list(answer.match.matched_members),
            manual_match=answer.match.manual_matched_member,
            fetched_at=answer.fetched_at,
        )
        for candidate_id, answer in answers.items()
        if answer.match is not None and answer.fetched_at is not None
    ]
    if not snapshots:
        return
    try:
        async with services.sessions() as session:
            await save_match_snapshots(session, customer_id, snapshots)
            await session.commit()
    except SQLAlchemyError:
        # The snapshot only serves the next outage; the answer in hand is still right.
        log.warning(
            "could not store %d LinkedIn match snapshots of customer %d",
            len(snapshots),
            customer_id,
            exc_info=True,
        )

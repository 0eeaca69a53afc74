"""The refresh a user asks for on a candidate's record: run the customer's shared poll, then read the
candidate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import Candidate
from models.candidate_queries import candidates_by_ids
from resolvers.errors import LinkedInUnavailable, NotFound
from resolvers.services import Services
from resolvers.tenants import Tenant


@dataclass(frozen=True, slots=True)
class CandidateRefresh:
    """The candidate after the poll, how far LinkedIn data is stored, and why it is not fresh if so."""

    candidate: Candidate
    synced_at: datetime | None
    error: LinkedInUnavailable | None = None


async def _candidate(services: Services, customer_id: int, candidate_id: int) -> Candidate | None:
    async with services.sessions() as db:
        return (await candidates_by_ids(db, customer_id, [candidate_id])).get(candidate_id)


async def refresh_candidate_activity(
    services: Services, tenant: Tenant, candidate_id: int
) -> CandidateRefresh:
    """Poll the tenant's LinkedIn (sharing a poll of this customer already running) and return its
    candidate as stored afterwards; another customer's candidate id is NOT_FOUND and polls nothing.

    A LinkedIn failure, or the refresh deadline passing first, is part of the result, not raised: the
    candidate is what is stored (what the poll stored before the failure stays stored).
    """
    if await _candidate(services, tenant.id, candidate_id) is None:
        raise NotFound(f"No candidate has the id {candidate_id}", field="candidateId")
    error: LinkedInUnavailable | None = None
    try:
        synced_at = (await tenant.refresh.refresh()).synced_at
    except LinkedInUnavailable as exc:  # PollOverdue included: the poll goes on in the background
        error = exc
        synced_at = await tenant.refresh.synced_at()
    # Read again: a mail stub in this poll may have updated the candidate.
    candidate = await _candidate(services, tenant.id, candidate_id)
    if candidate is None:
        raise NotFound(f"Candidate {candidate_id} was deleted during the refresh", field="candidateId")
    return CandidateRefresh(candidate=candidate, synced_at=synced_at, error=error)

"""Queries over candidate ↔ LinkedIn member identities and the rows an export touches."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, Candidate, Job, LinkedInIdentity


async def identity_by_person_urn(db: AsyncSession, person_urn: str) -> LinkedInIdentity | None:
    """The identity holding a person URN (at most one: the URN is unique)."""
    statement = select(LinkedInIdentity).where(col(LinkedInIdentity.person_urn) == person_urn)
    return (await db.exec(statement)).first()


async def identity_by_candidate_id(db: AsyncSession, candidate_id: int) -> LinkedInIdentity | None:
    """A candidate's identity, if linked."""
    statement = select(LinkedInIdentity).where(col(LinkedInIdentity.candidate_id) == candidate_id)
    return (await db.exec(statement)).first()


async def identity_by_profile_urls(db: AsyncSession, urls: Sequence[str]) -> LinkedInIdentity | None:
    """The oldest identity whose profile URL is one of `urls` (spellings of the same profile)."""
    if not urls:
        return None
    statement = (
        select(LinkedInIdentity)
        .where(col(LinkedInIdentity.profile_url).in_(list(urls)))
        .order_by(col(LinkedInIdentity.id))
        .limit(1)
    )
    return (await db.exec(statement)).first()


async def candidate(db: AsyncSession, candidate_id: int) -> Candidate | None:
    """One candidate by id."""
    return await db.get(Candidate, candidate_id)


async def job(db: AsyncSession, job_id: int) -> Job | None:
    """One job by id."""
    return await db.get(Job, job_id)


async def application_for(db: AsyncSession, candidate_id: int, job_id: int) -> Application | None:
    """The application of a candidate to a job (unique per pair), if any."""
    statement = select(Application).where(
        col(Application.candidate_id) == candidate_id, col(Application.job_id) == job_id
    )
    return (await db.exec(statement)).first()

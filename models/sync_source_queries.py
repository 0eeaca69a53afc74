"""The current ATS rows of one customer the outbox worker pushes (one statement per entity type per batch)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Candidate, Job, LinkedInIdentity, MatchSource, Note
from models.interview_feedback import InterviewFeedback, feedback_by_ids


@dataclass(frozen=True, slots=True)
class CandidateSource:
    """A candidate with the LinkedIn profile URL of its identity, if linked."""

    candidate: Candidate
    linkedin_profile_url: str | None
    # The member a person chose (manual link, One-Click Export); a full PUT must carry it or lose it.
    manual_matched_member: str | None = None


@dataclass(frozen=True, slots=True)
class ApplicationSource:
    """An application with its candidate and job (the body carries both)."""

    application: Application
    candidate: Candidate
    job: Job


def _ids(ids: Sequence[int]) -> list[int]:
    return sorted(set(ids))


async def jobs(db: AsyncSession, customer_id: int, ids: Sequence[int]) -> dict[int, Job]:
    """Jobs keyed by id."""
    if not ids:
        return {}
    statement = select(Job).where(col(Job.customer_id) == customer_id, col(Job.id).in_(_ids(ids)))
    rows = (await db.exec(statement)).all()
    return {int(row.id or 0): row for row in rows}


async def candidates(db: AsyncSession, customer_id: int, ids: Sequence[int]) -> dict[int, CandidateSource]:
    """Candidates keyed by id, with their identity's profile URL."""
    if not ids:
        return {}
    statement = (
        select(
            Candidate,
            LinkedInIdentity.profile_url,
            LinkedInIdentity.person_urn,
            LinkedInIdentity.match_source,
        )
        .join(
            LinkedInIdentity,
            and_(
                col(LinkedInIdentity.customer_id) == col(Candidate.customer_id),
                col(LinkedInIdentity.candidate_id) == col(Candidate.id),
            ),
            isouter=True,
        )
        .where(col(Candidate.customer_id) == customer_id, col(Candidate.id).in_(_ids(ids)))
    )
    return {
        int(c.id or 0): CandidateSource(c, url, urn if source in _USER_CHOSEN else None)
        for c, url, urn, source in (await db.exec(statement)).all()
    }


_USER_CHOSEN = frozenset({MatchSource.MANUAL, MatchSource.EXPORT})


async def notes(db: AsyncSession, customer_id: int, ids: Sequence[int]) -> dict[int, Note]:
    """Notes (candidate or application notes) keyed by id."""
    if not ids:
        return {}
    statement = select(Note).where(col(Note.customer_id) == customer_id, col(Note.id).in_(_ids(ids)))
    rows = (await db.exec(statement)).all()
    return {int(row.id or 0): row for row in rows}


async def applications(
    db: AsyncSession, customer_id: int, ids: Sequence[int]
) -> dict[int, ApplicationSource]:
    """Applications keyed by id, each with its candidate and job."""
    if not ids:
        return {}
    statement = (
        select(Application, Candidate, Job)
        .join(
            Candidate,
            and_(
                col(Candidate.customer_id) == col(Application.customer_id),
                col(Candidate.id) == col(Application.candidate_id),
            ),
        )
        .join(
            Job,
            and_(
                col(Job.customer_id) == col(Application.customer_id), col(Job.id) == col(Application.job_id)
            ),
        )
        .where(col(Application.customer_id) == customer_id, col(Application.id).in_(_ids(ids)))
    )
    return {int(a.id or 0): ApplicationSource(a, c, j) for a, c, j in (await db.exec(statement)).all()}


async def stages(db: AsyncSession, customer_id: int, ids: Sequence[int]) -> dict[int, ApplicationStage]:
    """Application stages keyed by id."""
    if not ids:
        return {}
    statement = select(ApplicationStage).where(
        col(ApplicationStage.customer_id) == customer_id, col(ApplicationStage.id).in_(_ids(ids))
    )
    rows = (await db.exec(statement)).all()
    return {int(row.id or 0): row for row in rows}


async def feedback(db: AsyncSession, customer_id: int, ids: Sequence[int]) -> dict[int, InterviewFeedback]:
    """Interview feedback keyed by id."""
    return await feedback_by_ids(db, customer_id, _ids(ids))


__all__ = [
    "ApplicationSource",
    "CandidateSource",
    "applications",
    "feedback",
    "candidates",
    "jobs",
    "notes",
    "stages",
]

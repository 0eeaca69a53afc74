"""Read queries over the ATS tables: rows by id and by parent id, in one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import (
    Application,
    ApplicationStage,
    Candidate,
    CandidateSource,
    Job,
    LinkedInIdentity,
    Note,
    Recruiter,
)
from models.enrichment_queries import has_application, has_linkedin_identity
from models.mirror import LinkedInProfile

RowT = TypeVar("RowT", bound=SQLModel)


async def rows_by_ids(session: AsyncSession, model: type[RowT], ids: Sequence[int]) -> dict[int, RowT]:
    """Rows of `model` whose primary key is in `ids`, keyed by id (missing ids are absent)."""
    if not ids:
        return {}
    id_column = getattr(model, "id")  # noqa: B009 (generic over tables)
    rows = (await session.exec(select(model).where(col(id_column).in_(list(set(ids)))))).all()
    return {getattr(row, "id"): row for row in rows}  # noqa: B009


async def candidates_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Candidate]:
    """Candidates keyed by id."""
    return await rows_by_ids(session, Candidate, ids)


async def jobs_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Job]:
    """Jobs keyed by id."""
    return await rows_by_ids(session, Job, ids)


async def applications_by_candidate_ids(
    session: AsyncSession, candidate_ids: Sequence[int]
) -> dict[int, list[Application]]:
    """Each candidate's applications, most recently active first."""
    grouped: dict[int, list[Application]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return grouped
    statement = (
        select(Application)
        .where(col(Application.candidate_id).in_(list(set(candidate_ids))))
        .order_by(col(Application.last_activity_at).desc(), col(Application.id).desc())
    )
    for row in (await session.exec(statement)).all():
        grouped[row.candidate_id].append(row)
    return grouped


async def recruiters_page(session: AsyncSession, *, offset: int, limit: int) -> tuple[list[Recruiter], int]:
    """One page of recruiters by name, and how many there are in all."""
    total = (await session.exec(select(func.count()).select_from(Recruiter))).one()
    statement = (
        select(Recruiter)
        .order_by(col(Recruiter.last_name), col(Recruiter.first_name), col(Recruiter.id))
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(statement)).all()), total


async def jobs_page(session: AsyncSession, *, offset: int, limit: int) -> tuple[list[Job], int]:
    """One page of jobs, newest first, and how many there are in all."""
    total = (await session.exec(select(func.count()).select_from(Job))).one()
    statement = (
        select(Job).order_by(col(Job.created_at).desc(), col(Job.id).desc()).offset(offset).limit(limit)
    )
    return list((await session.exec(statement)).all()), total


async def identities_by_candidate_ids(
    session: AsyncSession, candidate_ids: Sequence[int]
) -> dict[int, LinkedInIdentity]:
    """The LinkedIn member each candidate is linked to, keyed by candidate id (absent when none)."""
    if not candidate_ids:
        return {}
    statement = select(LinkedInIdentity).where(
        col(LinkedInIdentity.candidate_id).in_(list(set(candidate_ids)))
    )
    return {row.candidate_id: row for row in (await session.exec(statement)).all()}


async def notes_by_candidate_ids(
    session: AsyncSession, candidate_ids: Sequence[int]
) -> dict[int, list[Note]]:
    """Each candidate's ATS notes (its own and its applications'), newest first."""
    grouped: dict[int, list[Note]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return grouped
    statement = (
        select(Note)
        .where(col(Note.candidate_id).in_(list(set(candidate_ids))))
        .order_by(col(Note.created_at).desc(), col(Note.id).desc())
    )
    for row in (await session.exec(statement)).all():
        grouped[row.candidate_id].append(row)
    return grouped


async def stages_by_application_ids(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[ApplicationStage]]:
    """Each application's stage history, oldest first."""
    grouped: dict[int, list[ApplicationStage]] = {i: [] for i in application_ids}
    if not application_ids:
        return grouped
    statement = (
        select(ApplicationStage)
        .where(col(ApplicationStage.application_id).in_(list(set(application_ids))))
        .order_by(col(ApplicationStage.application_id), col(ApplicationStage.at), col(ApplicationStage.id))
    )
    for row in (await session.exec(statement)).all():
        grouped[row.application_id].append(row)
    return grouped


async def recruiters_by_seat_urns(session: AsyncSession, seat_urns: Sequence[str]) -> dict[str, Recruiter]:
    """The ATS users mapped to these Recruiter seats, keyed by seat URN (absent when unmapped)."""
    if not seat_urns:
        return {}
    statement = select(Recruiter).where(col(Recruiter.seat_urn).in_(list(set(seat_urns))))
    return {row.seat_urn: row for row in (await session.exec(statement)).all() if row.seat_urn}


@dataclass(frozen=True, slots=True)
class CandidateFilter:
    """Which candidates a listing shows; None means "do not filter on this"."""

    search: str | None = None
    source: CandidateSource | None = None
    has_linkedin_match: bool | None = None
    has_applied: bool | None = None
    applied_to_job_id: int | None = None
    # What LinkedIn's In-ATS and Past Applicant Spotlight see (the same tests as `linkedinMembers`).
    in_ats: bool | None = None
    past_applicant: bool | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(where: CandidateFilter) -> list[Any]:
    conditions: list[Any] = []
    if where.search:
        # Every word must appear in the first name, last name or email, so "ada love" finds Ada Lovelace.
        for word in where.search.lower().split():
            pattern = f"%{_escape_like(word)}%"
            conditions.append(
                sa.or_(
                    *(
                        func.lower(column).like(pattern, escape="\\")
                        for column in (
                            col(Candidate.first_name),
                            col(Candidate.last_name),
                            col(Candidate.email),
                        )
                    )
                )
            )
    if where.source is not None:
        conditions.append(col(Candidate.source) == where.source)
    if where.has_linkedin_match is not None:
        linked = sa.or_(
            has_linkedin_identity(),
            sa.exists().where(
                col(LinkedInProfile.candidate_id) == col(Candidate.id),
                col(LinkedInProfile.person_urn).is_not(None),
            ),
        )
        conditions.append(linked if where.has_linkedin_match else sa.not_(linked))
    if where.has_applied is not None:
        conditions.append(has_application() if where.has_applied else sa.not_(has_application()))
    if where.applied_to_job_id is not None:
        conditions.append(
            sa.exists().where(
                col(Application.candidate_id) == col(Candidate.id),
                col(Application.job_id) == where.applied_to_job_id,
            )
        )
    if where.in_ats is not None:
        conditions.append(has_linkedin_identity() if where.in_ats else sa.not_(has_linkedin_identity()))
    if where.past_applicant is not None:
        conditions.append(has_application() if where.past_applicant else sa.not_(has_application()))
    return conditions


async def candidates_page(
    session: AsyncSession, where: CandidateFilter, *, offset: int, limit: int
) -> tuple[list[Candidate], int]:
    """One page of matching candidates, most recently updated first, and how many match in all."""
    conditions = _conditions(where)
    total = (await session.exec(select(func.count()).select_from(Candidate).where(*conditions))).one()
    statement = (
        select(Candidate)
        .where(*conditions)
        .order_by(col(Candidate.updated_at).desc(), col(Candidate.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(statement)).all()), total

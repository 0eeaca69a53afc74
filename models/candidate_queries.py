"""Read queries over the ATS tables: rows by id and by parent id, in one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, Candidate, Job, Recruiter

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


async def recruiters_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Recruiter]:
    """Recruiters keyed by id."""
    return await rows_by_ids(session, Recruiter, ids)


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

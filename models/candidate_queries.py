"""Read queries over the ATS tables: rows by id and by parent id, in one statement per batch, each
within one customer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
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
)
from models.identity_lookups import has_application, has_linkedin_identity
from models.job_sight import EVERY_JOB, JobSight, sight_kind, visible_job
from models.mirror import LinkedInProfile
from models.upsert import table_of

RowT = TypeVar("RowT", bound=SQLModel)

# The bound parameters of the statements built once (building one anew cost more than running it).
_CUSTOMER: sa.BindParameter[int] = sa.bindparam("customer_id", type_=sa.Integer())
_READER: sa.BindParameter[int] = sa.bindparam("reader", type_=sa.Integer())
_IDS: sa.BindParameter[int] = sa.bindparam("ids", expanding=True, type_=sa.Integer())


async def rows_by_ids(
    session: AsyncSession, customer_id: int, model: type[RowT], ids: Sequence[int]
) -> dict[int, RowT]:
    """The customer's rows of `model` whose id is in `ids`, keyed by id (unknown ids, and ids of
    another customer's rows, are absent)."""
    if not ids:
        return {}
    params = {"customer_id": customer_id, "ids": list(set(ids))}
    rows = (await session.exec(_rows_by_ids_statement(model), params=params)).all()
    return {getattr(row, "id"): row for row in rows}  # noqa: B009


@cache
def _rows_by_ids_statement(model: type[RowT]) -> Any:
    customer_column = getattr(model, "customer_id")  # noqa: B009 (generic over tables)
    id_column = getattr(model, "id")  # noqa: B009
    return select(model).where(col(customer_column) == _CUSTOMER, col(id_column).in_(_IDS))


async def candidates_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int]
) -> dict[int, Candidate]:
    """Candidates keyed by id."""
    return await rows_by_ids(session, customer_id, Candidate, ids)


async def jobs_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int], *, sight: JobSight = EVERY_JOB
) -> dict[int, Job]:
    """Jobs keyed by id, those `sight` may not see absent."""
    if not ids:
        return {}
    statement = select(Job).where(
        col(Job.customer_id) == customer_id,
        col(Job.id).in_(list(set(ids))),
        *visible_job(sight, col(Job.customer_id), col(Job.id)),
    )
    return {row.id: row for row in (await session.exec(statement)).all() if row.id is not None}


async def applications_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int], *, sight: JobSight
) -> dict[int, Application]:
    """Applications keyed by id, those on jobs `sight` may not see absent."""
    if not ids:
        return {}
    statement = select(Application).where(
        col(Application.customer_id) == customer_id,
        col(Application.id).in_(list(set(ids))),
        *visible_job(sight, col(Application.customer_id), col(Application.job_id)),
    )
    return {row.id: row for row in (await session.exec(statement)).all() if row.id is not None}


async def applications_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int], *, sight: JobSight = EVERY_JOB
) -> dict[int, list[Application]]:
    """Each candidate's applications that `sight` sees, most recently active first."""
    grouped: dict[int, list[Application]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return grouped
    statement = (
        select(Application)
        .where(
            col(Application.customer_id) == customer_id,
            col(Application.candidate_id).in_(list(set(candidate_ids))),
            *visible_job(sight, col(Application.customer_id), col(Application.job_id)),
        )
        .order_by(col(Application.last_activity_at).desc(), col(Application.id).desc())
    )
    for row in (await session.exec(statement)).all():
        grouped[row.candidate_id].append(row)
    return grouped


async def jobs_page(
    session: AsyncSession, customer_id: int, *, sight: JobSight, offset: int, limit: int
) -> tuple[list[Job], int]:
    """One page of the customer's jobs that `sight` sees, newest first, and how many there are in all."""
    mine = [
        col(Job.customer_id) == customer_id,
        *visible_job(sight, col(Job.customer_id), col(Job.id)),
    ]
    total = (await session.exec(select(func.count()).select_from(Job).where(*mine))).one()
    statement = (
        select(Job)
        .where(*mine)
        .order_by(col(Job.created_at).desc(), col(Job.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(statement)).all()), total


async def identities_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> dict[int, LinkedInIdentity]:
    """The LinkedIn member each candidate is linked to, keyed by candidate id (absent when none)."""
    if not candidate_ids:
        return {}
    statement = select(LinkedInIdentity).where(
        col(LinkedInIdentity.customer_id) == customer_id,
        col(LinkedInIdentity.candidate_id).in_(list(set(candidate_ids))),
    )
    return {row.candidate_id: row for row in (await session.exec(statement)).all()}


@dataclass(frozen=True, slots=True)
class AtsNoteRead:
    """An ATS note as read for display (the attribute names of `Note`; a Core row, no ORM object)."""

    id: int
    candidate_id: int
    application_id: int | None
    author: str
    body: str
    created_at: datetime


_NOTE_COLUMNS = [table_of(Note).c[name] for name in AtsNoteRead.__dataclass_fields__]


async def notes_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int], *, sight: JobSight = EVERY_JOB
) -> dict[int, list[AtsNoteRead]]:
    """Each candidate's ATS notes (its own and those of its applications `sight` sees), newest first."""
    grouped: dict[int, list[AtsNoteRead]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return grouped
    statement = _notes_statement(sight_kind(sight))
    params = {"customer_id": customer_id, "ids": list(set(candidate_ids)), "reader": sight.user_id}
    connection = await session.connection()
    for row in (await connection.execute(statement, params)).all():
        note = AtsNoteRead(*row)
        grouped[note.candidate_id].append(note)
    return grouped


@cache
def _notes_statement(kind: str) -> Any:
    sight = {"every": EVERY_JOB, "unsecured": JobSight(), "user": JobSight(user_id=0)}[kind]
    conditions: list[Any] = [col(Note.customer_id) == _CUSTOMER, col(Note.candidate_id).in_(_IDS)]
    hidden = visible_job(sight, col(Application.customer_id), col(Application.job_id), reader=_READER)
    if hidden:
        # A note on an application of a secured job is as secret as the application.
        conditions.append(
            sa.or_(
                col(Note.application_id).is_(None),
                sa.exists().where(
                    col(Application.customer_id) == col(Note.customer_id),
                    col(Application.id) == col(Note.application_id),
                    *hidden,
                ),
            )
        )
    return (
        sa.select(*_NOTE_COLUMNS)
        .where(*conditions)
        .order_by(col(Note.created_at).desc(), col(Note.id).desc())
    )


async def stages_by_application_ids(
    session: AsyncSession, customer_id: int, application_ids: Sequence[int]
) -> dict[int, list[ApplicationStage]]:
    """Each application's stage history, oldest first."""
    grouped: dict[int, list[ApplicationStage]] = {i: [] for i in application_ids}
    if not application_ids:
        return grouped
    statement = (
        select(ApplicationStage)
        .where(
            col(ApplicationStage.customer_id) == customer_id,
            col(ApplicationStage.application_id).in_(list(set(application_ids))),
        )
        .order_by(col(ApplicationStage.application_id), col(ApplicationStage.at), col(ApplicationStage.id))
    )
    for row in (await session.exec(statement)).all():
        grouped[row.application_id].append(row)
    return grouped


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


def _conditions(customer_id: int, where: CandidateFilter, sight: JobSight) -> list[Any]:
    conditions: list[Any] = [col(Candidate.customer_id) == customer_id]
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
                col(LinkedInProfile.customer_id) == col(Candidate.customer_id),
                col(LinkedInProfile.candidate_id) == col(Candidate.id),
                col(LinkedInProfile.person_urn).is_not(None),
            ),
        )
        conditions.append(linked if where.has_linkedin_match else sa.not_(linked))
    if where.has_applied is not None:
        applied = has_application(sight)
        conditions.append(applied if where.has_applied else sa.not_(applied))
    if where.applied_to_job_id is not None:
        # A secured job the viewer may not see has no applicants for it.
        conditions.append(
            sa.exists().where(
                col(Application.customer_id) == col(Candidate.customer_id),
                col(Application.candidate_id) == col(Candidate.id),
                col(Application.job_id) == where.applied_to_job_id,
                *visible_job(sight, col(Application.customer_id), col(Application.job_id)),
            )
        )
    if where.in_ats is not None:
        conditions.append(has_linkedin_identity() if where.in_ats else sa.not_(has_linkedin_identity()))
    if where.past_applicant is not None:
        applied = has_application(sight)
        conditions.append(applied if where.past_applicant else sa.not_(applied))
    return conditions


async def candidates_page(
    session: AsyncSession,
    customer_id: int,
    where: CandidateFilter,
    *,
    sight: JobSight,
    offset: int,
    limit: int,
) -> tuple[list[Candidate], int]:
    """One page of the customer's matching candidates, most recently updated first, and how many match
    in all; filters on applications count only the applications `sight` sees."""
    conditions = _conditions(customer_id, where, sight)
    # The total rides on the page's rows (a window over every match, counted before LIMIT/OFFSET):
    # one statement; only a page past the end, which has no row to carry it, counts apart.
    statement = (
        select(Candidate, func.count().over().label("total"))
        .where(*conditions)
        .order_by(col(Candidate.updated_at).desc(), col(Candidate.id).desc())
        .offset(offset)
        .limit(limit)
    )
    rows = (await session.exec(statement)).all()
    if rows:
        return [candidate for candidate, _ in rows], int(rows[0][1])
    if offset == 0:
        return [], 0
    total = (await session.exec(select(func.count()).select_from(Candidate).where(*conditions))).one()
    return [], total

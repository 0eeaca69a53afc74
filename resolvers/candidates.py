"""Batch loads of one customer's ATS rows for the DataLoaders; each batch opens its own short session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import SQLModel

import models
from models import candidate_queries as queries
from models.db import ReadSessions
from models.job_sight import JobSight

RowT = TypeVar("RowT", bound=SQLModel)


async def _by_ids(
    sessions: ReadSessions, customer_id: int, model: type[RowT], ids: Sequence[int]
) -> list[RowT | None]:
    async with sessions() as session:
        found = await queries.rows_by_ids(session, customer_id, model, ids)
    return [found.get(i) for i in ids]


async def candidates_by_ids(
    sessions: ReadSessions, customer_id: int, ids: Sequence[int]
) -> list[models.Candidate | None]:
    """Candidates in key order, None for unknown ids (and for another customer's)."""
    return await _by_ids(sessions, customer_id, models.Candidate, ids)


async def jobs_by_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, ids: Sequence[int]
) -> list[models.Job | None]:
    """Jobs in key order, None for unknown ids (another customer's, or a secured job `sight` may not
    see)."""
    async with sessions() as session:
        found = await queries.jobs_by_ids(session, customer_id, ids, sight=sight)
    return [found.get(i) for i in ids]


async def applications_by_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, ids: Sequence[int]
) -> list[models.Application | None]:
    """Applications in key order, None for unknown ids (another customer's, or on a secured job
    `sight` may not see)."""
    async with sessions() as session:
        found = await queries.applications_by_ids(session, customer_id, ids, sight=sight)
    return [found.get(i) for i in ids]


async def applications_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, candidate_ids: Sequence[int]
) -> list[list[models.Application]]:
    """Each candidate's applications that `sight` sees, in key order."""
    async with sessions() as session:
        grouped = await queries.applications_by_candidate_ids(
            session, customer_id, candidate_ids, sight=sight
        )
    return [grouped[i] for i in candidate_ids]


async def jobs_page(
    sessions: ReadSessions, customer_id: int, sight: JobSight, *, offset: int, limit: int
) -> tuple[list[models.Job], int]:
    """One page of the customer's jobs that `sight` sees, and their total count."""
    async with sessions() as session:
        return await queries.jobs_page(session, customer_id, sight=sight, offset=offset, limit=limit)


async def identities_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, candidate_ids: Sequence[int]
) -> list[models.LinkedInIdentity | None]:
    """Each candidate's LinkedIn identity, in key order."""
    async with sessions() as session:
        found = await queries.identities_by_candidate_ids(session, customer_id, candidate_ids)
    return [found.get(i) for i in candidate_ids]


async def notes_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, candidate_ids: Sequence[int]
) -> list[list[queries.AtsNoteRead]]:
    """Each candidate's ATS notes (application notes only of applications `sight` sees), in key order."""
    async with sessions() as session:
        grouped = await queries.notes_by_candidate_ids(session, customer_id, candidate_ids, sight=sight)
    return [grouped[i] for i in candidate_ids]


async def stages_by_application_ids(
    sessions: ReadSessions, customer_id: int, application_ids: Sequence[int]
) -> list[list[models.ApplicationStage]]:
    """Each application's stage history, in key order."""
    async with sessions() as session:
        grouped = await queries.stages_by_application_ids(session, customer_id, application_ids)
    return [grouped[i] for i in application_ids]


async def candidates_page(
    sessions: ReadSessions,
    customer_id: int,
    where: queries.CandidateFilter,
    sight: JobSight,
    *,
    offset: int,
    limit: int,
) -> tuple[list[models.Candidate], int]:
    """One page of the customer's candidates matching `where` (application filters count what `sight`
    sees), and the total count."""
    async with sessions() as session:
        return await queries.candidates_page(
            session, customer_id, where, sight=sight, offset=offset, limit=limit
        )

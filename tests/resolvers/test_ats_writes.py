"""The ATS writes are atomic with their outbox rows: a change never commits without its event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, func, select

import models
from models.db import SessionFactory
from resolvers.ats_writes import applications, candidates
from tests.graph.mutations.factories import make_candidate, make_job

_SQLITE_TRIGGER = """
CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox_event
BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END
"""
_PG_FUNCTION = """
CREATE FUNCTION outbox_refuses() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$ LANGUAGE plpgsql
"""
_PG_TRIGGER = """
CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox_event
FOR EACH ROW EXECUTE FUNCTION outbox_refuses()
"""


RefuseOutbox = Callable[[], Awaitable[None]]


@pytest.fixture
async def refuse_outbox(engine: AsyncEngine) -> AsyncIterator[RefuseOutbox]:
    """Call it to make the database refuse every outbox row from then on (a real failure mid-write)."""
    postgres = engine.dialect.name == "postgresql"
    installed = False

    async def install() -> None:
        nonlocal installed
        async with engine.begin() as connection:
            if postgres:
                await connection.execute(sa.text(_PG_FUNCTION))
                await connection.execute(sa.text(_PG_TRIGGER))
            else:
                await connection.execute(sa.text(_SQLITE_TRIGGER))
        installed = True

    yield install
    if installed:
        async with engine.begin() as connection:
            on_table = " ON outbox_event" if postgres else ""
            await connection.execute(sa.text(f"DROP TRIGGER outbox_refuses{on_table}"))
            if postgres:
                await connection.execute(sa.text("DROP FUNCTION outbox_refuses()"))


async def _count(sessions: SessionFactory, model: type[SQLModel]) -> int:
    async with sessions() as db:
        return (await db.exec(select(func.count()).select_from(model))).one()


async def test_a_candidate_whose_outbox_row_fails_is_not_created(
    sessions: SessionFactory, refuse_outbox: RefuseOutbox, customer_id: int
) -> None:
    # given
    await refuse_outbox()
    # when
    with pytest.raises(DBAPIError, match="outbox unavailable"):
        await candidates.create_candidate(
            sessions, customer_id, candidates.CandidateFields(first_name="Ada", last_name="Lovelace")
        )
    # then
    assert await _count(sessions, models.Candidate) == 0


async def test_an_application_whose_outbox_rows_fail_leaves_no_application_and_no_stage(
    sessions: SessionFactory, refuse_outbox: RefuseOutbox, customer_id: int
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    job = await make_job(sessions, customer_id)
    assert candidate.id is not None
    assert job.id is not None
    await refuse_outbox()
    # when
    with pytest.raises(DBAPIError, match="outbox unavailable"):
        await applications.apply_to_job(sessions, customer_id, candidate.id, job.id)
    # then
    assert (await _count(sessions, models.Application), await _count(sessions, models.ApplicationStage)) == (
        0,
        0,
    )


async def test_a_candidate_delete_whose_outbox_row_fails_keeps_the_candidate(
    sessions: SessionFactory, refuse_outbox: RefuseOutbox, customer_id: int
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    assert candidate.id is not None
    await refuse_outbox()
    # when
    with pytest.raises(DBAPIError, match="outbox unavailable"):
        await candidates.delete_candidate(sessions, customer_id, candidate.id)
    # then
    assert await _count(sessions, models.Candidate) == 1


async def test_two_concurrent_applications_to_the_same_job_make_one_application_and_one_conflict(
    sessions: SessionFactory,
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    job = await make_job(sessions, customer_id)
    assert candidate.id is not None
    assert job.id is not None
    # when
    results = await asyncio.gather(
        applications.apply_to_job(sessions, customer_id, candidate.id, job.id),
        applications.apply_to_job(sessions, customer_id, candidate.id, job.id),
        return_exceptions=True,
    )
    # then
    assert sorted(type(result).__name__ for result in results) == ["Application", "Conflict"]
    assert await _count(sessions, models.Application) == 1
    assert await _count(sessions, models.OutboxEvent) == 4  # candidate, job, one application, its first stage

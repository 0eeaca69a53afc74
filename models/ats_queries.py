"""Write-side queries over the ATS tables; callers own the transaction and commit it."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import CANDIDATE_EMAIL_INDEX, Application, ApplicationStage, Candidate, LinkedInIdentity, Note
from models.integration import ExportRequest
from models.mirror import LinkedInProfile

RowT = TypeVar("RowT", bound=SQLModel)


async def row_for_update(db: AsyncSession, model: type[RowT], row_id: int) -> RowT | None:
    """One row by primary key, locked against concurrent writers where the database supports it."""
    return await db.get(model, row_id, with_for_update=db.get_bind().dialect.name != "sqlite")


async def lock_candidate(db: AsyncSession, candidate_id: int) -> Candidate | None:
    """The candidate, locked until the write session ends: writes about one candidate go one at a time.

    Call it first in a `models.db.write_session` (SQLite's lock is already the session's own).
    """
    return await row_for_update(db, Candidate, candidate_id)


async def insert(db: AsyncSession, row: RowT) -> RowT:
    """Insert `row` now (so its id is known and constraint failures surface here) and return it."""
    db.add(row)
    await db.flush()
    return row


async def flush(db: AsyncSession) -> None:
    """Send pending changes to the database inside the caller's transaction."""
    await db.flush()


async def application_keys_of_candidate(db: AsyncSession, candidate_id: int) -> list[tuple[int, int]]:
    """(application id, job id) of every application of one candidate, in id order."""
    statement = (
        select(Application.id, Application.job_id)
        .where(col(Application.candidate_id) == candidate_id)
        .order_by(col(Application.id))
    )
    return [(int(app_id), job_id) for app_id, job_id in (await db.exec(statement)).all() if app_id]


async def application_keys_of_job(db: AsyncSession, job_id: int) -> list[tuple[int, int]]:
    """(application id, candidate id) of every application to one job, in id order."""
    statement = (
        select(Application.id, Application.candidate_id)
        .where(col(Application.job_id) == job_id)
        .order_by(col(Application.id))
    )
    return [
        (int(app_id), candidate_id) for app_id, candidate_id in (await db.exec(statement)).all() if app_id
    ]


async def delete_row(db: AsyncSession, model: type[SQLModel], row_id: int) -> None:
    """Delete one row by primary key; the database cascades to its children."""
    primary_key = sa.inspect(model).primary_key[0]
    await db.exec(sa.delete(model).where(primary_key == row_id))


async def note_for_update(db: AsyncSession, note_id: int) -> Note | None:
    """One note by id (candidate or application note)."""
    return await row_for_update(db, Note, note_id)


async def email_holder(db: AsyncSession, email: str, *, other_than: int | None = None) -> int | None:
    """The candidate the unique email index gives `email` to (flagged possible duplicates aside)."""
    statement = select(Candidate.id).where(
        func.lower(col(Candidate.email)) == email.lower(), col(Candidate.possible_duplicate_of_id).is_(None)
    )
    if other_than is not None:
        statement = statement.where(col(Candidate.id) != other_than)
    return (await db.exec(statement.limit(1))).first()


def is_email_taken(error: sa.exc.IntegrityError) -> bool:
    """Whether an IntegrityError is the unique email index refusing a second holder (a lost race)."""
    return CANDIDATE_EMAIL_INDEX in str(error.orig)


async def duplicates_of(db: AsyncSession, candidate_id: int) -> list[Candidate]:
    """The candidates flagged as possible duplicates of one candidate, oldest first."""
    statement = (
        select(Candidate)
        .where(col(Candidate.possible_duplicate_of_id) == candidate_id)
        .order_by(col(Candidate.id))
    )
    return list((await db.exec(statement)).all())


async def applications_of_candidate(db: AsyncSession, candidate_id: int) -> list[Application]:
    """A candidate's applications, in id order."""
    statement = select(Application).where(col(Application.candidate_id) == candidate_id)
    return list((await db.exec(statement.order_by(col(Application.id)))).all())


async def stages_of_application(db: AsyncSession, application_id: int) -> list[ApplicationStage]:
    """An application's stage history, in id order."""
    statement = select(ApplicationStage).where(col(ApplicationStage.application_id) == application_id)
    return list((await db.exec(statement.order_by(col(ApplicationStage.id)))).all())


async def notes_of_candidate(db: AsyncSession, candidate_id: int) -> list[Note]:
    """A candidate's ATS notes, its applications' included, in id order."""
    statement = select(Note).where(col(Note.candidate_id) == candidate_id)
    return list((await db.exec(statement.order_by(col(Note.id)))).all())


async def identity_of(db: AsyncSession, candidate_id: int) -> LinkedInIdentity | None:
    """The LinkedIn member a candidate is linked to, if any."""
    statement = select(LinkedInIdentity).where(col(LinkedInIdentity.candidate_id) == candidate_id)
    return (await db.exec(statement)).first()


async def profile_of(db: AsyncSession, candidate_id: int) -> LinkedInProfile | None:
    """The candidate's last LinkedIn profile snapshot, if any."""
    statement = select(LinkedInProfile).where(col(LinkedInProfile.candidate_id) == candidate_id)
    return (await db.exec(statement)).first()


async def delete_rows(db: AsyncSession, rows: list[SQLModel]) -> None:
    """Delete loaded rows now, inside the caller's transaction."""
    for row in rows:
        await db.delete(row)
    await db.flush()


async def move_export_requests(
    db: AsyncSession, *, candidate: tuple[int, int] | None = None, application: tuple[int, int] | None = None
) -> None:
    """Point the One-Click Export records of a candidate or application (old id, new id) at another."""
    for column, ids in ((ExportRequest.candidate_id, candidate), (ExportRequest.application_id, application)):
        if ids is not None:
            old, new = ids
            await db.exec(sa.update(ExportRequest).where(col(column) == old).values({column: new}))

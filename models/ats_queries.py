"""Write-side queries over the ATS tables, each within one customer; callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import CANDIDATE_EMAIL_INDEX, Application, ApplicationStage, Candidate, LinkedInIdentity, Note
from models.integration import ExportRequest
from models.mirror import LinkedInProfile

RowT = TypeVar("RowT", bound=SQLModel)


def _customer_of(model: type[SQLModel]) -> Any:
    return col(getattr(model, "customer_id"))  # noqa: B009 (generic over tables)


async def row_for_update(db: AsyncSession, customer_id: int, model: type[RowT], row_id: int) -> RowT | None:
    """One of the customer's rows by id, locked against concurrent writers where the database supports
    it; None when the id is unknown or another customer's."""
    return await db.get(model, (customer_id, row_id), with_for_update=db.get_bind().dialect.name != "sqlite")


async def lock_candidate(db: AsyncSession, customer_id: int, candidate_id: int) -> Candidate | None:
    """The candidate, locked until the write session ends: writes about one candidate go one at a time.

    Call it first in a `models.db.write_session` (SQLite's lock is already the session's own).
    """
    return await row_for_update(db, customer_id, Candidate, candidate_id)


async def insert(db: AsyncSession, customer_id: int, row: RowT) -> RowT:
    """Insert `row` as the customer's now (so its id is known and constraint failures surface here)."""
    setattr(row, "customer_id", customer_id)  # noqa: B010 (generic over tables)
    db.add(row)
    await db.flush()
    return row


async def flush(db: AsyncSession) -> None:
    """Send pending changes to the database inside the caller's transaction."""
    await db.flush()


async def application_keys_of_candidate(
    db: AsyncSession, customer_id: int, candidate_id: int
) -> list[tuple[int, int]]:
    """(application id, job id) of every application of one candidate, in id order."""
    statement = (
        select(Application.id, Application.job_id)
        .where(col(Application.customer_id) == customer_id, col(Application.candidate_id) == candidate_id)
        .order_by(col(Application.id))
    )
    return [(int(app_id), job_id) for app_id, job_id in (await db.exec(statement)).all() if app_id]


async def application_keys_of_job(db: AsyncSession, customer_id: int, job_id: int) -> list[tuple[int, int]]:
    """(application id, candidate id) of every application to one job, in id order."""
    statement = (
        select(Application.id, Application.candidate_id)
        .where(col(Application.customer_id) == customer_id, col(Application.job_id) == job_id)
        .order_by(col(Application.id))
    )
    return [
        (int(app_id), candidate_id) for app_id, candidate_id in (await db.exec(statement)).all() if app_id
    ]


async def delete_row(db: AsyncSession, customer_id: int, model: type[SQLModel], row_id: int) -> None:
    """Delete one of the customer's rows by id; the database cascades to its children."""
    id_column = col(getattr(model, "id"))  # noqa: B009 (generic over tables)
    await db.exec(sa.delete(model).where(_customer_of(model) == customer_id, id_column == row_id))


async def note_for_update(db: AsyncSession, customer_id: int, note_id: int) -> Note | None:
    """One note by id (candidate or application note)."""
    return await row_for_update(db, customer_id, Note, note_id)


async def email_holder(
    db: AsyncSession, customer_id: int, email: str, *, other_than: int | None = None
) -> int | None:
    """The candidate the unique email index gives `email` to within the customer (flagged possible
    duplicates aside)."""
    # The unique index's own condition spelled out, so both databases search that partial index.
    statement = select(Candidate.id).where(
        col(Candidate.customer_id) == customer_id,
        func.lower(col(Candidate.email)) == email.lower(),
        col(Candidate.possible_duplicate_of_id).is_(None),
        col(Candidate.email).is_not(None),
    )
    if other_than is not None:
        statement = statement.where(col(Candidate.id) != other_than)
    return (await db.exec(statement.limit(1))).first()


def is_email_taken(error: sa.exc.IntegrityError) -> bool:
    """Whether an IntegrityError is the unique email index refusing a second holder (a lost race)."""
    return CANDIDATE_EMAIL_INDEX in str(error.orig)


async def duplicates_of(db: AsyncSession, customer_id: int, candidate_id: int) -> list[Candidate]:
    """The candidates flagged as possible duplicates of one candidate, oldest first."""
    statement = (
        select(Candidate)
        .where(
            col(Candidate.customer_id) == customer_id, col(Candidate.possible_duplicate_of_id) == candidate_id
        )
        .order_by(col(Candidate.id))
    )
    return list((await db.exec(statement)).all())


async def applications_of_candidate(
    db: AsyncSession, customer_id: int, candidate_id: int
) -> list[Application]:
    """A candidate's applications, in id order."""
    statement = select(Application).where(
        col(Application.customer_id) == customer_id, col(Application.candidate_id) == candidate_id
    )
    return list((await db.exec(statement.order_by(col(Application.id)))).all())


async def stages_of_application(
    db: AsyncSession, customer_id: int, application_id: int
) -> list[ApplicationStage]:
    """An application's stage history, in id order."""
    statement = select(ApplicationStage).where(
        col(ApplicationStage.customer_id) == customer_id,
        col(ApplicationStage.application_id) == application_id,
    )
    return list((await db.exec(statement.order_by(col(ApplicationStage.id)))).all())


async def notes_of_candidate(db: AsyncSession, customer_id: int, candidate_id: int) -> list[Note]:
    """A candidate's ATS notes, its applications' included, in id order."""
    statement = select(Note).where(
        col(Note.customer_id) == customer_id, col(Note.candidate_id) == candidate_id
    )
    return list((await db.exec(statement.order_by(col(Note.id)))).all())


async def identity_of(db: AsyncSession, customer_id: int, candidate_id: int) -> LinkedInIdentity | None:
    """The LinkedIn member a candidate is linked to, if any."""
    statement = select(LinkedInIdentity).where(
        col(LinkedInIdentity.customer_id) == customer_id, col(LinkedInIdentity.candidate_id) == candidate_id
    )
    return (await db.exec(statement)).first()


async def profile_of(db: AsyncSession, customer_id: int, candidate_id: int) -> LinkedInProfile | None:
    """The candidate's last LinkedIn profile snapshot, if any."""
    statement = select(LinkedInProfile).where(
        col(LinkedInProfile.customer_id) == customer_id, col(LinkedInProfile.candidate_id) == candidate_id
    )
    return (await db.exec(statement)).first()


async def delete_rows(db: AsyncSession, customer_id: int, rows: Sequence[SQLModel]) -> None:
    """Delete loaded rows of the customer now, inside the caller's transaction."""
    for row in rows:
        if getattr(row, "customer_id", None) != customer_id:
            raise ValueError(f"{type(row).__name__} is not a row of customer {customer_id}")
        await db.delete(row)
    await db.flush()


async def move_export_requests(
    db: AsyncSession,
    customer_id: int,
    *,
    candidate: tuple[int, int] | None = None,
    application: tuple[int, int] | None = None,
) -> None:
    """Point the One-Click Export records of a candidate or application (old id, new id) at another."""
    for column, ids in ((ExportRequest.candidate_id, candidate), (ExportRequest.application_id, application)):
        if ids is not None:
            old, new = ids
            await db.exec(
                sa.update(ExportRequest)
                .where(col(ExportRequest.customer_id) == customer_id, col(column) == old)
                .values({column: new})
            )

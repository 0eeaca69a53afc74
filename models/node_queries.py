"""Rows of the candidate tabs by their own ids, for `node(id)`: each within one customer and only as far
as the reader may see it, by the same rules as the lists (models/mirror_visibility.py for InMails and
prospect notes, models/job_sight.py for what hangs off an application)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Note
from models.job_sight import JobSight, visible_job
from models.mirror import InMailMessage, InMailThread, LinkedInNote
from models.mirror_queries import visible_messages
from models.mirror_visibility import Audience, visible_to
from models.upsert import table_of


async def thread_members_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int]
) -> dict[int, str]:
    """The member URN of each of these threads of the customer (visibility aside), by thread id."""
    if not ids:
        return {}
    statement = select(InMailThread.id, InMailThread.member_urn).where(
        col(InMailThread.customer_id) == customer_id, col(InMailThread.id).in_(list(set(ids)))
    )
    return {id_: urn for id_, urn in (await session.exec(statement)).all() if id_ is not None}


async def messages_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int], audience: Audience
) -> dict[int, InMailMessage]:
    """These InMails of the customer that `audience` may see, by id."""
    if not ids:
        return {}
    statement = visible_messages(customer_id, audience).where(col(InMailMessage.id).in_(list(set(ids))))
    return {row.id: row for row in (await session.exec(statement)).all() if row.id is not None}


async def linkedin_notes_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int], audience: Audience
) -> dict[int, LinkedInNote]:
    """These prospect notes of the customer that LinkedIn has not deleted and `audience` may see, by id."""
    if not ids:
        return {}
    note = table_of(LinkedInNote)
    statement = select(LinkedInNote).where(
        col(LinkedInNote.customer_id) == customer_id,
        col(LinkedInNote.id).in_(list(set(ids))),
        col(LinkedInNote.active).is_(True),
        visible_to(audience, customer_id, note.c.visibility, note.c.owner_seat_urn),
    )
    return {row.id: row for row in (await session.exec(statement)).all() if row.id is not None}


def _application_visible(sight: JobSight, application_id: Any) -> list[sa.ColumnElement[bool]]:
    """Conditions under which the application `application_id` (a column of the outer statement) is on a
    job `sight` sees (none when it sees every job)."""
    hidden = visible_job(sight, col(Application.customer_id), col(Application.job_id))
    if not hidden:
        return []
    return [
        sa.exists().where(
            col(Application.customer_id) == application_id.table.c.customer_id,
            col(Application.id) == application_id,
            *hidden,
        )
    ]


async def notes_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int], sight: JobSight
) -> dict[int, Note]:
    """These ATS notes of the customer, by id; a note on an application of a job `sight` does not see
    is as hidden as the application."""
    if not ids:
        return {}
    note = table_of(Note)
    conditions: list[Any] = [col(Note.customer_id) == customer_id, col(Note.id).in_(list(set(ids)))]
    on_hidden_job = _application_visible(sight, note.c.application_id)
    if on_hidden_job:
        conditions.append(sa.or_(col(Note.application_id).is_(None), *on_hidden_job))
    statement = select(Note).where(*conditions)
    return {row.id: row for row in (await session.exec(statement)).all() if row.id is not None}


async def stages_by_ids(
    session: AsyncSession, customer_id: int, ids: Sequence[int], sight: JobSight
) -> dict[int, ApplicationStage]:
    """These application stages of the customer whose application's job `sight` sees, by id."""
    if not ids:
        return {}
    stage = table_of(ApplicationStage)
    statement = select(ApplicationStage).where(
        col(ApplicationStage.customer_id) == customer_id,
        col(ApplicationStage.id).in_(list(set(ids))),
        *_application_visible(sight, stage.c.application_id),
    )
    return {row.id: row for row in (await session.exec(statement)).all() if row.id is not None}

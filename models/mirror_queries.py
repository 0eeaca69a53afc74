"""Read queries over the mirrored LinkedIn tables (threads, messages, prospect notes, profile snapshots),
each within one customer; threads, messages and notes only as far as the reader may see them
(models/mirror_visibility.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from models.mirror import InMailMessage, InMailThread, LinkedInNote, LinkedInProfile
from models.mirror_visibility import Audience, visible_to
from models.upsert import table_of


async def threads_by_member_urns(
    session: AsyncSession, customer_id: int, member_urns: Sequence[str], audience: Audience
) -> dict[str, list[InMailThread]]:
    """Each member's threads with the customer's seats (one per seat) that hold a message `audience` may
    see, most recent first, their subject, count and last time describing those messages only; one
    statement."""
    grouped: dict[str, list[InMailThread]] = {urn: [] for urn in member_urns}
    if not member_urns:
        return grouped
    thread = table_of(InMailThread)
    of_members = (thread.c.customer_id == customer_id, thread.c.member_urn.in_(list(set(member_urns))))
    if audience.everything:
        # Every message is visible: the stored stats (models/mirror_writes.py) describe them all.
        statement = (
            select(InMailThread)
            .where(*of_members)
            .order_by(col(InMailThread.last_message_at).desc(), col(InMailThread.id).desc())
        )
        for row in (await session.exec(statement)).all():
            grouped[row.member_urn].append(row)
        return grouped
    connection = await session.connection()
    for row in (await connection.execute(_visible_threads(customer_id, audience, of_members))).all():
        grouped[row.member_urn].append(
            InMailThread(
                customer_id=customer_id,
                id=row.id,
                seat_urn=row.seat_urn,
                member_urn=row.member_urn,
                subject=row.subject,
                last_message_at=row.last_message_at,
                message_count=row.message_count,
            )
        )
    return grouped


def _visible_threads(
    customer_id: int, audience: Audience, of_members: tuple[sa.ColumnElement[bool], ...]
) -> sa.Select[Any]:
    # The thread's visible messages, grouped: their count and last time; the stored subject (the whole
    # thread's) while none is hidden, else the first visible one's.
    thread, message = table_of(InMailThread), table_of(InMailMessage)
    earlier = message.alias("earlier")
    count = sa.func.count(message.c.id)
    last_at = sa.func.max(message.c.sent_at)
    first_visible_subject = (
        sa.select(earlier.c.subject)
        .where(
            earlier.c.customer_id == thread.c.customer_id,
            earlier.c.thread_id == thread.c.id,
            earlier.c.subject.is_not(None),
            visible_to(audience, customer_id, earlier.c.visibility, thread.c.seat_urn),
        )
        .order_by(earlier.c.sent_at, earlier.c.id)
        .limit(1)
        .scalar_subquery()
    )
    subject = sa.case((count == thread.c.message_count, thread.c.subject), else_=first_visible_subject)
    return (
        sa.select(
            thread.c.id,
            thread.c.seat_urn,
            thread.c.member_urn,
            subject.label("subject"),
            last_at.label("last_message_at"),
            count.label("message_count"),
        )
        .select_from(
            thread.join(
                message,
                (message.c.customer_id == thread.c.customer_id) & (message.c.thread_id == thread.c.id),
            )
        )
        .where(*of_members, visible_to(audience, customer_id, message.c.visibility, thread.c.seat_urn))
        .group_by(
            thread.c.customer_id,
            thread.c.id,
            thread.c.seat_urn,
            thread.c.member_urn,
            thread.c.subject,
            thread.c.message_count,
        )
        .order_by(last_at.desc(), thread.c.id.desc())
    )


def visible_messages(customer_id: int, audience: Audience) -> SelectOfScalar[InMailMessage]:
    """SELECT of the customer's InMails that `audience` may see (joined to their threads, whose seat
    decides visibility); callers add their own filter and order."""
    return (
        select(InMailMessage)
        .join(
            InMailThread,
            (col(InMailThread.customer_id) == col(InMailMessage.customer_id))
            & (col(InMailThread.id) == col(InMailMessage.thread_id)),
        )
        .where(
            col(InMailMessage.customer_id) == customer_id,
            visible_to(
                audience,
                customer_id,
                table_of(InMailMessage).c.visibility,
                table_of(InMailThread).c.seat_urn,
            ),
        )
    )


async def messages_by_thread_ids(
    session: AsyncSession, customer_id: int, thread_ids: Sequence[int], audience: Audience
) -> dict[int, list[InMailMessage]]:
    """Each of the customer's threads' messages that `audience` may see, oldest first."""
    grouped: dict[int, list[InMailMessage]] = {i: [] for i in thread_ids}
    if not thread_ids:
        return grouped
    statement = (
        visible_messages(customer_id, audience)
        .where(col(InMailMessage.thread_id).in_(list(set(thread_ids))))
        .order_by(col(InMailMessage.thread_id), col(InMailMessage.sent_at), col(InMailMessage.id))
    )
    for row in (await session.exec(statement)).all():
        grouped[row.thread_id].append(row)
    return grouped


async def active_notes_by_member_urns(
    session: AsyncSession, customer_id: int, member_urns: Sequence[str], audience: Audience
) -> dict[str, list[LinkedInNote]]:
    """Each member's prospect notes by the customer's seats that LinkedIn has not deleted and `audience`
    may see, newest first."""
    grouped: dict[str, list[LinkedInNote]] = {urn: [] for urn in member_urns}
    if not member_urns:
        return grouped
    note = table_of(LinkedInNote)
    statement = (
        select(LinkedInNote)
        .where(
            col(LinkedInNote.customer_id) == customer_id,
            col(LinkedInNote.member_urn).in_(list(set(member_urns))),
            col(LinkedInNote.active).is_(True),
            visible_to(audience, customer_id, note.c.visibility, note.c.owner_seat_urn),
        )
        .order_by(col(LinkedInNote.created_at).desc(), col(LinkedInNote.id).desc())
    )
    for row in (await session.exec(statement)).all():
        grouped[row.member_urn].append(row)
    return grouped


async def profiles_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> dict[int, LinkedInProfile]:
    """The last LinkedIn snapshot per candidate of the customer, keyed by candidate id (absent when none)."""
    if not candidate_ids:
        return {}
    statement = select(LinkedInProfile).where(
        col(LinkedInProfile.customer_id) == customer_id,
        col(LinkedInProfile.candidate_id).in_(list(set(candidate_ids))),
    )
    return {row.candidate_id: row for row in (await session.exec(statement)).all()}

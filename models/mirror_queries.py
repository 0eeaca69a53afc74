"""Read queries over the mirrored LinkedIn tables (threads, messages, prospect notes, profile snapshots),
each within one customer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.mirror import InMailMessage, InMailThread, LinkedInNote, LinkedInProfile


async def threads_by_member_urns(
    session: AsyncSession, customer_id: int, member_urns: Sequence[str]
) -> dict[str, list[InMailThread]]:
    """Each member's threads with the customer's seats (one per seat), most recent first."""
    grouped: dict[str, list[InMailThread]] = {urn: [] for urn in member_urns}
    if not member_urns:
        return grouped
    statement = (
        select(InMailThread)
        .where(
            col(InMailThread.customer_id) == customer_id,
            col(InMailThread.member_urn).in_(list(set(member_urns))),
        )
        .order_by(col(InMailThread.last_message_at).desc(), col(InMailThread.id).desc())
    )
    for row in (await session.exec(statement)).all():
        grouped[row.member_urn].append(row)
    return grouped


async def messages_by_thread_ids(
    session: AsyncSession, customer_id: int, thread_ids: Sequence[int]
) -> dict[int, list[InMailMessage]]:
    """Each of the customer's threads' whole history, oldest first."""
    grouped: dict[int, list[InMailMessage]] = {i: [] for i in thread_ids}
    if not thread_ids:
        return grouped
    statement = (
        select(InMailMessage)
        .where(
            col(InMailMessage.customer_id) == customer_id,
            col(InMailMessage.thread_id).in_(list(set(thread_ids))),
        )
        .order_by(col(InMailMessage.thread_id), col(InMailMessage.sent_at), col(InMailMessage.id))
    )
    for row in (await session.exec(statement)).all():
        grouped[row.thread_id].append(row)
    return grouped


async def active_notes_by_member_urns(
    session: AsyncSession, customer_id: int, member_urns: Sequence[str]
) -> dict[str, list[LinkedInNote]]:
    """Each member's prospect notes by the customer's seats that LinkedIn has not deleted, newest first."""
    grouped: dict[str, list[LinkedInNote]] = {urn: [] for urn in member_urns}
    if not member_urns:
        return grouped
    statement = (
        select(LinkedInNote)
        .where(
            col(LinkedInNote.customer_id) == customer_id,
            col(LinkedInNote.member_urn).in_(list(set(member_urns))),
            col(LinkedInNote.active).is_(True),
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

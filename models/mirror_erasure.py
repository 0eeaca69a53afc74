"""Removing the local LinkedIn mirror of people: their InMail threads and messages, prospect notes,
profile snapshots, suggestions and identities. Every statement stays within one customer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, LinkedInIdentity, Note
from models.integration import ExportRequest, OutboxEvent, SyncEntity, SyncStatus
from models.interview_feedback import InterviewFeedback
from models.linkedin_suggestions import LinkedInFill, LinkedInSuggestion
from models.mirror import InMailMessage, InMailThread, LinkedInNote, LinkedInProfile


async def member_urns_of_candidates(
    db: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> set[str]:
    """Every person URN the customer holds for these candidates: the identity, the snapshot's member
    and manual match, and the members of their One-Click Exports."""
    if not candidate_ids:
        return set()
    ids = sorted(set(candidate_ids))
    statements = [
        select(LinkedInIdentity.person_urn).where(
            col(LinkedInIdentity.customer_id) == customer_id, col(LinkedInIdentity.candidate_id).in_(ids)
        ),
        select(LinkedInProfile.person_urn).where(
            col(LinkedInProfile.customer_id) == customer_id, col(LinkedInProfile.candidate_id).in_(ids)
        ),
        select(LinkedInProfile.manual_match).where(
            col(LinkedInProfile.customer_id) == customer_id, col(LinkedInProfile.candidate_id).in_(ids)
        ),
        select(ExportRequest.member_urn).where(
            col(ExportRequest.customer_id) == customer_id, col(ExportRequest.candidate_id).in_(ids)
        ),
    ]
    urns: set[str] = set()
    for statement in statements:  # four small indexed reads, on an erasure's path only
        urns.update(urn for urn in (await db.exec(statement)).all() if urn)
    return urns


async def delete_mirror_of_members(db: AsyncSession, customer_id: int, member_urns: Iterable[str]) -> None:
    """Delete the customer's InMail threads (their messages with them) and prospect notes of these
    members, and forget them as the member of a One-Click Export (and why it matched); the caller
    commits."""
    urns = sorted(set(member_urns))
    if not urns:
        return
    threads = select(InMailThread.id).where(
        col(InMailThread.customer_id) == customer_id, col(InMailThread.member_urn).in_(urns)
    )
    # Messages first, explicitly: the thread's ON DELETE CASCADE would do it, but not every SQLite
    # connection a deployment opens is sure to enforce foreign keys.
    await db.exec(
        sa.delete(InMailMessage).where(
            col(InMailMessage.customer_id) == customer_id, col(InMailMessage.thread_id).in_(threads)
        )
    )
    await db.exec(
        sa.delete(InMailThread).where(
            col(InMailThread.customer_id) == customer_id, col(InMailThread.member_urn).in_(urns)
        )
    )
    await db.exec(
        sa.delete(LinkedInNote).where(
            col(LinkedInNote.customer_id) == customer_id, col(LinkedInNote.member_urn).in_(urns)
        )
    )
    await db.exec(
        sa.update(ExportRequest)
        .where(col(ExportRequest.customer_id) == customer_id, col(ExportRequest.member_urn).in_(urns))
        # The match reason quotes what matched (`email ...`, `person URN ...`).
        .values(member_urn=None, match_reason=None)
    )


async def delete_mirror_of_candidates(
    db: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> set[str]:
    """Delete the local LinkedIn mirror of these candidates (threads, messages, prospect notes, profile
    snapshots, suggestions, fills, identities) and return the person URNs it concerned; the caller
    deletes the candidates and commits."""
    if not candidate_ids:
        return set()
    ids = sorted(set(candidate_ids))
    urns = await member_urns_of_candidates(db, customer_id, ids)
    await delete_mirror_of_members(db, customer_id, urns)
    for model in (LinkedInProfile, LinkedInSuggestion, LinkedInFill, LinkedInIdentity):
        await db.exec(
            sa.delete(model).where(
                col(model.customer_id) == customer_id,
                col(model.candidate_id).in_(ids),
            )
        )
    return urns


async def forget_sync_errors_of_candidate(db: AsyncSession, customer_id: int, candidate_id: int) -> None:
    """Clear the error texts kept for the candidate's records (LinkedIn's answers may quote a field's
    value) in the outbox and the sync statuses; their ids and states stay, for the deletes still to
    send. Run before the candidate is deleted (its children are found through it)."""
    applications = select(Application.id).where(
        col(Application.customer_id) == customer_id, col(Application.candidate_id) == candidate_id
    )
    notes = select(Note.id).where(
        col(Note.customer_id) == customer_id, col(Note.candidate_id) == candidate_id
    )
    records: list[tuple[SyncEntity, Any]] = [
        (SyncEntity.CANDIDATE, [candidate_id]),
        (SyncEntity.APPLICATION, applications),
        # Both kinds of note hang off the candidate (an application's note keeps its candidate id).
        (SyncEntity.CANDIDATE_NOTE, notes),
        (SyncEntity.APPLICATION_NOTE, notes),
        (
            SyncEntity.APPLICATION_STAGE,
            select(ApplicationStage.id).where(
                col(ApplicationStage.customer_id) == customer_id,
                col(ApplicationStage.application_id).in_(applications),
            ),
        ),
        (
            SyncEntity.INTERVIEW_FEEDBACK,
            select(InterviewFeedback.id).where(
                col(InterviewFeedback.customer_id) == customer_id,
                col(InterviewFeedback.application_id).in_(applications),
            ),
        ),
    ]
    for entity, ids in records:
        await db.exec(
            sa.update(OutboxEvent)
            .where(
                col(OutboxEvent.customer_id) == customer_id,
                col(OutboxEvent.entity_type) == entity,
                col(OutboxEvent.entity_id).in_(ids),
            )
            .values(last_error=None)
        )
        await db.exec(
            sa.update(SyncStatus)
            .where(
                col(SyncStatus.customer_id) == customer_id,
                col(SyncStatus.entity_type) == entity,
                col(SyncStatus.entity_id).in_(ids),
            )
            .values(error=None)
        )


__all__ = [
    "delete_mirror_of_candidates",
    "delete_mirror_of_members",
    "forget_sync_errors_of_candidate",
    "member_urns_of_candidates",
]

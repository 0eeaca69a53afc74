"""The history backfill: UPSERT outbox rows for every ATS record of a customer changed since a moment,
set-based."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.acl_group_queries import grouped_user_ids, secured_job_ids
from models.ats import Application, ApplicationStage, Candidate, Job, Note
from models.integration import SyncEntity, SyncWatermark
from models.interview_feedback import InterviewFeedback
from models.outbox_writes import enqueue_upserts
from models.sync_statuses import BACKFILL_SCOPE, BACKFILL_STREAM
from models.upsert import insert_for

_W = SyncWatermark.__table__  # type: ignore[attr-defined]
_JOB = Job.__table__  # type: ignore[attr-defined]
_CANDIDATE = Candidate.__table__  # type: ignore[attr-defined]
_NOTE = Note.__table__  # type: ignore[attr-defined]
_APPLICATION = Application.__table__  # type: ignore[attr-defined]
_STAGE = ApplicationStage.__table__  # type: ignore[attr-defined]
_FEEDBACK = InterviewFeedback.__table__  # type: ignore[attr-defined]


def _sources(customer_id: int, since: datetime) -> list[tuple[SyncEntity, sa.Select[tuple[int]]]]:
    """Per entity type, in dependency order, the ids of the customer's records changed since `since`."""
    return [
        (
            SyncEntity.JOB,
            sa.select(_JOB.c.id).where(_JOB.c.customer_id == customer_id, _JOB.c.updated_at >= since),
        ),
        # ACLs are current state, not history: the bulk load sends every secured job and grouped user.
        (SyncEntity.ENTITY_ACL, secured_job_ids(customer_id)),
        (SyncEntity.ACL_ASSIGNEE, grouped_user_ids(customer_id)),
        (
            SyncEntity.CANDIDATE,
            sa.select(_CANDIDATE.c.id).where(
                _CANDIDATE.c.customer_id == customer_id,
                sa.or_(_CANDIDATE.c.updated_at >= since, _CANDIDATE.c.created_at >= since),
            ),
        ),
        (
            SyncEntity.CANDIDATE_NOTE,
            sa.select(_NOTE.c.id).where(
                _NOTE.c.customer_id == customer_id,
                _NOTE.c.application_id.is_(None),
                _NOTE.c.created_at >= since,
            ),
        ),
        (
            SyncEntity.APPLICATION,
            sa.select(_APPLICATION.c.id).where(
                _APPLICATION.c.customer_id == customer_id,
                sa.or_(_APPLICATION.c.last_activity_at >= since, _APPLICATION.c.created_at >= since),
            ),
        ),
        (
            SyncEntity.APPLICATION_NOTE,
            sa.select(_NOTE.c.id).where(
                _NOTE.c.customer_id == customer_id,
                _NOTE.c.application_id.is_not(None),
                _NOTE.c.created_at >= since,
            ),
        ),
        (
            SyncEntity.APPLICATION_STAGE,
            sa.select(_STAGE.c.id).where(_STAGE.c.customer_id == customer_id, _STAGE.c.at >= since),
        ),
        (
            SyncEntity.INTERVIEW_FEEDBACK,
            sa.select(_FEEDBACK.c.id).where(
                _FEEDBACK.c.customer_id == customer_id, _FEEDBACK.c.updated_at >= since
            ),
        ),
    ]


async def enqueue_history(
    db: AsyncSession, customer_id: int, *, since: datetime, now: datetime
) -> dict[SyncEntity, int]:
    """INSERT ... SELECT one UPSERT row per changed record of the customer (jobs first, so claims keep
    dependency order), and record the backfill's moment. The caller commits; returns the rows enqueued
    per entity type."""
    counts = {
        entity_type: await enqueue_upserts(db, customer_id, entity_type, ids, now=now)
        for entity_type, ids in _sources(customer_id, since)
    }
    await _record(db, customer_id, since=since, now=now)
    return counts


async def _record(db: AsyncSession, customer_id: int, *, since: datetime, now: datetime) -> None:
    insert = insert_for(db, SyncWatermark)
    statement = insert.values(
        customer_id=customer_id,
        stream=BACKFILL_STREAM,
        seat_urn=BACKFILL_SCOPE,
        watermark=since,
        updated_at=now,
    ).on_conflict_do_update(
        index_elements=[_W.c.customer_id, _W.c.stream, _W.c.seat_urn],
        set_={"watermark": insert.excluded.watermark, "updated_at": insert.excluded.updated_at},
    )
    await db.exec(statement)


__all__ = ["enqueue_history"]

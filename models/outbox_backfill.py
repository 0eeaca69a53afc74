"""The history backfill: UPSERT outbox rows for every ATS record changed since a moment, set-based."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Candidate, Job, Note
from models.integration import SyncEntity, SyncWatermark
from models.outbox_writes import enqueue_upserts
from models.sync_status_queries import BACKFILL_SCOPE, BACKFILL_STREAM
from models.upsert import insert_for

_W = SyncWatermark.__table__  # type: ignore[attr-defined]
_JOB = Job.__table__  # type: ignore[attr-defined]
_CANDIDATE = Candidate.__table__  # type: ignore[attr-defined]
_NOTE = Note.__table__  # type: ignore[attr-defined]
_APPLICATION = Application.__table__  # type: ignore[attr-defined]
_STAGE = ApplicationStage.__table__  # type: ignore[attr-defined]


def _sources(since: datetime) -> list[tuple[SyncEntity, sa.Select[tuple[int]]]]:
    """Per entity type, in dependency order, the ids of the records changed since `since`."""
    return [
        (SyncEntity.JOB, sa.select(_JOB.c.id).where(_JOB.c.updated_at >= since)),
        (
            SyncEntity.CANDIDATE,
            sa.select(_CANDIDATE.c.id).where(
                sa.or_(_CANDIDATE.c.updated_at >= since, _CANDIDATE.c.created_at >= since)
            ),
        ),
        (
            SyncEntity.CANDIDATE_NOTE,
            sa.select(_NOTE.c.id).where(_NOTE.c.application_id.is_(None), _NOTE.c.created_at >= since),
        ),
        (
            SyncEntity.APPLICATION,
            sa.select(_APPLICATION.c.id).where(
                sa.or_(_APPLICATION.c.last_activity_at >= since, _APPLICATION.c.created_at >= since)
            ),
        ),
        (
            SyncEntity.APPLICATION_NOTE,
            sa.select(_NOTE.c.id).where(_NOTE.c.application_id.is_not(None), _NOTE.c.created_at >= since),
        ),
        (SyncEntity.APPLICATION_STAGE, sa.select(_STAGE.c.id).where(_STAGE.c.at >= since)),
    ]


async def enqueue_history(db: AsyncSession, *, since: datetime, now: datetime) -> dict[SyncEntity, int]:
    """INSERT ... SELECT one UPSERT row per changed record (jobs first, so claims keep dependency order),
    and record the backfill's moment. The caller commits; returns the rows enqueued per entity type."""
    counts = {
        entity_type: await enqueue_upserts(db, entity_type, ids, now=now)
        for entity_type, ids in _sources(since)
    }
    await _record(db, since=since, now=now)
    return counts


async def _record(db: AsyncSession, *, since: datetime, now: datetime) -> None:
    insert = insert_for(db, SyncWatermark)
    statement = insert.values(
        stream=BACKFILL_STREAM, seat_urn=BACKFILL_SCOPE, watermark=since, updated_at=now
    ).on_conflict_do_update(
        index_elements=[_W.c.stream, _W.c.seat_urn],
        set_={"watermark": insert.excluded.watermark, "updated_at": insert.excluded.updated_at},
    )
    await db.exec(statement)


__all__ = ["enqueue_history"]

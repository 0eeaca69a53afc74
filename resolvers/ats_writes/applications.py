"""Apply a candidate to a job, move an application through stages, delete it; outbox rows included."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

import models
from models import ats_queries as queries
from models.db import SessionFactory
from models.job_sight import EVERY_JOB, JobSight
from models.outbox_writes import enqueue
from resolvers.activity_feed import ActivityFeed, ActivityKind, events_for
from resolvers.ats_writes.common import not_found, require_visible_job, transaction
from resolvers.ats_writes.validation import AUTHOR_MAX, Checker, InvalidFields
from resolvers.errors import Conflict, DomainError

INITIAL_STATUS = "Applied"


def _application_key(row: models.Application) -> dict[str, int]:
    return {"candidate_id": row.candidate_id, "job_id": row.job_id}


def _is_duplicate_application(error: IntegrityError) -> bool:
    text = str(error.orig).lower()
    # PostgreSQL names the constraint; SQLite names the columns.
    return "uq_application_candidate_job" in text or "application.candidate_id, application.job_id" in text


async def apply_to_job(
    sessions: SessionFactory,
    customer_id: int,
    candidate_id: int,
    job_id: int,
    *,
    source: str | None = None,
    actor: str | None = None,
    sight: JobSight = EVERY_JOB,
    feed: ActivityFeed | None = None,
) -> models.Application:
    """A new application (status `Applied`, first stage of its history); a second one is a CONFLICT; a
    secured job `sight` may not see is NOT_FOUND. Announced on `feed` once committed."""
    checker = Checker()
    clean_source = checker.optional_text(source, "source", max_len=100, label="Source")
    clean_actor = checker.optional_text(actor, "actor", max_len=AUTHOR_MAX, label="Actor")
    checker.done()
    try:
        async with transaction(sessions) as db:
            missing: list[DomainError] = []
            if await queries.lock_candidate(db, customer_id, candidate_id) is None:
                missing.append(not_found("candidate", "candidateId"))
            if await queries.row_for_update(db, customer_id, models.Job, job_id) is None:
                missing.append(not_found("job", "jobId"))
            else:
                try:
                    await require_visible_job(db, customer_id, sight, job_id, "job", "jobId")
                except DomainError as hidden:
                    missing.append(hidden)
            if missing:
                raise missing[0] if len(missing) == 1 else InvalidFields(missing)
            # No pre-check for a duplicate: the unique constraint is the one race-free judge.
            now = models.utcnow()
            row = await queries.insert(
                db,
                customer_id,
                models.Application(
                    customer_id=customer_id,
                    candidate_id=candidate_id,
                    job_id=job_id,
                    status=INITIAL_STATUS,
                    source=clean_source,
                    created_at=now,
                    last_activity_at=now,
                ),
            )
            assert row.id is not None
            stage = await queries.insert(
                db,
                customer_id,
                models.ApplicationStage(
                    customer_id=customer_id,
                    application_id=row.id,
                    stage=INITIAL_STATUS,
                    actor=clean_actor,
                    at=row.created_at,
                ),
            )
            assert stage.id is not None
            enqueue(
                db,
                customer_id,
                models.SyncEntity.APPLICATION,
                row.id,
                models.OutboxOp.UPSERT,
                _application_key(row),
            )
            enqueue(
                db,
                customer_id,
                models.SyncEntity.APPLICATION_STAGE,
                stage.id,
                models.OutboxOp.UPSERT,
                {"application_id": row.id},
            )
    except IntegrityError as exc:
        if _is_duplicate_application(exc):
            raise Conflict("The candidate has already applied to this job", field="jobId") from exc
        raise
    if feed is not None:
        await feed.publish(events_for(customer_id, [candidate_id], ActivityKind.APPLICATION))
    return row


async def move_application_stage(
    sessions: SessionFactory,
    customer_id: int,
    application_id: int,
    stage: str,
    *,
    actor: str | None = None,
    at: datetime | None = None,
    sight: JobSight = EVERY_JOB,
    feed: ActivityFeed | None = None,
) -> tuple[models.Application, models.ApplicationStage]:
    """Append a stage to the history; the newest stage by time becomes the application's status.
    Announced on `feed` once committed."""
    checker = Checker()
    clean_stage = checker.stage(stage)
    clean_actor = checker.optional_text(actor, "actor", max_len=AUTHOR_MAX, label="Actor")
    clean_at = checker.moment(at, "at")
    checker.done()
    async with transaction(sessions) as db:
        row = await queries.row_for_update(db, customer_id, models.Application, application_id)
        if row is None:
            raise not_found("application", "applicationId")
        await require_visible_job(db, customer_id, sight, row.job_id, "application", "applicationId")
        step = await queries.insert(
            db,
            customer_id,
            models.ApplicationStage(
                customer_id=customer_id,
                application_id=application_id,
                stage=clean_stage,
                actor=clean_actor,
                at=clean_at,
            ),
        )
        assert step.id is not None
        # A back-dated stage joins the history without overriding a later one.
        if clean_at >= row.last_activity_at:
            row.status = clean_stage
            row.last_activity_at = clean_at
        enqueue(
            db,
            customer_id,
            models.SyncEntity.APPLICATION_STAGE,
            step.id,
            models.OutboxOp.UPSERT,
            {"application_id": application_id},
        )
        # LinkedIn's application carries atsLastModifiedAt, so the application is pushed again too.
        enqueue(
            db,
            customer_id,
            models.SyncEntity.APPLICATION,
            application_id,
            models.OutboxOp.UPSERT,
            _application_key(row),
        )
        await queries.flush(db)
    if feed is not None:
        await feed.publish(events_for(customer_id, [row.candidate_id], ActivityKind.APPLICATION))
    return row, step


async def delete_application(
    sessions: SessionFactory, customer_id: int, application_id: int, *, sight: JobSight = EVERY_JOB
) -> int:
    """Delete an application with its stages and notes (LinkedIn deletes those with it, too)."""
    async with transaction(sessions) as db:
        row = await queries.row_for_update(db, customer_id, models.Application, application_id)
        if row is None:
            raise not_found("application", "id")
        await require_visible_job(db, customer_id, sight, row.job_id, "application", "id")
        key = _application_key(row)
        enqueue(db, customer_id, models.SyncEntity.APPLICATION, application_id, models.OutboxOp.DELETE, key)
        await queries.delete_row(db, customer_id, models.Application, application_id)
    return application_id


async def delete_application_stage(
    sessions: SessionFactory, customer_id: int, stage_id: int, *, sight: JobSight = EVERY_JOB
) -> models.Application:
    """Delete one entry of an application's stage history (LinkedIn's list loses it too); the newest
    remaining stage becomes the application's status (`Applied` when none is left). Returns the
    application."""
    async with transaction(sessions) as db:
        stage = await queries.row_for_update(db, customer_id, models.ApplicationStage, stage_id)
        if stage is None:
            raise not_found("application stage", "id")
        row = await queries.row_for_update(db, customer_id, models.Application, stage.application_id)
        if row is None:  # the foreign key cascades: a stage has its application
            raise not_found("application stage", "id")
        await require_visible_job(db, customer_id, sight, row.job_id, "application stage", "id")
        enqueue(
            db,
            customer_id,
            models.SyncEntity.APPLICATION_STAGE,
            stage_id,
            models.OutboxOp.DELETE,
            {"application_id": row.id},
        )
        await queries.delete_row(db, customer_id, models.ApplicationStage, stage_id)
        assert row.id is not None
        remaining = await queries.stages_of_application(db, customer_id, row.id)
        newest = max(remaining, key=lambda s: (s.at, s.id or 0), default=None)
        row.status = newest.stage if newest is not None else INITIAL_STATUS
        await queries.flush(db)
    return row

"""Add and delete the ATS's notes on candidates and on applications, with their outbox events."""

from __future__ import annotations

import models
from models import ats_queries as queries
from models.db import SessionFactory
from models.job_sight import EVERY_JOB, JobSight
from models.outbox_writes import enqueue
from resolvers.activity_feed import ActivityFeed, ActivityKind, events_for
from resolvers.ats_writes.common import not_found, require_visible_job, transaction
from resolvers.ats_writes.validation import AUTHOR_MAX, Checker

BODY_MAX = 10_000


def _clean_note(author: str, body: str) -> tuple[str, str]:
    checker = Checker()
    clean_author = checker.required_text(author, "author", max_len=AUTHOR_MAX, label="Author")
    clean_body = checker.required_text(body, "body", max_len=BODY_MAX, label="Body")
    checker.done()
    return clean_author, clean_body


async def add_candidate_note(
    sessions: SessionFactory,
    customer_id: int,
    candidate_id: int,
    *,
    author: str,
    body: str,
    feed: ActivityFeed | None = None,
) -> models.Note:
    """A note on the candidate itself, and its CANDIDATE_NOTE UPSERT event; announced on `feed` once
    committed."""
    clean_author, clean_body = _clean_note(author, body)
    async with transaction(sessions) as db:
        if await queries.lock_candidate(db, customer_id, candidate_id) is None:
            raise not_found("candidate", "candidateId")
        note = await queries.insert(
            db,
            customer_id,
            models.Note(
                customer_id=customer_id, candidate_id=candidate_id, author=clean_author, body=clean_body
            ),
        )
        assert note.id is not None
        key = {"candidate_id": candidate_id}
        enqueue(db, customer_id, models.SyncEntity.CANDIDATE_NOTE, note.id, models.OutboxOp.UPSERT, key)
    if feed is not None:
        await feed.publish(events_for(customer_id, [candidate_id], ActivityKind.NOTE))
    return note


async def add_application_note(
    sessions: SessionFactory,
    customer_id: int,
    application_id: int,
    *,
    author: str,
    body: str,
    sight: JobSight = EVERY_JOB,
    feed: ActivityFeed | None = None,
) -> models.Note:
    """A note on one application (and so on its candidate), and its APPLICATION_NOTE UPSERT event;
    announced on `feed` once committed."""
    clean_author, clean_body = _clean_note(author, body)
    async with transaction(sessions) as db:
        application = await queries.row_for_update(db, customer_id, models.Application, application_id)
        if application is None:
            raise not_found("application", "applicationId")
        await require_visible_job(db, customer_id, sight, application.job_id, "application", "applicationId")
        note = await queries.insert(
            db,
            customer_id,
            models.Note(
                customer_id=customer_id,
                candidate_id=application.candidate_id,
                application_id=application_id,
                author=clean_author,
                body=clean_body,
            ),
        )
        assert note.id is not None
        key = {"application_id": application_id}
        enqueue(db, customer_id, models.SyncEntity.APPLICATION_NOTE, note.id, models.OutboxOp.UPSERT, key)
    if feed is not None:
        await feed.publish(events_for(customer_id, [note.candidate_id], ActivityKind.NOTE))
    return note


async def delete_candidate_note(sessions: SessionFactory, customer_id: int, note_id: int) -> int:
    """Delete a candidate note; an application's note is not one (NOT_FOUND)."""
    async with transaction(sessions) as db:
        note = await queries.note_for_update(db, customer_id, note_id)
        if note is None or note.application_id is not None:
            raise not_found("candidate note", "id")
        key = {"candidate_id": note.candidate_id}
        enqueue(db, customer_id, models.SyncEntity.CANDIDATE_NOTE, note_id, models.OutboxOp.DELETE, key)
        await queries.delete_row(db, customer_id, models.Note, note_id)
    return note_id


async def delete_application_note(
    sessions: SessionFactory, customer_id: int, note_id: int, *, sight: JobSight = EVERY_JOB
) -> int:
    """Delete an application note; a note on the candidate itself is not one (NOT_FOUND)."""
    async with transaction(sessions) as db:
        note = await queries.note_for_update(db, customer_id, note_id)
        if note is None or note.application_id is None:
            raise not_found("application note", "id")
        application = await queries.row_for_update(db, customer_id, models.Application, note.application_id)
        if application is not None:
            await require_visible_job(db, customer_id, sight, application.job_id, "application note", "id")
        key = {"application_id": note.application_id}
        enqueue(db, customer_id, models.SyncEntity.APPLICATION_NOTE, note_id, models.OutboxOp.DELETE, key)
        await queries.delete_row(db, customer_id, models.Note, note_id)
    return note_id

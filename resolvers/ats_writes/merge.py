"""Merge two candidates that are one person (a flagged possible duplicate, or any pair a user picks).

As Greenhouse and Lever do it: the kept candidate takes the merged one's applications, notes, LinkedIn
identity (and with it the InMail threads and LinkedIn notes, which are keyed by member) and profile
snapshot; its empty fields are filled from the merged one; the merged one is deleted. LinkedIn learns
it through the outbox in the same transaction: the merged candidate deleted, the kept one upserted.

Both applied to the same job: the kept candidate's application stays, as one application per job
must. The merged one's stages join its history (the history is append-only, so both records of what
happened stay, in time order, and the latest stage by time becomes the status) and its notes move to
it; the merged application itself is deleted, here and on LinkedIn.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import ats_queries as queries
from models.db import SessionFactory
from models.outbox_writes import enqueue
from resolvers.ats_writes.common import not_found, transaction
from resolvers.errors import Conflict, InvalidInput

_FILLED = ("first_name", "last_name", "email", "phone", "title", "company", "mailing_city")


async def merge_candidates(
    sessions: SessionFactory, customer_id: int, keep_id: int, merge_id: int
) -> models.Candidate:
    """Fold the customer's candidate `merge_id` into `keep_id` and return the kept candidate."""
    if keep_id == merge_id:
        raise InvalidInput("A candidate cannot be merged into itself", field="mergeId")
    async with transaction(sessions) as db:
        # Both locked, in id order so two merges of the same pair cannot deadlock.
        locked = {
            cid: await queries.lock_candidate(db, customer_id, cid) for cid in sorted((keep_id, merge_id))
        }
        keep, merged = locked[keep_id], locked[merge_id]
        if keep is None:
            raise not_found("candidate", "keepId")
        if merged is None:
            raise not_found("candidate", "mergeId")
        kept_identity = await queries.identity_of(db, customer_id, keep_id)
        merged_identity = await queries.identity_of(db, customer_id, merge_id)
        if kept_identity is not None and merged_identity is not None:
            raise Conflict(
                f"The candidates are linked to different LinkedIn members ({kept_identity.person_urn} and "
                f"{merged_identity.person_urn}); unlink the wrong one first",
                field="mergeId",
            )
        await _move_applications(db, customer_id, keep_id, merge_id)
        await queries.move_export_requests(db, customer_id, candidate=(merge_id, keep_id))
        for note in await queries.notes_of_candidate(db, customer_id, merge_id):
            note.candidate_id = keep_id
            if note.application_id is None:
                assert note.id is not None
                key = {"candidate_id": keep_id}
                enqueue(
                    db, customer_id, models.SyncEntity.CANDIDATE_NOTE, note.id, models.OutboxOp.UPSERT, key
                )
        if merged_identity is not None:
            # The member comes with its snapshot; the kept candidate's own described no member of its own.
            kept_profile = await queries.profile_of(db, customer_id, keep_id)
            if kept_profile is not None:
                await queries.delete_rows(db, customer_id, [kept_profile])
            merged_profile = await queries.profile_of(db, customer_id, merge_id)
            if merged_profile is not None:
                merged_profile.candidate_id = keep_id
            merged_identity.candidate_id = keep_id
        await queries.flush(db)
        # Whoever was flagged as the merged one's duplicate now is the kept one's.
        for duplicate in await queries.duplicates_of(db, customer_id, merge_id):
            if duplicate.id != keep_id:
                duplicate.possible_duplicate_of_id = keep_id
        filled = {attr: getattr(merged, attr) for attr in _FILLED if getattr(keep, attr) is None}
        do_not_contact = keep.do_not_contact or merged.do_not_contact
        enqueue(db, customer_id, models.SyncEntity.CANDIDATE, merge_id, models.OutboxOp.DELETE)
        # Deleted first: the merged one's email is free before the kept one takes it.
        await queries.delete_row(db, customer_id, models.Candidate, merge_id)
        await queries.flush(db)
        await db.refresh(keep)  # the delete's ON DELETE SET NULL may have cleared its flag
        for attr, value in filled.items():
            setattr(keep, attr, value)
        keep.do_not_contact = do_not_contact
        keep.updated_at = models.utcnow()
        enqueue(db, customer_id, models.SyncEntity.CANDIDATE, keep_id, models.OutboxOp.UPSERT)
        # Applications repeat the candidate's names and email, and the moved ones name it now.
        for application_id, job_id in await queries.application_keys_of_candidate(db, customer_id, keep_id):
            key = {"candidate_id": keep_id, "job_id": job_id}
            enqueue(
                db, customer_id, models.SyncEntity.APPLICATION, application_id, models.OutboxOp.UPSERT, key
            )
        await queries.flush(db)
    return keep


async def _move_applications(db: AsyncSession, customer_id: int, keep_id: int, merge_id: int) -> None:
    kept_by_job = {
        app.job_id: app for app in await queries.applications_of_candidate(db, customer_id, keep_id)
    }
    for app in await queries.applications_of_candidate(db, customer_id, merge_id):
        assert app.id is not None
        kept = kept_by_job.get(app.job_id)
        if kept is None:
            app.candidate_id = keep_id
            continue
        assert kept.id is not None
        for stage in await queries.stages_of_application(db, customer_id, app.id):
            stage.application_id = kept.id
            assert stage.id is not None
            key = {"application_id": kept.id}
            enqueue(
                db, customer_id, models.SyncEntity.APPLICATION_STAGE, stage.id, models.OutboxOp.UPSERT, key
            )
        if app.last_activity_at > kept.last_activity_at:
            kept.status, kept.last_activity_at = app.status, app.last_activity_at
        for note in await queries.notes_of_candidate(db, customer_id, merge_id):
            if note.application_id == app.id:
                note.application_id = kept.id
                assert note.id is not None
                key = {"application_id": kept.id}
                enqueue(
                    db, customer_id, models.SyncEntity.APPLICATION_NOTE, note.id, models.OutboxOp.UPSERT, key
                )
        await queries.move_export_requests(db, customer_id, application=(app.id, kept.id))
        await queries.flush(db)
        enqueue(
            db,
            customer_id,
            models.SyncEntity.APPLICATION,
            app.id,
            models.OutboxOp.DELETE,
            {"candidate_id": merge_id, "job_id": app.job_id},
        )
        await queries.delete_row(db, customer_id, models.Application, app.id)
    await queries.flush(db)

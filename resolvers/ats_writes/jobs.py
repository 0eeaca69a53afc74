"""Create and update jobs, with their JOB UPSERT events in the same transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import models
from models import ats_queries as queries
from models import customer_queries
from models.db import SessionFactory
from models.job_sight import EVERY_JOB, JobSight
from models.outbox_writes import enqueue
from resolvers.ats_writes.common import camel, not_found, require_visible_job, transaction
from resolvers.ats_writes.validation import TITLE_MAX, Checker
from resolvers.errors import HasApplications


@dataclass(frozen=True, slots=True)
class JobFields:
    """Everything an ATS user may set on a job; a new job's availability, unless given, is the customer's
    choice (`updateCustomerSettings`: private to the integration unless it chose PUBLIC, RSC-102)."""

    title: str = ""
    description: str = ""
    location: str | None = None
    company_apply_url: str | None = None
    state: models.JobState = models.JobState.OPEN
    availability: models.JobAvailability | None = None


def clean_job_fields(changes: Mapping[str, object]) -> dict[str, object]:
    """The given fields checked and stripped; every bad field raised at once."""
    checker = Checker()
    clean: dict[str, object] = {}
    for attr, value in changes.items():
        field = camel(attr)
        text = value if isinstance(value, str) else None
        if attr == "title":
            clean[attr] = checker.required_text(text, field, max_len=TITLE_MAX, label="Title")
        elif attr == "description":
            clean[attr] = (text or "").strip()
        elif attr == "location":
            clean[attr] = checker.optional_text(text, field, max_len=200, label="Location")
        elif attr == "company_apply_url":
            clean[attr] = checker.url(text, field)
        elif attr in ("state", "availability"):
            if value is None:
                checker.fail(field, f"{field} must not be null")
            clean[attr] = value
        else:
            raise ValueError(f"not a job field: {attr}")
    checker.done()
    return clean


async def create_job(sessions: SessionFactory, customer_id: int, fields: JobFields) -> models.Job:
    """A new job of the customer, and its JOB UPSERT event."""
    given = dataclasses.asdict(fields)
    if given["availability"] is None:
        del given["availability"]
    clean = clean_job_fields(given)
    async with transaction(sessions) as db:
        row = models.Job(customer_id=customer_id, title="")
        if "availability" not in clean:
            customer = await customer_queries.customer_by_id(db, customer_id)
            if customer is not None:
                row.availability = customer.job_availability
        for attr, value in clean.items():
            setattr(row, attr, value)
        row = await queries.insert(db, customer_id, row)
        assert row.id is not None
        enqueue(db, customer_id, models.SyncEntity.JOB, row.id, models.OutboxOp.UPSERT)
    return row


async def update_job(
    sessions: SessionFactory,
    customer_id: int,
    job_id: int,
    changes: Mapping[str, object],
    *,
    sight: JobSight = EVERY_JOB,
) -> models.Job:
    """Change only the given fields (closing a job included); an event only when something changed."""
    clean = clean_job_fields(changes)
    async with transaction(sessions) as db:
        row = await queries.row_for_update(db, customer_id, models.Job, job_id)
        if row is None:
            raise not_found("job", "id")
        await require_visible_job(db, customer_id, sight, job_id, "job", "id")
        changed = {attr: value for attr, value in clean.items() if getattr(row, attr) != value}
        if changed:
            for attr, value in changed.items():
                setattr(row, attr, value)
            row.updated_at = models.utcnow()
            enqueue(db, customer_id, models.SyncEntity.JOB, job_id, models.OutboxOp.UPSERT)
            if "title" in changed:
                # LinkedIn's application records repeat the job title (atsJobPostingName).
                for application_id, candidate_id in await queries.application_keys_of_job(
                    db, customer_id, job_id
                ):
                    key = {"candidate_id": candidate_id, "job_id": job_id}
                    enqueue(
                        db,
                        customer_id,
                        models.SyncEntity.APPLICATION,
                        application_id,
                        models.OutboxOp.UPSERT,
                        key,
                    )
            await queries.flush(db)
    return row


def closing_key(job: models.Job) -> dict[str, object]:
    """What LinkedIn needs to close a job once its row is gone (a job is closed there, not deleted):
    the posting's fields, which are the customer's job data, never a person's."""
    return {
        "title": job.title,
        "description": job.description,
        "location": job.location,
        "company_apply_url": job.company_apply_url,
        "listed_at": job.created_at.isoformat(),
        "public": job.availability is models.JobAvailability.PUBLIC,
    }


async def delete_job(
    sessions: SessionFactory,
    customer_id: int,
    job_id: int,
    *,
    cascade: bool = False,
    sight: JobSight = EVERY_JOB,
) -> tuple[int, int]:
    """Delete a job; while candidates have applied to it HAS_APPLICATIONS (field `cascade`) unless
    `cascade`, which deletes its applications too (each mirrored on LinkedIn, whose children go with
    them there). On LinkedIn the job is closed (state CLOSED). Returns (job id, applications deleted)."""
    async with transaction(sessions) as db:
        row = await queries.row_for_update(db, customer_id, models.Job, job_id)
        if row is None:
            raise not_found("job", "id")
        await require_visible_job(db, customer_id, sight, job_id, "job", "id")
        applications = await queries.application_keys_of_job(db, customer_id, job_id)
        if applications and not cascade:
            raise HasApplications(
                f"{len(applications)} application(s) are on this job: close it with updateJob(state: "
                "CLOSED), or pass cascade: true to delete them with it",
                field="cascade",
            )
        # Children first: the applications' deletes, then the job's closing (the worker sends them in
        # dependency order too).
        for application_id, candidate_id in applications:
            key = {"candidate_id": candidate_id, "job_id": job_id}
            enqueue(
                db, customer_id, models.SyncEntity.APPLICATION, application_id, models.OutboxOp.DELETE, key
            )
        enqueue(db, customer_id, models.SyncEntity.JOB, job_id, models.OutboxOp.DELETE, closing_key(row))
        await queries.delete_row(db, customer_id, models.Job, job_id)
    return job_id, len(applications)

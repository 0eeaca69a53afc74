"""Add, update and delete interview feedback on applications, with their outbox events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import ats_queries as queries
from models.db import SessionFactory
from models.job_sight import EVERY_JOB, JobSight
from models.outbox_writes import enqueue
from resolvers.ats_writes.common import not_found, require_visible_job, transaction
from resolvers.ats_writes.validation import NAME_MAX, Checker

FEEDBACK_MAX = 10_000
ATTRIBUTE_MAX = 200
RESULT_MAX = 200
EVALUATIONS_MAX = 50


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One judged attribute, e.g. "Verbal Communication" → "4/5"."""

    attribute: str
    result: str


@dataclass(frozen=True, slots=True)
class FeedbackFields:
    """Everything an ATS user sets on interview feedback (an update replaces all of it, as LinkedIn's
    PUT does)."""

    interviewer_first_name: str
    interviewer_last_name: str
    feedback: str = ""
    evaluations: Sequence[Evaluation] = ()
    interview_type: models.InterviewType | None = None
    at: datetime | None = None


def _clean(fields: FeedbackFields) -> dict[str, object]:
    checker = Checker()
    first = checker.required_text(
        fields.interviewer_first_name, "interviewerFirstName", max_len=NAME_MAX, label="First name"
    )
    last = checker.required_text(
        fields.interviewer_last_name, "interviewerLastName", max_len=NAME_MAX, label="Last name"
    )
    text = (fields.feedback or "").strip()
    if len(text) > FEEDBACK_MAX:
        checker.fail("feedback", f"Feedback must be at most {FEEDBACK_MAX} characters")
    if len(fields.evaluations) > EVALUATIONS_MAX:
        checker.fail("evaluations", f"At most {EVALUATIONS_MAX} evaluations")
    evaluations = []
    for each in fields.evaluations[:EVALUATIONS_MAX]:
        attribute = checker.required_text(
            each.attribute, "evaluations", max_len=ATTRIBUTE_MAX, label="An evaluation's attribute"
        )
        result = checker.required_text(
            each.result, "evaluations", max_len=RESULT_MAX, label="An evaluation's result"
        )
        evaluations.append({"attribute": attribute, "result": result})
    at = checker.moment(fields.at, "at")
    checker.done()
    return {
        "interviewer_first_name": first,
        "interviewer_last_name": last,
        "feedback": text,
        "evaluations": evaluations,
        "interview_type": fields.interview_type,
        "created_at": at,
    }


def _key(application_id: int) -> dict[str, int]:
    return {"application_id": application_id}


async def add_interview_feedback(
    sessions: SessionFactory,
    customer_id: int,
    application_id: int,
    fields: FeedbackFields,
    *,
    sight: JobSight = EVERY_JOB,
) -> models.InterviewFeedback:
    """New feedback on an application, and its INTERVIEW_FEEDBACK UPSERT event."""
    clean = _clean(fields)
    async with transaction(sessions) as db:
        application = await queries.row_for_update(db, customer_id, models.Application, application_id)
        if application is None:
            raise not_found("application", "applicationId")
        await require_visible_job(db, customer_id, sight, application.job_id, "application", "applicationId")
        row = models.InterviewFeedback.model_validate(
            {"customer_id": customer_id, "application_id": application_id, **clean}
        )
        row = await queries.insert(db, customer_id, row)
        assert row.id is not None
        enqueue(
            db,
            customer_id,
            models.SyncEntity.INTERVIEW_FEEDBACK,
            row.id,
            models.OutboxOp.UPSERT,
            _key(application_id),
        )
    return row


async def _locked_feedback(
    db: AsyncSession, customer_id: int, feedback_id: int, sight: JobSight
) -> models.InterviewFeedback:
    row = await queries.row_for_update(db, customer_id, models.InterviewFeedback, feedback_id)
    if row is None:
        raise not_found("interview feedback", "id")
    application = await queries.row_for_update(db, customer_id, models.Application, row.application_id)
    if application is not None:
        await require_visible_job(db, customer_id, sight, application.job_id, "interview feedback", "id")
    return row


async def update_interview_feedback(
    sessions: SessionFactory,
    customer_id: int,
    feedback_id: int,
    fields: FeedbackFields,
    *,
    sight: JobSight = EVERY_JOB,
) -> models.InterviewFeedback:
    """Replace the feedback's content (LinkedIn's PUT replaces it too); an event only when it changed."""
    clean = _clean(fields)
    if fields.at is None:
        del clean["created_at"]  # no time given: the feedback keeps when it was given
    async with transaction(sessions) as db:
        row = await _locked_feedback(db, customer_id, feedback_id, sight)
        changed = {attr: value for attr, value in clean.items() if getattr(row, attr) != value}
        if changed:
            for attr, value in changed.items():
                setattr(row, attr, value)
            row.updated_at = models.utcnow()
            enqueue(
                db,
                customer_id,
                models.SyncEntity.INTERVIEW_FEEDBACK,
                feedback_id,
                models.OutboxOp.UPSERT,
                _key(row.application_id),
            )
            await queries.flush(db)
    return row


async def delete_interview_feedback(
    sessions: SessionFactory, customer_id: int, feedback_id: int, *, sight: JobSight = EVERY_JOB
) -> int:
    """Delete feedback; its DELETE event's key names the application (LinkedIn's path needs it)."""
    async with transaction(sessions) as db:
        row = await _locked_feedback(db, customer_id, feedback_id, sight)
        enqueue(
            db,
            customer_id,
            models.SyncEntity.INTERVIEW_FEEDBACK,
            feedback_id,
            models.OutboxOp.DELETE,
            _key(row.application_id),
        )
        await queries.delete_row(db, customer_id, models.InterviewFeedback, feedback_id)
    return feedback_id

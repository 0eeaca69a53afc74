"""Queries over one customer's push notifications, One-Click Export requests and the job rows an export
touches; callers own the transaction. Notification and request ids are LinkedIn's, unique per customer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, Job
from models.integration import ExportRequest, ExportStatus, WebhookNotification
from models.job_sight import EVERY_JOB, JobSight, visible_job


async def notification_known(db: AsyncSession, customer_id: int, notification_id: str) -> bool:
    """Whether a push with this id was already recorded for the customer."""
    statement = select(WebhookNotification.id).where(
        col(WebhookNotification.customer_id) == customer_id,
        col(WebhookNotification.notification_id) == notification_id,
    )
    return (await db.exec(statement)).first() is not None


def add_notification(
    db: AsyncSession,
    customer_id: int,
    notification_id: str,
    kind: str,
    payload: dict[str, Any],
    *,
    processed_at: datetime | None = None,
) -> WebhookNotification:
    """Stage a received push in the caller's transaction (`processed_at` set: nothing more to do)."""
    row = WebhookNotification(
        customer_id=customer_id,
        notification_id=notification_id,
        type=kind,
        payload=payload,
        processed_at=processed_at,
    )
    db.add(row)
    return row


async def export_request(
    db: AsyncSession, customer_id: int, request_id: str, *, sight: JobSight = EVERY_JOB
) -> ExportRequest | None:
    """The customer's export request with LinkedIn's request id, if recorded (and `sight` may see it)."""
    statement = select(ExportRequest).where(
        col(ExportRequest.customer_id) == customer_id,
        col(ExportRequest.request_id) == request_id,
        *_visible_export(sight),
    )
    return (await db.exec(statement)).first()


def _visible_export(sight: JobSight) -> list[sa.ColumnElement[bool]]:
    # An export whose application is on a secured job `sight` may not see is as hidden as the application.
    hidden = visible_job(sight, col(Application.customer_id), col(Application.job_id))
    if not hidden:
        return []
    return [
        sa.or_(
            col(ExportRequest.application_id).is_(None),
            sa.exists().where(
                col(Application.customer_id) == col(ExportRequest.customer_id),
                col(Application.id) == col(ExportRequest.application_id),
                *hidden,
            ),
        )
    ]


def add_export_request(db: AsyncSession, customer_id: int, request_id: str) -> ExportRequest:
    """Stage a new PENDING export request in the caller's transaction."""
    row = ExportRequest(customer_id=customer_id, request_id=request_id, status=ExportStatus.PENDING)
    db.add(row)
    return row


async def pending_request_ids(db: AsyncSession, customer_id: int, limit: int) -> list[str]:
    """Request ids of the customer's PENDING exports, oldest first."""
    statement = (
        select(ExportRequest.request_id)
        .where(
            col(ExportRequest.customer_id) == customer_id, col(ExportRequest.status) == ExportStatus.PENDING
        )
        .order_by(col(ExportRequest.id))
        .limit(limit)
    )
    return list((await db.exec(statement)).all())


async def export_requests_page(
    db: AsyncSession,
    customer_id: int,
    *,
    status: ExportStatus | None,
    offset: int,
    limit: int,
    sight: JobSight = EVERY_JOB,
) -> tuple[list[ExportRequest], int]:
    """One page of the customer's export requests, newest first, and how many match in all; an export
    whose application is on a secured job `sight` may not see is left out."""
    where = [col(ExportRequest.customer_id) == customer_id, *_visible_export(sight)]
    if status is not None:
        where.append(col(ExportRequest.status) == status)
    total = (await db.exec(select(func.count()).select_from(ExportRequest).where(*where))).one()
    statement = (
        select(ExportRequest).where(*where).order_by(col(ExportRequest.id).desc()).offset(offset).limit(limit)
    )
    return list((await db.exec(statement)).all()), int(total)


async def export_requests_by_ids(
    db: AsyncSession, customer_id: int, ids: Sequence[int], *, sight: JobSight
) -> dict[int, ExportRequest]:
    """The customer's export requests keyed by row id, those `sight` may not see absent."""
    if not ids:
        return {}
    statement = select(ExportRequest).where(
        col(ExportRequest.customer_id) == customer_id,
        col(ExportRequest.id).in_(list(set(ids))),
        *_visible_export(sight),
    )
    return {row.id: row for row in (await db.exec(statement)).all() if row.id is not None}


async def exports_per_seat(
    db: AsyncSession, customer_id: int, since: datetime, until: datetime
) -> dict[str, int]:
    """How many exports each seat made in [since, until), by LinkedIn's export time (else receipt)."""
    moment = func.coalesce(col(ExportRequest.exported_at), col(ExportRequest.received_at))
    statement = (
        select(ExportRequest.seat_urn, func.count())
        .where(
            col(ExportRequest.customer_id) == customer_id,
            col(ExportRequest.seat_urn).is_not(None),
            moment >= since,
            moment < until,
        )
        .group_by(col(ExportRequest.seat_urn))
    )
    return {str(seat): int(count) for seat, count in (await db.exec(statement)).all()}


def is_unique_violation(error: sa.exc.IntegrityError) -> bool:
    """Whether an IntegrityError comes from a unique constraint (a concurrent insert won the race)."""
    text = str(error.orig).lower()
    return "unique" in text or "duplicate key" in text


async def mark_notification_processed(
    db: AsyncSession, customer_id: int, notification_id: str, at: datetime
) -> None:
    """Stamp when the work behind a push finished (no-op for an export replayed without a push)."""
    await db.exec(
        sa.update(WebhookNotification)
        .where(
            col(WebhookNotification.customer_id) == customer_id,
            col(WebhookNotification.notification_id) == notification_id,
        )
        .values(processed_at=at)
    )


async def job(db: AsyncSession, customer_id: int, job_id: int) -> Job | None:
    """One of the customer's jobs by id."""
    return await db.get(Job, (customer_id, job_id))


async def application(db: AsyncSession, customer_id: int, application_id: int) -> Application | None:
    """One of the customer's applications by id."""
    return await db.get(Application, (customer_id, application_id))


async def application_for(
    db: AsyncSession, customer_id: int, candidate_id: int, job_id: int
) -> Application | None:
    """The application of a candidate to a job (unique per pair), if any."""
    statement = select(Application).where(
        col(Application.customer_id) == customer_id,
        col(Application.candidate_id) == candidate_id,
        col(Application.job_id) == job_id,
    )
    return (await db.exec(statement)).first()

"""Interview feedback on an application, shaped as LinkedIn takes it (shared/linkedin-rsc.md §2.7)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import UTCDateTime, created_at_field, enum_type, utcnow
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk


class InterviewType(enum.StrEnum):
    PHONE_SCREEN = "PHONE_SCREEN"
    ONSITE = "ONSITE"


class InterviewFeedback(SQLModel, table=True):
    """What an interviewer made of a candidate in one interview for one application; the customer's."""

    __tablename__ = "interview_feedback"
    __table_args__ = (
        sa.Index("ix_interview_feedback_application", "customer_id", "application_id", "created_at"),
        tenant_fk("application_id", "application", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    application_id: int
    interviewer_first_name: str = Field(max_length=100)
    interviewer_last_name: str = Field(max_length=100)
    # [{"attribute": "Verbal Communication", "result": "4/5"}, ...] in the interviewer's order.
    evaluations: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    feedback: str = Field(default="")
    interview_type: InterviewType | None = Field(default=None, sa_type=enum_type(InterviewType))
    # LinkedIn's atsCreatedAt: when the feedback was given.
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


async def feedback_by_application_ids(
    db: AsyncSession, customer_id: int, application_ids: Sequence[int]
) -> dict[int, list[InterviewFeedback]]:
    """The customer's feedback per application, oldest first (one statement)."""
    out: dict[int, list[InterviewFeedback]] = {i: [] for i in application_ids}
    if not application_ids:
        return out
    statement = (
        select(InterviewFeedback)
        .where(
            col(InterviewFeedback.customer_id) == customer_id,
            col(InterviewFeedback.application_id).in_(sorted(set(application_ids))),
        )
        .order_by(col(InterviewFeedback.created_at), col(InterviewFeedback.id))
    )
    for row in (await db.exec(statement)).all():
        out.setdefault(row.application_id, []).append(row)
    return out


async def feedback_by_ids(
    db: AsyncSession, customer_id: int, ids: Sequence[int]
) -> dict[int, InterviewFeedback]:
    """The customer's feedback rows by id (one statement); unknown ids are left out."""
    if not ids:
        return {}
    statement = select(InterviewFeedback).where(
        col(InterviewFeedback.customer_id) == customer_id, col(InterviewFeedback.id).in_(sorted(set(ids)))
    )
    return {row.id: row for row in (await db.exec(statement)).all() if row.id is not None}


__all__ = ["InterviewFeedback", "InterviewType", "feedback_by_application_ids", "feedback_by_ids"]

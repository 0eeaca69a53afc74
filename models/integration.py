"""Integration state: poll watermarks, the outbox to LinkedIn, sync results, exports, leases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from models.base import UTCDateTime, created_at_field, enum_type, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk


class SyncEntity(enum.StrEnum):
    JOB = "JOB"
    CANDIDATE = "CANDIDATE"
    CANDIDATE_NOTE = "CANDIDATE_NOTE"
    APPLICATION = "APPLICATION"
    APPLICATION_NOTE = "APPLICATION_NOTE"
    APPLICATION_STAGE = "APPLICATION_STAGE"
    INTERVIEW_FEEDBACK = "INTERVIEW_FEEDBACK"
    # A secured job's ACLs (atsEntityAcls: its groups), keyed by the job's id.
    ENTITY_ACL = "ENTITY_ACL"
    # A user's ACL assignments (atsEntityAclAssignees: its groups, by person URN), keyed by the user's id.
    ACL_ASSIGNEE = "ACL_ASSIGNEE"


class OutboxOp(enum.StrEnum):
    UPSERT = "UPSERT"
    DELETE = "DELETE"


class OutboxStatus(enum.StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    PARKED = "PARKED"
    SKIPPED = "SKIPPED"


class ExportStatus(enum.StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"


class SyncWatermark(SQLModel, table=True):
    """How far one poll stream has been stored, per Recruiter seat."""

    __tablename__ = "sync_watermark"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "stream", "seat_urn", name="uq_sync_watermark_stream_seat"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    stream: str = Field(max_length=50)
    seat_urn: str = Field(max_length=100)
    watermark: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # How far back the first poll's history reaches so far: it walks from the watermark back, newest
    # windows first, until the initial lookback; None when the history is complete (or was never asked).
    history_from: datetime | None = timestamp_field()
    updated_at: datetime = created_at_field()


class OutboxEvent(SQLModel, table=True):
    """An ATS change LinkedIn must see, written in the same transaction as the change."""

    __tablename__ = "outbox_event"
    __table_args__ = (
        sa.Index("ix_outbox_event_due", "customer_id", "status", "next_attempt_at", "id"),
        sa.Index("ix_outbox_event_entity", "customer_id", "entity_type", "entity_id"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    entity_type: SyncEntity = Field(sa_type=enum_type(SyncEntity))
    entity_id: int
    op: OutboxOp = Field(sa_type=enum_type(OutboxOp))
    # Keys LinkedIn needs after the ATS row is gone (a delete), e.g. the parent application id.
    key: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=enum_type(OutboxStatus))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = created_at_field()
    locked_until: datetime | None = timestamp_field()
    last_error: str | None = Field(default=None)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = timestamp_field()


class SyncStatus(SQLModel, table=True):
    """The last push of one ATS record to LinkedIn and LinkedIn's answer for its key."""

    __tablename__ = "sync_status"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "entity_type", "entity_id", name="uq_sync_status_entity"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    entity_type: SyncEntity = Field(sa_type=enum_type(SyncEntity))
    entity_id: int
    status: OutboxStatus = Field(sa_type=enum_type(OutboxStatus))
    last_pushed_at: datetime | None = timestamp_field()
    error: str | None = Field(default=None)
    updated_at: datetime = created_at_field()


class ExportRequest(SQLModel, table=True):
    """One One-Click Export notification, deduplicated by LinkedIn's request id, with its outcome."""

    __tablename__ = "export_request"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "request_id"),
        sa.Index("ix_export_request_status", "customer_id", "status"),
        sa.Index("ix_export_request_seat_urn", "customer_id", "seat_urn"),
        tenant_fk("candidate_id", "candidate", ondelete="SET NULL"),
        tenant_fk("application_id", "application", ondelete="SET NULL"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    request_id: str = Field(max_length=200)
    status: ExportStatus = Field(default=ExportStatus.PENDING, sa_type=enum_type(ExportStatus))
    seat_urn: str | None = Field(default=None, max_length=100)
    member_urn: str | None = Field(default=None, max_length=100)
    external_job_id: str | None = Field(default=None, max_length=100)
    candidate_id: int | None = Field(default=None)
    application_id: int | None = Field(default=None)
    candidate_created: bool | None = Field(default=None)
    match_reason: str | None = Field(default=None, max_length=200)
    attempts: int = Field(default=0)
    error: str | None = Field(default=None)
    received_at: datetime = created_at_field()
    exported_at: datetime | None = timestamp_field()
    completed_at: datetime | None = timestamp_field()


class WebhookNotification(SQLModel, table=True):
    """Every push LinkedIn delivered, recorded before it is acknowledged; the id makes replays no-ops."""

    __tablename__ = "webhook_notification"
    __table_args__ = (sa.UniqueConstraint("customer_id", "notification_id"),)

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    notification_id: str = Field(max_length=200)
    type: str = Field(max_length=100)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    received_at: datetime = created_at_field()
    processed_at: datetime | None = timestamp_field()


class Lease(SQLModel, table=True):
    """A named lease for single-flight work across processes (e.g. one customer's LinkedIn poll).

    Coordination, not a customer's data: per-customer work names its lease after the customer
    (`poll:7`), and under Citus this small table stays on the coordinator as a local table.
    """

    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=100)
    holder: str = Field(max_length=200)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


__all__ = [
    "ExportRequest",
    "ExportStatus",
    "Lease",
    "OutboxEvent",
    "OutboxOp",
    "OutboxStatus",
    "SyncEntity",
    "SyncStatus",
    "SyncWatermark",
    "WebhookNotification",
]

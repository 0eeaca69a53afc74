"""The audit log: who did what, when, in which customer. Never candidate PII beyond ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from models.base import created_at_field
from models.tenant_keys import customer_id_field, row_id_field


class AuditEntry(SQLModel, table=True):
    """One action of a user, an API key or an operator."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_at", "customer_id", "at", "id"),)

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    at: datetime = created_at_field()
    # The user's email, "api key <id>" or the operator's email: staff, not candidates.
    actor: str = Field(max_length=320)
    actor_user_id: int | None = Field(default=None)
    actor_api_key_id: int | None = Field(default=None)
    # The mutation or event name (`createApiKey`, `signIn`, ...).
    action: str = Field(max_length=100)
    # Global ids of what it acted on; never names, emails or bodies.
    target: str | None = Field(default=None, max_length=500)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


__all__ = ["AuditEntry"]

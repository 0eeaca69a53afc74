"""The audit log: who did what, when, in which customer. Never candidate PII beyond ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

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


async def add_entries(db: AsyncSession, entries: Sequence[AuditEntry]) -> None:
    """Add entries in the caller's transaction (each already names its customer)."""
    db.add_all(list(entries))
    await db.flush()


async def audit_page(
    db: AsyncSession, customer_id: int, *, offset: int, limit: int, action: str | None = None
) -> tuple[list[AuditEntry], int]:
    """One page of the customer's audit log, newest first (only `action`'s entries when given), and how
    many entries match in all."""
    where = [col(AuditEntry.customer_id) == customer_id]
    if action is not None:
        where.append(col(AuditEntry.action) == action)
    total = (await db.exec(select(func.count()).select_from(AuditEntry).where(*where))).one()
    statement = (
        select(AuditEntry)
        .where(*where)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await db.exec(statement)).all()), total


__all__ = ["AuditEntry", "add_entries", "audit_page"]

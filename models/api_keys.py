"""API keys of service clients (search enrichment, scripts): one customer, one role, stored hashed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_at_field, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk


class ApiKey(SQLModel, table=True):
    """A key's hash (never the key), its scope and its use."""

    __tablename__ = "api_key"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "key_hash"),
        # A presented key names no customer: it is found by its hash alone.
        sa.Index("ix_api_key_key_hash", "key_hash"),
        tenant_fk("created_by_user_id", "ats_user", ondelete="SET NULL"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    name: str = Field(max_length=100)
    role: str = Field(max_length=32)
    # The key's first characters, shown so an admin can tell keys apart; not enough to use it.
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=128)
    created_by_user_id: int | None = Field(default=None)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()


__all__ = ["ApiKey"]

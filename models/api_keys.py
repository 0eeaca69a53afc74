"""API keys of service clients (search enrichment, scripts): one customer, one role, stored hashed."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import created_at_field, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk
from models.upsert import table_of


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


async def add_api_key(
    db: AsyncSession,
    customer_id: int,
    *,
    name: str,
    role: str,
    prefix: str,
    key_hash: str,
    created_by_user_id: int | None,
) -> ApiKey:
    """A new key of the customer (flushed, not committed)."""
    row = ApiKey(
        customer_id=customer_id,
        name=name,
        role=role,
        prefix=prefix,
        key_hash=key_hash,
        created_by_user_id=created_by_user_id,
    )
    db.add(row)
    await db.flush()
    return row


async def active_api_key(db: AsyncSession, customer_id: int, key_hash: str) -> ApiKey | None:
    """The customer's unrevoked key with this hash (one statement, on the (customer, hash) index)."""
    statement = select(ApiKey).where(
        col(ApiKey.customer_id) == customer_id,
        col(ApiKey.key_hash) == key_hash,
        col(ApiKey.revoked_at).is_(None),
    )
    return (await db.exec(statement)).first()


async def mark_api_key_used(
    db: AsyncSession, customer_id: int, key_id: int, *, at: datetime, every: timedelta
) -> None:
    """Set the key's `last_used_at` to `at` unless it was set less than `every` before (across
    processes: the condition is in the statement)."""
    table = table_of(ApiKey)
    stale = sa.or_(table.c.last_used_at.is_(None), table.c.last_used_at < at - every)
    await db.exec(
        sa.update(table)
        .where(table.c.customer_id == customer_id, table.c.id == key_id, stale)
        .values(last_used_at=at)
    )


async def revoke_api_key(db: AsyncSession, customer_id: int, key_id: int, *, at: datetime) -> ApiKey | None:
    """Revoke the customer's key (a revoked one keeps its first revocation time); None if it has none
    with this id."""
    row = (
        await db.exec(select(ApiKey).where(col(ApiKey.customer_id) == customer_id, col(ApiKey.id) == key_id))
    ).first()
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = at
        db.add(row)
        await db.flush()
    return row


async def api_keys_page(
    db: AsyncSession, customer_id: int, *, offset: int, limit: int
) -> tuple[list[ApiKey], int]:
    """One page of the customer's keys, newest first, and how many there are in all."""
    mine = col(ApiKey.customer_id) == customer_id
    total = (await db.exec(select(func.count()).select_from(ApiKey).where(mine))).one()
    statement = (
        select(ApiKey)
        .where(mine)
        .order_by(col(ApiKey.created_at).desc(), col(ApiKey.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await db.exec(statement)).all()), total


__all__ = ["ApiKey", "active_api_key", "add_api_key", "api_keys_page", "mark_api_key_used", "revoke_api_key"]

"""Erased people, per customer: a keyed HMAC of the person URN (never the URN), so a poll does not
rebuild someone from old InMails or notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import created_at_field
from models.tenant_keys import customer_id_field, row_id_field


class MemberTombstone(SQLModel, table=True):
    """One erased LinkedIn member of one customer."""

    __tablename__ = "member_tombstone"
    __table_args__ = (sa.UniqueConstraint("customer_id", "urn_hmac", name="uq_member_tombstone_hmac"),)

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    # Hex HMAC-SHA256 of the person URN under the tombstone key (resolvers/member_digest.py).
    urn_hmac: str = Field(max_length=64)
    reason: str | None = Field(default=None, max_length=500)
    erased_at: datetime = created_at_field()


_T = MemberTombstone.__table__  # type: ignore[attr-defined]

# The class of PostgreSQL advisory locks that order a customer's erasures with its poll windows (the
# second key is the customer id). A window holds it shared from its tombstone check to its commit and an
# erasure holds it exclusively: a window that checked before the erasure commits before the erasure's
# deletes run (so they remove what it wrote), and a window that starts later waits and sees the
# tombstone. SQLite needs none: it runs one writer at a time, and a window whose read came before an
# erasure's commit fails to write (busy snapshot) and is polled again.
ERASURE_LOCK_CLASS = 0x72736701


async def hold_off_erasures(db: AsyncSession, customer_id: int) -> None:
    """Until the caller's transaction ends, no erasure of the customer runs (shared: windows run on)."""
    if db.get_bind().dialect.name == "postgresql":
        await db.exec(select(sa.func.pg_advisory_xact_lock_shared(ERASURE_LOCK_CLASS, customer_id)))


async def exclude_mirror_writes(db: AsyncSession, customer_id: int) -> None:
    """Wait for the customer's poll windows under way, and keep new ones waiting until the caller's
    transaction (an erasure) ends."""
    if db.get_bind().dialect.name == "postgresql":
        await db.exec(select(sa.func.pg_advisory_xact_lock(ERASURE_LOCK_CLASS, customer_id)))


async def add_tombstones(
    db: AsyncSession, customer_id: int, digests: Sequence[str], *, reason: str | None, at: datetime
) -> None:
    """One tombstone per digest (an existing one keeps its first erasure); the caller commits."""
    if not digests:
        return
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [
        {"customer_id": customer_id, "urn_hmac": d, "reason": reason, "erased_at": at}
        for d in sorted(set(digests))
    ]
    await db.exec(insert(_T).values(rows).on_conflict_do_nothing(index_elements=["customer_id", "urn_hmac"]))


async def tombstoned(db: AsyncSession, customer_id: int, digests: Sequence[str]) -> set[str]:
    """Which of these digests are the customer's tombstones (one statement)."""
    if not digests:
        return set()
    statement = select(MemberTombstone.urn_hmac).where(
        col(MemberTombstone.customer_id) == customer_id,
        col(MemberTombstone.urn_hmac).in_(sorted(set(digests))),
    )
    return set((await db.exec(statement)).all())


async def clear_tombstones(db: AsyncSession, customer_id: int, digests: Sequence[str]) -> int:
    """Remove the customer's tombstones of these digests (a deliberate re-export); rows removed."""
    if not digests:
        return 0
    result = await db.exec(
        sa.delete(MemberTombstone).where(
            col(MemberTombstone.customer_id) == customer_id,
            col(MemberTombstone.urn_hmac).in_(sorted(set(digests))),
        )
    )
    return int(result.rowcount or 0)


__all__ = [
    "MemberTombstone",
    "add_tombstones",
    "clear_tombstones",
    "exclude_mirror_writes",
    "hold_off_erasures",
    "tombstoned",
]

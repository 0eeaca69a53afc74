"""Named leases in the database: single-flight work across processes, with expiry if a holder dies."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import utcnow
from models.integration import Lease
from models.upsert import insert_for, table_of


async def try_acquire(db: AsyncSession, name: str, holder: str, ttl: timedelta) -> bool:
    """Take the lease `name` for `ttl` if it is free, expired or already ours; one atomic statement.

    The caller commits; the lease is only visible to other processes after that.
    """
    now = utcnow()
    table = table_of(Lease)
    stmt = insert_for(db, Lease).values(name=name, holder=holder, expires_at=now + ttl)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=(table.c.expires_at <= now) | (table.c.holder == stmt.excluded.holder),
    ).returning(table.c.holder)
    return (await db.exec(stmt)).first() is not None


async def renew(db: AsyncSession, name: str, holder: str, ttl: timedelta) -> bool:
    """Extend our lease by `ttl` from now; False when it is no longer ours (it expired and was taken)."""
    stmt = (
        update(Lease)
        .where(col(Lease.name) == name, col(Lease.holder) == holder)
        .values(expires_at=utcnow() + ttl)
    )
    result = await db.exec(stmt)
    return bool(result.rowcount)


async def release(db: AsyncSession, name: str, holder: str) -> None:
    """Give the lease back, if it is still ours."""
    await db.exec(delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder))


async def held_until(db: AsyncSession, name: str) -> datetime | None:
    """When the current holder's lease runs out, or None when nobody holds it."""
    expires = (await db.exec(select(Lease.expires_at).where(col(Lease.name) == name))).first()
    if expires is None or expires <= utcnow():
        return None
    return expires

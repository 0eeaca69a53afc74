"""SQL of the `customer` table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.customers import Customer


async def customer_by_id(db: AsyncSession, customer_id: int) -> Customer | None:
    """One customer by id."""
    return await db.get(Customer, customer_id)


async def customer_by_key(db: AsyncSession, key: str) -> Customer | None:
    """One customer by its key."""
    return (await db.exec(select(Customer).where(col(Customer.key) == key))).first()


async def customers(db: AsyncSession) -> list[Customer]:
    """Every customer, oldest first."""
    return list((await db.exec(select(Customer).order_by(col(Customer.id)))).all())


async def first_customer(db: AsyncSession) -> Customer | None:
    """The oldest customer (the embedded default's development viewer when no key is set)."""
    return (await db.exec(select(Customer).order_by(col(Customer.id)).limit(1))).first()


async def customer_by_client_id(db: AsyncSession, client_id: str) -> Customer | None:
    """The customer whose child app has this client id."""
    return (await db.exec(select(Customer).where(col(Customer.linkedin_client_id) == client_id))).first()


async def customer_by_unique_foreign_id(db: AsyncSession, unique_foreign_id: str) -> Customer | None:
    """The customer provisioned under this uniqueForeignId."""
    statement = select(Customer).where(col(Customer.unique_foreign_id) == unique_foreign_id)
    return (await db.exec(statement)).first()


async def customers_page(db: AsyncSession, *, offset: int, limit: int) -> tuple[list[Customer], int]:
    """One page of every customer, oldest first, and how many there are (for operators)."""
    statement = select(Customer).order_by(col(Customer.id)).offset(offset).limit(limit)
    rows = list((await db.exec(statement)).all())
    total = (await db.exec(select(func.count()).select_from(Customer))).one()
    return rows, int(total)


async def mark_initial_sync_completed(db: AsyncSession, customer_id: int, at: datetime) -> datetime:
    """Record when the customer's initial sync was first seen complete (kept if already recorded);
    the caller commits. Returns the moment stored."""
    await db.exec(
        sa.update(Customer)
        .where(col(Customer.id) == customer_id, col(Customer.initial_sync_completed_at).is_(None))
        .values(initial_sync_completed_at=at)
    )
    stored = (
        await db.exec(select(Customer.initial_sync_completed_at).where(col(Customer.id) == customer_id))
    ).one()
    return stored or at


async def legacy_webhook_customer(db: AsyncSession) -> Customer | None:
    """The customer the old single `/webhooks/linkedin` URL belongs to (migrated from one customer)."""
    statement = select(Customer).where(col(Customer.legacy_webhook).is_(True)).order_by(col(Customer.id))
    return (await db.exec(statement.limit(1))).first()

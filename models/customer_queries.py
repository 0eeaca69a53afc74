"""SQL of the `customer` table."""

from __future__ import annotations

from sqlmodel import col, select
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


async def legacy_webhook_customer(db: AsyncSession) -> Customer | None:
    """The customer the old single `/webhooks/linkedin` URL belongs to (migrated from one customer)."""
    statement = select(Customer).where(col(Customer.legacy_webhook).is_(True)).order_by(col(Customer.id))
    return (await db.exec(statement.limit(1))).first()

"""The customer's LinkedIn Recruiter seats (from `seatsV2`) and the ATS user behind each."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import created_at_field, enum_type, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk
from models.upsert import insert_for
from models.users import User


class SeatMapping(enum.StrEnum):
    """How a seat came to name its user: the seatholder's person URN, or an admin's `mapSeat`."""

    PERSON_URN = "PERSON_URN"
    ADMIN = "ADMIN"


class Seat(SQLModel, table=True):
    """One Recruiter seat of the customer's contract. A seat mapped to no user shows its private items
    to admins only."""

    __tablename__ = "seat"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "seat_urn"),
        sa.Index("ix_seat_user_id", "customer_id", "user_id"),
        tenant_fk("user_id", "ats_user", ondelete="SET NULL"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    seat_urn: str = Field(max_length=100)
    # The seatholder as LinkedIn names them (seatsV2); the default way to find the user.
    holder_person_urn: str | None = Field(default=None, max_length=100)
    # False once seatsV2 stops listing the seat: its InMails and notes stay, it is no longer polled.
    active: bool = Field(default=True)
    user_id: int | None = Field(default=None)
    mapped_by: SeatMapping | None = Field(default=None, sa_type=enum_type(SeatMapping))
    synced_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()


async def users_by_seat_urns(db: AsyncSession, customer_id: int, seat_urns: Sequence[str]) -> dict[str, User]:
    """The ATS user behind each of these seats, keyed by seat URN (absent when the seat names no user)."""
    if not seat_urns:
        return {}
    statement = (
        select(Seat.seat_urn, User)
        .join(User, (col(User.customer_id) == col(Seat.customer_id)) & (col(User.id) == col(Seat.user_id)))
        .where(col(Seat.customer_id) == customer_id, col(Seat.seat_urn).in_(list(set(seat_urns))))
    )
    return dict((await db.exec(statement)).all())


async def users_with_seats(db: AsyncSession, customer_id: int) -> list[tuple[str, User]]:
    """Every seat of the customer that names a user, with that user, by seat URN."""
    statement = (
        select(Seat.seat_urn, User)
        .join(User, (col(User.customer_id) == col(Seat.customer_id)) & (col(User.id) == col(Seat.user_id)))
        .where(col(Seat.customer_id) == customer_id)
        .order_by(col(Seat.seat_urn))
    )
    return [(seat_urn, user) for seat_urn, user in (await db.exec(statement)).all()]


def _locking(db: AsyncSession) -> bool:
    # SQLite has no FOR UPDATE: its write sessions hold the database's write lock (models.db.write_session).
    return db.get_bind().dialect.name != "sqlite"


async def seats_for_update(db: AsyncSession, customer_id: int) -> list[Seat]:
    """Every seat of the customer, locked until the write session ends (one sync or mapping at a time)."""
    statement = select(Seat).where(col(Seat.customer_id) == customer_id).order_by(col(Seat.seat_urn))
    if _locking(db):
        statement = statement.with_for_update()
    return list((await db.exec(statement)).all())


async def seat_by_urn_for_update(db: AsyncSession, customer_id: int, seat_urn: str) -> Seat | None:
    """One seat of the customer by URN, locked until the write session ends."""
    statement = select(Seat).where(col(Seat.customer_id) == customer_id, col(Seat.seat_urn) == seat_urn)
    if _locking(db):
        statement = statement.with_for_update()
    return (await db.exec(statement)).first()


async def add_missing_seats(
    db: AsyncSession, customer_id: int, seat_urns: Sequence[str], *, now: datetime
) -> None:
    """Insert the seats not stored yet (a concurrent sync that inserted one first is no error)."""
    if not seat_urns:
        return
    statement = insert_for(db, Seat).on_conflict_do_nothing(index_elements=["customer_id", "seat_urn"])
    rows = [
        {"customer_id": customer_id, "seat_urn": urn, "active": True, "created_at": now}
        for urn in sorted(set(seat_urns))
    ]
    await db.exec(statement, params=rows)


async def seats_page(
    db: AsyncSession, customer_id: int, *, offset: int, limit: int, active: bool | None = None
) -> tuple[list[Seat], int]:
    """One page of the customer's seats by URN (only active or inactive ones when `active` is given),
    and how many there are in all."""
    where = [col(Seat.customer_id) == customer_id]
    if active is not None:
        where.append(col(Seat.active) == active)
    total = (await db.exec(select(func.count()).select_from(Seat).where(*where))).one()
    statement = (
        select(Seat).where(*where).order_by(col(Seat.seat_urn), col(Seat.id)).offset(offset).limit(limit)
    )
    return list((await db.exec(statement)).all()), total


async def seats_by_ids(db: AsyncSession, customer_id: int, ids: Sequence[int]) -> dict[int, Seat]:
    """The customer's seats with these ids, keyed by id (another customer's are absent)."""
    if not ids:
        return {}
    statement = select(Seat).where(col(Seat.customer_id) == customer_id, col(Seat.id).in_(list(set(ids))))
    return {seat.id: seat for seat in (await db.exec(statement)).all() if seat.id is not None}


async def seats_of(db: AsyncSession, customer_id: int) -> list[Seat]:
    """Every seat of the customer, by URN."""
    statement = select(Seat).where(col(Seat.customer_id) == customer_id).order_by(col(Seat.seat_urn))
    return list((await db.exec(statement)).all())


async def seats_by_user_ids(
    db: AsyncSession, customer_id: int, user_ids: Sequence[int]
) -> dict[int, list[Seat]]:
    """The seats each of these users is behind, by seat URN (one for most users)."""
    grouped: dict[int, list[Seat]] = {i: [] for i in user_ids}
    if not user_ids:
        return grouped
    statement = (
        select(Seat)
        .where(col(Seat.customer_id) == customer_id, col(Seat.user_id).in_(list(set(user_ids))))
        .order_by(col(Seat.seat_urn))
    )
    for seat in (await db.exec(statement)).all():
        if seat.user_id is not None:
            grouped[seat.user_id].append(seat)
    return grouped


__all__ = [
    "Seat",
    "SeatMapping",
    "add_missing_seats",
    "seat_by_urn_for_update",
    "seats_by_ids",
    "seats_by_user_ids",
    "seats_for_update",
    "seats_of",
    "seats_page",
    "users_by_seat_urns",
    "users_with_seats",
]

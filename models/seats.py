"""The customer's LinkedIn Recruiter seats (from `seatsV2`) and the ATS user behind each."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import created_at_field, enum_type, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk
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


async def seat_urns_by_user_ids(
    db: AsyncSession, customer_id: int, user_ids: Sequence[int]
) -> dict[int, list[str]]:
    """The seats each of these users is behind, by seat URN (one for most users)."""
    grouped: dict[int, list[str]] = {i: [] for i in user_ids}
    if not user_ids:
        return grouped
    statement = (
        select(Seat.user_id, Seat.seat_urn)
        .where(col(Seat.customer_id) == customer_id, col(Seat.user_id).in_(list(set(user_ids))))
        .order_by(col(Seat.seat_urn))
    )
    for user_id, seat_urn in (await db.exec(statement)).all():
        if user_id is not None:
            grouped[user_id].append(seat_urn)
    return grouped


async def users_with_seats(db: AsyncSession, customer_id: int) -> list[tuple[str, User]]:
    """Every seat of the customer that names a user, with that user, by seat URN."""
    statement = (
        select(Seat.seat_urn, User)
        .join(User, (col(User.customer_id) == col(Seat.customer_id)) & (col(User.id) == col(Seat.user_id)))
        .where(col(Seat.customer_id) == customer_id)
        .order_by(col(Seat.seat_urn))
    )
    return [(seat_urn, user) for seat_urn, user in (await db.exec(statement)).all()]


__all__ = ["Seat", "SeatMapping", "seat_urns_by_user_ids", "users_by_seat_urns", "users_with_seats"]

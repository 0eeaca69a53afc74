"""The customer's ATS users: known from their sign-in tokens or created by an admin, with their roles."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import created_at_field, enum_type, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field


class UserSource(enum.StrEnum):
    """How the user became known."""

    TOKEN = "TOKEN"
    ADMIN = "ADMIN"
    SEED = "SEED"


class User(SQLModel, table=True):
    """An ATS user of one customer, optionally a LinkedIn member (matched to Recruiter seats by it)."""

    __tablename__ = "ats_user"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "email"),
        sa.UniqueConstraint("customer_id", "person_urn"),
        sa.UniqueConstraint("customer_id", "subject"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    first_name: str = Field(default="", max_length=100)
    last_name: str = Field(default="", max_length=100)
    # Stored lower-cased: tokens and admins spell it differently.
    email: str = Field(max_length=320)
    # The identity provider's `sub`, once the user has signed in.
    subject: str | None = Field(default=None, max_length=255)
    person_urn: str | None = Field(default=None, max_length=100)
    # Comma-separated role names (resolvers.viewer.Role); a token's roles claim rewrites them at sign-in.
    roles: str = Field(default="", max_length=200)
    source: UserSource = Field(default=UserSource.ADMIN, sa_type=enum_type(UserSource))
    created_at: datetime = created_at_field()
    last_seen_at: datetime | None = timestamp_field()

    @property
    def name(self) -> str:
        """First and last name, as a person reads them (empty when unknown)."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def role_names(self) -> frozenset[str]:
        """The stored roles as a set."""
        return frozenset(role for role in self.roles.split(",") if role)


async def users_page(
    db: AsyncSession, customer_id: int, *, offset: int, limit: int
) -> tuple[list[User], int]:
    """One page of the customer's users by name, and how many there are in all."""
    mine = col(User.customer_id) == customer_id
    total = (await db.exec(select(func.count()).select_from(User).where(mine))).one()
    statement = (
        select(User)
        .where(mine)
        .order_by(col(User.last_name), col(User.first_name), col(User.id))
        .offset(offset)
        .limit(limit)
    )
    return list((await db.exec(statement)).all()), total


__all__ = ["User", "UserSource", "users_page"]

"""The customer's ATS users: known from their sign-in tokens or created by an admin, with their roles."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import created_at_field, enum_type, timestamp_field
from models.tenant_keys import customer_id_field, row_id_field
from models.upsert import insert_for, table_of

# The role a customer must keep one holder of (resolvers.viewer.Role.ADMIN; models import nothing of ours).
ADMIN_ROLE = "admin"
# The longest email and token subject a user row holds (a sign-in with longer ones is refused).
EMAIL_MAX_CHARS = 320
SUBJECT_MAX_CHARS = 255


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
    email: str = Field(max_length=EMAIL_MAX_CHARS)
    # The identity provider's `sub`, once the user has signed in.
    subject: str | None = Field(default=None, max_length=SUBJECT_MAX_CHARS)
    person_urn: str | None = Field(default=None, max_length=100)
    # Comma-separated role names (resolvers.viewer.Role); a token's roles claim rewrites them at sign-in.
    roles: str = Field(default="", max_length=200)
    source: UserSource = Field(default=UserSource.ADMIN, sa_type=enum_type(UserSource))
    created_at: datetime = created_at_field()
    last_seen_at: datetime | None = timestamp_field()

    @property
    def name(self) -> str:
        """First and last name, as a person reads them (empty when unknown)."""
        return full_name(self.first_name, self.last_name)

    @property
    def role_names(self) -> frozenset[str]:
        """The stored roles as a set."""
        return role_set(self.roles)


def full_name(first_name: str, last_name: str) -> str:
    """First and last name, as a person reads them (empty when unknown)."""
    return f"{first_name} {last_name}".strip()


def role_set(roles: str) -> frozenset[str]:
    """Stored comma-separated roles as a set."""
    return frozenset(role for role in roles.split(",") if role)


class UserFields(Protocol):
    """A user's shown fields: a `User`, or a record read from Core rows (`tab_queries.UserRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def email(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def person_urn(self) -> str | None: ...
    @property
    def role_names(self) -> frozenset[str]: ...
    @property
    def source(self) -> UserSource: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def last_seen_at(self) -> datetime | None: ...


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


async def users_by_person_urns(
    db: AsyncSession, customer_id: int, person_urns: Sequence[str]
) -> dict[str, User]:
    """The customer's users with these person URNs, keyed by URN (at most one user per URN)."""
    wanted = sorted({urn for urn in person_urns if urn})
    if not wanted:
        return {}
    statement = select(User).where(col(User.customer_id) == customer_id, col(User.person_urn).in_(wanted))
    return {user.person_urn: user for user in (await db.exec(statement)).all() if user.person_urn}


async def user_for_update(db: AsyncSession, customer_id: int, user_id: int) -> User | None:
    """One of the customer's users, locked until the write session ends; None when unknown (or
    another customer's)."""
    return await db.get(User, (customer_id, user_id), with_for_update=db.get_bind().dialect.name != "sqlite")


async def admins_for_update(db: AsyncSession, customer_id: int) -> list[User]:
    """The customer's admins, locked until the write session ends, so that two admins demoting each
    other one at a time cannot leave the customer without one."""
    # A pre-filter in SQL (no role name contains "admin" but admin); the exact test is role_names.
    statement = (
        select(User)
        .where(col(User.customer_id) == customer_id, col(User.roles).contains("admin"))
        .order_by(col(User.id))  # every roles change locks them in one order
    )
    if db.get_bind().dialect.name != "sqlite":
        statement = statement.with_for_update()
    return [user for user in (await db.exec(statement)).all() if ADMIN_ROLE in user.role_names]


async def user_with_email_or_person_urn(
    db: AsyncSession, customer_id: int, *, email: str, person_urn: str | None
) -> User | None:
    """A user of the customer who already has this email (or, given, this person URN)."""
    same = col(User.email) == email
    if person_urn is not None:
        same = same | (col(User.person_urn) == person_urn)
    statement = select(User).where(col(User.customer_id) == customer_id, same).order_by(col(User.id))
    return (await db.exec(statement)).first()


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """The user row a sign-in landed on, whether this sign-in made it, and its stored roles after it."""

    id: int
    created: bool
    roles: str = ""


class SignInConflict(Exception):
    """The token's email belongs to another signed-in user of the customer (another subject)."""


def _signed_in(row: Any, *, created: bool) -> SignedInUser | None:
    return None if row is None else SignedInUser(int(row[0]), created=created, roles=str(row[1] or ""))


async def upsert_signed_in_user(
    db: AsyncSession,
    customer_id: int,
    *,
    subject: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    roles: str | None,
    seen_at: datetime,
) -> SignedInUser:
    """The customer's user of this token subject, made on first sight; `last_seen_at` and (unless
    `roles` is None: the token carries none) the roles rewritten. A known user costs one statement;
    concurrent first sign-ins make one row (the losing inserts do nothing, then find the winner's row).
    A user an admin created by email takes the subject on its first sign-in. `SignInConflict` when the
    email is another subject's."""
    table = table_of(User)
    email = email.strip().lower()
    mine = table.c.customer_id == customer_id
    seen: dict[str, Any] = {"last_seen_at": seen_at}
    if roles is not None:
        seen["roles"] = roles
    by_subject = (
        sa.update(table)
        .where(mine, table.c.subject == subject)
        .values(**seen)
        .returning(table.c.id, table.c.roles)
    )
    known = await db.exec(by_subject)
    found = _signed_in(known.first(), created=False)
    if found is not None:
        return found
    inserted = await db.exec(
        insert_for(db, User)
        .values(
            customer_id=customer_id,
            email=email,
            subject=subject,
            first_name=first_name,
            last_name=last_name,
            source=UserSource.TOKEN,
            created_at=seen_at,
            **seen,
        )
        .on_conflict_do_nothing()
        .returning(table.c.id, table.c.roles)
    )
    created = _signed_in(inserted.first(), created=True)
    if created is not None:
        return created
    # Lost a race for this subject (another request's insert won): its row.
    raced = await db.exec(by_subject)
    found = _signed_in(raced.first(), created=False)
    if found is not None:
        return found
    # An admin made the user by email before their first sign-in: it takes the subject.
    claimed = await db.exec(
        sa.update(table)
        .where(mine, table.c.email == email, table.c.subject.is_(None))
        .values(subject=subject, **seen)
        .returning(table.c.id, table.c.roles)
    )
    found = _signed_in(claimed.first(), created=False)
    if found is None:
        raise SignInConflict("the token's email belongs to another signed-in user of the customer")
    return found


__all__ = [
    "ADMIN_ROLE",
    "EMAIL_MAX_CHARS",
    "SUBJECT_MAX_CHARS",
    "SignInConflict",
    "SignedInUser",
    "User",
    "UserFields",
    "UserSource",
    "admins_for_update",
    "full_name",
    "upsert_signed_in_user",
    "user_for_update",
    "user_with_email_or_person_urn",
    "role_set",
    "users_by_person_urns",
    "users_page",
]

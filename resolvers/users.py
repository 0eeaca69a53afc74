"""The customer's ATS users and the Recruiter seats behind them: the DataLoaders, the listing, and an
admin's changes (create, update, roles)."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import candidate_queries, seats, users
from models.db import ReadSessions, SessionFactory, write_session
from resolvers import seats as seat_rules
from resolvers.ats_writes.validation import Checker
from resolvers.errors import Conflict, Duplicate, InvalidInput, NotFound
from resolvers.viewer import GRANTABLE_ROLES, Role


async def users_by_ids(
    sessions: ReadSessions, customer_id: int, ids: Sequence[int]
) -> list[models.User | None]:
    """Users in key order, None for unknown ids (and for another customer's)."""
    async with sessions() as db:
        found = await candidate_queries.rows_by_ids(db, customer_id, models.User, ids)
    return [found.get(i) for i in ids]


async def users_by_seat_urns(
    sessions: ReadSessions, customer_id: int, seat_urns: Sequence[str]
) -> list[models.User | None]:
    """The ATS user behind each seat, in key order (None for a seat that names no user)."""
    async with sessions() as db:
        found = await seats.users_by_seat_urns(db, customer_id, seat_urns)
    return [found.get(urn) for urn in seat_urns]


async def users_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int
) -> tuple[list[models.User], int]:
    """One page of the customer's users by name, and the total count."""
    async with sessions() as db:
        return await users.users_page(db, customer_id, offset=offset, limit=limit)


# --- an admin's changes ------------------------------------------------------------------------------

_PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]{1,80}$")
NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user an admin creates."""

    email: str
    first_name: str
    last_name: str
    roles: Sequence[str]
    person_urn: str | None = None


class Unset(enum.Enum):
    """A field the admin did not send."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class UserChanges:
    """What an admin changes about a user; UNSET fields stay as they are (person_urn None clears it)."""

    first_name: str | Unset = UNSET
    last_name: str | Unset = UNSET
    person_urn: str | None | Unset = UNSET


def grantable(roles: Sequence[str], field: str = "roles") -> str:
    """The roles as stored (sorted, comma-separated); INVALID naming `field` for one an admin may not
    grant (operator, or an unknown name)."""
    refused = sorted({role for role in roles if role not in GRANTABLE_ROLES})
    if refused:
        allowed = ", ".join(sorted(GRANTABLE_ROLES))
        raise InvalidInput(f"An admin grants only {allowed}; not {', '.join(refused)}", field=field)
    return ",".join(sorted(set(roles)))


def _person_urn(check: Checker, value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not _PERSON_URN.match(text):
        check.fail("personUrn", f"{text[:120]!r} is not a LinkedIn person URN (urn:li:person:…)")
    return text


async def create_user(sessions: SessionFactory, customer_id: int, new: NewUser) -> models.User:
    """An admin's new user of its customer; the seat whose holder has its person URN maps to it.
    INVALID per field, DUPLICATE when the email or person URN is another user's."""
    check = Checker()
    email = check.email(new.email)
    if email is None:
        check.fail("email", "Email must not be empty")
    first = check.required_text(new.first_name, "firstName", max_len=NAME_MAX, label="First name")
    last = check.required_text(new.last_name, "lastName", max_len=NAME_MAX, label="Last name")
    person_urn = _person_urn(check, new.person_urn)
    try:
        roles = grantable(new.roles)
    except InvalidInput as error:
        check.errors.append(error)
    check.done()
    assert email is not None
    try:
        async with write_session(sessions) as db:
            await _refuse_duplicate(db, customer_id, email=email, person_urn=person_urn)
            user = models.User(
                customer_id=customer_id,
                email=email,
                first_name=first,
                last_name=last,
                person_urn=person_urn,
                roles=roles,
                source=models.UserSource.ADMIN,
            )
            db.add(user)
            await db.flush()
            if person_urn is not None:
                await seat_rules.rematch(db, customer_id, await seats.seats_for_update(db, customer_id))
            return user
    except IntegrityError:
        # Another admin's write won the race between our check and our insert (all of ours is undone).
        async with sessions() as db:
            await _refuse_duplicate(db, customer_id, email=email, person_urn=person_urn)
        raise


async def _refuse_duplicate(
    db: AsyncSession, customer_id: int, *, email: str, person_urn: str | None
) -> None:
    found = await users.user_with_email_or_person_urn(db, customer_id, email=email, person_urn=person_urn)
    if found is None:
        return
    assert found.id is not None
    field, what = ("email", "email") if found.email == email else ("personUrn", "person URN")
    raise Duplicate(f"Another user has this {what}", field=field, existing_type="User", existing_id=found.id)


async def update_user(
    sessions: SessionFactory, customer_id: int, user_id: int, changes: UserChanges
) -> models.User:
    """An admin's change to one of its customer's users (names, person URN); seats are rematched when
    the person URN changes. NOT_FOUND for another customer's user."""
    check = Checker()
    first = last = None
    if not isinstance(changes.first_name, Unset):
        first = check.required_text(changes.first_name, "firstName", max_len=NAME_MAX, label="First name")
    if not isinstance(changes.last_name, Unset):
        last = check.required_text(changes.last_name, "lastName", max_len=NAME_MAX, label="Last name")
    person_urn: str | None | Unset = UNSET
    if not isinstance(changes.person_urn, Unset):
        person_urn = _person_urn(check, changes.person_urn)
    check.done()
    try:
        async with write_session(sessions) as db:
            user = await users.user_for_update(db, customer_id, user_id)
            if user is None:
                raise NotFound("No user has this id", field="id")
            if first is not None:
                user.first_name = first
            if last is not None:
                user.last_name = last
            if not isinstance(person_urn, Unset) and person_urn != user.person_urn:
                await _refuse_taken_urn(db, customer_id, person_urn)
                user.person_urn = person_urn
                await db.flush()
                await seat_rules.rematch(db, customer_id, await seats.seats_for_update(db, customer_id))
            await db.flush()
            return user
    except IntegrityError:
        # Another admin gave the URN to another user between our check and our write (all of ours is undone).
        if not isinstance(person_urn, Unset):
            async with sessions() as db:
                await _refuse_taken_urn(db, customer_id, person_urn)
        raise


async def _refuse_taken_urn(db: AsyncSession, customer_id: int, person_urn: str | None) -> None:
    if person_urn is None:
        return
    taken = (await users.users_by_person_urns(db, customer_id, [person_urn])).get(person_urn)
    if taken is not None:
        assert taken.id is not None
        raise Duplicate(
            "Another user has this person URN", field="personUrn", existing_type="User", existing_id=taken.id
        )


async def set_user_roles(
    sessions: SessionFactory, customer_id: int, user_id: int, roles: Sequence[str]
) -> models.User:
    """An admin sets a user's roles (admin, recruiter, integration; never operator). NOT_FOUND for
    another customer's user; CONFLICT when it would leave the customer without an admin."""
    stored = grantable(roles)
    async with write_session(sessions) as db:
        # The admins first, then the user: every roles change locks in the same order.
        admins = await users.admins_for_update(db, customer_id)
        user = await users.user_for_update(db, customer_id, user_id)
        if user is None:
            raise NotFound("No user has this id", field="userId")
        demoted = Role.ADMIN in user.role_names and Role.ADMIN not in stored.split(",")
        if demoted and [admin.id for admin in admins] == [user.id]:
            last = "This is the customer's last admin; make another user an admin first"
            raise Conflict(last, field="roles")
        user.roles = stored
        await db.flush()
        return user

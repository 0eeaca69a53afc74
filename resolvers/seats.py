"""The customer's Recruiter seats: stored from `seatsV2` and mapped to ATS users. The one home of the
matching rule:

* a seat an admin mapped (`mapSeat`, mapped_by ADMIN) keeps that mapping, whoever LinkedIn says holds it
  (an admin's "no user" included);
* any other seat names the customer's user whose person URN is the seatholder's (mapped_by PERSON_URN),
  or no user (mapped_by null) when no user has that URN;
* a seat `seatsV2` no longer lists (or lists as inactive) is inactive; it keeps its mapping, so its old
  InMails still name their recruiter.

The rule is applied on every sync (the scheduler's seats unit, `refreshSeats`) and whenever a user's
person URN is set, so a user whose URN is set later gets its seat at once (and on every sync after).
A write that locks a user and seats locks the user first (no two writes wait on each other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

import models
from linkedin.errors import LinkedInError
from linkedin.records import Seat as ListedSeat
from models import seats, users
from models.base import utcnow
from models.db import ReadSessions, SessionFactory, write_session
from resolvers.errors import LinkedInUnavailable, NotFound
from resolvers.linkedin_faults import unavailable
from resolvers.tenants import Tenant


@dataclass(frozen=True, slots=True)
class SeatSync:
    """The customer's seats after a sync, and why LinkedIn's list could not be read (None when it was)."""

    seats: list[models.Seat]
    error: LinkedInUnavailable | None = None


def mapping_for(
    seat: models.Seat, by_person_urn: dict[str, models.User]
) -> tuple[int | None, models.SeatMapping | None]:
    """The user (and how) a seat names by the rule above, given the customer's users by person URN."""
    if seat.mapped_by is models.SeatMapping.ADMIN:
        return seat.user_id, seat.mapped_by
    user = by_person_urn.get(seat.holder_person_urn or "")
    if user is None:
        return None, None
    return user.id, models.SeatMapping.PERSON_URN


async def rematch(db: AsyncSession, customer_id: int, stored: Sequence[models.Seat]) -> None:
    """Apply the matching rule to these (locked) seats in the caller's transaction."""
    holders = [seat.holder_person_urn for seat in stored if seat.holder_person_urn]
    by_person_urn = await users.users_by_person_urns(db, customer_id, holders)
    for seat in stored:
        seat.user_id, seat.mapped_by = mapping_for(seat, by_person_urn)
    await db.flush()


async def store_listed_seats(
    db: AsyncSession, customer_id: int, listed: Sequence[ListedSeat], *, now: datetime
) -> list[models.Seat]:
    """Store LinkedIn's seat list in the caller's write transaction: new seats added, holders and
    activity updated, unlisted seats deactivated, every seat rematched; the seats by URN."""
    await seats.add_missing_seats(db, customer_id, [seat.urn for seat in listed], now=now)
    by_urn = {seat.urn: seat for seat in listed}
    stored = await seats.seats_for_update(db, customer_id)
    for seat in stored:
        fresh = by_urn.get(seat.seat_urn)
        if fresh is None:
            seat.active = False
            continue
        seat.holder_person_urn = fresh.seatholder_urn
        seat.active = fresh.active
        seat.synced_at = now
    await rematch(db, customer_id, stored)
    return stored


async def store_seat_list(
    sessions: SessionFactory, customer_id: int, listed: Sequence[ListedSeat]
) -> list[models.Seat]:
    """`store_listed_seats` in a write transaction of its own (the scheduler's seats unit)."""
    async with write_session(sessions) as db:
        return await store_listed_seats(db, customer_id, listed, now=utcnow())


async def refresh_seats(sessions: SessionFactory, tenant: Tenant) -> SeatSync:
    """Read the customer's seats from LinkedIn now and store them; when LinkedIn fails, the stored seats
    and a readable domain error (resolvers/linkedin_faults.py)."""
    try:
        listed = await tenant.linkedin.seats()
    except LinkedInError as exc:
        async with sessions() as db:
            stored = await seats.seats_of(db, tenant.id)
        return SeatSync(stored, unavailable(exc, prefix="The seats could not be read from LinkedIn"))
    return SeatSync(await store_seat_list(sessions, tenant.id, listed))


async def map_seat(
    sessions: SessionFactory, customer_id: int, seat_urn: str, user_id: int | None
) -> models.Seat:
    """An admin's mapping of a seat to one of the customer's users (None: to no user); syncs keep it.
    NOT_FOUND naming `seatUrn` or `userId` for a seat or user the customer does not have."""
    async with write_session(sessions) as db:
        # The user before the seat: every write that locks both (updateUser, createUser) goes in this order.
        if user_id is not None and await users.user_for_update(db, customer_id, user_id) is None:
            raise NotFound("No user has this id", field="userId")
        seat = await seats.seat_by_urn_for_update(db, customer_id, seat_urn)
        if seat is None:
            unknown = f"The customer has no seat {seat_urn[:120]!r} (refresh the seats first?)"
            raise NotFound(unknown, field="seatUrn")
        seat.user_id = user_id
        seat.mapped_by = models.SeatMapping.ADMIN
        await db.flush()
        return seat


async def seats_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int, active: bool | None = None
) -> tuple[list[models.Seat], int]:
    """One page of the customer's seats by URN, and the total count."""
    async with sessions() as db:
        return await seats.seats_page(db, customer_id, offset=offset, limit=limit, active=active)


async def seats_by_ids(
    sessions: ReadSessions, customer_id: int, ids: Sequence[int]
) -> list[models.Seat | None]:
    """Seats in key order, None for unknown ids (and another customer's)."""
    async with sessions() as db:
        found = await seats.seats_by_ids(db, customer_id, ids)
    return [found.get(i) for i in ids]


async def seats_by_user_ids(
    sessions: ReadSessions, customer_id: int, user_ids: Sequence[int]
) -> list[list[models.Seat]]:
    """The seats behind each user, in key order."""
    async with sessions() as db:
        grouped = await seats.seats_by_user_ids(db, customer_id, user_ids)
    return [grouped[i] for i in user_ids]

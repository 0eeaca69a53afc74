"""The customer's ATS users and the Recruiter seats behind them, for the DataLoaders and listings."""

from __future__ import annotations

from collections.abc import Sequence

import models
from models import candidate_queries, seats, users
from models.db import SessionFactory


async def users_by_ids(
    sessions: SessionFactory, customer_id: int, ids: Sequence[int]
) -> list[models.User | None]:
    """Users in key order, None for unknown ids (and for another customer's)."""
    async with sessions() as db:
        found = await candidate_queries.rows_by_ids(db, customer_id, models.User, ids)
    return [found.get(i) for i in ids]


async def users_by_seat_urns(
    sessions: SessionFactory, customer_id: int, seat_urns: Sequence[str]
) -> list[models.User | None]:
    """The ATS user behind each seat, in key order (None for a seat that names no user)."""
    async with sessions() as db:
        found = await seats.users_by_seat_urns(db, customer_id, seat_urns)
    return [found.get(urn) for urn in seat_urns]


async def seat_urns_by_user_ids(
    sessions: SessionFactory, customer_id: int, user_ids: Sequence[int]
) -> list[list[str]]:
    """The seats behind each user, in key order."""
    async with sessions() as db:
        grouped = await seats.seat_urns_by_user_ids(db, customer_id, user_ids)
    return [grouped[i] for i in user_ids]


async def users_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int
) -> tuple[list[models.User], int]:
    """One page of the customer's users by name, and the total count."""
    async with sessions() as db:
        return await users.users_page(db, customer_id, offset=offset, limit=limit)

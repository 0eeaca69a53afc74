"""Test helper: an ATS user behind a Recruiter seat, as the seat sync or an admin maps them."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

import models


async def add_user(
    db: AsyncSession,
    customer_id: int,
    *,
    seat_urn: str | None = None,
    roles: str = "recruiter",
    **fields: object,
) -> models.User:
    """Add a user (and, given `seat_urn`, the seat it holds) in `db`'s transaction; flushed, not committed."""
    user = models.User(customer_id=customer_id, roles=roles, **fields)  # type: ignore[arg-type]
    db.add(user)
    await db.flush()
    if seat_urn is not None:
        db.add(
            models.Seat(
                customer_id=customer_id,
                seat_urn=seat_urn,
                holder_person_urn=user.person_urn,
                user_id=user.id,
                mapped_by=models.SeatMapping.ADMIN,
            )
        )
        await db.flush()
    return user

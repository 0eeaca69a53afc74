"""Candidates whose LinkedIn profile LinkedIn lists as closed or purged: flag them, list them, find the
ones due for automatic erasure. Every function takes the customer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, Candidate, LinkedInIdentity

# Person URNs per statement (well inside every backend's bind-parameter limit).
_CHUNK = 500


async def flag_purged(db: AsyncSession, customer_id: int, purged: Sequence[tuple[str, datetime]]) -> int:
    """Flag the customer's candidates linked to these members with LinkedIn's purge time (the earliest
    one listed); candidates flagged before keep their time. How many were newly flagged. The caller
    commits."""
    first: dict[str, datetime] = {}
    for urn, at in purged:
        first[urn] = min(at, first.get(urn, at))
    flagged = 0
    urns = sorted(first)
    for start in range(0, len(urns), _CHUNK):
        chunk = urns[start : start + _CHUNK]
        rows = await db.exec(
            select(LinkedInIdentity.candidate_id, LinkedInIdentity.person_urn)
            .join(
                Candidate,
                sa.and_(
                    col(Candidate.customer_id) == col(LinkedInIdentity.customer_id),
                    col(Candidate.id) == col(LinkedInIdentity.candidate_id),
                ),
            )
            .where(
                col(LinkedInIdentity.customer_id) == customer_id,
                col(LinkedInIdentity.person_urn).in_(chunk),
                col(Candidate.linkedin_profile_purged_at).is_(None),
            )
        )
        for candidate_id, urn in rows.all():
            result = await db.exec(
                update(Candidate)
                .where(
                    col(Candidate.customer_id) == customer_id,
                    col(Candidate.id) == candidate_id,
                    col(Candidate.linkedin_profile_purged_at).is_(None),
                )
                .values(linkedin_profile_purged_at=first[urn])
            )
            flagged += int(result.rowcount or 0)
    return flagged


async def purged_candidates_page(
    db: AsyncSession, customer_id: int, *, offset: int, limit: int
) -> tuple[list[tuple[Candidate, int]], int]:
    """A page of the customer's flagged candidates, earliest purge first, each with its number of
    applications; and how many are flagged in all."""
    flagged = (
        col(Candidate.customer_id) == customer_id,
        col(Candidate.linkedin_profile_purged_at).is_not(None),
    )
    applications = (
        select(sa.func.count())
        .select_from(Application)
        .where(
            col(Application.customer_id) == customer_id, col(Application.candidate_id) == col(Candidate.id)
        )
        .scalar_subquery()
    )
    statement = (
        select(Candidate, applications)
        .where(*flagged)
        .order_by(col(Candidate.linkedin_profile_purged_at), col(Candidate.id))
        .offset(offset)
        .limit(limit)
    )
    rows = [(candidate, int(count)) for candidate, count in (await db.exec(statement)).all()]
    total = int((await db.exec(select(sa.func.count()).select_from(Candidate).where(*flagged))).one())
    return rows, total


async def purged_before(db: AsyncSession, customer_id: int, before: datetime) -> list[int]:
    """Ids of the customer's candidates flagged with a purge time before `before`."""
    statement = (
        select(Candidate.id)
        .where(
            col(Candidate.customer_id) == customer_id,
            col(Candidate.linkedin_profile_purged_at).is_not(None),
            col(Candidate.linkedin_profile_purged_at) < before,
        )
        .order_by(col(Candidate.id))
    )
    return [int(i) for i in (await db.exec(statement)).all() if i is not None]


__all__ = ["flag_purged", "purged_before", "purged_candidates_page"]

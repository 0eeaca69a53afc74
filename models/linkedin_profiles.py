"""Writes of `LinkedInProfile` snapshots: what LinkedIn last said about candidates' matches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Candidate
from models.mirror import LinkedInProfile
from models.upsert import insert_for, table_of


@dataclass(frozen=True, slots=True)
class MatchSnapshot:
    """LinkedIn's answer for one candidate at one moment."""

    candidate_id: int
    person_urn: str | None
    algorithmic_matches: list[str]
    manual_match: str | None
    fetched_at: datetime


async def save_match_snapshots(
    session: AsyncSession, customer_id: int, snapshots: Sequence[MatchSnapshot]
) -> None:
    """Insert or update the customer's snapshot rows in one upsert (the other snapshot columns are kept).

    Candidates deleted since LinkedIn answered (and ids of no candidate of this customer) are left out:
    their row would break the foreign key and take the whole statement, the others' snapshots included,
    down with it.
    """
    if not snapshots:
        return
    ids = [s.candidate_id for s in snapshots]
    of_customer = select(Candidate.id).where(
        col(Candidate.customer_id) == customer_id, col(Candidate.id).in_(ids)
    )
    existing = set((await session.exec(of_customer)).all())
    snapshots = [s for s in snapshots if s.candidate_id in existing]
    if not snapshots:
        return
    table = table_of(LinkedInProfile)
    insert = insert_for(session, LinkedInProfile)
    rows = [
        {
            "customer_id": customer_id,
            "candidate_id": s.candidate_id,
            "person_urn": s.person_urn,
            "algorithmic_matches": s.algorithmic_matches,
            "manual_match": s.manual_match,
            "fetched_at": s.fetched_at,
        }
        for s in sorted(snapshots, key=lambda s: s.candidate_id)  # a stable order avoids deadlocks
    ]
    statement = insert.values(rows)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.customer_id, table.c.candidate_id],
        set_={
            # Keep a person URN we knew when LinkedIn currently matches no one.
            "person_urn": sa.func.coalesce(excluded.person_urn, table.c.person_urn),
            "algorithmic_matches": excluded.algorithmic_matches,
            "manual_match": excluded.manual_match,
            "fetched_at": excluded.fetched_at,
        },
    )
    await session.exec(statement)

"""What LinkedIn suggests for a candidate, read straight from the database (tests of stubs and exports)."""

from __future__ import annotations

from sqlmodel import col, select

import models
from models.db import SessionFactory


async def suggestions(
    sessions: SessionFactory, candidate_id: int
) -> list[tuple[str, str, models.LinkedInSource]]:
    """The candidate's suggestions as (field, value, source), by field."""
    async with sessions() as db:
        rows = (
            await db.exec(
                select(models.LinkedInSuggestion)
                .where(col(models.LinkedInSuggestion.candidate_id) == candidate_id)
                .order_by(col(models.LinkedInSuggestion.field))
            )
        ).all()
    return [(s.field, s.value, s.source) for s in rows]

"""LinkedIn's fills and suggestions stay one per candidate and field, the newest value winning, even
when writers race."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from sqlmodel import select

import models
from models import linkedin_identities as queries
from models.db import SessionFactory
from models.linkedin_identities import FieldValue

T0 = datetime(2025, 11, 24, tzinfo=UTC)


async def _candidate(sessions: SessionFactory, customer_id: int) -> int:
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name="Ada", last_name="Lovelace", title="CTO"
        )
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
        return candidate.id


async def test_twenty_racing_suggestions_for_one_field_leave_one_row_with_the_newest_value(
    sessions: SessionFactory,
    customer_id: int,
) -> None:
    # given
    candidate_id = await _candidate(sessions, customer_id)
    offers = [
        FieldValue(f"Title {i}", models.LinkedInSource.LINKEDIN_INMAIL, T0 + timedelta(hours=i))
        for i in range(20)
    ]
    random.Random(7).shuffle(offers)

    async def suggest(offer: FieldValue) -> None:
        async with sessions() as db:
            await queries.save_suggestion(db, customer_id, candidate_id, "title", offer)
            await db.commit()

    # when
    await asyncio.wait_for(asyncio.gather(*(suggest(offer) for offer in offers)), 30)
    # then
    async with sessions() as db:
        rows = (await db.exec(select(models.LinkedInSuggestion))).all()
    assert [(r.candidate_id, r.field, r.value, r.at) for r in rows] == [
        (candidate_id, "title", "Title 19", T0 + timedelta(hours=19))
    ]


async def test_an_older_suggestion_does_not_replace_a_newer_one(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await _candidate(sessions, customer_id)
    async with sessions() as db:
        newer = FieldValue(
            "Principal Engineer", models.LinkedInSource.LINKEDIN_EXPORT, T0 + timedelta(days=1)
        )
        await queries.save_suggestion(db, customer_id, candidate_id, "title", newer)
        # when
        older = FieldValue("Staff Engineer", models.LinkedInSource.LINKEDIN_INMAIL, T0)
        await queries.save_suggestion(db, customer_id, candidate_id, "title", older)
        await db.commit()
        # then
        assert await queries.suggestions_of(db, customer_id, candidate_id) == {"title": newer}


async def test_deleting_a_candidate_deletes_its_fills_and_suggestions(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await _candidate(sessions, customer_id)
    offer = FieldValue("Staff Engineer", models.LinkedInSource.LINKEDIN_INMAIL, T0)
    async with sessions() as db:
        await queries.save_suggestion(db, customer_id, candidate_id, "title", offer)
        await queries.save_fill(db, customer_id, candidate_id, "phone", offer)
        await db.commit()
    # when
    async with sessions() as db:
        candidate = await db.get(models.Candidate, (customer_id, candidate_id))
        await db.delete(candidate)
        await db.commit()
    # then
    async with sessions() as db:
        assert (await db.exec(select(models.LinkedInSuggestion))).all() == []
        assert (await db.exec(select(models.LinkedInFill))).all() == []

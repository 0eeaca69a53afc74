"""Match snapshots: what LinkedIn last said about candidates' members, written in one upsert."""

from __future__ import annotations

from datetime import UTC, datetime

import models
from app.settings import Settings
from models.db import SessionFactory
from models.linkedin_profiles import MatchSnapshot, save_match_snapshots
from models.mirror_queries import profiles_by_candidate_ids
from tests.child_apps import other_customer_id

T0 = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
MEMBER = "urn:li:person:abc"


async def test_a_candidate_deleted_before_its_snapshot_is_written_does_not_take_the_others_down(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: two candidates LinkedIn answered for, one of them deleted since
    async with sessions() as db:
        kept = models.Candidate(customer_id=customer_id, first_name="Ada")
        deleted = models.Candidate(customer_id=customer_id, first_name="Bob")
        db.add_all([kept, deleted])
        await db.commit()
        kept_id, deleted_id = kept.id or 0, deleted.id or 0
        await db.delete(deleted)
        await db.commit()
    snapshots = [MatchSnapshot(i, MEMBER, [MEMBER], None, T0) for i in (kept_id, deleted_id)]
    # when
    async with sessions() as db:
        await save_match_snapshots(db, customer_id, snapshots)
        await db.commit()
    # then
    async with sessions() as db:
        stored = await profiles_by_candidate_ids(db, customer_id, [kept_id, deleted_id])
    assert list(stored) == [kept_id]
    assert (stored[kept_id].person_urn, stored[kept_id].algorithmic_matches) == (MEMBER, [MEMBER])


async def test_a_snapshot_for_another_customers_candidate_is_not_written_nor_read(
    sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given: a candidate of the other customer
    other = await other_customer_id(sessions, settings)
    async with sessions() as db:
        theirs = models.Candidate(customer_id=other, first_name="Eve")
        db.add(theirs)
        await db.commit()
        theirs_id = theirs.id or 0
    # when: our customer's answer names that id
    async with sessions() as db:
        await save_match_snapshots(db, customer_id, [MatchSnapshot(theirs_id, MEMBER, [MEMBER], None, T0)])
        await db.commit()
    # then
    async with sessions() as db:
        assert await profiles_by_candidate_ids(db, customer_id, [theirs_id]) == {}
        assert await profiles_by_candidate_ids(db, other, [theirs_id]) == {}

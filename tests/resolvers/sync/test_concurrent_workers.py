"""Several workers on one PostgreSQL never send the same row at the same time (SKIP LOCKED)."""

from __future__ import annotations

import asyncio

import pytest

from models import Candidate, OutboxOp, OutboxStatus, SyncEntity
from models.db import SessionFactory
from models.outbox_writes import enqueue
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import Ats, Clock, received_keys

CANDIDATES = 300


async def test_two_workers_draining_one_postgresql_outbox_send_every_candidate_exactly_once(
    database_url: str,
    ats: Ats,
    sessions: SessionFactory,
    tenant: Tenant,
    sandbox: Sandbox,
    clock: Clock,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip(
            "SKIP LOCKED is PostgreSQL's; on SQLite the claiming UPDATE is serialised by its single writer"
        )
    # given
    async with sessions() as db:
        rows = [
            Candidate(customer_id=tenant.id, first_name="C", last_name=str(n), email=f"c{n}@example.com")
            for n in range(CANDIDATES)
        ]
        db.add_all(rows)
        await db.flush()
        for row in rows:
            enqueue(db, tenant.id, SyncEntity.CANDIDATE, row.id or 0, OutboxOp.UPSERT)
        await db.commit()
    config = SyncConfig(claim_limit=25)
    first, second = (OutboxWorker(sessions, tenant, config, clock=clock) for _ in range(2))
    # when
    one, two = await asyncio.gather(first.run_until_idle(), second.run_until_idle())
    # then
    keys = await received_keys(sandbox, "atsCandidates")
    assert (len(keys), len(set(keys))) == (CANDIDATES, CANDIDATES)
    assert one.claimed > 0
    assert two.claimed > 0
    assert one.claimed + two.claimed == CANDIDATES
    assert {row.status for row in await ats.outbox()} == {OutboxStatus.SENT}

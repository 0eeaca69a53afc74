"""The server process runs the outbox worker when it runs jobs (`run_jobs`) and `outbox_interval_s` is set."""

from __future__ import annotations

from app.factory import create_app
from app.settings import Settings
from linkedin.sandbox.server import serve_asgi
from models import Candidate, OutboxOp, SyncEntity
from models.db import SessionFactory
from models.outbox_writes import enqueue
from tests.conftest import Sandbox

ADMIN_CALLS_LIMIT = 5_000


async def test_the_server_drains_the_outbox_when_it_starts(
    settings: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: a change waiting in the outbox
    async with sessions() as db:
        candidate = Candidate(
            customer_id=customer_id, first_name="Edsger", last_name="Dijkstra", email="ewd@example.com"
        )
        db.add(candidate)
        await db.flush()
        enqueue(db, customer_id, SyncEntity.CANDIDATE, candidate.id or 0, OutboxOp.UPSERT)
        await db.commit()
    # when: the server starts with the worker on (its first tick runs at start)
    app = create_app(settings.model_copy(update={"outbox_interval_s": 3600.0, "run_jobs": True}))
    async with serve_asgi(app):
        # then: the sandbox receives the candidate (each admin call yields to the server's worker)
        for _ in range(ADMIN_CALLS_LIMIT):
            if (await sandbox.admin("GET", "summary"))["candidates"] == 1:
                break
        assert (await sandbox.admin("GET", "summary"))["candidates"] == 1

"""Fixtures for the outbox worker: ATS rows written with their outbox rows, a worker on a clock the test
moves, and what the sandbox holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import SQLModel

from linkedin.restli import parse_key
from models import OutboxEvent, OutboxOp, SyncEntity, SyncStatus
from models.db import SessionFactory
from models.outbox_writes import enqueue
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import Sandbox

CREATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
MODIFIED = datetime(2026, 4, 2, 10, 45, tzinfo=UTC)


def ms(moment: datetime) -> int:
    """Epoch milliseconds, as LinkedIn carries times."""
    return int(moment.timestamp() * 1000)


def ident(row: SQLModel) -> int:
    """The id of a stored row."""
    value = getattr(row, "id")  # noqa: B009
    assert isinstance(value, int)
    return value


class Clock:
    """Wall-clock time plus an offset the test advances (rows are stamped with the real clock)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        """Move the worker's time forward, e.g. past a backoff or a lease."""
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    """The worker's clock."""
    return Clock()


@pytest.fixture
def sync_config() -> SyncConfig:
    """Worker settings with recognisable ATS links."""
    return SyncConfig(
        candidate_url_template="https://ats.example.com/candidates/{id}",
        job_url_template="https://ats.example.com/jobs/{id}",
    )


@pytest.fixture
def worker(sessions: SessionFactory, tenant: Tenant, sync_config: SyncConfig, clock: Clock) -> OutboxWorker:
    """The test customer's outbox worker, driven one pass at a time."""
    return OutboxWorker(sessions, tenant, sync_config, clock=clock)


@dataclass
class Ats:
    """Writes one customer's ATS rows together with their outbox rows, as the write API does."""

    sessions: SessionFactory
    customer_id: int

    async def create(self, row: SQLModel, entity: SyncEntity, key: dict[str, Any] | None = None) -> Any:
        """Insert `row` (as the customer's) and enqueue its UPSERT."""
        async with self.sessions() as db:
            setattr(row, "customer_id", self.customer_id)  # noqa: B010
            db.add(row)
            await db.flush()
            enqueue(db, self.customer_id, entity, getattr(row, "id"), OutboxOp.UPSERT, key)  # noqa: B009
            await db.commit()
        return row

    async def update(self, model: type[SQLModel], row_id: int, entity: SyncEntity, **fields: Any) -> None:
        """Change fields of a row and enqueue its UPSERT."""
        async with self.sessions() as db:
            row = await db.get(model, (self.customer_id, row_id))
            assert row is not None
            for name, value in fields.items():
                setattr(row, name, value)
            enqueue(db, self.customer_id, entity, row_id, OutboxOp.UPSERT)
            await db.commit()

    async def delete(
        self, model: type[SQLModel], row_id: int, entity: SyncEntity, key: dict[str, Any] | None = None
    ) -> None:
        """Delete a row and enqueue its DELETE with the key LinkedIn needs."""
        async with self.sessions() as db:
            row = await db.get(model, (self.customer_id, row_id))
            assert row is not None
            await db.delete(row)
            enqueue(db, self.customer_id, entity, row_id, OutboxOp.DELETE, key)
            await db.commit()

    async def outbox(self) -> list[OutboxEvent]:
        """Every outbox row of the customer, oldest first."""
        from sqlmodel import col, select

        async with self.sessions() as db:
            statement = (
                select(OutboxEvent)
                .where(col(OutboxEvent.customer_id) == self.customer_id)
                .order_by(col(OutboxEvent.id))
            )
            return list((await db.exec(statement)).all())

    async def status(self, entity: SyncEntity, entity_id: int) -> SyncStatus | None:
        """The SyncStatus of one record."""
        from sqlmodel import col, select

        async with self.sessions() as db:
            statement = select(SyncStatus).where(
                col(SyncStatus.customer_id) == self.customer_id,
                col(SyncStatus.entity_type) == entity,
                col(SyncStatus.entity_id) == entity_id,
            )
            return (await db.exec(statement)).one_or_none()


@pytest.fixture
def ats(sessions: SessionFactory, customer_id: int) -> Ats:
    """The test customer's ATS writes with outbox rows."""
    return Ats(sessions, customer_id)


async def pushed(sandbox: Sandbox) -> dict[str, Any]:
    """What the sandbox holds, with candidates and applications keyed by their ATS id."""
    state = await sandbox.admin("GET", "state")
    return {
        "candidates": {parse_key(c["key"])["atsCandidateId"]: c for c in state["candidates"]},
        "applications": {parse_key(a["key"])["atsJobApplicationId"]: a for a in state["applications"]},
        "jobs": {j["externalJobPostingId"]: j for j in state["jobs"]},
    }


async def received_keys(sandbox: Sandbox, endpoint: str, method: str = "PUT") -> list[str]:
    """Every record key LinkedIn received on `endpoint` (ids in the query string), in call order."""
    keys: list[str] = []
    for call in await sandbox.admin("GET", "calls"):
        if call["endpoint"] == endpoint and call["method"] == method:
            keys.extend(
                part.split("=", 1)[1]
                for part in call["query"].split("&")
                if part.split("=", 1)[0].endswith("Id")
            )
    return keys

"""Writing outbox rows: every ATS change LinkedIn must see, in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.integration import OutboxEvent, OutboxOp, OutboxStatus, SyncEntity

_O = OutboxEvent.__table__  # type: ignore[attr-defined]


def enqueue(
    db: AsyncSession,
    customer_id: int,
    entity_type: SyncEntity,
    entity_id: int,
    op: OutboxOp,
    key: dict[str, Any] | None = None,
) -> OutboxEvent:
    """Add an outbox row of the customer to the caller's transaction (the caller commits it with the
    change).

    `key` carries what a delete needs once the ATS row is gone, e.g. `{"candidate_id": 7}` for a
    candidate note or `{"application_id": 3}` for a stage or application note.
    """
    event = OutboxEvent(
        customer_id=customer_id, entity_type=entity_type, entity_id=entity_id, op=op, key=key or {}
    )
    db.add(event)
    return event


async def enqueue_upserts(
    db: AsyncSession, entity_type: SyncEntity, ids: sa.Select[tuple[int]], *, now: datetime
) -> int:
    """INSERT ... SELECT one PENDING UPSERT row, due `now`, per id that `ids` yields, in id order (one
    statement whatever the number of records); the caller commits. Returns the rows enqueued."""
    source = ids.subquery()
    rows = sa.select(
        sa.literal(entity_type.value, sa.String(32)),
        source.c.id,
        sa.literal(OutboxOp.UPSERT.value, sa.String(32)),
        sa.literal({}, _O.c.key.type),
        sa.literal(OutboxStatus.PENDING.value, sa.String(32)),
        sa.literal(0),
        sa.literal(now, _O.c.next_attempt_at.type),
        sa.literal(now, _O.c.created_at.type),
    ).order_by(source.c.id)
    columns = ["entity_type", "entity_id", "op", "key", "status", "attempts", "next_attempt_at", "created_at"]
    result = await db.exec(sa.insert(_O).from_select(columns, rows))
    return int(result.rowcount or 0)

"""Writing outbox rows: every ATS change LinkedIn must see, in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.integration import OutboxEvent, OutboxOp, SyncEntity


def enqueue(
    db: AsyncSession,
    entity_type: SyncEntity,
    entity_id: int,
    op: OutboxOp,
    key: dict[str, Any] | None = None,
) -> OutboxEvent:
    """Add an outbox row to the caller's transaction (the caller commits it with the change).

    `key` carries what a delete needs once the ATS row is gone, e.g. `{"candidate_id": 7}` for a
    candidate note or `{"application_id": 3}` for a stage or application note.
    """
    event = OutboxEvent(entity_type=entity_type, entity_id=entity_id, op=op, key=key or {})
    db.add(event)
    return event

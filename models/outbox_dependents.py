"""Re-enqueue the children skipped because their parent could not be sent, once the parent is sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Note
from models.integration import OutboxStatus, SyncEntity, SyncStatus
from models.outbox_writes import enqueue_upserts

_S = SyncStatus.__table__  # type: ignore[attr-defined]
_NOTE = Note.__table__  # type: ignore[attr-defined]
_APPLICATION = Application.__table__  # type: ignore[attr-defined]
_STAGE = ApplicationStage.__table__  # type: ignore[attr-defined]


def _children(parent: SyncEntity, ids: list[int]) -> list[tuple[SyncEntity, sa.Select[tuple[int]]]]:
    if parent is SyncEntity.CANDIDATE:
        return [
            (
                SyncEntity.CANDIDATE_NOTE,
                sa.select(_NOTE.c.id).where(_NOTE.c.candidate_id.in_(ids), _NOTE.c.application_id.is_(None)),
            ),
            (
                SyncEntity.APPLICATION,
                sa.select(_APPLICATION.c.id).where(_APPLICATION.c.candidate_id.in_(ids)),
            ),
        ]
    if parent is SyncEntity.APPLICATION:
        return [
            (SyncEntity.APPLICATION_NOTE, sa.select(_NOTE.c.id).where(_NOTE.c.application_id.in_(ids))),
            (SyncEntity.APPLICATION_STAGE, sa.select(_STAGE.c.id).where(_STAGE.c.application_id.in_(ids))),
        ]
    return []


async def requeue_skipped_children(
    db: AsyncSession, parent: SyncEntity, parent_ids: Sequence[int], *, now: datetime
) -> None:
    """UPSERT rows for the SKIPPED children of these (now sent) parents; the caller commits."""
    if not parent_ids:
        return
    for child, ids in _children(parent, sorted(set(parent_ids))):
        source = ids.subquery()
        skipped = (
            sa.select(source.c.id)
            .join(_S, sa.and_(_S.c.entity_type == child.value, _S.c.entity_id == source.c.id))
            .where(_S.c.status == OutboxStatus.SKIPPED.value)
        )
        await enqueue_upserts(db, child, skipped, now=now)


__all__ = ["requeue_skipped_children"]

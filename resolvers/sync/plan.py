"""Turn claimed outbox rows into per-record changes, sent in dependency order.

Rows for the same record are coalesced: the latest row decides (a delete after upserts sends only the
delete), and every row of the record shares the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models import OutboxOp, SyncEntity
from models.outbox_claims import ClaimedRow

# Parents before children; deletes run the other way round. A job's ACLs go right after the job, before
# anything of it shows on LinkedIn (its applications), so a secured job is never briefly everyone's.
UPSERT_ORDER = (
    SyncEntity.JOB,
    SyncEntity.ENTITY_ACL,
    SyncEntity.ACL_ASSIGNEE,
    SyncEntity.CANDIDATE,
    SyncEntity.CANDIDATE_NOTE,
    SyncEntity.APPLICATION,
    SyncEntity.APPLICATION_NOTE,
    SyncEntity.APPLICATION_STAGE,
    SyncEntity.INTERVIEW_FEEDBACK,
)
DELETE_ORDER = tuple(reversed(UPSERT_ORDER))
TASK_KEY = "task_id"


@dataclass(frozen=True, slots=True)
class Change:
    """The latest state of one record to push, and the outbox rows it stands for."""

    entity_type: SyncEntity
    entity_id: int
    op: OutboxOp
    key: dict[str, Any]
    row_ids: tuple[int, ...]
    attempts: int

    @property
    def task_id(self) -> str | None:
        """The job posting task this (job) change is waiting on, if it was already submitted."""
        value = self.key.get(TASK_KEY)
        return value if isinstance(value, str) else None

    def key_int(self, name: str) -> int | None:
        """An integer part of the delete key (e.g. the parent candidate of a note)."""
        value = self.key.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Step:
    """One entity type and operation, with its changes."""

    entity_type: SyncEntity
    op: OutboxOp
    changes: list[Change] = field(default_factory=list)


def coalesce(rows: Sequence[ClaimedRow]) -> list[Change]:
    """One change per record; the row with the highest id is the record's latest state."""
    grouped: dict[tuple[SyncEntity, int], list[ClaimedRow]] = {}
    for row in rows:
        grouped.setdefault((row.entity_type, row.entity_id), []).append(row)
    changes = []
    for (entity_type, entity_id), group in grouped.items():
        group.sort(key=lambda r: r.id)
        latest = group[-1]
        changes.append(
            Change(
                entity_type=entity_type,
                entity_id=entity_id,
                op=latest.op,
                key=dict(latest.key or {}),
                row_ids=tuple(r.id for r in group),
                attempts=max(r.attempts for r in group),
            )
        )
    return changes


def steps(changes: Sequence[Change]) -> list[Step]:
    """Upserts parents first (jobs, candidates, notes, applications, application notes, stages,
    feedback), then deletes children first; empty steps are left out."""
    ordered = [(t, OutboxOp.UPSERT) for t in UPSERT_ORDER] + [(t, OutboxOp.DELETE) for t in DELETE_ORDER]
    out = []
    for entity_type, op in ordered:
        selected = sorted(
            (c for c in changes if c.entity_type == entity_type and c.op == op), key=lambda c: c.entity_id
        )
        if selected:
            out.append(Step(entity_type, op, selected))
    return out

"""The children of a parent LinkedIn holds or drops: re-enqueue those skipped while their parent could not
be sent once it is sent, and find or mark those a parent's removal from LinkedIn concerns. Every statement
stays within one customer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Note
from models.integration import OutboxEvent, OutboxStatus, SyncEntity, SyncStatus
from models.interview_feedback import InterviewFeedback
from models.outbox_writes import enqueue_upserts

_S = SyncStatus.__table__  # type: ignore[attr-defined]
_NOTE = Note.__table__  # type: ignore[attr-defined]
_APPLICATION = Application.__table__  # type: ignore[attr-defined]
_STAGE = ApplicationStage.__table__  # type: ignore[attr-defined]
_O = OutboxEvent.__table__  # type: ignore[attr-defined]
_FEEDBACK = InterviewFeedback.__table__  # type: ignore[attr-defined]
# A record with one of these statuses may be on LinkedIn (a PARKED update leaves an earlier version there).
HELD = (OutboxStatus.SENT.value, OutboxStatus.PARKED.value)


def _children(
    customer_id: int, parent: SyncEntity, ids: list[int]
) -> list[tuple[SyncEntity, sa.Select[tuple[int]]]]:
    if parent is SyncEntity.CANDIDATE:
        return [
            (
                SyncEntity.CANDIDATE_NOTE,
                sa.select(_NOTE.c.id).where(
                    _NOTE.c.customer_id == customer_id,
                    _NOTE.c.candidate_id.in_(ids),
                    _NOTE.c.application_id.is_(None),
                ),
            ),
            (
                SyncEntity.APPLICATION,
                sa.select(_APPLICATION.c.id).where(
                    _APPLICATION.c.customer_id == customer_id, _APPLICATION.c.candidate_id.in_(ids)
                ),
            ),
        ]
    if parent is SyncEntity.APPLICATION:
        return [
            (
                SyncEntity.APPLICATION_NOTE,
                sa.select(_NOTE.c.id).where(
                    _NOTE.c.customer_id == customer_id, _NOTE.c.application_id.in_(ids)
                ),
            ),
            (
                SyncEntity.APPLICATION_STAGE,
                sa.select(_STAGE.c.id).where(
                    _STAGE.c.customer_id == customer_id, _STAGE.c.application_id.in_(ids)
                ),
            ),
            (
                SyncEntity.INTERVIEW_FEEDBACK,
                sa.select(_FEEDBACK.c.id).where(
                    _FEEDBACK.c.customer_id == customer_id, _FEEDBACK.c.application_id.in_(ids)
                ),
            ),
        ]
    return []


async def requeue_skipped_children(
    db: AsyncSession, customer_id: int, parent: SyncEntity, parent_ids: Sequence[int], *, now: datetime
) -> None:
    """UPSERT rows for the SKIPPED children of these (now sent) parents; the caller commits."""
    if not parent_ids:
        return
    for child, ids in _children(customer_id, parent, sorted(set(parent_ids))):
        source = ids.subquery()
        # A child with a pending row is sent by that row (it reads the latest state): no second send.
        pending = sa.exists().where(
            _O.c.customer_id == customer_id,
            _O.c.entity_type == child.value,
            _O.c.entity_id == source.c.id,
            _O.c.status == OutboxStatus.PENDING.value,
        )
        skipped = (
            sa.select(source.c.id)
            .join(
                _S,
                sa.and_(
                    _S.c.customer_id == customer_id,
                    _S.c.entity_type == child.value,
                    _S.c.entity_id == source.c.id,
                ),
            )
            .where(_S.c.status == OutboxStatus.SKIPPED.value, ~pending)
        )
        await enqueue_upserts(db, customer_id, child, skipped, now=now)


async def held_applications(
    db: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> dict[int, list[int]]:
    """Per candidate, the applications LinkedIn may hold (it keeps them apart from the candidate)."""
    if not candidate_ids:
        return {}
    statement = (
        select(_APPLICATION.c.candidate_id, _APPLICATION.c.id)
        .join(
            _S,
            sa.and_(
                _S.c.customer_id == _APPLICATION.c.customer_id,
                _S.c.entity_type == SyncEntity.APPLICATION.value,
                _S.c.entity_id == _APPLICATION.c.id,
            ),
        )
        .where(
            _APPLICATION.c.customer_id == customer_id,
            _APPLICATION.c.candidate_id.in_(sorted(set(candidate_ids))),
            _S.c.status.in_(HELD),
        )
        .order_by(_APPLICATION.c.id)
    )
    out: dict[int, list[int]] = {}
    for candidate_id, application_id in (await db.exec(statement)).all():
        out.setdefault(int(candidate_id), []).append(int(application_id))
    return out


def _cascaded(
    customer_id: int, parent: SyncEntity, ids: list[int]
) -> list[tuple[SyncEntity, sa.Select[tuple[int]]]]:
    """What LinkedIn deletes with a parent: a candidate's own notes; an application's notes, stages and
    feedback."""
    if parent is SyncEntity.CANDIDATE:
        notes = sa.select(_NOTE.c.id).where(
            _NOTE.c.customer_id == customer_id,
            _NOTE.c.candidate_id.in_(ids),
            _NOTE.c.application_id.is_(None),
        )
        return [(SyncEntity.CANDIDATE_NOTE, notes)]
    return [child for child in _children(customer_id, parent, ids) if child[0] is not SyncEntity.APPLICATION]


async def mark_withdrawn(
    db: AsyncSession,
    customer_id: int,
    parent: SyncEntity,
    reasons: Mapping[int, str],
    child_reason: str,
    *,
    now: datetime,
) -> None:
    """SKIPPED for records just deleted from LinkedIn for being ineligible (each with its reason) and for
    the children LinkedIn deleted with them (`child_reason`); all are re-sent with the parent. The caller
    commits."""
    if not reasons:
        return
    ids = sorted(reasons)

    async def skip(entity_type: SyncEntity, members: sa.ColumnElement[bool], reason: object) -> None:
        await db.exec(
            sa.update(_S)
            .where(
                _S.c.customer_id == customer_id,
                _S.c.entity_type == entity_type.value,
                members,
                _S.c.status.in_(HELD),
            )
            .values(status=OutboxStatus.SKIPPED.value, error=reason, updated_at=now)
        )

    # One statement for the records themselves, each keeping its own reason.
    reason_of = sa.case(dict(reasons), value=_S.c.entity_id)
    await skip(parent, _S.c.entity_id.in_(ids), reason_of)
    for child, selected in _cascaded(customer_id, parent, ids):
        await skip(child, _S.c.entity_id.in_(selected.scalar_subquery()), child_reason)


__all__ = ["HELD", "held_applications", "mark_withdrawn", "requeue_skipped_children"]

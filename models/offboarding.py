"""Offboarding a customer whose contract ended: the persisted state machine and its per-record progress.

`customer_offboarding` is one row per customer being (or once) offboarded: the data choice and the step
it is at. `offboarding_item` is one row per record to delete (or close) on LinkedIn, written once when
the offboarding starts and marked done in the same transaction that follows LinkedIn's answer, so a
process that dies resumes with what is left and never sends a confirmed deletion again. Every function
takes the customer and names it in every statement.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.acl_groups import AclGroupJob
from models.ats import Application, Candidate, Job, Note
from models.base import UTCDateTime, created_at_field, enum_type, timestamp_field, utcnow
from models.integration import OutboxStatus, SyncEntity, SyncStatus
from models.tenant_keys import customer_id_field, row_id_field
from models.upsert import table_of
from models.users import User


class DataChoice(enum.StrEnum):
    """What becomes of the customer's local data once LinkedIn's copy is gone."""

    DELETE = "DELETE"
    ANONYMISE = "ANONYMISE"


class OffboardingState(enum.StrEnum):
    """The steps, in order; each is entered only when the one before is complete."""

    DELETING_ON_LINKEDIN = "DELETING_ON_LINKEDIN"
    DISABLING_INTEGRATIONS = "DISABLING_INTEGRATIONS"
    REMOVING_LOCAL_DATA = "REMOVING_LOCAL_DATA"
    DONE = "DONE"


class ItemState(enum.StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    FAILED = "FAILED"


class ItemKind(enum.StrEnum):
    """What an item removes on LinkedIn, in the order they are sent (`STEP_ORDER`)."""

    # atsApplications DELETE: LinkedIn drops the application's notes, stages and feedback with it.
    APPLICATION = "APPLICATION"
    # atsCandidates/{key}/notes DELETE, before their candidate (RSC-501's order).
    CANDIDATE_NOTE = "CANDIDATE_NOTE"
    CANDIDATE = "CANDIDATE"
    # atsEntityAclAssignees of one person URN (`ref`), read then deleted.
    ACL_ASSIGNEE = "ACL_ASSIGNEE"
    # atsEntityAcls of one job, read then deleted.
    ENTITY_ACL = "ENTITY_ACL"
    # simpleJobPostings CLOSE: LinkedIn documents no job deletion.
    JOB = "JOB"


STEP_ORDER: tuple[ItemKind, ...] = tuple(ItemKind)


class CustomerOffboarding(SQLModel, table=True):
    """A customer's offboarding: the choice made and the step it is at."""

    __tablename__ = "customer_offboarding"

    customer_id: int = customer_id_field()
    data_choice: DataChoice = Field(sa_type=enum_type(DataChoice))
    state: OffboardingState = Field(sa_type=enum_type(OffboardingState))
    requested_at: datetime = created_at_field()
    # Who asked (an operator's email or "cli"); no customer data.
    requested_by: str | None = Field(default=None, max_length=320)
    finished_at: datetime | None = timestamp_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class OffboardingItem(SQLModel, table=True):
    """One record to remove from LinkedIn for an offboarding customer."""

    __tablename__ = "offboarding_item"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "kind", "entity_id", name="uq_offboarding_item_record"),
        sa.Index("ix_offboarding_item_pending", "customer_id", "state", "kind"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    kind: ItemKind = Field(sa_type=enum_type(ItemKind))
    # The ATS id LinkedIn keys the record by (the job's, for ENTITY_ACL; the user's, for ACL_ASSIGNEE).
    entity_id: int
    # The parent's ATS id for a sub-collection item (a candidate note's candidate).
    parent_id: int | None = Field(default=None)
    # A person URN (ACL_ASSIGNEE): LinkedIn keys assignees by it, and the user row may be gone by then.
    ref: str | None = Field(default=None, max_length=100)
    state: ItemState = Field(default=ItemState.PENDING, sa_type=enum_type(ItemState))
    attempts: int = Field(default=0)
    error: str | None = Field(default=None, max_length=500)
    done_at: datetime | None = timestamp_field()


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the deletions on LinkedIn are: done, left and given up on."""

    sent: int
    remaining: int
    failed: int


async def offboarding_of(db: AsyncSession, customer_id: int) -> CustomerOffboarding | None:
    """The customer's offboarding row, if it was ever started."""
    statement = select(CustomerOffboarding).where(col(CustomerOffboarding.customer_id) == customer_id)
    return (await db.exec(statement)).first()


async def offboardings_with_progress(
    db: AsyncSession, customer_ids: Sequence[int]
) -> dict[int, tuple[CustomerOffboarding, Progress]]:
    """The offboarding rows of these customers with their progress, in two statements whatever their
    number (the operators' customer list)."""
    if not customer_ids:
        return {}
    ids = list(customer_ids)
    rows = (
        await db.exec(select(CustomerOffboarding).where(col(CustomerOffboarding.customer_id).in_(ids)))
    ).all()
    counted = (
        await db.exec(
            select(OffboardingItem.customer_id, OffboardingItem.state, sa.func.count())
            .where(col(OffboardingItem.customer_id).in_([r.customer_id for r in rows] or [-1]))
            .group_by(col(OffboardingItem.customer_id), col(OffboardingItem.state))
        )
    ).all()
    counts: dict[int, dict[ItemState, int]] = {}
    for customer_id, state, n in counted:
        counts.setdefault(int(customer_id), {})[ItemState(state)] = int(n)
    out: dict[int, tuple[CustomerOffboarding, Progress]] = {}
    for row in rows:
        mine = counts.get(row.customer_id, {})
        progress = Progress(
            sent=mine.get(ItemState.DONE, 0),
            remaining=mine.get(ItemState.PENDING, 0),
            failed=mine.get(ItemState.FAILED, 0),
        )
        out[row.customer_id] = (row, progress)
    return out


async def start(
    db: AsyncSession, customer_id: int, choice: DataChoice, *, requested_by: str | None, now: datetime
) -> bool:
    """Create the offboarding row and its items (one INSERT ... SELECT per kind); False when the customer
    is already being offboarded (nothing written). The caller commits."""
    exists = await offboarding_of(db, customer_id)
    if exists is not None:
        return False
    db.add(
        CustomerOffboarding(
            customer_id=customer_id,
            data_choice=choice,
            state=OffboardingState.DELETING_ON_LINKEDIN,
            requested_at=now,
            requested_by=requested_by,
            updated_at=now,
        )
    )
    await db.flush()
    items = OffboardingItem.__table__  # type: ignore[attr-defined]
    columns = ["customer_id", "kind", "entity_id", "parent_id", "ref", "state", "attempts"]

    def rows(source: sa.Select[tuple[object, ...]]) -> sa.Insert:
        return sa.insert(items).from_select(columns, source)

    def const(value: str) -> sa.ColumnElement[str]:
        return sa.literal(value, sa.String())

    pending = const(ItemState.PENDING.value)
    zero = sa.literal(0, sa.Integer())
    null_int = sa.cast(sa.null(), sa.Integer())
    null_str = sa.cast(sa.null(), sa.String())
    a, n, c, j, u, g, s = (
        table_of(t) for t in (Application, Note, Candidate, Job, User, AclGroupJob, SyncStatus)
    )
    statements = [
        rows(
            sa.select(a.c.customer_id, const("APPLICATION"), a.c.id, null_int, null_str, pending, zero).where(
                a.c.customer_id == customer_id
            ),
        ),
        rows(
            sa.select(
                n.c.customer_id, const("CANDIDATE_NOTE"), n.c.id, n.c.candidate_id, null_str, pending, zero
            ).where(n.c.customer_id == customer_id, n.c.application_id.is_(None)),
        ),
        rows(
            sa.select(c.c.customer_id, const("CANDIDATE"), c.c.id, null_int, null_str, pending, zero).where(
                c.c.customer_id == customer_id
            ),
        ),
        rows(
            sa.select(u.c.customer_id, const("ACL_ASSIGNEE"), u.c.id, null_int, u.c.person_urn, pending, zero)
            .where(u.c.customer_id == customer_id, u.c.person_urn.is_not(None))
            .distinct(),
        ),
        rows(
            # Jobs secured now, or whose ACLs were ever sent (a job unsecured since may still hold some).
            sa.select(j.c.customer_id, const("ENTITY_ACL"), j.c.id, null_int, null_str, pending, zero).where(
                j.c.customer_id == customer_id,
                sa.or_(
                    j.c.id.in_(sa.select(g.c.job_id).where(g.c.customer_id == customer_id)),
                    j.c.id.in_(
                        sa.select(s.c.entity_id).where(
                            s.c.customer_id == customer_id, s.c.entity_type == SyncEntity.ENTITY_ACL.value
                        )
                    ),
                ),
            ),
        ),
        rows(
            # Only jobs LinkedIn took: a job it never had cannot be closed there.
            sa.select(j.c.customer_id, const("JOB"), j.c.id, null_int, null_str, pending, zero).where(
                j.c.customer_id == customer_id,
                j.c.id.in_(
                    sa.select(s.c.entity_id).where(
                        s.c.customer_id == customer_id,
                        s.c.entity_type == SyncEntity.JOB.value,
                        s.c.status == OutboxStatus.SENT.value,
                    )
                ),
            ),
        ),
    ]
    for statement in statements:
        await db.exec(statement)
    return True


async def pending_items(
    db: AsyncSession, customer_id: int, kind: ItemKind, *, limit: int
) -> list[OffboardingItem]:
    """The next pending items of one kind, oldest first."""
    statement = (
        select(OffboardingItem)
        .where(
            col(OffboardingItem.customer_id) == customer_id,
            col(OffboardingItem.kind) == kind,
            col(OffboardingItem.state) == ItemState.PENDING,
        )
        .order_by(col(OffboardingItem.parent_id), col(OffboardingItem.id))
        .limit(limit)
    )
    return list((await db.exec(statement)).all())


async def mark_done(db: AsyncSession, customer_id: int, item_ids: Sequence[int], *, now: datetime) -> None:
    """These items are gone on LinkedIn; the caller commits."""
    if item_ids:
        await db.exec(
            update(OffboardingItem)
            .where(
                col(OffboardingItem.customer_id) == customer_id, col(OffboardingItem.id).in_(list(item_ids))
            )
            .values(state=ItemState.DONE, done_at=now, error=None)
        )


async def mark_attempt_failed(
    db: AsyncSession, customer_id: int, item_id: int, error: str, *, give_up_after: int
) -> None:
    """LinkedIn refused this item: count the attempt, and give up (FAILED) after `give_up_after`."""
    failed = sa.case(
        (col(OffboardingItem.attempts) + 1 >= give_up_after, ItemState.FAILED.value),
        else_=ItemState.PENDING.value,
    )
    await db.exec(
        update(OffboardingItem)
        .where(col(OffboardingItem.customer_id) == customer_id, col(OffboardingItem.id) == item_id)
        .values(attempts=col(OffboardingItem.attempts) + 1, error=error[:500], state=failed)
    )


async def set_state(db: AsyncSession, customer_id: int, state: OffboardingState, *, now: datetime) -> None:
    """Move the offboarding to `state`; the caller commits."""
    values: dict[str, object] = {"state": state, "updated_at": now}
    if state is OffboardingState.DONE:
        values["finished_at"] = now
    await db.exec(
        update(CustomerOffboarding)
        .where(col(CustomerOffboarding.customer_id) == customer_id)
        .values(**values)
    )


async def progress(db: AsyncSession, customer_id: int) -> Progress:
    """Items done, pending and failed."""
    statement = (
        select(OffboardingItem.state, sa.func.count())
        .where(col(OffboardingItem.customer_id) == customer_id)
        .group_by(col(OffboardingItem.state))
    )
    counts = {ItemState(s): int(n) for s, n in (await db.exec(statement)).all()}
    return Progress(
        sent=counts.get(ItemState.DONE, 0),
        remaining=counts.get(ItemState.PENDING, 0),
        failed=counts.get(ItemState.FAILED, 0),
    )


__all__ = [
    "STEP_ORDER",
    "CustomerOffboarding",
    "DataChoice",
    "ItemKind",
    "ItemState",
    "OffboardingItem",
    "OffboardingState",
    "Progress",
    "mark_attempt_failed",
    "mark_done",
    "offboarding_of",
    "offboardings_with_progress",
    "pending_items",
    "progress",
    "set_state",
    "start",
]

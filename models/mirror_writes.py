"""Idempotent writes of LinkedIn's mirrored rows, keyed by the customer and LinkedIn's ids (an event or
note id is unique only within one customer's LinkedIn instance); one statement per batch.

Replaying any batch (a poll retried after a fault) leaves the tables exactly as one write would.
An InMail's visibility is the one thing about it that changes on LinkedIn (its author may change it):
an event read again stores its new visibility.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.mirror import InMailDirection, InMailMessage, InMailThread, LinkedInNote, LinkedInVisibility
from models.upsert import insert_for, insert_for_dialect, table_of

ThreadKey = tuple[str, str]  # (seat URN, member URN)


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One InMail to store, with the thread (seat × member) it belongs to."""

    event_id: str
    seat_urn: str
    member_urn: str
    conversation_urn: str
    author_urn: str
    direction: InMailDirection
    subject: str | None
    body: str
    sent_at: datetime
    visibility: LinkedInVisibility = LinkedInVisibility.PUBLIC
    project_urn: str | None = None


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One prospect note to store; `active=False` mirrors a deletion in Recruiter."""

    note_id: str
    owner_seat_urn: str
    member_urn: str
    body: str
    active: bool
    created_at: datetime
    updated_at: datetime
    visibility: LinkedInVisibility = LinkedInVisibility.PUBLIC
    project_urn: str | None = None


async def upsert_threads(
    db: AsyncSession, customer_id: int, latest: dict[ThreadKey, datetime]
) -> dict[ThreadKey, int]:
    """Ensure a thread row of the customer per (seat, member); return their ids. Stats are set by
    `recompute_threads`."""
    if not latest:
        return {}
    table = table_of(InMailThread)
    rows = [
        {"customer_id": customer_id, "seat_urn": s, "member_urn": m, "last_message_at": at}
        for (s, m), at in latest.items()
    ]
    key = [table.c.customer_id, table.c.seat_urn, table.c.member_urn]
    # executemany of one statement (compiled once and cached), not a multi-row VALUES per batch.
    await db.exec(insert_for(db, InMailThread).on_conflict_do_nothing(index_elements=key), params=rows)
    seats = sorted({s for s, _ in latest})
    members = sorted({m for _, m in latest})
    found = await db.exec(
        select(InMailThread.id, InMailThread.seat_urn, InMailThread.member_urn).where(
            col(InMailThread.customer_id) == customer_id,
            col(InMailThread.seat_urn).in_(seats),
            col(InMailThread.member_urn).in_(members),
        )
    )
    # The IN × IN filter may also find other pairs of these seats and members: keep only ours.
    return {
        (seat, member): id_
        for id_, seat, member in found.all()
        if id_ is not None and (seat, member) in latest
    }


async def upsert_messages(db: AsyncSession, customer_id: int, messages: Sequence[MessageRow]) -> set[int]:
    """Store the customer's InMails (threads included) keyed by LinkedIn's event id; return the touched
    thread ids.

    Events are immutable on LinkedIn but for their visibility, so a replayed event changes at most that.
    """
    if not messages:
        return set()
    latest: dict[ThreadKey, datetime] = {}
    for m in messages:
        key = (m.seat_urn, m.member_urn)
        latest[key] = max(latest.get(key, m.sent_at), m.sent_at)
    thread_ids = await upsert_threads(db, customer_id, latest)
    rows = {
        m.event_id: {
            "customer_id": customer_id,
            "event_id": m.event_id,
            "thread_id": thread_ids[(m.seat_urn, m.member_urn)],
            "conversation_urn": m.conversation_urn,
            "author_urn": m.author_urn,
            "direction": m.direction,
            "subject": m.subject,
            "body": m.body,
            "sent_at": m.sent_at,
            "visibility": m.visibility,
            "project_urn": m.project_urn,
        }
        for m in messages
    }
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        # One statement of one shape whatever the row count: columns as arrays, unnested by PostgreSQL.
        columns = {name: [row[name] for row in rows.values()] for name in _MESSAGE_COLUMNS}
        await db.exec(_pg_message_upsert(), params=columns)
    else:
        await db.exec(_message_upsert(dialect), params=list(rows.values()))
    touched = set(thread_ids.values())
    await recompute_threads(db, customer_id, touched)
    return touched


_MESSAGE_COLUMNS = (
    "customer_id",
    "event_id",
    "thread_id",
    "conversation_urn",
    "author_urn",
    "direction",
    "subject",
    "body",
    "sent_at",
    "visibility",
    "project_urn",
)


def _on_message_conflict(stmt: Any) -> Any:
    """A replayed InMail updates only its visibility and project, and only when they changed."""
    table = table_of(InMailMessage)
    changed = sa.or_(
        table.c.visibility != stmt.excluded.visibility,
        sa.func.coalesce(table.c.project_urn, "") != sa.func.coalesce(stmt.excluded.project_urn, ""),
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.c.customer_id, table.c.event_id],
        set_={"visibility": stmt.excluded.visibility, "project_urn": stmt.excluded.project_urn},
        where=changed,
    )


@functools.cache
def _pg_message_upsert() -> Any:
    """PostgreSQL's InMail upsert: `INSERT ... SELECT * FROM unnest(:col1, :col2, ...)`, one array per
    column. Multi-row VALUES pages change shape with the row count, and asyncpg prepares every new shape
    (~50 ms for a 1,000-row page); an executemany is one statement per row (~80 µs each)."""
    table = table_of(InMailMessage)
    arrays = [sa.bindparam(name, type_=postgresql.ARRAY(table.c[name].type)) for name in _MESSAGE_COLUMNS]
    unnested = sa.func.unnest(*arrays).table_valued(*_MESSAGE_COLUMNS).render_derived()
    rows = sa.select(*(unnested.c[name] for name in _MESSAGE_COLUMNS))
    return _on_message_conflict(postgresql.insert(table).from_select(list(_MESSAGE_COLUMNS), rows))


@functools.cache
def _message_upsert(dialect: str) -> Any:
    """The InMail upsert, built once per dialect: one statement for every row, compiled once and
    cached (a multi-row VALUES per batch compiled anew each time: 162k bind parameters in one poll).

    RETURNING is there for its side effect: SQLAlchemy then sends the rows as multi-row VALUES pages of
    the one compiled statement ("insertmanyvalues"), where a plain executemany is one statement per
    row on asyncpg (2,500 rows: 200 → 115 ms on PostgreSQL, 54 → 41 ms on SQLite). The ids are unused.
    """
    table = table_of(InMailMessage)
    return _on_message_conflict(insert_for_dialect(dialect, InMailMessage)).returning(table.c.id)


async def recompute_threads(db: AsyncSession, customer_id: int, thread_ids: set[int]) -> None:
    """Set subject, last message time and count of these threads of the customer from their messages
    (never by incrementing, so replays cannot double-count); one statement."""
    if not thread_ids:
        return
    thread, message = table_of(InMailThread), table_of(InMailMessage)
    of_thread = sa.and_(message.c.customer_id == thread.c.customer_id, message.c.thread_id == thread.c.id)
    first_subject = (
        sa.select(message.c.subject)
        .where(of_thread, message.c.subject.is_not(None))
        .order_by(message.c.sent_at, message.c.id)
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        sa.update(thread)
        .where(thread.c.customer_id == customer_id, thread.c.id.in_(sorted(thread_ids)))
        .values(
            message_count=sa.select(sa.func.count()).where(of_thread).scalar_subquery(),
            last_message_at=sa.select(sa.func.max(message.c.sent_at)).where(of_thread).scalar_subquery(),
            subject=first_subject,
        )
    )
    await db.exec(stmt)


async def upsert_notes(db: AsyncSession, customer_id: int, notes: Sequence[NoteRow]) -> None:
    """Store the customer's prospect notes keyed by LinkedIn's note id; an edit or deletion replaces the
    row unless the stored version is newer."""
    if not notes:
        return
    rows = {
        n.note_id: {
            "customer_id": customer_id,
            "note_id": n.note_id,
            "owner_seat_urn": n.owner_seat_urn,
            "member_urn": n.member_urn,
            "body": n.body,
            "active": n.active,
            "created_at": n.created_at,
            "updated_at": n.updated_at,
            "visibility": n.visibility,
            "project_urn": n.project_urn,
        }
        for n in sorted(notes, key=lambda n: n.updated_at)  # the newest version of a note wins
    }
    await db.exec(_note_upsert(db.get_bind().dialect.name), params=list(rows.values()))


@functools.cache
def _note_upsert(dialect: str) -> Any:
    """The prospect note upsert, built once per dialect (RETURNING as in `_message_upsert`)."""
    table = table_of(LinkedInNote)
    stmt = insert_for_dialect(dialect, LinkedInNote)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.customer_id, table.c.note_id],
        set_={
            "owner_seat_urn": stmt.excluded.owner_seat_urn,
            "member_urn": stmt.excluded.member_urn,
            "body": stmt.excluded.body,
            "active": stmt.excluded.active,
            "created_at": stmt.excluded.created_at,
            "updated_at": stmt.excluded.updated_at,
            "visibility": stmt.excluded.visibility,
            "project_urn": stmt.excluded.project_urn,
        },
        where=table.c.updated_at <= stmt.excluded.updated_at,
    ).returning(table.c.id)

"""The candidate tab's joined reads, keyed by candidate: what the tab always reads together comes back in
one statement (identity + snapshot; applications + job + stages; threads + recruiter + messages;
LinkedIn notes + owner), each within one customer, applications only as far as the reader's job sight
goes (models/job_sight.py) and InMails and notes only as far as the reader may see them
(models/mirror_visibility.py), in the SQL as before.

Each function answers exactly what the separate queries it replaces answered (models/candidate_queries.py,
models/mirror_queries.py, models/seats.py): same rows, same order, same thread stats.

Each statement is built once per shape of the reader's sight (`audience_kind`, `sight_kind`) with the
customer, the reader and the candidates as bound parameters: building one anew cost more per request than
running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Candidate, Job, LinkedInIdentity
from models.job_sight import JobSight, sight_kind, visible_job
from models.mirror import InMailMessage, InMailThread, LinkedInNote, LinkedInProfile
from models.mirror_visibility import EVERYTHING, Audience, audience_kind, visible_to
from models.seats import Seat
from models.upsert import table_of
from models.users import User

# The bound parameters of the statements below.
_CUSTOMER: sa.BindParameter[int] = sa.bindparam("customer_id", type_=sa.Integer())
_READER: sa.BindParameter[int] = sa.bindparam("reader", type_=sa.Integer())
_CANDIDATES: sa.BindParameter[int] = sa.bindparam("candidate_ids", expanding=True, type_=sa.Integer())
# A stand-in reader for building a statement of the `user` shape (its id is `_READER` in the SQL).
_SOME_USER = Audience(user_id=0)
_SOME_USER_SIGHT = JobSight(user_id=0)


def _audience_of_kind(kind: str) -> Audience:
    return {"everything": EVERYTHING, "public": Audience(), "user": _SOME_USER}[kind]


def _sight_of_kind(kind: str) -> JobSight:
    return {"every": JobSight(every_job=True), "unsecured": JobSight(), "user": _SOME_USER_SIGHT}[kind]


def _params(customer_id: int, candidate_ids: Sequence[int], reader: int | None = None) -> dict[str, Any]:
    return {"customer_id": customer_id, "candidate_ids": list(set(candidate_ids)), "reader": reader}


@dataclass(slots=True)
class LinkedInRows:
    """A candidate's LinkedIn identity and last snapshot (either may be absent)."""

    identity: LinkedInIdentity | None = None
    snapshot: LinkedInProfile | None = None


async def linkedin_rows_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> dict[int, LinkedInRows]:
    """Each candidate's identity and snapshot, keyed by candidate id (both absent for an unknown one);
    one statement (one row per candidate: both are unique per candidate)."""
    found: dict[int, LinkedInRows] = {i: LinkedInRows() for i in candidate_ids}
    if not candidate_ids:
        return found
    rows = await session.exec(_linkedin_rows_statement(), params=_params(customer_id, candidate_ids))
    for candidate_id, identity, snapshot in rows.all():
        if candidate_id is not None:
            found[candidate_id] = LinkedInRows(identity=identity, snapshot=snapshot)
    return found


@cache
def _linkedin_rows_statement() -> Any:
    # The candidate anchors both optional rows (its id is the customer's or names nothing).
    return (
        select(col(Candidate.id), LinkedInIdentity, LinkedInProfile)
        .outerjoin(
            LinkedInIdentity,
            (col(LinkedInIdentity.customer_id) == col(Candidate.customer_id))
            & (col(LinkedInIdentity.candidate_id) == col(Candidate.id)),
        )
        .outerjoin(
            LinkedInProfile,
            (col(LinkedInProfile.customer_id) == col(Candidate.customer_id))
            & (col(LinkedInProfile.candidate_id) == col(Candidate.id)),
        )
        .where(col(Candidate.customer_id) == _CUSTOMER, col(Candidate.id).in_(_CANDIDATES))
    )


@dataclass(slots=True)
class ApplicationRows:
    """Candidates' applications, with the jobs and stage histories they name."""

    by_candidate: dict[int, list[Application]]
    jobs: dict[int, Job] = field(default_factory=dict)
    stages: dict[int, list[ApplicationStage]] = field(default_factory=dict)


async def applications_with_jobs_and_stages(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int], *, sight: JobSight
) -> ApplicationRows:
    """Each candidate's applications that `sight` sees, most recently active first, with their jobs
    and each one's stages, oldest first; one statement."""
    rows = ApplicationRows(by_candidate={i: [] for i in candidate_ids})
    if not candidate_ids:
        return rows
    statement = _applications_statement(sight_kind(sight))
    params = _params(customer_id, candidate_ids, sight.user_id)
    for application, job, stage in (await session.exec(statement, params=params)).all():
        assert application.id is not None
        assert job.id is not None
        history = rows.stages.get(application.id)
        if history is None:
            history = rows.stages[application.id] = []
            rows.by_candidate[application.candidate_id].append(application)
            rows.jobs[job.id] = job
        if stage is not None:
            history.append(stage)
    return rows


@cache
def _applications_statement(kind: str) -> Any:
    sight = _sight_of_kind(kind)
    return (
        select(Application, Job, ApplicationStage)
        .join(
            Job,
            (col(Job.customer_id) == col(Application.customer_id)) & (col(Job.id) == col(Application.job_id)),
        )
        .outerjoin(
            ApplicationStage,
            (col(ApplicationStage.customer_id) == col(Application.customer_id))
            & (col(ApplicationStage.application_id) == col(Application.id)),
        )
        .where(
            col(Application.customer_id) == _CUSTOMER,
            col(Application.candidate_id).in_(_CANDIDATES),
            *visible_job(sight, col(Application.customer_id), col(Application.job_id), reader=_READER),
        )
        .order_by(
            col(Application.last_activity_at).desc(),
            col(Application.id).desc(),
            col(ApplicationStage.at),
            col(ApplicationStage.id),
        )
    )


@dataclass(slots=True)
class ThreadRows:
    """Candidates' InMail threads, with the messages and the recruiters (the seats' users) they name."""

    by_candidate: dict[int, list[InMailThread]]
    messages: dict[int, list[InMailMessage]] = field(default_factory=dict)
    # Every thread's seat, None when the seat names no ATS user.
    recruiters: dict[str, User | None] = field(default_factory=dict)


async def threads_with_messages_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int], audience: Audience
) -> ThreadRows:
    """Each candidate's member's threads with the customer's seats as `audience` sees them (as
    `mirror_queries.threads_by_member_urns`: one per seat, only those holding a message `audience` may
    see unless it sees everything, most recent first, stats of the visible messages), with those
    messages oldest first and each seat's ATS user; one statement."""
    rows = ThreadRows(by_candidate={i: [] for i in candidate_ids})
    if not candidate_ids:
        return rows
    statement = _threads_statement(audience_kind(audience))
    params = _params(customer_id, candidate_ids, audience.user_id)
    found = (await session.exec(statement, params=params)).all()
    return _thread_rows(customer_id, audience, rows, found)


@cache
def _threads_statement(kind: str) -> Any:
    audience = _audience_of_kind(kind)
    message = table_of(InMailMessage)
    thread = table_of(InMailThread)
    return (
        select(col(LinkedInIdentity.candidate_id), InMailThread, InMailMessage, User)
        .join(
            InMailThread,
            (col(InMailThread.customer_id) == col(LinkedInIdentity.customer_id))
            & (col(InMailThread.member_urn) == col(LinkedInIdentity.person_urn)),
        )
        .outerjoin(
            InMailMessage,
            (col(InMailMessage.customer_id) == col(InMailThread.customer_id))
            & (col(InMailMessage.thread_id) == col(InMailThread.id))
            & visible_to(audience, _CUSTOMER, message.c.visibility, thread.c.seat_urn, reader=_READER),
        )
        .outerjoin(
            Seat,
            (col(Seat.customer_id) == col(InMailThread.customer_id))
            & (col(Seat.seat_urn) == col(InMailThread.seat_urn)),
        )
        .outerjoin(
            User, (col(User.customer_id) == col(Seat.customer_id)) & (col(User.id) == col(Seat.user_id))
        )
        .where(
            col(LinkedInIdentity.customer_id) == _CUSTOMER,
            col(LinkedInIdentity.candidate_id).in_(_CANDIDATES),
        )
        .order_by(col(InMailThread.id), col(InMailMessage.sent_at), col(InMailMessage.id))
    )


def _thread_rows(customer_id: int, audience: Audience, rows: ThreadRows, found: Any) -> ThreadRows:
    # Groups the joined rows by thread, then keeps the threads the reader sees, most recent first.
    threads: dict[int, tuple[int, InMailThread]] = {}
    for candidate_id, thread_row, message_row, user in found:
        assert thread_row.id is not None
        if thread_row.id not in threads:
            threads[thread_row.id] = (candidate_id, thread_row)
            rows.messages[thread_row.id] = []
            rows.recruiters[thread_row.seat_urn] = user
        if message_row is not None:
            rows.messages[thread_row.id].append(message_row)
    shown: list[tuple[datetime, int, int, InMailThread]] = []
    for thread_id, (candidate_id, stored) in threads.items():
        visible = rows.messages[thread_id]
        if audience.everything:
            # Every message is visible: the stored stats (models/mirror_writes.py) describe them all.
            shown.append((stored.last_message_at, thread_id, candidate_id, stored))
        elif visible:
            seen = _visible_thread(customer_id, stored, visible)
            shown.append((seen.last_message_at, thread_id, candidate_id, seen))
    # Most recent first, the later thread first on a tie (as mirror_queries orders them).
    shown.sort(key=lambda item: (item[0], item[1]), reverse=True)
    for _, _, candidate_id, shown_thread in shown:
        rows.by_candidate[candidate_id].append(shown_thread)
    return rows


def _visible_thread(customer_id: int, stored: InMailThread, visible: list[InMailMessage]) -> InMailThread:
    # The thread as a reader who sees only `visible` (oldest first) sees it: their count and last time;
    # the stored subject (the whole thread's) while none is hidden, else the first visible one's
    # (mirror_queries._visible_threads in SQL). A new object: the loaded row stays as stored.
    count = len(visible)
    if count == stored.message_count:
        subject = stored.subject
    else:
        subject = next((m.subject for m in visible if m.subject is not None), None)
    return InMailThread(
        customer_id=customer_id,
        id=stored.id,
        seat_urn=stored.seat_urn,
        member_urn=stored.member_urn,
        subject=subject,
        last_message_at=max(m.sent_at for m in visible),
        message_count=count,
    )


@dataclass(slots=True)
class NoteRows:
    """Candidates' LinkedIn notes, with the owners (the seats' users) they name."""

    by_candidate: dict[int, list[LinkedInNote]]
    # Every note's seat, None when the seat names no ATS user.
    owners: dict[str, User | None] = field(default_factory=dict)


async def linkedin_notes_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int], audience: Audience
) -> NoteRows:
    """Each candidate's member's prospect notes by the customer's seats that LinkedIn has not deleted and
    `audience` may see, newest first, with each seat's ATS user; one statement."""
    rows = NoteRows(by_candidate={i: [] for i in candidate_ids})
    if not candidate_ids:
        return rows
    statement = _linkedin_notes_statement(audience_kind(audience))
    params = _params(customer_id, candidate_ids, audience.user_id)
    for candidate_id, note_row, user in (await session.exec(statement, params=params)).all():
        rows.by_candidate[candidate_id].append(note_row)
        rows.owners[note_row.owner_seat_urn] = user
    return rows


@cache
def _linkedin_notes_statement(kind: str) -> Any:
    audience = _audience_of_kind(kind)
    note = table_of(LinkedInNote)
    return (
        select(col(LinkedInIdentity.candidate_id), LinkedInNote, User)
        .join(
            LinkedInNote,
            (col(LinkedInNote.customer_id) == col(LinkedInIdentity.customer_id))
            & (col(LinkedInNote.member_urn) == col(LinkedInIdentity.person_urn)),
        )
        .outerjoin(
            Seat,
            (col(Seat.customer_id) == col(LinkedInNote.customer_id))
            & (col(Seat.seat_urn) == col(LinkedInNote.owner_seat_urn)),
        )
        .outerjoin(
            User, (col(User.customer_id) == col(Seat.customer_id)) & (col(User.id) == col(Seat.user_id))
        )
        .where(
            col(LinkedInIdentity.customer_id) == _CUSTOMER,
            col(LinkedInIdentity.candidate_id).in_(_CANDIDATES),
            col(LinkedInNote.active).is_(True),
            visible_to(audience, _CUSTOMER, note.c.visibility, note.c.owner_seat_urn, reader=_READER),
        )
        .order_by(col(LinkedInNote.created_at).desc(), col(LinkedInNote.id).desc())
    )


__all__ = [
    "ApplicationRows",
    "LinkedInRows",
    "NoteRows",
    "ThreadRows",
    "applications_with_jobs_and_stages",
    "linkedin_notes_by_candidate_ids",
    "linkedin_rows_by_candidate_ids",
    "threads_with_messages_by_candidate_ids",
]

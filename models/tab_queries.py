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
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import (
    Application,
    ApplicationStage,
    Candidate,
    Job,
    JobAvailability,
    JobState,
    LinkedInIdentity,
    MatchSource,
)
from models.job_sight import JobSight, sight_kind, visible_job
from models.mirror import (
    InMailDirection,
    InMailMessage,
    InMailThread,
    LinkedInNote,
    LinkedInProfile,
    LinkedInVisibility,
)
from models.mirror_visibility import EVERYTHING, Audience, audience_kind, visible_to
from models.seats import Seat
from models.upsert import table_of
from models.users import User, UserSource, full_name, role_set

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


@dataclass(frozen=True, slots=True)
class IdentityRead:
    """A candidate's LinkedIn identity as the tab shows it (the attribute names of `LinkedInIdentity`)."""

    id: int
    person_urn: str
    profile_url: str | None
    match_source: MatchSource
    matched_at: datetime


@dataclass(frozen=True, slots=True)
class SnapshotRead:
    """A candidate's last profile snapshot as the tab shows it (the attribute names of
    `LinkedInProfile`)."""

    id: int
    person_urn: str | None
    profile_url: str | None
    algorithmic_matches: list[str]
    manual_match: str | None
    fetched_at: datetime


_IDENTITY_COLUMNS = [table_of(LinkedInIdentity).c[name] for name in IdentityRead.__dataclass_fields__]
_SNAPSHOT_COLUMNS = [table_of(LinkedInProfile).c[name] for name in SnapshotRead.__dataclass_fields__]
# Where each part of a LinkedIn-rows statement's row starts: candidate id, identity, snapshot.
_I = 1
_P = _I + len(_IDENTITY_COLUMNS)


@dataclass(slots=True)
class LinkedInRows:
    """A candidate's LinkedIn identity and last snapshot (either may be absent)."""

    identity: IdentityRead | None = None
    snapshot: SnapshotRead | None = None


async def linkedin_rows_by_candidate_ids(
    session: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> dict[int, LinkedInRows]:
    """Each candidate's identity and snapshot, keyed by candidate id (both absent for an unknown one);
    one statement (one row per candidate: both are unique per candidate)."""
    found: dict[int, LinkedInRows] = {i: LinkedInRows() for i in candidate_ids}
    if not candidate_ids:
        return found
    for row in await _core_rows(session, _linkedin_rows_statement(), _params(customer_id, candidate_ids)):
        # An absent row's columns are all null (its id first).
        identity = IdentityRead(*row[_I:_P]) if row[_I] is not None else None
        snapshot = SnapshotRead(*row[_P:]) if row[_P] is not None else None
        found[row[0]] = LinkedInRows(identity=identity, snapshot=snapshot)
    return found


@cache
def _linkedin_rows_statement() -> Any:
    # The candidate anchors both optional rows (its id is the customer's or names nothing).
    return (
        sa.select(col(Candidate.id), *_IDENTITY_COLUMNS, *_SNAPSHOT_COLUMNS)
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


@dataclass(frozen=True, slots=True)
class ApplicationRead:
    """An application as the tab shows it (the attribute names of `Application`)."""

    id: int
    candidate_id: int
    job_id: int
    status: str
    source: str | None
    created_at: datetime
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class JobRead:
    """A job as the tab shows it (the attribute names of `Job`)."""

    id: int
    title: str
    description: str
    location: str | None
    company_apply_url: str | None
    state: JobState
    availability: JobAvailability
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StageRead:
    """A stage history entry as the tab shows it (the attribute names of `ApplicationStage`)."""

    id: int
    application_id: int
    stage: str
    actor: str | None
    at: datetime


_APPLICATION_COLUMNS = [table_of(Application).c[name] for name in ApplicationRead.__dataclass_fields__]
_JOB_COLUMNS = [table_of(Job).c[name] for name in JobRead.__dataclass_fields__]
_STAGE_COLUMNS = [table_of(ApplicationStage).c[name] for name in StageRead.__dataclass_fields__]
# Where each part of an application statement's row starts: application, job, stage.
_J = len(_APPLICATION_COLUMNS)
_S = _J + len(_JOB_COLUMNS)


@dataclass(slots=True)
class ApplicationRows:
    """Candidates' applications, with the jobs and stage histories they name."""

    by_candidate: dict[int, list[ApplicationRead]]
    jobs: dict[int, JobRead] = field(default_factory=dict)
    stages: dict[int, list[StageRead]] = field(default_factory=dict)


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
    for row in await _core_rows(session, statement, params):
        application_id = row[0]
        history = rows.stages.get(application_id)
        if history is None:
            history = rows.stages[application_id] = []
            application = ApplicationRead(*row[:_J])
            rows.by_candidate[application.candidate_id].append(application)
            rows.jobs[application.job_id] = JobRead(*row[_J:_S])
        if row[_S] is not None:
            history.append(StageRead(*row[_S:]))
    return rows


@cache
def _applications_statement(kind: str) -> Any:
    sight = _sight_of_kind(kind)
    return (
        sa.select(*_APPLICATION_COLUMNS, *_JOB_COLUMNS, *_STAGE_COLUMNS)
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


@dataclass(frozen=True, slots=True)
class ThreadRead:
    """A thread as the tab shows it (the attribute names of `InMailThread`): as stored, or with the
    stats of the InMails its reader sees."""

    id: int
    seat_urn: str
    member_urn: str
    subject: str | None
    last_message_at: datetime
    message_count: int


@dataclass(frozen=True, slots=True)
class MessageRead:
    """An InMail as the tab shows it (the attribute names of `InMailMessage`)."""

    id: int
    thread_id: int
    author_urn: str
    direction: InMailDirection
    subject: str | None
    body: str
    sent_at: datetime
    visibility: LinkedInVisibility


@dataclass(frozen=True, slots=True)
class NoteRead:
    """A prospect note as the tab shows it (the attribute names of `LinkedInNote`)."""

    id: int
    owner_seat_urn: str
    member_urn: str
    body: str
    created_at: datetime
    updated_at: datetime
    visibility: LinkedInVisibility


@dataclass(frozen=True, slots=True)
class UserRead:
    """A seat's ATS user as the tab shows it (the attribute names of `User`)."""

    id: int
    email: str
    first_name: str
    last_name: str
    person_urn: str | None
    roles: str
    source: UserSource
    created_at: datetime
    last_seen_at: datetime | None

    @property
    def name(self) -> str:
        """First and last name, as `User.name`."""
        return full_name(self.first_name, self.last_name)

    @property
    def role_names(self) -> frozenset[str]:
        """The stored roles as a set, as `User.role_names`."""
        return role_set(self.roles)


# The columns each record is built from, in its fields' order (Core rows: no ORM object per row).
_THREAD = table_of(InMailThread)
_MESSAGE = table_of(InMailMessage)
_NOTE = table_of(LinkedInNote)
_USER = table_of(User)
_THREAD_COLUMNS = [_THREAD.c[name] for name in ThreadRead.__dataclass_fields__]
_MESSAGE_COLUMNS = [_MESSAGE.c[name] for name in MessageRead.__dataclass_fields__]
_NOTE_COLUMNS = [_NOTE.c[name] for name in NoteRead.__dataclass_fields__]
_USER_COLUMNS = [_USER.c[name] for name in UserRead.__dataclass_fields__]


def _user(row: Any, start: int) -> UserRead | None:
    # The user columns from `start` on (all null when the seat names no user).
    return None if row[start] is None else UserRead(*row[start : start + len(_USER_COLUMNS)])


async def _core_rows(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Sequence[Any]:
    # A Core statement on the session's connection (its transaction): plain rows, no ORM loading.
    connection = await session.connection()
    return (await connection.execute(statement, params)).all()


@dataclass(slots=True)
class ThreadRows:
    """Candidates' InMail threads, with the messages and the recruiters (the seats' users) they name."""

    by_candidate: dict[int, list[ThreadRead]]
    messages: dict[int, list[MessageRead]] = field(default_factory=dict)
    # Every thread's seat, None when the seat names no ATS user.
    recruiters: dict[str, UserRead | None] = field(default_factory=dict)


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
    return _thread_rows(audience, rows, await _core_rows(session, statement, params))


# Where each part of a thread statement's row starts: candidate id, thread, message, user.
_T = 1
_M = _T + len(_THREAD_COLUMNS)
_U = _M + len(_MESSAGE_COLUMNS)


@cache
def _threads_statement(kind: str) -> Any:
    audience = _audience_of_kind(kind)
    return (
        sa.select(col(LinkedInIdentity.candidate_id), *_THREAD_COLUMNS, *_MESSAGE_COLUMNS, *_USER_COLUMNS)
        .join(
            InMailThread,
            (col(InMailThread.customer_id) == col(LinkedInIdentity.customer_id))
            & (col(InMailThread.member_urn) == col(LinkedInIdentity.person_urn)),
        )
        .outerjoin(
            InMailMessage,
            (col(InMailMessage.customer_id) == col(InMailThread.customer_id))
            & (col(InMailMessage.thread_id) == col(InMailThread.id))
            & visible_to(audience, _CUSTOMER, _MESSAGE.c.visibility, _THREAD.c.seat_urn, reader=_READER),
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


def _thread_rows(audience: Audience, rows: ThreadRows, found: Sequence[Any]) -> ThreadRows:
    # Groups the joined rows by thread, then keeps the threads the reader sees, most recent first.
    threads: dict[int, tuple[int, ThreadRead]] = {}
    for row in found:
        thread_id = row[_T]
        if thread_id not in threads:
            threads[thread_id] = (row[0], ThreadRead(*row[_T:_M]))
            rows.messages[thread_id] = []
            rows.recruiters[row[_T + 1]] = _user(row, _U)
        if row[_M] is not None:
            rows.messages[thread_id].append(MessageRead(*row[_M:_U]))
    shown: list[tuple[datetime, int, int, ThreadRead]] = []
    for thread_id, (candidate_id, stored) in threads.items():
        visible = rows.messages[thread_id]
        if audience.everything:
            # Every message is visible: the stored stats (models/mirror_writes.py) describe them all.
            shown.append((stored.last_message_at, thread_id, candidate_id, stored))
        elif visible:
            seen = _visible_thread(stored, visible)
            shown.append((seen.last_message_at, thread_id, candidate_id, seen))
    # Most recent first, the later thread first on a tie (as mirror_queries orders them).
    shown.sort(key=lambda item: (item[0], item[1]), reverse=True)
    for _, _, candidate_id, shown_thread in shown:
        rows.by_candidate[candidate_id].append(shown_thread)
    return rows


def _visible_thread(stored: ThreadRead, visible: list[MessageRead]) -> ThreadRead:
    # The thread as a reader who sees only `visible` (oldest first) sees it: their count and last time;
    # the stored subject (the whole thread's) while none is hidden, else the first visible one's
    # (mirror_queries._visible_threads in SQL).
    count = len(visible)
    if count == stored.message_count:
        subject = stored.subject
    else:
        subject = next((m.subject for m in visible if m.subject is not None), None)
    return replace(
        stored, subject=subject, last_message_at=max(m.sent_at for m in visible), message_count=count
    )


@dataclass(slots=True)
class NoteRows:
    """Candidates' LinkedIn notes, with the owners (the seats' users) they name."""

    by_candidate: dict[int, list[NoteRead]]
    # Every note's seat, None when the seat names no ATS user.
    owners: dict[str, UserRead | None] = field(default_factory=dict)


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
    owner = 1 + len(_NOTE_COLUMNS)
    for row in await _core_rows(session, statement, params):
        note = NoteRead(*row[1:owner])
        rows.by_candidate[row[0]].append(note)
        rows.owners[note.owner_seat_urn] = _user(row, owner)
    return rows


@cache
def _linkedin_notes_statement(kind: str) -> Any:
    audience = _audience_of_kind(kind)
    return (
        sa.select(col(LinkedInIdentity.candidate_id), *_NOTE_COLUMNS, *_USER_COLUMNS)
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
            visible_to(audience, _CUSTOMER, _NOTE.c.visibility, _NOTE.c.owner_seat_urn, reader=_READER),
        )
        .order_by(col(LinkedInNote.created_at).desc(), col(LinkedInNote.id).desc())
    )


__all__ = [
    "ApplicationRead",
    "ApplicationRows",
    "IdentityRead",
    "JobRead",
    "LinkedInRows",
    "MessageRead",
    "NoteRead",
    "NoteRows",
    "SnapshotRead",
    "StageRead",
    "ThreadRead",
    "ThreadRows",
    "UserRead",
    "applications_with_jobs_and_stages",
    "linkedin_notes_by_candidate_ids",
    "linkedin_rows_by_candidate_ids",
    "threads_with_messages_by_candidate_ids",
]

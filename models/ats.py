"""The ATS side: the system of record (candidates, jobs, applications, notes)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from models.base import UTCDateTime, created_at_field, enum_type, timestamp_field, utcnow
from models.profile_urls import profile_url_key
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk


class CandidateSource(enum.StrEnum):
    MANUAL = "MANUAL"
    LINKEDIN_EXPORT = "LINKEDIN_EXPORT"
    LINKEDIN_INMAIL = "LINKEDIN_INMAIL"


class MatchSource(enum.StrEnum):
    MANUAL = "MANUAL"
    EXPORT = "EXPORT"
    STUB = "STUB"
    ALGORITHMIC = "ALGORITHMIC"


class JobState(enum.StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class JobAvailability(enum.StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE_TO_ATS_INTEGRATION = "PRIVATE_TO_ATS_INTEGRATION"


CANDIDATE_EMAIL_INDEX = "uq_candidate_email"
# `Session.info` key of a session that writes what an ATS user asked for: a held email is refused
# (by the unique index), never flagged as a possible duplicate.
ATS_USER_WRITE = "rscgraph.ats_user_write"
_OUTSIDE_REVIEW = "possible_duplicate_of_id IS NULL AND email IS NOT NULL"


class Candidate(SQLModel, table=True):
    """A candidate in the ATS."""

    __tablename__ = "candidate"
    __table_args__ = (
        sa.Index("ix_candidate_updated_at_id", "customer_id", "updated_at", "id"),
        sa.Index("ix_candidate_email", "customer_id", "email"),
        sa.Index("ix_candidate_possible_duplicate_of_id", "customer_id", "possible_duplicate_of_id"),
        tenant_fk("possible_duplicate_of_id", "candidate", ondelete="SET NULL"),
        # One person once per customer: an email belongs to one candidate, case-insensitively. Candidates
        # flagged as possible duplicates (kept by migration 0002 for a person to review) stay outside.
        sa.Index(
            CANDIDATE_EMAIL_INDEX,
            sa.column("customer_id"),
            sa.func.lower(sa.column("email")),
            unique=True,
            sqlite_where=sa.text(_OUTSIDE_REVIEW),
            postgresql_where=sa.text(_OUTSIDE_REVIEW),
        ),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    # Stored lower-cased by the domain layer, so equality matches case-insensitively and uses the index.
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    title: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    mailing_city: str | None = Field(default=None, max_length=100)
    source: CandidateSource = Field(default=CandidateSource.MANUAL, sa_type=enum_type(CandidateSource))
    do_not_contact: bool = Field(default=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # The earlier candidate with the same email, for a person to merge or keep apart (set by migration
    # 0002 for duplicates made before the unique email index).
    # When LinkedIn's closed-or-purged exported profiles (atsPurgedExportedCandidates) first listed this
    # candidate's member: the ATS may have no legal basis left to keep it (shared/linkedin-rsc.md §6.3).
    linkedin_profile_purged_at: datetime | None = timestamp_field()
    possible_duplicate_of_id: int | None = Field(default=None)


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _flag_candidates_that_repeat_an_email(
    session: sa.orm.Session, _context: object, _instances: object
) -> None:
    """A candidate LinkedIn brings in (export, mail stub) or gives an email, where another candidate
    already holds that email, is stored flagged as that one's possible duplicate, for a person to
    review or merge.

    Nobody is there to answer a DUPLICATE for those writes, and dropping LinkedIn's data would lose
    it; the ATS's own writes refuse the email before they flush (resolvers.ats_writes.candidates), so
    they never get here with a held email. Done once, here, so every path keeps to the unique index.

    An ATS user's write that loses a race for the email (another commit took it after its check) is
    left to the unique index: it is refused, not quietly flagged as a duplicate.
    """
    if session.info.get(ATS_USER_WRITE):
        return
    for row in [*session.new, *session.dirty]:
        if not isinstance(row, Candidate):
            continue
        if row.id is None:
            if row.source == CandidateSource.MANUAL or row.email is None or row.possible_duplicate_of_id:
                continue
        elif not sa.inspect(row).attrs.email.history.has_changes():
            continue
        holder = None
        if row.email is not None:
            statement = sa.select(Candidate.id).where(  # type: ignore[call-overload]
                col(Candidate.customer_id) == row.customer_id,
                sa.func.lower(Candidate.email) == row.email.lower(),
                Candidate.possible_duplicate_of_id.is_(None),  # type: ignore[union-attr]
                # The unique index's condition in full, so the partial index serves the search.
                col(Candidate.email).is_not(None),
                Candidate.id != row.id if row.id is not None else sa.true(),
            )
            with session.no_autoflush:
                holder = session.execute(statement.limit(1)).scalar()
        row.possible_duplicate_of_id = holder


def _profile_url_key_default(context: Any) -> str | None:
    # A Core insert that gives no key (bulk loads, seeds) gets the one of the URL it gives.
    return profile_url_key(context.get_current_parameters().get("profile_url"))


class LinkedInIdentity(SQLModel, table=True):
    """Which LinkedIn member a candidate is; per customer, one member belongs to at most one candidate."""

    __tablename__ = "linkedin_identity"
    __table_args__ = (
        tenant_fk("candidate_id", "candidate", ondelete="CASCADE"),
        sa.UniqueConstraint("customer_id", "candidate_id"),
        sa.UniqueConstraint("customer_id", "person_urn"),
        sa.Index("ix_linkedin_identity_profile_url", "customer_id", "profile_url"),
        sa.Index("ix_linkedin_identity_profile_url_key", "customer_id", "profile_url_key"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    candidate_id: int
    person_urn: str = Field(max_length=100)
    profile_url: str | None = Field(default=None, max_length=500)
    # `profile_url_key(profile_url)`, kept by the model (below), so lookups match one indexed spelling.
    profile_url_key: str | None = Field(
        default=None, max_length=500, sa_column_kwargs={"default": _profile_url_key_default}
    )
    match_source: MatchSource = Field(sa_type=enum_type(MatchSource))
    match_reason: str | None = Field(default=None, max_length=200)
    matched_at: datetime = created_at_field()


class Job(SQLModel, table=True):
    """A job requisition."""

    __tablename__ = "job"

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    title: str = Field(max_length=200)
    description: str = Field(default="")
    location: str | None = Field(default=None, max_length=200)
    company_apply_url: str | None = Field(default=None, max_length=500)
    state: JobState = Field(default=JobState.OPEN, sa_type=enum_type(JobState))
    availability: JobAvailability = Field(
        default=JobAvailability.PRIVATE_TO_ATS_INTEGRATION, sa_type=enum_type(JobAvailability)
    )
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Application(SQLModel, table=True):
    """A candidate applied to a job; at most one per candidate and job."""

    __tablename__ = "application"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "candidate_id", "job_id", name="uq_application_candidate_job"),
        tenant_fk("candidate_id", "candidate", ondelete="CASCADE"),
        tenant_fk("job_id", "job", ondelete="CASCADE"),
        sa.Index("ix_application_job_id", "customer_id", "job_id"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    candidate_id: int
    job_id: int
    status: str = Field(default="Applied", max_length=100)
    source: str | None = Field(default=None, max_length=100)
    created_at: datetime = created_at_field()
    last_activity_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ApplicationStage(SQLModel, table=True):
    """One step of an application's append-only stage history."""

    __tablename__ = "application_stage"
    __table_args__ = (
        sa.Index("ix_application_stage_application_at", "customer_id", "application_id", "at"),
        tenant_fk("application_id", "application", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    application_id: int
    stage: str = Field(max_length=100)
    actor: str | None = Field(default=None, max_length=200)
    at: datetime = created_at_field()


class Note(SQLModel, table=True):
    """The ATS's own note on a candidate or one of its applications (never a LinkedIn note)."""

    __tablename__ = "note"
    __table_args__ = (
        sa.Index("ix_note_candidate_created", "customer_id", "candidate_id", "created_at"),
        sa.Index("ix_note_application_id", "customer_id", "application_id"),
        tenant_fk("candidate_id", "candidate", ondelete="CASCADE"),
        tenant_fk("application_id", "application", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    candidate_id: int
    application_id: int | None = Field(default=None)
    author: str = Field(max_length=200)
    body: str
    created_at: datetime = created_at_field()


# What the GraphQL types read of an application, its job and its stages: satisfied by the tables above
# and by the records the tab's reads build from Core rows (models/tab_queries.py).


class ApplicationFields(Protocol):
    """An application's shown fields (an `Application`, or a `tab_queries.ApplicationRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def candidate_id(self) -> int: ...
    @property
    def job_id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def last_activity_at(self) -> datetime: ...


class JobFields(Protocol):
    """A job's shown fields (a `Job`, or a `tab_queries.JobRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def location(self) -> str | None: ...
    @property
    def company_apply_url(self) -> str | None: ...
    @property
    def state(self) -> JobState: ...
    @property
    def availability(self) -> JobAvailability: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


class IdentityFields(Protocol):
    """A candidate's LinkedIn identity as the tab reads it (a `LinkedInIdentity`, or a
    `tab_queries.IdentityRead`)."""

    @property
    def person_urn(self) -> str: ...
    @property
    def profile_url(self) -> str | None: ...
    @property
    def match_source(self) -> MatchSource: ...
    @property
    def matched_at(self) -> datetime: ...


class AtsNoteFields(Protocol):
    """An ATS note's shown fields (a `Note`, or a `candidate_queries.AtsNoteRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def candidate_id(self) -> int: ...
    @property
    def application_id(self) -> int | None: ...
    @property
    def author(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


class StageFields(Protocol):
    """A stage history entry's shown fields (an `ApplicationStage`, or a `tab_queries.StageRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def application_id(self) -> int: ...
    @property
    def stage(self) -> str: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def at(self) -> datetime: ...


__all__ = [
    "ATS_USER_WRITE",
    "CANDIDATE_EMAIL_INDEX",
    "Application",
    "ApplicationFields",
    "AtsNoteFields",
    "ApplicationStage",
    "Candidate",
    "CandidateSource",
    "IdentityFields",
    "Job",
    "JobAvailability",
    "JobFields",
    "JobState",
    "LinkedInIdentity",
    "MatchSource",
    "Note",
    "StageFields",
]


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _key_profile_urls(session: sa.orm.Session, _context: object, _instances: object) -> None:
    """Every identity the ORM writes carries the key of its profile URL (new, or its URL changed)."""
    for row in [*session.new, *session.dirty]:
        if isinstance(row, LinkedInIdentity):
            key = profile_url_key(row.profile_url)
            if row.profile_url_key != key:
                row.profile_url_key = key

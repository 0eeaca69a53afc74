"""The ATS side: the system of record (recruiters, candidates, jobs, applications, notes)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, created_at_field, enum_type, utcnow


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


class Recruiter(SQLModel, table=True):
    """An ATS user, optionally mapped to a LinkedIn member and a Recruiter seat."""

    __tablename__ = "recruiter"

    id: int | None = Field(default=None, primary_key=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=320, unique=True)
    person_urn: str | None = Field(default=None, max_length=100, unique=True)
    seat_urn: str | None = Field(default=None, max_length=100, unique=True)
    created_at: datetime = created_at_field()


CANDIDATE_EMAIL_INDEX = "uq_candidate_email"
_OUTSIDE_REVIEW = "possible_duplicate_of_id IS NULL AND email IS NOT NULL"


class Candidate(SQLModel, table=True):
    """A candidate in the ATS."""

    __tablename__ = "candidate"
    __table_args__ = (
        sa.Index("ix_candidate_updated_at_id", "updated_at", "id"),
        # One person once: an email belongs to one candidate, case-insensitively. Candidates flagged as
        # possible duplicates (kept by migration 0002 for a person to review) stay outside. A customer
        # column, when customers exist, goes first: one person once per customer.
        sa.Index(
            CANDIDATE_EMAIL_INDEX,
            sa.func.lower(sa.column("email")),
            unique=True,
            sqlite_where=sa.text(_OUTSIDE_REVIEW),
            postgresql_where=sa.text(_OUTSIDE_REVIEW),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    # Stored lower-cased by the domain layer, so equality matches case-insensitively and uses the index.
    email: str | None = Field(default=None, max_length=320, index=True)
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
    possible_duplicate_of_id: int | None = Field(
        default=None, foreign_key="candidate.id", ondelete="SET NULL", index=True
    )


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
    """
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
                sa.func.lower(Candidate.email) == row.email.lower(),
                Candidate.possible_duplicate_of_id.is_(None),  # type: ignore[union-attr]
                Candidate.id != row.id if row.id is not None else sa.true(),
            )
            with session.no_autoflush:
                holder = session.execute(statement.limit(1)).scalar()
        row.possible_duplicate_of_id = holder


class LinkedInIdentity(SQLModel, table=True):
    """Which LinkedIn member a candidate is; one member belongs to at most one candidate."""

    __tablename__ = "linkedin_identity"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE", unique=True)
    person_urn: str = Field(max_length=100, unique=True)
    profile_url: str | None = Field(default=None, max_length=500, index=True)
    match_source: MatchSource = Field(sa_type=enum_type(MatchSource))
    match_reason: str | None = Field(default=None, max_length=200)
    matched_at: datetime = created_at_field()


class Job(SQLModel, table=True):
    """A job requisition."""

    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
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
    __table_args__ = (sa.UniqueConstraint("candidate_id", "job_id", name="uq_application_candidate_job"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE", index=True)
    job_id: int = Field(foreign_key="job.id", ondelete="CASCADE", index=True)
    status: str = Field(default="Applied", max_length=100)
    source: str | None = Field(default=None, max_length=100)
    created_at: datetime = created_at_field()
    last_activity_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ApplicationStage(SQLModel, table=True):
    """One step of an application's append-only stage history."""

    __tablename__ = "application_stage"
    __table_args__ = (sa.Index("ix_application_stage_application_at", "application_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", ondelete="CASCADE")
    stage: str = Field(max_length=100)
    actor: str | None = Field(default=None, max_length=200)
    at: datetime = created_at_field()


class Note(SQLModel, table=True):
    """The ATS's own note on a candidate or one of its applications (never a LinkedIn note)."""

    __tablename__ = "note"
    __table_args__ = (sa.Index("ix_note_candidate_created", "candidate_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE")
    application_id: int | None = Field(
        default=None, foreign_key="application.id", ondelete="CASCADE", index=True
    )
    author: str = Field(max_length=200)
    body: str
    created_at: datetime = created_at_field()


__all__ = [
    "CANDIDATE_EMAIL_INDEX",
    "Application",
    "ApplicationStage",
    "Candidate",
    "CandidateSource",
    "Job",
    "JobAvailability",
    "JobState",
    "LinkedInIdentity",
    "MatchSource",
    "Note",
    "Recruiter",
]

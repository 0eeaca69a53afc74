"""LinkedIn's side, mirrored: InMail threads and messages, prospect notes, profile snapshots."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from models.base import UTCDateTime, created_at_field, enum_type


class InMailDirection(enum.StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class InMailThread(SQLModel, table=True):
    """All of one Recruiter seat's InMails with one member, merged (LinkedIn shows one thread per seat).

    Keyed by member, not candidate, so InMails from a member who is not (yet) a candidate are kept and
    show up as soon as the member is linked to a candidate.
    """

    __tablename__ = "inmail_thread"
    __table_args__ = (sa.UniqueConstraint("seat_urn", "member_urn", name="uq_inmail_thread_seat_member"),)

    id: int | None = Field(default=None, primary_key=True)
    seat_urn: str = Field(max_length=100)
    member_urn: str = Field(max_length=100, index=True)
    subject: str | None = Field(default=None, max_length=500)
    last_message_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    message_count: int = Field(default=0)


class InMailMessage(SQLModel, table=True):
    """One InMail, keyed by LinkedIn's event id."""

    __tablename__ = "inmail_message"
    __table_args__ = (sa.Index("ix_inmail_message_thread_sent", "thread_id", "sent_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=200, unique=True)
    thread_id: int = Field(foreign_key="inmail_thread.id", ondelete="CASCADE")
    conversation_urn: str = Field(max_length=200, index=True)
    author_urn: str = Field(max_length=100)
    direction: InMailDirection = Field(sa_type=enum_type(InMailDirection))
    subject: str | None = Field(default=None, max_length=500)
    body: str = Field(default="")
    sent_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class LinkedInNote(SQLModel, table=True):
    """A LinkedIn Recruiter prospect note; its own table, never copied into the ATS's notes."""

    __tablename__ = "linkedin_note"
    __table_args__ = (sa.Index("ix_linkedin_note_member_active", "member_urn", "active"),)

    id: int | None = Field(default=None, primary_key=True)
    note_id: str = Field(max_length=200, unique=True)
    owner_seat_urn: str = Field(max_length=100)
    member_urn: str = Field(max_length=100)
    body: str = Field(default="")
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class LinkedInProfile(SQLModel, table=True):
    """The last snapshot of what LinkedIn said about a candidate's member (export, stub, matches)."""

    __tablename__ = "linkedin_profile"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE", unique=True)
    person_urn: str | None = Field(default=None, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    headline: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=100)
    profile_url: str | None = Field(default=None, max_length=500)
    algorithmic_matches: list[str] = Field(default_factory=list, sa_type=JSON)
    manual_match: str | None = Field(default=None, max_length=100)
    fetched_at: datetime = created_at_field()


__all__ = ["InMailDirection", "InMailMessage", "InMailThread", "LinkedInNote", "LinkedInProfile"]

"""LinkedIn's side, mirrored: InMail threads and messages, prospect notes, profile snapshots."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from models.base import UTCDateTime, created_at_field, enum_type
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk


class InMailDirection(enum.StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class LinkedInVisibility(enum.StrEnum):
    """Who LinkedIn shows an InMail or note to: anyone in the organization, the Recruiter project's
    members, or its author only (shared/linkedin-rsc.md §3.4-3.5)."""

    PUBLIC = "PUBLIC"
    PROJECT = "PROJECT"
    PRIVATE = "PRIVATE"


class InMailThread(SQLModel, table=True):
    """All of one Recruiter seat's InMails with one member, merged (LinkedIn shows one thread per seat).

    Keyed by member, not candidate, so InMails from a member who is not (yet) a candidate are kept and
    show up as soon as the member is linked to a candidate.
    """

    __tablename__ = "inmail_thread"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "seat_urn", "member_urn", name="uq_inmail_thread_seat_member"),
        sa.Index("ix_inmail_thread_member_urn", "customer_id", "member_urn"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    seat_urn: str = Field(max_length=100)
    member_urn: str = Field(max_length=100)
    subject: str | None = Field(default=None, max_length=500)
    last_message_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    message_count: int = Field(default=0)


class InMailMessage(SQLModel, table=True):
    """One InMail, keyed by LinkedIn's event id."""

    __tablename__ = "inmail_message"
    __table_args__ = (
        sa.Index("ix_inmail_message_thread_sent", "customer_id", "thread_id", "sent_at", "id"),
        sa.Index("ix_inmail_message_conversation_urn", "customer_id", "conversation_urn"),
        sa.UniqueConstraint("customer_id", "event_id"),
        tenant_fk("thread_id", "inmail_thread", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    event_id: str = Field(max_length=200)
    thread_id: int
    conversation_urn: str = Field(max_length=200)
    author_urn: str = Field(max_length=100)
    direction: InMailDirection = Field(sa_type=enum_type(InMailDirection))
    subject: str | None = Field(default=None, max_length=500)
    body: str = Field(default="")
    sent_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    visibility: LinkedInVisibility = Field(
        default=LinkedInVisibility.PUBLIC, sa_type=enum_type(LinkedInVisibility)
    )
    # The Recruiter project a PROJECT-visible InMail belongs to.
    project_urn: str | None = Field(default=None, max_length=200)


class LinkedInNote(SQLModel, table=True):
    """A LinkedIn Recruiter prospect note; its own table, never copied into the ATS's notes."""

    __tablename__ = "linkedin_note"
    __table_args__ = (
        sa.Index("ix_linkedin_note_member_active", "customer_id", "member_urn", "active"),
        sa.UniqueConstraint("customer_id", "note_id"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    note_id: str = Field(max_length=200)
    owner_seat_urn: str = Field(max_length=100)
    member_urn: str = Field(max_length=100)
    body: str = Field(default="")
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    visibility: LinkedInVisibility = Field(
        default=LinkedInVisibility.PUBLIC, sa_type=enum_type(LinkedInVisibility)
    )
    project_urn: str | None = Field(default=None, max_length=200)


class LinkedInProfile(SQLModel, table=True):
    """The last snapshot of what LinkedIn said about a candidate's member (export, stub, matches)."""

    __tablename__ = "linkedin_profile"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "candidate_id"),
        tenant_fk("candidate_id", "candidate", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    candidate_id: int
    person_urn: str | None = Field(default=None, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    headline: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=100)
    profile_url: str | None = Field(default=None, max_length=500)
    algorithmic_matches: list[str] = Field(default_factory=list, sa_type=JSON)
    manual_match: str | None = Field(default=None, max_length=100)
    fetched_at: datetime = created_at_field()


# What the GraphQL types read of a thread, an InMail and a prospect note: satisfied by the tables above
# and by the plain records the tab's reads build from Core rows (models/tab_queries.py), which cost a
# fraction of an ORM object to load.


class ThreadFields(Protocol):
    """A thread's shown fields (an `InMailThread`, or a `tab_queries.ThreadRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def seat_urn(self) -> str: ...
    @property
    def member_urn(self) -> str: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def last_message_at(self) -> datetime: ...
    @property
    def message_count(self) -> int: ...


class MessageFields(Protocol):
    """An InMail's shown fields (an `InMailMessage`, or a `tab_queries.MessageRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def thread_id(self) -> int: ...
    @property
    def author_urn(self) -> str: ...
    @property
    def direction(self) -> InMailDirection: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def body(self) -> str: ...
    @property
    def sent_at(self) -> datetime: ...
    @property
    def visibility(self) -> LinkedInVisibility: ...


class SnapshotFields(Protocol):
    """A profile snapshot as the tab reads it (a `LinkedInProfile`, or a `tab_queries.SnapshotRead`)."""

    @property
    def person_urn(self) -> str | None: ...
    @property
    def profile_url(self) -> str | None: ...
    @property
    def algorithmic_matches(self) -> list[str]: ...
    @property
    def manual_match(self) -> str | None: ...
    @property
    def fetched_at(self) -> datetime: ...


class NoteFields(Protocol):
    """A prospect note's shown fields (a `LinkedInNote`, or a `tab_queries.NoteRead`)."""

    @property
    def id(self) -> int | None: ...
    @property
    def owner_seat_urn(self) -> str: ...
    @property
    def member_urn(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def visibility(self) -> LinkedInVisibility: ...


__all__ = [
    "InMailDirection",
    "InMailMessage",
    "InMailThread",
    "LinkedInNote",
    "LinkedInProfile",
    "MessageFields",
    "NoteFields",
    "SnapshotFields",
    "ThreadFields",
]

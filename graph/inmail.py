"""The LinkedIn InMail History tab: one thread per recruiter seat, each with its whole history."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.described import described
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from graph.user import User
from models.mirror import MessageFields, ThreadFields


@strawberry.enum(description="Which way an InMail went.")
class InMailDirection(enum.Enum):
    INBOUND = described(
        "INBOUND",
        "The member wrote to the recruiter's seat.",
    )
    OUTBOUND = described(
        "OUTBOUND",
        "The recruiter's seat wrote to the member.",
    )


@strawberry.enum(
    description="Who LinkedIn shows an InMail or prospect note to, and so who sees it here: PUBLIC anyone "
    "in the customer's organization; PROJECT the Recruiter project's members (in the ATS: as the "
    "customer's `projectVisibility` says); PRIVATE its author only. Admins see every item."
)
class LinkedInVisibility(enum.Enum):
    PUBLIC = described(
        "PUBLIC",
        "Anyone in the customer's organization.",
    )
    PROJECT = described(
        "PROJECT",
        "The Recruiter project's members (as the customer's `projectVisibility` says).",
    )
    PRIVATE = described(
        "PRIVATE",
        "Its author only (and admins here).",
    )


@strawberry.type(description="One InMail.")
class InMailMessage(relay.Node):
    id: relay.NodeID[int]
    direction: InMailDirection = strawberry.field(
        description="OUTBOUND when the recruiter's seat sent it, INBOUND when the candidate did."
    )
    author: str = strawberry.field(description="The sender's LinkedIn person URN.")
    subject: str | None = strawberry.field(description="The subject line, if any.")
    body: str = strawberry.field(description="The message text.")
    sent_at: datetime = strawberry.field(description="When it was sent.")
    visibility: LinkedInVisibility = strawberry.field(
        description="Its LinkedIn visibility, chosen by its recruiter (a PRIVATE one shows only to them)."
    )

    @classmethod
    def from_row(cls, row: MessageFields) -> InMailMessage:
        """The GraphQL view of a message row."""
        assert row.id is not None
        return cls(
            id=row.id,
            direction=InMailDirection(row.direction.value),
            author=row.author_urn,
            subject=row.subject,
            body=row.body,
            sent_at=row.sent_at,
            visibility=LinkedInVisibility(row.visibility.value),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[InMailMessage | None]:
        rows = await info.context.loaders.inmail_message_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type(
    description="All InMails between one recruiter seat and the candidate that the viewer may see, merged "
    "(a thread with none does not show)."
)
class InMailThread(relay.Node):
    id: relay.NodeID[int]
    seat_urn: str = strawberry.field(description="The LinkedIn Recruiter seat of the thread.")
    subject: str | None = strawberry.field(description="The subject of the conversation, if any.")
    last_message_at: datetime = strawberry.field(
        description="When the last InMail the viewer may see was sent."
    )
    message_count: int = strawberry.field(description="How many of its InMails the viewer may see.")
    row: strawberry.Private[ThreadFields]

    @classmethod
    def from_row(cls, row: ThreadFields) -> InMailThread:
        """The GraphQL view of a thread row."""
        assert row.id is not None
        return cls(
            id=row.id,
            seat_urn=row.seat_urn,
            subject=row.subject,
            last_message_at=row.last_message_at,
            message_count=row.message_count,
            row=row,
        )

    @strawberry.field(description="The ATS user mapped to the seat (null when no user holds it).")
    async def recruiter(self, info: Info) -> User | None:
        row = await info.context.loaders.recruiter_by_seat_urn.load(self.seat_urn)
        return User.from_row(row) if row is not None else None

    @strawberry.field(description="The whole history the viewer may see, oldest first.")
    async def messages(self, info: Info) -> list[InMailMessage]:
        assert self.row.id is not None
        rows = await info.context.loaders.messages_by_thread_id.load(self.row.id)
        return [InMailMessage.from_row(row) for row in rows]

    @strawberry.field(
        description="`messages` a page at a time (oldest first), for clients that cache connections; the "
        "same loader, so it adds no statement beside `messages`."
    )
    async def messages_connection(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[InMailMessage]:
        window = page_window(first, after, max_page_size=info.context.services.config.max_page_size)
        assert self.row.id is not None
        rows = await info.context.loaders.messages_by_thread_id.load(self.row.id)
        page = [InMailMessage.from_row(row) for row in rows[window.offset : window.offset + window.limit]]
        return build_connection(Connection[InMailMessage], page, window=window, total=len(rows))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[InMailThread | None]:
        rows = await info.context.loaders.inmail_thread_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]

"""The `Seat` type (a LinkedIn Recruiter seat of the customer's contract and the ATS user behind it) and
the admins' `seats` list."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from graph.user import User
from resolvers import seats


@strawberry.enum(description="How a seat came to name its user.")
class SeatMappedBy(enum.Enum):
    PERSON_URN = strawberry.enum_value(
        "PERSON_URN", description="The seatholder's person URN is the user's (each sync keeps it so)."
    )
    ADMIN = strawberry.enum_value(
        "ADMIN", description="An admin mapped it (mapSeat); syncs never change it, a null user included."
    )


@strawberry.type(
    description="A LinkedIn Recruiter seat of the customer's contract (from seatsV2), and the ATS user "
    "behind it. A seat mapped to no user shows its private InMails and notes to admins only."
)
class Seat(relay.Node):
    id: relay.NodeID[int]
    seat_urn: str = strawberry.field(description="The seat's URN, e.g. urn:li:seat:1001.")
    holder_person_urn: str | None = strawberry.field(
        description="The seatholder's LinkedIn person URN, as seatsV2 last said."
    )
    active: bool = strawberry.field(
        description="False once seatsV2 stops listing the seat (or lists it inactive): no longer polled; "
        "its InMails and notes stay."
    )
    mapped_by: SeatMappedBy | None = strawberry.field(
        description="How the seat names its user; null when no user has the seatholder's person URN."
    )
    synced_at: datetime | None = strawberry.field(description="When seatsV2 last listed the seat.")
    row: strawberry.Private[models.Seat]

    @strawberry.field(description="The ATS user behind the seat; null when none is mapped.")
    async def user(self, info: Info) -> User | None:
        if self.row.user_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.row.user_id)
        return User.from_row(row) if row is not None else None

    @classmethod
    def from_row(cls, row: models.Seat) -> Seat:
        """The GraphQL view of a seat row."""
        assert row.id is not None
        return cls(
            id=row.id,
            seat_urn=row.seat_urn,
            holder_person_urn=row.holder_person_urn,
            active=row.active,
            mapped_by=SeatMappedBy(row.mapped_by.value) if row.mapped_by is not None else None,
            synced_at=row.synced_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Seat | None]:
        rows = await info.context.loaders.seat_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type
class SeatQuery:
    @strawberry.field(description="The customer's Recruiter seats, by seat URN (its admins).")
    async def seats(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        active: Annotated[
            bool | None, strawberry.argument(description="Only active (true) or inactive (false) seats.")
        ] = None,
    ) -> Connection[Seat]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await seats.seats_page(
            services.sessions, info.context.tenant.id, offset=window.offset, limit=window.limit, active=active
        )
        nodes = [Seat.from_row(row) for row in rows]
        return build_connection(Connection[Seat], nodes, window=window, total=total)

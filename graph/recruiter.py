"""The `Recruiter` type: an ATS user, optionally mapped to a LinkedIn Recruiter seat."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from resolvers import users


@strawberry.type(description="An ATS user, optionally mapped to a LinkedIn member and Recruiter seat.")
class Recruiter(relay.Node):
    id: relay.NodeID[int]
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    email: str = strawberry.field(description="Work email address.")
    person_urn: str | None = strawberry.field(description="The recruiter's LinkedIn member URN, if mapped.")
    created_at: datetime = strawberry.field(description="When the user was created in the ATS.")
    row: strawberry.Private[models.User]

    @strawberry.field(description="The LinkedIn Recruiter seat URN behind this user, if mapped.")
    async def seat_urn(self, info: Info) -> str | None:
        seat_urns = await info.context.loaders.seat_urns_by_user_id.load(self.id)
        return seat_urns[0] if seat_urns else None

    @classmethod
    def from_row(cls, row: models.User) -> Recruiter:
        """The GraphQL view of a recruiter row."""
        assert row.id is not None
        return cls(
            id=row.id,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            person_urn=row.person_urn,
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Recruiter | None]:
        rows = await info.context.loaders.user_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type
class RecruiterQuery:
    @strawberry.field(description="The ATS's users, by name.")
    async def recruiters(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Recruiter]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await users.users_page(
            services.sessions, info.context.tenant.id, offset=window.offset, limit=window.limit
        )
        nodes = [Recruiter.from_row(row) for row in rows]
        return build_connection(Connection[Recruiter], nodes, window=window, total=total)

"""The `User` type (an ATS user of the customer: roles, person URN, the Recruiter seats behind it), the
admins' `users` list and the older `recruiters` alias."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.customer import RoleValue
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from models.users import UserFields
from resolvers import users

if TYPE_CHECKING:
    from graph.seat import Seat


@strawberry.enum(description="How a user became known to the ATS.")
class UserSource(enum.Enum):
    TOKEN = strawberry.enum_value("TOKEN", description="From its sign-in token, on first sight.")
    ADMIN = strawberry.enum_value("ADMIN", description="Created by an admin (createUser).")
    SEED = strawberry.enum_value("SEED", description="From the demo data.")


_ROLE_VALUES = frozenset(role.value for role in RoleValue)


@strawberry.type(
    description="An ATS user of the customer: known from its sign-in token or created by an admin, "
    "optionally a LinkedIn member (its person URN maps it to its Recruiter seats)."
)
class User(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(description="Work email address (lower-cased).")
    first_name: str = strawberry.field(description="First name (empty when unknown).")
    last_name: str = strawberry.field(description="Last name (empty when unknown).")
    name: str = strawberry.field(description="First and last name (empty when unknown).")
    person_urn: str | None = strawberry.field(
        description="The user's LinkedIn person URN, if known: the seat whose holder it is maps to the user."
    )
    roles: list[RoleValue] = strawberry.field(
        description="The user's stored roles, sorted. Where the identity provider's token carries roles "
        "(RSC_AUTH_ROLES_CLAIM), sign-in rewrites them; otherwise these are the user's roles."
    )
    source: UserSource = strawberry.field(description="How the user became known.")
    created_at: datetime = strawberry.field(description="When the user was created in the ATS.")
    last_seen_at: datetime | None = strawberry.field(description="When the user last signed in, if ever.")
    row: strawberry.Private[UserFields]

    @strawberry.field(description="The LinkedIn Recruiter seats mapped to the user, by seat URN.")
    async def seats(self, info: Info) -> list[Annotated[Seat, strawberry.lazy("graph.seat")]]:
        from graph.seat import Seat

        rows = await info.context.loaders.seats_by_user_id.load(self.id)
        return [Seat.from_row(row) for row in rows]

    @strawberry.field(
        description="The first Recruiter seat URN mapped to the user, if any.",
        deprecation_reason="Use `seats`: a user may hold more than one seat.",
    )
    async def seat_urn(self, info: Info) -> str | None:
        rows = await info.context.loaders.seats_by_user_id.load(self.id)
        return rows[0].seat_urn if rows else None

    @classmethod
    def from_row(cls, row: UserFields) -> User:
        """The GraphQL view of a user row."""
        assert row.id is not None
        return cls(
            id=row.id,
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            name=row.name,
            person_urn=row.person_urn,
            roles=[RoleValue(role) for role in sorted(row.role_names) if role in _ROLE_VALUES],
            source=UserSource(row.source.value),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[User | None]:
        rows = await info.context.loaders.user_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


async def _users_connection(info: Info, first: int | None, after: str | None) -> Connection[User]:
    services = info.context.services
    window = page_window(first, after, max_page_size=services.config.max_page_size)
    rows, total = await users.users_page(
        services.sessions, info.context.tenant.id, offset=window.offset, limit=window.limit
    )
    nodes = [User.from_row(row) for row in rows]
    return build_connection(Connection[User], nodes, window=window, total=total)


@strawberry.type
class UserQuery:
    @strawberry.field(description="The customer's users, by name (its admins).")
    async def users(self, info: Info, first: FirstArg = None, after: AfterArg = None) -> Connection[User]:
        return await _users_connection(info, first, after)

    @strawberry.field(
        description="The customer's users, by name.",
        deprecation_reason="Use `users` (admins); kept so older clients of recruiters keep working.",
    )
    async def recruiters(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[User]:
        return await _users_connection(info, first, after)

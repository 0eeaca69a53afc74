"""API keys for service clients: `apiKeys`, `createApiKey`, `revokeApiKey` (a customer's admins)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.customer import RoleValue
from graph.errors import UserError
from graph.ids import int_ids
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from resolvers import api_keys
from resolvers.errors import DomainError


@strawberry.type(description="A service client's API key: who it acts as; never the key itself.")
class ApiKey(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="What the key is for, as its admin named it.")
    role: RoleValue = strawberry.field(description="The one role the key acts with.")
    prefix: str = strawberry.field(
        description="The key's first characters (`rsk_<customer>_…`), to tell keys apart; not enough "
        "to use it."
    )
    created_at: datetime = strawberry.field(description="When the key was made.")
    last_used_at: datetime | None = strawberry.field(
        description="When a request last presented it (recorded at most once a minute); null if never."
    )
    revoked_at: datetime | None = strawberry.field(description="When it was revoked; null while it works.")

    @classmethod
    def from_row(cls, row: models.ApiKey, customer_key: str) -> ApiKey:
        """The GraphQL view of a key row of the customer `customer_key`."""
        assert row.id is not None
        return cls(
            id=row.id,
            name=row.name,
            role=RoleValue(row.role),
            prefix=api_keys.shown_prefix(customer_key, row),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[ApiKey | None]:
        tenant = info.context.tenant
        rows = await api_keys.api_keys_by_ids(info.context.services.sessions, tenant.id, int_ids(node_ids))
        return [cls.from_row(row, tenant.key) if row is not None else None for row in rows]


@strawberry.input(description="A new API key.")
class CreateApiKeyInput:
    name: str = strawberry.field(description='What it is for, e.g. "search enrichment"; 1 to 100 characters.')
    role: RoleValue = strawberry.field(
        description="The role it acts with: INTEGRATION (the In-ATS badge) or RECRUITER; never ADMIN or "
        "OPERATOR."
    )


@strawberry.type(description="The result of `createApiKey`.")
class CreateApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="The new key's details; null on failure.")
    key: str | None = strawberry.field(
        description="The key, shown this once (only its hash is kept): send it as `Authorization: Bearer "
        "<key>`. Null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The API key to revoke.")
class RevokeApiKeyInput:
    id: strawberry.ID = strawberry.field(description="The key's global ID.")


@strawberry.type(description="The result of `revokeApiKey`.")
class RevokeApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(description="The revoked key; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class ApiKeyQuery:
    @strawberry.field(description="The customer's API keys, newest first, revoked ones included.")
    async def api_keys(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[ApiKey]:
        services, tenant = info.context.services, info.context.tenant
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await api_keys.api_keys_page(
            services.sessions, tenant.id, offset=window.offset, limit=window.limit
        )
        nodes = [ApiKey.from_row(row, tenant.key) for row in rows]
        return build_connection(Connection[ApiKey], nodes, window=window, total=total)


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(description="Make an API key for a service client; the payload shows it once.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        tenant = info.context.tenant
        try:
            created = await api_keys.create_api_key(
                info.context.services.sessions,
                tenant.id,
                tenant.key,
                name=input.name,
                role=input.role.value,
                created_by_user_id=info.context.viewer.user_id,
            )
        except DomainError as error:
            return CreateApiKeyPayload(api_key=None, key=None, user_errors=user_errors(error))
        return CreateApiKeyPayload(
            api_key=ApiKey.from_row(created.row, tenant.key), key=created.key, user_errors=[]
        )

    @strawberry.mutation(description="Revoke an API key: it stops working at once, in every process.")
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> RevokeApiKeyPayload:
        tenant = info.context.tenant
        try:
            key_id = node_id(input.id, "ApiKey", "id")
            row = await api_keys.revoke_api_key(info.context.services.sessions, tenant.id, key_id)
        except DomainError as error:
            return RevokeApiKeyPayload(api_key=None, user_errors=user_errors(error))
        return RevokeApiKeyPayload(api_key=ApiKey.from_row(row, tenant.key), user_errors=[])

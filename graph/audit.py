"""The `AuditEntry` type and the admins' `auditLog`: who did what, when, in their customer (ids only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

import models
from graph.context import Info
from graph.ids import int_ids
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from graph.user import User
from resolvers import audit


@strawberry.type(description="One entry of the audit log: an action of a user, an API key or an operator.")
class AuditEntry(relay.Node):
    id: relay.NodeID[int]
    at: datetime = strawberry.field(description="When it happened.")
    actor: str = strawberry.field(description='Who acted: the user\'s email, or "api key <id>".')
    action: str = strawberry.field(
        description="The mutation's name (e.g. `setUserRoles`), or the event's (`newUserSignedIn`)."
    )
    targets: list[strawberry.ID] = strawberry.field(
        description="The global IDs of what it acted on (never names, emails or bodies)."
    )
    detail: JSON = strawberry.field(
        description="Facts without PII: `outcome` (ok, userErrors with `userErrorCodes`, or error with "
        "`code`) and the enum and boolean inputs (e.g. the roles granted)."
    )
    actor_api_key_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the API key that acted, if one did."
    )
    row: strawberry.Private[models.AuditEntry]

    @strawberry.field(description="The user who acted, if a signed-in user did (and still exists).")
    async def actor_user(self, info: Info) -> User | None:
        if self.row.actor_user_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.row.actor_user_id)
        return User.from_row(row) if row is not None else None

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> AuditEntry:
        """The GraphQL view of an audit row."""
        assert row.id is not None
        key_id = row.actor_api_key_id
        return cls(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            targets=[strawberry.ID(t) for t in (row.target or "").split(",") if t],
            detail=JSON(row.detail),
            actor_api_key_id=strawberry.ID(str(relay.GlobalID("ApiKey", str(key_id)))) if key_id else None,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[AuditEntry | None]:
        tenant = info.context.viewer.tenant
        if tenant is None:
            return [None for _ in node_ids]
        rows = await audit.entries_by_ids(info.context.services.sessions, tenant.id, int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The customer's audit log, newest first (its admins).")
    async def audit_log(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        action: Annotated[
            str | None, strawberry.argument(description="Only this action's entries, e.g. `setUserRoles`.")
        ] = None,
    ) -> Connection[AuditEntry]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await audit.audit_page(
            services.sessions, info.context.tenant.id, offset=window.offset, limit=window.limit, action=action
        )
        nodes = [AuditEntry.from_row(row) for row in rows]
        return build_connection(Connection[AuditEntry], nodes, window=window, total=total)

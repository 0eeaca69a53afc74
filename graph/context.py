"""The per-request GraphQL context."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from graph.errors import ForbiddenError
from graph.loaders import Loaders
from models.job_sight import JobSight
from resolvers.acls import job_sight
from resolvers.services import Services
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer


@dataclass(slots=True)
class Context:
    """Built for each request: who asks (`viewer`), shared services, and this request's DataLoaders
    (bound to the viewer's customer). A websocket's context changes viewer once, at `connection_init`."""

    services: Services
    viewer: Viewer
    loaders: Loaders
    request: Request | None = None
    response: Response | None = None
    # The root mutation fields this request executed (graph/audit_log.MutationRun), for the audit log.
    mutation_runs: list[Any] = field(default_factory=list)
    # A subscription's connection, and its `connection_init` payload (set by Strawberry).
    websocket: WebSocket | None = None
    connection_params: dict[str, object] | None = None
    # A subscription's connection: signs its `connection_init` credential in again (raises NotSignedIn
    # once it expired or was revoked), so a long-lived subscription stops with its credential.
    sign_in_again: Callable[[], Awaitable[Viewer]] | None = None
    # How many candidates the connection follows now (graph/activity.py bounds it).
    followed: int = 0

    @classmethod
    def create(
        cls,
        services: Services,
        viewer: Viewer,
        request: Request | None = None,
        response: Response | None = None,
        *,
        websocket: WebSocket | None = None,
    ) -> Context:
        """A fresh context with fresh loaders (loaders never outlive a request)."""
        loaders = Loaders.create(services, viewer)
        return cls(
            services=services,
            viewer=viewer,
            loaders=loaders,
            request=request,
            response=response,
            websocket=websocket,
        )

    @property
    def tenant(self) -> Tenant:
        """The viewer's customer; a field that needs one is reached only by a viewer that has one (the
        role table sees to it; should one slip through, it is FORBIDDEN, not a server error)."""
        tenant = self.viewer.tenant
        if tenant is None:
            raise NoCustomer
        return tenant

    @property
    def job_sight(self) -> JobSight:
        """What the viewer sees of secured jobs (ACLs), for the reads and writes that name jobs."""
        return job_sight(self.viewer)


class NoCustomer(ForbiddenError):
    """The request's viewer belongs to no customer (an operator) but asked for a customer's data."""

    def __init__(self) -> None:
        super().__init__("Your viewer belongs to no customer, so it has no customer's data to read.")


Info = strawberry.Info[Context, None]

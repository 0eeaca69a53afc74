"""The per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from graph.loaders import Loaders
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
    # A subscription's connection, and its `connection_init` payload (set by Strawberry).
    websocket: WebSocket | None = None
    connection_params: dict[str, object] | None = None

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
        """The viewer's customer; a field that needs one is reached only by a viewer that has one."""
        tenant = self.viewer.tenant
        if tenant is None:
            raise NoCustomer
        return tenant


class NoCustomer(Exception):
    """The request's viewer belongs to no customer (an operator) but asked for a customer's data."""


Info = strawberry.Info[Context, None]

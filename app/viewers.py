"""The request's viewer, established once in app/ (the Viewers issue adds sign-in: tokens and API keys).

Until then only the embedded default has viewers: in development, the customer named by RSC_DEV_CUSTOMER
(else the oldest customer). Never from a request header; outside development every request is refused.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.websockets import WebSocket

from app.settings import Settings
from app.tenancy import bind_customer
from graph.view import ViewerOf
from resolvers.services import Services
from resolvers.tenants import Tenant, UnknownCustomer
from resolvers.viewer import NotSignedIn, Viewer

DEVELOPER = "developer@localhost"
# The developer is their customer's admin and the vendor's operator (lists and onboards customers).
DEVELOPER_ROLES = frozenset({"admin", "operator"})
SIGN_IN_REQUIRED = "Sign in to use this API: this deployment accepts no anonymous requests."


def development_viewers(settings: Settings) -> ViewerOf:
    """Viewers of the embedded default: the development customer's admin; refused in production."""

    async def viewer_of(request: Request | WebSocket, services: Services) -> Viewer:
        if not settings.is_development:
            raise NotSignedIn(SIGN_IN_REQUIRED)
        tenant: Tenant | None
        if settings.dev_customer:
            try:
                tenant = await services.tenants.by_key(settings.dev_customer)
            except UnknownCustomer:
                tenant = None
        else:
            tenant = await services.tenants.first()
        if tenant is None:
            # No customer onboarded yet (or the named one is gone): an operator who sees no customer's
            # rows, and may onboard the first.
            return Viewer(None, user=DEVELOPER, roles=DEVELOPER_ROLES)
        # The request's log lines name its customer from here on.
        bind_customer(tenant.key)
        return Viewer(tenant, user=DEVELOPER, roles=DEVELOPER_ROLES)

    return viewer_of

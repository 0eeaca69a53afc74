"""Compose the sandbox Starlette app: OAuth, the /v2 and /rest resources, and the admin API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from linkedin.sandbox import admin, finders, oauth
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.dispatch import Handler, endpoint
from linkedin.sandbox.state import SandboxState

# (path under /v2 and /rest, endpoint name, methods, handler)
Resource = tuple[str, str, list[str], Handler]

RESOURCES: list[Resource] = [
    ("seatsV2", "seatsV2", ["GET"], finders.seats),
    ("conversationEvents", "conversationEvents", ["GET"], finders.conversation_events),
    ("prospectNotes", "prospectNotes", ["GET"], finders.prospect_notes),
    ("mailStubs", "mailStubs", ["GET"], finders.mail_stubs),
]


def _resource_routes(resources: list[Resource]) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for path, name, methods, handler in resources:
        for prefix in ("/v2/", "/rest/"):
            routes.append(Route(prefix + path, endpoint(name, handler), methods=methods))
    return routes


def create_sandbox_app(config: SandboxConfig | None = None) -> Starlette:
    """A fresh sandbox app with its own world and state, built from `config` (defaults if None)."""
    state = SandboxState(config or SandboxConfig())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.release_hung()
            for task in list(state.background):
                task.cancel()
            await state.close()

    routes: list[BaseRoute] = [
        Route(
            "/oauth/v2/accessToken", endpoint("accessToken", oauth.access_token, auth=False), methods=["POST"]
        ),
        Route(
            "/oauth/v2/introspectToken",
            endpoint("introspectToken", oauth.introspect_token, auth=False),
            methods=["POST"],
        ),
        *_resource_routes(RESOURCES),
        *admin.ROUTES,
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = state
    return app

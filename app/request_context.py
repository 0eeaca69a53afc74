"""The request id: taken from `X-Request-ID` when sane, else made up; bound to the log context of
everything the request does, tasks it starts included, and sent back. The request's customer is bound
where it becomes known (its viewer, a webhook's URL: `app.tenancy`) and forgotten with the request."""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.tenancy import unbind_customer

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from proxies and clients (UUIDs, trace ids...); anything else could forge or flood log lines.
_SANE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id_from(scope: Scope) -> str:
    """The request's own id if it sent a sane one, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1")
            if _SANE_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Pure ASGI (cheaper than BaseHTTPMiddleware, and it keeps the context for streamed bodies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        # Tasks created meanwhile copy these variables: a poll a request starts logs its id.
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
            unbind_customer()

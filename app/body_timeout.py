"""Pure ASGI middleware bounding the time a client may take to send a request body.

Without it a body trickled at a byte a second held a request (and its connection) open for ever.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import ErrorCode

log = logging.getLogger("rscgraph.http")


class _BodyTimedOut(Exception):
    """Raised inside the app from `receive`; this middleware answers it."""


class BodyReadTimeout:
    """Answer 408 when a request body is not fully received within `timeout_s` of the first read.

    On `graphql_paths` the answer carries a GraphQL error (`BAD_USER_INPUT`), elsewhere `{"error"}`.
    """

    def __init__(self, app: ASGIApp, *, timeout_s: float, graphql_paths: Collection[str] = ()) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.graphql_paths = frozenset(graphql_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        body_done = False
        response_started = False

        async def bounded_receive() -> Message:
            nonlocal deadline, body_done
            if body_done:
                # After the body, receive only reports a disconnect: waiting for it is not reading.
                return await receive()
            if deadline is None:
                deadline = asyncio.get_running_loop().time() + self.timeout_s
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTimedOut from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except _BodyTimedOut:
            if response_started:
                raise
            client = scope.get("client")
            log.warning(
                "%s %s: request body not received within %.1f s (client %s); answered 408",
                scope["method"],
                scope["path"],
                self.timeout_s,
                client[0] if client else "unknown",
            )
            await self._answer_408(scope, send)

    async def _answer_408(self, scope: Scope, send: Send) -> None:
        message = f"The request body was not received within {self.timeout_s:g} s"
        if scope["path"] in self.graphql_paths:
            error = {"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value}}
            payload: object = {"errors": [error]}
        else:
            payload = {"error": message}
        body = json.dumps(payload).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            # The rest of the body may still be on its way: this connection cannot carry another request.
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 408, "headers": headers})
        await send({"type": "http.response.body", "body": body})

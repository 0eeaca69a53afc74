"""Pure ASGI middleware refusing a request body over a size before it is read whole (HTTP 413).

Without it a 100 MB body was read into memory before anything looked at it. A `Content-Length` over
the limit is answered at once, unread; a body without one (chunked) is counted as it streams and cut
off as soon as it passes the limit, so at most the limit plus one chunk is ever held.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import ErrorCode

log = logging.getLogger("rscgraph.http")


class _BodyTooLarge(Exception):
    """Raised inside the app from `receive`; this middleware answers it."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


class BodySizeLimit:
    """Answer 413 with a GraphQL error when a body on `paths` passes `max_bytes`."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, paths: Collection[str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            self._log(scope, f"declares {declared} bytes")
            await self._answer_413(send)
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(received)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge as exc:
            if response_started:
                raise
            self._log(scope, f"passed {self.max_bytes} bytes; stopped reading at {exc.received}")
            await self._answer_413(send)

    def _log(self, scope: Scope, what: str) -> None:
        client = scope.get("client")
        log.warning(
            "%s %s: request body %s (client %s); answered 413",
            scope["method"],
            scope["path"],
            what,
            client[0] if client else "unknown",
        )

    async def _answer_413(self, send: Send) -> None:
        message = f"The request body is larger than {self.max_bytes} bytes"
        error = {"message": message, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value}}
        body = orjson.dumps({"errors": [error]})
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            # The rest of the body may still be on its way: this connection cannot carry another request.
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before the app sees it
    return None

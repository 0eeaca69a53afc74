"""Rest.li query tunnelling: a POST with `X-HTTP-Method-Override` carries a too-long query in its body.

LinkedIn's official client tunnels any GET or DELETE whose URL passes 4,000 characters (a BATCH_GET of
100 compound keys does); the sandbox unwraps it so the endpoints see the call as it was meant.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_OVERRIDABLE = {b"GET", b"DELETE"}


class QueryTunnelMiddleware:
    """Rewrite a tunnelled POST into the GET or DELETE it stands for, with the body as its query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        override = headers.get(b"x-http-method-override", b"").upper()
        if override not in _OVERRIDABLE:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        tunnelled = {
            **scope,
            # Starlette's request.state reads scope["state"]; the call log shows the call was tunnelled.
            "state": {**scope.get("state", {}), "tunnelled": True},
            "method": override.decode(),
            "query_string": body,
            "headers": [(k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")],
        }
        sent = False

        async def empty_body() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # the disconnect, when it comes
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        await self.app(tunnelled, empty_body, send)

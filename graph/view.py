"""The Starlette GraphQL endpoint: per-request context, orjson, a guarded decoder, GraphQL-over-HTTP codes."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from graph.context import Context
from graph.errors import ErrorCode
from graph.loaders import Loaders
from models.safe_input import UnsafeInput, decode_json
from resolvers.rate_limit import RateLimited, RateLimiter, retry_after_header
from resolvers.services import Services
from resolvers.viewer import NotSignedIn, Viewer

log = logging.getLogger("rscgraph.auth")

# How app/ establishes a viewer from a connection and the `Authorization` value it presents (the HTTP
# header, or graphql-transport-ws's `connection_init` payload); raises NotSignedIn when it cannot.
ViewerOf = Callable[[HTTPConnection, str | None], Awaitable[Viewer]]
# The headers GraphiQL opens with (development: a ready `Authorization`), per page load.
IdeHeaders = Callable[[Request], Awaitable[Mapping[str, str]]]
# Where graphiql_html()'s page reads them: a <meta> element, so that its inline script (which a CSP
# names by hash) is the same on every load.
IDE_HEADERS_META = '<meta name="rscgraph-default-headers" content="">'
# Who a websocket is until its `connection_init` names someone: nobody, allowed nothing.
NOBODY = Viewer(None)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages as text frames (orjson's bytes would go out as binary ones, which
    the protocol's clients do not read)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view, plus the `application/graphql-response+json` media type.

    Strawberry answers 200 with `data: null` for parse and validation errors; a client that accepts
    `application/graphql-response+json` gets the spec's 400 instead (a request error has no `data`).
    """

    websocket_adapter_class = TextWebSocketAdapter

    def __init__(
        self,
        *args: Any,
        ide_html: str,
        viewer_of: ViewerOf,
        ide_headers: IdeHeaders | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._ide_html = ide_html
        self._ide_headers = ide_headers
        self._viewer_of = viewer_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except UnsafeInput as exc:
            # Raised while decoding the body, so before any response started and before any work.
            await self._request_error(scope, str(exc))(scope, receive, send)
        except NotSignedIn as exc:
            # Raised while building the context: before any response started and before any work.
            response = self._request_error(scope, str(exc), ErrorCode.UNAUTHENTICATED, status=401)
            response.headers["www-authenticate"] = "Bearer"
            await response(scope, receive, send)
        except RateLimited as exc:
            # Raised while building the context, as NotSignedIn.
            response = self._request_error(scope, str(exc), ErrorCode.RATE_LIMITED, status=429)
            response.headers["retry-after"] = retry_after_header(exc.retry_after_s)
            await response(scope, receive, send)

    def _request_error(
        self, scope: Scope, message: str, code: ErrorCode = ErrorCode.BAD_USER_INPUT, *, status: int = 400
    ) -> Response:
        """A request error carrying one GraphQL error: the request could not be taken at all (no `data`)."""
        accept = Request(scope).headers.get("accept", "")
        media_type = GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else "application/json"
        error = {"message": message, "extensions": {"code": code.value}}
        return Response(self.encode_json({"errors": [error]}), status_code=status, media_type=media_type)

    def decode_json(self, data: str | bytes) -> object:
        # The stock json.loads recursed (a RecursionError, HTTP 500, on deeply nested variables) and let
        # through text no database can store; UnsafeInput is answered by __call__ above.
        value = decode_json(data)
        # Only the POST body arrives as bytes (query-string values are str); Strawberry takes it for an
        # object (or a batch list, which it refuses) and called .get() on a string or null: a 500.
        if isinstance(data, bytes) and not isinstance(value, dict | list):
            raise UnsafeInput("The request body must be a JSON object")
        name = value.get("operationName") if isinstance(value, dict) else None
        if name is not None and not isinstance(name, str):
            # Named by a client program; anything but a string reached the metrics label as a 500.
            raise UnsafeInput("operationName must be a string")
        return value

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # The app's lifespan state (see app.factory) is copied into every request's state.
        services: Services = request.state.services
        if isinstance(request, WebSocket):
            # graphql-transport-ws names its credential in `connection_init` (on_ws_connect below).
            return Context.create(services, NOBODY, websocket=request)
        http_response = response if isinstance(response, Response) else None
        request.state.sub_response = http_response
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            # The console's page is static HTML (a browser's navigation sends no header); its queries
            # carry the credential.
            return Context.create(services, NOBODY, request, http_response)
        viewer = await self._viewer_of(request, request.headers.get("authorization"))
        # Per viewer, so only once it is known; a subscription's connection is not limited per message.
        limiter: RateLimiter | None = getattr(request.state, "rate_limiter", None)
        if limiter is not None:
            await limiter.check(viewer)
        return Context.create(services, viewer, request, http_response)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        authorization = params.get("Authorization", params.get("authorization"))
        if context.websocket is None or not (authorization is None or isinstance(authorization, str)):
            raise ConnectionRejectionError
        try:
            viewer = await self._viewer_of(context.websocket, authorization)
        except NotSignedIn:
            # Closed 4403 Forbidden, as graphql-transport-ws prescribes for a refused connection_init.
            raise ConnectionRejectionError from None
        context.viewer = viewer
        context.loaders = Loaders.create(context.services, viewer)
        websocket = context.websocket

        async def sign_in_again() -> Viewer:
            return await self._viewer_of(websocket, authorization)

        context.sign_in_again = sign_in_again
        return await super().on_ws_connect(context)

    async def render_graphql_ide(self, request: Request) -> Response:
        if self._ide_headers is None:
            return HTMLResponse(self._ide_html)
        headers = html.escape(json.dumps(dict(await self._ide_headers(request))), quote=True)
        filled = IDE_HEADERS_META.replace('content=""', f'content="{headers}"')
        return HTMLResponse(self._ide_html.replace(IDE_HEADERS_META, filled, 1))

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        if GRAPHQL_RESPONSE_JSON in request.headers.get("accept", ""):
            sub_response: Response | None = getattr(request.state, "sub_response", None)
            if sub_response is not None:
                sub_response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
                if result.data is None and result.errors:
                    sub_response.status_code = 400
                    data.pop("data", None)
        return data

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        media_type = sub_response.headers.get("content-type")
        response = super().create_response(response_data, sub_response)
        if media_type == GRAPHQL_RESPONSE_JSON:
            # Starlette appended its own content-type; keep exactly one.
            del response.headers["content-type"]
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
        return response

"""Authentication on every route: no credential (or a malformed one) is a 401 before any work, except on
health, webhooks (their own signatures) and static pages; subscriptions sign in in `connection_init`."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from graph.schema import schema
from tests.conftest import Server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SIGN_IN = "Sign in to use this API: send `Authorization: Bearer <token or API key>`."
REFUSED = "The credential was not accepted: sign in again."


def root_fields() -> list[tuple[str, str]]:
    """Every root field and mutation of the schema, as (operation, field)."""
    query, mutation = schema._schema.query_type, schema._schema.mutation_type
    assert query is not None
    assert mutation is not None
    return [("query", name) for name in query.fields] + [("mutation", name) for name in mutation.fields]


@pytest.mark.parametrize(("operation", "field"), root_fields())
async def test_every_root_field_refuses_an_anonymous_request(
    server: Server, operation: str, field: str
) -> None:
    # given: the field asked for as a client would (its arguments do not matter: nothing is parsed)
    body = {"query": f"{operation} {{ {field} {{ __typename }} }}"}
    # when
    async with server.anonymous.post(f"{server.url}/graphql", json=body) as response:
        status, answer = response.status, await response.json()
        challenge = response.headers.get("www-authenticate")
    # then
    assert (status, challenge) == (401, "Bearer")
    assert answer == {"errors": [{"message": SIGN_IN, "extensions": {"code": "UNAUTHENTICATED"}}]}


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic YWRhOnNlY3JldA==",
        "Bearer",
        "Bearer a b",
        "Token abc",
        "Bearer rsk_acme_short",
        "Bearer " + "x" * 9000,
    ],
    ids=["basic", "empty bearer", "two words", "other scheme", "malformed API key", "too long"],
)
async def test_a_malformed_authorization_header_is_refused(server: Server, authorization: str) -> None:
    # when
    status, answer = await server.graphql("{ __typename }", authorization=authorization)
    # then
    assert status == 401
    assert answer == {"errors": [{"message": REFUSED, "extensions": {"code": "UNAUTHENTICATED"}}]}


async def test_a_get_query_needs_a_credential_too(server: Server) -> None:
    # when
    params = {"query": "{ __typename }"}
    async with server.anonymous.get(f"{server.url}/graphql", params=params) as anonymous:
        refused = anonymous.status
    async with server.http.get(f"{server.url}/graphql", params=params) as signed_in:
        answered = (signed_in.status, (await signed_in.json())["data"])
    # then
    assert refused == 401
    assert answered == (200, {"__typename": "Query"})


async def test_the_refusal_comes_in_the_graphql_response_media_type_when_asked(server: Server) -> None:
    # when
    status, answer = await server.graphql(
        "{ __typename }", accept="application/graphql-response+json", authorization="Bearer nope"
    )
    # then
    assert (status, answer["errors"][0]["extensions"]["code"]) == (401, "UNAUTHENTICATED")


async def test_metrics_need_an_operator_credential(server: Server) -> None:
    # when
    statuses = []
    for authorization in (None, server.bearer("admin"), server.bearer("operator", customer=None)):
        headers = {"Authorization": authorization} if authorization else {}
        async with server.anonymous.get(f"{server.url}/metrics", headers=headers) as response:
            statuses.append(response.status)
    # then
    assert statuses == [401, 401, 200]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/readyz", 200),
        ("GET", "/", 307),
        ("GET", "/demo", 308),
        ("GET", "/candidates", 200),
        ("GET", "/candidates/1", 200),
        ("GET", "/static/app/candidates.js", 200),
        ("GET", "/static/vendor/graphiql/package.json", 200),
        # The webhooks check LinkedIn's signatures instead: an unsigned push is their 401, a challenge
        # without a code their 400.
        ("GET", "/webhooks/linkedin/acme", 400),
    ],
)
async def test_public_routes_answer_without_a_credential(
    server: Server, method: str, path: str, status: int
) -> None:
    # when
    async with server.anonymous.request(method, f"{server.url}{path}", allow_redirects=False) as response:
        # then
        assert response.status == status


async def test_the_graphiql_page_itself_is_served_without_a_credential(server: Server) -> None:
    # when
    async with server.anonymous.get(f"{server.url}/graphql", headers={"accept": "text/html"}) as response:
        # then
        assert (response.status, response.content_type) == (200, "text/html")


async def connection_init(server: Server, payload: Any) -> tuple[str, Any]:
    """Open graphql-transport-ws, send `connection_init` with `payload`; what the server answered:
    ("message", the message) or ("closed", the close code)."""
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with server.anonymous.ws_connect(url, protocols=["graphql-transport-ws"]) as ws:
        await ws.send_str(json.dumps({"type": "connection_init", "payload": payload}))
        message = await asyncio.wait_for(ws.receive(), timeout=5)
        if message.type == aiohttp.WSMsgType.TEXT:
            return "message", json.loads(message.data)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        return "closed", ws.close_code


async def test_a_subscription_connection_with_a_credential_is_acknowledged(server: Server) -> None:
    # when
    answer = await connection_init(server, {"Authorization": server.bearer()})
    # then
    assert answer == ("message", {"type": "connection_ack"})


@pytest.mark.parametrize(
    "payload",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": 42}],
    ids=["no credential", "bad token", "not a string"],
)
async def test_a_subscription_connection_without_a_good_credential_is_closed_4403(
    server: Server, payload: dict[str, Any]
) -> None:
    # when
    answer = await connection_init(server, payload)
    # then
    assert answer == ("closed", 4403)

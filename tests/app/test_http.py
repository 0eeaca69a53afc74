"""The HTTP surface: GraphiQL from local assets, health, and GraphQL-over-HTTP error codes."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Server, cost_extensions

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_graphiql_page_loads_every_asset_from_this_server(server: Server) -> None:
    async with server.http.get(f"{server.url}/graphql", headers={"accept": "text/html"}) as response:
        page = await response.text()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)

    assert response.status == 200
    assert "unpkg.com" not in page
    assert "cdn" not in page.lower()
    assert len(assets) == 7
    for asset in assets:
        async with server.http.get(f"{server.url}{asset}") as asset_response:
            assert asset_response.status == 200, asset
            assert len(await asset_response.read()) > 500, asset


async def test_health_and_readiness_report_a_migrated_database(server: Server) -> None:
    async with server.http.get(f"{server.url}/healthz") as health:
        assert (health.status, await health.json()) == (200, {"status": "ok"})
    async with server.http.get(f"{server.url}/readyz") as ready:
        body = await ready.json()
    assert ready.status == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"


async def test_query_answers_with_the_configured_integration(server: Server) -> None:
    status, body = await server.graphql("{ linkedinIntegration { organizationUrn contractUrn } }")

    assert status == 200
    assert body == {
        "data": {
            "linkedinIntegration": {
                "organizationUrn": "urn:li:organization:1001",
                "contractUrn": "urn:li:contract:2001",
            }
        },
        "extensions": cost_extensions(1),
    }


async def test_syntax_error_is_coded_as_parse_failure(server: Server) -> None:
    status, body = await server.graphql("{ linkedinIntegration { ")

    assert status == 200
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_graphql_response_json_clients_get_400_and_no_data_on_request_errors(server: Server) -> None:
    status, body = await server.graphql("{ noSuchField }", accept="application/graphql-response+json")

    assert status == 400
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_too_many_aliases_are_rejected_by_validation(server: Server) -> None:
    query = "{ " + " ".join(f"a{i}: linkedinIntegration {{ clientId }}" for i in range(40)) + " }"

    status, body = await server.graphql(query)

    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in body["errors"][0]["message"]

"""Over real HTTP: a viewer past RSC_RATE_LIMIT_PER_MINUTE gets 429 with Retry-After, unexecuted."""

from __future__ import annotations

import pytest

from app.settings import Settings
from tests.conftest import Server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Two requests a minute (one every 30 s)."""
    return settings.model_copy(update={"rate_limit_per_minute": 2})


async def test_the_third_request_in_a_minute_is_answered_429_with_retry_after(server: Server) -> None:
    # given
    body = {"query": "{ __typename }"}
    statuses = []
    for _ in range(2):
        async with server.http.post(f"{server.url}/graphql", json=body) as response:
            statuses.append(response.status)
    # when
    async with server.http.post(f"{server.url}/graphql", json=body) as response:
        status, headers, answer = response.status, response.headers, await response.json()
    # then: the bucket refills one request in 30 s
    assert statuses == [200, 200]
    assert status == 429
    assert headers["retry-after"] == "30"
    assert answer == {
        "errors": [{"message": "Too many requests: retry after 30 s", "extensions": {"code": "RATE_LIMITED"}}]
    }


async def test_a_refused_request_is_a_graphql_response_when_the_client_asks_for_one(server: Server) -> None:
    for _ in range(2):
        await server.graphql("{ __typename }")
    status, answer = await server.graphql("{ __typename }", accept="application/graphql-response+json")
    assert status == 429
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["RATE_LIMITED"]

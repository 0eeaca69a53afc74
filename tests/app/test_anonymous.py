"""No anonymous request gets anything: every root field and mutation, generated from the schema, POSTed
over real HTTP without a credential to a production server is HTTP 401 with one UNAUTHENTICATED error and
no `data`, before any work."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

import models
from app.factory import create_app
from app.settings import Settings
from graph.ids import global_id
from graph.schema import build_schema
from linkedin.sandbox.server import serve_asgi
from tests.conftest import TEST_SECRET_KEY, Server
from tests.schema_operations import minimal_values, operations


@pytest.fixture
async def production(settings: Settings, customer: models.Customer) -> AsyncIterator[Server]:
    """The whole app as production runs it (its secret keys set, no development viewer), on a port."""
    production = settings.model_copy(update={"environment": "production", "secret_keys": TEST_SECRET_KEY})
    async with serve_asgi(create_app(production)) as url, aiohttp.ClientSession() as http:
        yield Server(url=url, http=http, anonymous=http, settings=production)


async def test_every_root_field_and_mutation_refuses_an_anonymous_request(production: Server) -> None:
    # given
    schema = build_schema()._schema
    calls = list(operations(schema, minimal_values(schema, global_id("Candidate", 1))))
    assert len(calls) > 20  # the generator reached the schema
    wrong = []
    for call in calls:
        # when
        status, body = await production.graphql(call.document, call.variables)
        # then
        codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]
        if status != 401 or codes != ["UNAUTHENTICATED"] or "data" in body:
            wrong.append(f"{call.kind} {call.field}: HTTP {status} {body}")
    assert wrong == [], "\n".join(wrong)


async def test_an_anonymous_request_is_told_how_to_authenticate(production: Server) -> None:
    # when
    async with production.http.post(
        f"{production.url}/graphql", json={"query": "{ viewer { roles } }"}
    ) as response:
        body = await response.json(content_type=None)
    # then
    assert response.status == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]

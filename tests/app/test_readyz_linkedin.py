"""`/readyz` is about the process and its database: a customer's LinkedIn credentials or LinkedIn's own
outage never take the server out of rotation."""

from __future__ import annotations

import pytest

import models
from app.settings import Settings
from models.db import SessionFactory
from tests.conftest import Sandbox, Server, add_customer, cost_extensions
from tests.resolvers.refresh.support import upstream_calls

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

STATUS = "{ linkedinIntegration { credentials { valid errorCode } } }"


@pytest.fixture
async def customer(sessions: SessionFactory, settings: Settings, sandbox: Sandbox) -> models.Customer:
    """The server's customer, with a child app secret LinkedIn refuses."""
    return await add_customer(
        sessions,
        settings,
        key="acme",
        name="Acme Staffing",
        client_id=sandbox.config.client_id,
        client_secret="wrong",
        org_urn=sandbox.config.org_urn,
        contract_urn=sandbox.config.contract_urn,
    )


async def test_refused_linkedin_credentials_keep_the_server_ready(server: Server, sandbox: Sandbox) -> None:
    # given: LinkedIn refused the credentials, and the status page says so
    status, body = await server.graphql(STATUS)
    assert (status, body) == (
        200,
        {
            "data": {
                "linkedinIntegration": {"credentials": {"valid": False, "errorCode": "LINKEDIN_AUTH_FAILED"}}
            },
            "extensions": cost_extensions(2),
        },
    )
    calls = await upstream_calls(sandbox, "accessToken")
    # when
    async with server.http.get(f"{server.url}/readyz") as ready:
        answer = await ready.json()
    # then: ready, and readiness asked LinkedIn nothing
    assert ready.status == 200
    assert answer["status"] == "ok"
    assert await upstream_calls(sandbox, "accessToken") == calls


async def test_a_hanging_linkedin_keeps_the_server_ready(server: Server, sandbox: Sandbox) -> None:
    # given
    await sandbox.admin("POST", "faults", {"endpoint": "*", "hang": True, "count": None})
    # when
    async with server.http.get(f"{server.url}/readyz") as ready:
        answer = await ready.json()
    # then
    assert (ready.status, answer["status"]) == (200, "ok")

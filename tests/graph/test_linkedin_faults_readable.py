"""Every fault LinkedIn can have, through the tab, the refresh and the integration status over HTTP: each
answer says what happened in a recruiter's words with a stable code, and no response carries a Python
repr (`Error(`), an exception name or an internal host:port."""

from __future__ import annotations

import json
import re
import socket
from typing import Any

import pytest
from strawberry import relay

import models
from app.settings import Settings
from models.db import SessionFactory
from tests.conftest import Sandbox, Server, add_customer

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TAB = """
query Tab($id: ID!) {
  candidate(id: $id) {
    firstName inmailThreads { seatUrn } linkedinNotes { body }
    linkedinProfile { personUrn freshness { fetchedAt stale error errorCode } }
    linkedinActivity { fetchedAt stale error errorCode }
  }
}
"""

REFRESH = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) {
    candidate { linkedinActivity { fetchedAt stale error errorCode } }
    syncedAt
    userErrors { field message code }
  }
}
"""

LINK = """
mutation Link($id: ID!) {
  linkLinkedInMember(input: {candidateId: $id, personUrn: "urn:li:person:faults1"}) {
    pushed
    userErrors { field message code }
  }
}
"""

STATUS = "{ linkedinIntegration { clientId credentials { valid checkedAt error errorCode } } }"

# (sandbox fault knobs, or how the settings break LinkedIn), and the code every answer must carry.
FAULTS: dict[str, tuple[dict[str, Any] | None, str]] = {
    "5xx": ({"status": 503}, "LINKEDIN_UNAVAILABLE"),
    "429": ({"status": 429, "retry_after": 90}, "LINKEDIN_RATE_LIMITED"),
    "hang": ({"hang": True}, "LINKEDIN_UNAVAILABLE"),
    "malformed": ({"malformed": True}, "LINKEDIN_UNAVAILABLE"),
    "connection-refused": (None, "LINKEDIN_UNAVAILABLE"),
    "bad-credentials": (None, "LINKEDIN_AUTH_FAILED"),
}
IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(params=list(FAULTS))
def fault(request: pytest.FixtureRequest) -> str:
    """The kind of LinkedIn fault under test."""
    name: str = request.param
    return name


@pytest.fixture
def dead_port() -> int:
    """Where a LinkedIn that refuses connections lives."""
    return closed_port()


@pytest.fixture
def settings(settings: Settings, fault: str, dead_port: int) -> Settings:
    """Short waits everywhere; for a LinkedIn that refuses connections (the sandbox cannot play it), its
    address broken in the settings."""
    update: dict[str, Any] = {
        "refresh_deadline_s": 1.0,
        "live_match_timeout_s": 1.0,
        "linkedin_timeout_s": 1.0,
        "linkedin_max_attempts": 2,
    }
    if fault == "connection-refused":
        update["linkedin_api_base_url"] = f"http://127.0.0.1:{dead_port}"
        update["linkedin_oauth_base_url"] = f"http://127.0.0.1:{dead_port}/oauth/v2"
    return settings.model_copy(update=update)


@pytest.fixture
async def customer(
    sessions: SessionFactory, settings: Settings, sandbox: Sandbox, fault: str
) -> models.Customer:
    """The test customer; for bad credentials, its stored client secret is not its app's."""
    config = sandbox.config
    return await add_customer(
        sessions,
        settings,
        key="acme",
        name="Acme Staffing",
        client_id=config.client_id,
        client_secret="not-the-secret" if fault == "bad-credentials" else config.client_secret,
        org_urn=config.org_urn,
        contract_urn=config.contract_urn,
    )


async def post(server: Server, query: str, variables: dict[str, Any] | None = None) -> str:
    """The raw response body of one GraphQL request (asserting HTTP 200)."""
    body = {"query": query, "variables": variables or {}}
    async with server.http.post(f"{server.url}/graphql", json=body) as response:
        assert response.status == 200
        return await response.text()


def assert_readable(text: str, *, internal_ports: list[int]) -> None:
    """No Python repr, exception name, address or port of ours in a response body."""
    assert "Error(" not in text
    assert "Exception" not in text
    assert "Traceback" not in text
    assert IPV4.search(text) is None, text
    assert "localhost" not in text
    for port in internal_ports:
        assert f":{port}" not in text, text


async def test_every_linkedin_fault_reads_as_a_sentence_with_a_code_and_no_internals(
    server: Server, sessions: SessionFactory, customer_id: int, sandbox: Sandbox, fault: str, dead_port: int
) -> None:
    # given: a candidate, and LinkedIn failing in this way on every call
    knobs, code = FAULTS[fault]
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name="Ada", last_name="Lovelace", email="ada@example.com"
        )
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
    candidate_id = str(relay.GlobalID("Candidate", str(candidate.id)))
    if knobs is not None:
        await sandbox.admin("POST", "faults", {"endpoint": "*", "count": None, **knobs})
    ports = [int(sandbox.url.rsplit(":", 1)[1]), int(server.url.rsplit(":", 1)[1]), dead_port]
    # when
    tab = await post(server, TAB, {"id": candidate_id})
    refresh = await post(server, REFRESH, {"id": candidate_id})
    status = await post(server, STATUS)
    link = await post(server, LINK, {"id": candidate_id})
    # then
    for text in (tab, refresh, status, link):
        assert_readable(text, internal_ports=ports)
    tab_data = json.loads(tab)
    assert "errors" not in tab_data
    profile_freshness = tab_data["data"]["candidate"]["linkedinProfile"]["freshness"]
    assert (profile_freshness["stale"], profile_freshness["errorCode"]) == (True, code)
    refresh_data = json.loads(refresh)
    assert "errors" not in refresh_data
    payload = refresh_data["data"]["refreshLinkedInActivity"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, code)]
    activity = payload["candidate"]["linkedinActivity"]
    assert (activity["stale"], activity["errorCode"]) == (True, code)
    status_data = json.loads(status)
    assert "errors" not in status_data
    credentials = status_data["data"]["linkedinIntegration"]["credentials"]
    assert credentials["valid"] is (False if fault == "bad-credentials" else None)
    assert credentials["errorCode"] == code
    linked = json.loads(link)["data"]["linkLinkedInMember"]
    assert (linked["pushed"], [e["code"] for e in linked["userErrors"]]) == (False, [code])
    told = "Stored here, but LinkedIn could not be told: LinkedIn "
    assert linked["userErrors"][0]["message"].startswith(told)
    for message in (
        profile_freshness["error"],
        activity["error"],
        payload["userErrors"][0]["message"],
        credentials["error"],
    ):
        assert message.startswith("LinkedIn ")
        assert len(message) <= 120

"""Logs: one format for ours and the libraries', a request id on every line of a request and on the
LinkedIn calls it caused, and no secrets, whatever the request carried."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from strawberry import relay

import models
from app.logging_setup import QUIET_LOGGERS, REDACTED, configure_logging
from app.settings import Settings
from app.workers import Workers
from linkedin import push
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.services import Services
from tests.conftest import Sandbox, Server
from tests.scheduler_support import jobs_for

WORLD = build_world(SandboxConfig())
REFRESH = """
mutation RefreshNow($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) { syncedAt userErrors { code } }
}
"""


class Captured:
    """What the process logged since the last `clear()`."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def clear(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]


def _restoring_logging(captured: Captured, *, json_lines: bool, level: str) -> Iterator[Captured]:
    root = logging.getLogger()
    saved = (root.level, {name: logging.getLogger(name).level for name in QUIET_LOGGERS})
    handler = configure_logging(json=json_lines, level=level, stream=captured.stream)
    try:
        yield captured
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, quiet_level in saved[1].items():
            logging.getLogger(name).setLevel(quiet_level)
        structlog.reset_defaults()


@pytest.fixture
def logs() -> Iterator[Captured]:
    """Every log line of the process as JSON (production's format), from DEBUG up."""
    yield from _restoring_logging(Captured(), json_lines=True, level="DEBUG")


async def new_candidate(sessions: SessionFactory, customer_id: int) -> str:
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name="Ada", last_name="Lovelace", email="ada@example.com"
        )
        db.add(candidate)
        await db.commit()
        return str(relay.GlobalID("Candidate", str(candidate.id)))


async def post_graphql(
    server: Server, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """POST a GraphQL request; the decoded body and the response's X-Request-ID."""
    body = {"query": query, "variables": variables}
    async with server.http.post(f"{server.url}/graphql", json=body, headers=headers) as response:
        return await response.json(), response.headers.get("X-Request-ID", "")


# --- the request id --------------------------------------------------------------------------------


async def test_a_request_id_sent_in_is_on_every_log_line_of_the_request_and_on_its_linkedin_calls(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int, logs: Captured
) -> None:
    # given
    candidate = await new_candidate(sessions, customer_id)
    await post_graphql(server, "{ __typename }", {}, {})  # the app has started: its start-up lines are out
    async with sandbox.http.delete(f"{sandbox.url}/_admin/calls"):
        pass
    logs.clear()
    # when
    body, echoed = await post_graphql(server, REFRESH, {"id": candidate}, {"X-Request-ID": "req-7f3a"})
    # then
    assert body["data"]["refreshLinkedInActivity"]["userErrors"] == []
    assert echoed == "req-7f3a"
    lines = logs.lines()
    calls = await sandbox.admin("GET", "calls")
    assert [line for line in lines if line.get("request_id") != "req-7f3a"] == []
    assert {call["requestId"] for call in calls} == {"req-7f3a"}
    call_lines = [line for line in lines if line["event"] == "linkedin call"]
    # Every API call is logged (the token call too is sent with the id, and logged by the provider).
    assert len(call_lines) == len([c for c in calls if c["endpoint"] != "accessToken"]) > 0
    assert {(line["customer"], line["operation"]) for line in call_lines} == {("acme", "RefreshNow")}


async def test_a_request_without_a_sane_id_gets_a_new_one_back(server: Server, logs: Captured) -> None:
    # when
    _, without = await post_graphql(server, "{ __typename }", {}, {})
    _, forged = await post_graphql(server, "{ __typename }", {}, {"X-Request-ID": "a b\tc" + "x" * 200})
    # then
    assert re.fullmatch(r"[0-9a-f]{32}", without)
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
    assert forged != without


async def test_a_library_log_line_in_a_request_carries_the_request_id_and_customer(
    server: Server, logs: Captured
) -> None:
    # given: a stdlib logger, as uvicorn's or aiohttp's (the webhook logs its refusals through one)
    logs.clear()
    # when
    async with server.http.post(
        f"{server.url}/webhooks/linkedin/acme", data=b"{}", headers={"X-Request-ID": "hook-1"}
    ) as response:
        assert response.status == 401
    # then
    refused = [line for line in logs.lines() if line["logger"] == "rscgraph.webhooks"]
    assert [(line["level"], line["request_id"], line["customer"]) for line in refused] == [
        ("warning", "hook-1", "acme")
    ]


async def test_a_request_after_another_customers_names_no_customer_it_did_not_have(
    server: Server, logs: Captured
) -> None:
    # given: a push to the customer's URL, then one to a URL of no customer
    for path in ("acme", "nobody"):
        async with server.http.post(f"{server.url}/webhooks/linkedin/{path}", data=b"{}"):
            pass
    # then: the second request's line names no customer
    refused = [line for line in logs.lines() if line["logger"] == "rscgraph.webhooks"]
    assert [line.get("customer") for line in refused] == ["acme", None]


# --- the format --------------------------------------------------------------------------------------


def test_production_lines_are_json_with_level_logger_time_and_bound_fields(logs: Captured) -> None:
    # when
    with structlog.contextvars.bound_contextvars(request_id="r-1"):
        structlog.get_logger("rscgraph.test").info("structured", count=3)
        logging.getLogger("aiohttp.client").warning("from the standard library %d", 7)
    # then
    first, second = logs.lines()
    assert {k: first[k] for k in ("event", "count", "level", "logger", "request_id")} == {
        "event": "structured",
        "count": 3,
        "level": "info",
        "logger": "rscgraph.test",
        "request_id": "r-1",
    }
    assert {k: second[k] for k in ("event", "level", "logger", "request_id")} == {
        "event": "from the standard library 7",
        "level": "warning",
        "logger": "aiohttp.client",
        "request_id": "r-1",
    }
    assert first["timestamp"].endswith("Z")


def test_development_lines_are_readable_console_lines() -> None:
    captured = Captured()
    for _ in _restoring_logging(captured, json_lines=False, level="INFO"):
        structlog.get_logger("rscgraph.test").info("readable", count=3)
    line = captured.text.strip()
    assert not line.startswith("{")
    assert "[info" in line
    assert "readable" in line
    assert "count=3" in line


def test_library_chatter_at_info_is_quiet_by_default(logs: Captured) -> None:
    # when: alembic announces its context on every /readyz probe
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("sqlalchemy.engine.Engine").info("SELECT 1")
    # then
    assert logs.text == ""


async def test_the_outbox_logs_fields_and_its_customer_rather_than_python_reprs(
    settings: Settings, services: Services, sessions: SessionFactory, customer_id: int, logs: Captured
) -> None:
    # given: a candidate waiting to be sent
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name="Ada", last_name="Lovelace", email="ada@example.com"
        )
        db.add(candidate)
        await db.flush()
        assert candidate.id is not None
        db.add(
            models.OutboxEvent(
                customer_id=customer_id,
                entity_type=models.SyncEntity.CANDIDATE,
                entity_id=candidate.id,
                op=models.OutboxOp.UPSERT,
            )
        )
        await db.commit()
    logs.clear()
    # when: one run of the outbox job
    await jobs_for(services, settings, outbox=30.0).scheduler.tick()
    # then
    drained = [line for line in logs.lines() if line["event"] == "outbox drained"]
    assert [(line["claimed"], line["sent"], line["customer"]) for line in drained] == [(1, 1, "acme")]
    assert "<Kind." not in logs.text


async def test_a_background_job_names_itself_on_its_log_lines(logs: Captured) -> None:
    # given
    ran = asyncio.Event()

    async def job() -> None:
        structlog.get_logger("rscgraph.test").info("job working")
        logging.getLogger("rscgraph.test").info("stdlib too")
        ran.set()

    workers = Workers()
    workers.add("test-job", 3600, job)
    # when
    workers.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
    finally:
        await workers.stop()
    # then
    lines = [line for line in logs.lines() if line["logger"] == "rscgraph.test"]
    assert [(line["event"], line["job"]) for line in lines] == [
        ("job working", "test-job"),
        ("stdlib too", "test-job"),
    ]


# --- secrets -----------------------------------------------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The export worker off (the webhook test only needs the push recorded)."""
    return settings.model_copy(update={"export_interval_s": 0})


async def test_no_secret_reaches_the_logs_from_a_token_call_a_signed_webhook_or_an_authorization_header(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int, logs: Captured
) -> None:
    # given
    secret = sandbox.config.client_secret
    candidate = await new_candidate(sessions, customer_id)
    # The viewer's own token, which the server verifies (and must not log).
    bearer = server.bearer().removeprefix("Bearer ")
    logs.clear()
    # when: a request with an Authorization header makes the server obtain a LinkedIn token
    body, _ = await post_graphql(server, REFRESH, {"id": candidate}, {"Authorization": f"Bearer {bearer}"})
    assert body["data"]["refreshLinkedInActivity"]["userErrors"] == []
    # and LinkedIn pushes a signed notification (recorded), and one with a wrong signature (refused)
    notification = json.dumps(
        {
            "id": "push-1",
            "type": "EXPORT_CANDIDATE_PROFILE",
            "requestId": "export-1",
            # within RSC_WEBHOOK_MAX_AGE_S of now, or the push is refused as malformed
            "expiresAt": int(time.time() * 1000) + 3_600_000,
        }
    ).encode()
    signature = push.signature(secret, notification)
    statuses = []
    for header in (signature, push.signature("guessed-secret", notification)):
        async with server.http.post(
            f"{server.url}/webhooks/linkedin/acme",
            data=notification,
            headers={"Content-Type": "application/json", push.SIGNATURE_HEADER: header},
        ) as response:
            statuses.append(response.status)
    assert statuses == [200, 401]
    # and a log call that names a secret field, as a careless caller would
    structlog.get_logger("rscgraph.test").warning("careless", client_secret=secret, authorization=bearer)
    # then
    text = logs.text
    # The lines that could have leaked were written.
    assert "linkedin call" in text
    assert "webhook" in text
    for leaked in (secret, signature.split("=", 1)[-1], bearer):
        assert leaked not in text
    # The sandbox's access tokens are "AQV" and 32 URL-safe characters: none was logged.
    assert re.search(r"AQV[A-Za-z0-9_-]{32}", text) is None
    careless = [line for line in logs.lines() if line["event"] == "careless"]
    assert [(line["client_secret"], line["authorization"]) for line in careless] == [(REDACTED, REDACTED)]

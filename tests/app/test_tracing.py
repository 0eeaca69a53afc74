"""Tracing: off (and OpenTelemetry not even imported) unless configured; when on, a request, the
LinkedIn calls it causes and its SQL are spans of one trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from strawberry import relay

import models
from app.settings import Settings
from app.tracing import STANDARD_ENDPOINT, otlp_endpoint, start_tracing
from linkedin.sandbox.server import serve_asgi
from models.db import SessionFactory
from tests.conftest import dev_bearer

ROOT = Path(__file__).resolve().parents[2]
OFF_BY_DEFAULT = """
import sys
from app.factory import create_app
from app.settings import Settings
create_app(Settings())
print(sorted(name for name in sys.modules if name.startswith("opentelemetry")))
"""


def test_tracing_is_off_and_opentelemetry_not_imported_without_an_endpoint() -> None:
    # given: an environment naming no OTLP endpoint
    env = {k: v for k, v in os.environ.items() if k not in (STANDARD_ENDPOINT, "RSC_OTEL_ENDPOINT")}
    # when
    result = subprocess.run(
        [sys.executable, "-c", OFF_BY_DEFAULT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    # then
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr
    assert start_tracing(Settings.model_validate({"otel_endpoint": None})) is None


def test_the_endpoint_comes_from_the_setting_or_the_standard_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(STANDARD_ENDPOINT, raising=False)
    assert otlp_endpoint(Settings(otel_endpoint="http://collector:4318")) == "http://collector:4318"
    monkeypatch.setenv(STANDARD_ENDPOINT, "http://otel:4318")
    assert otlp_endpoint(Settings(otel_endpoint=None)) == "http://otel:4318"


def test_a_collector_base_url_gets_the_traces_path() -> None:
    otel = pytest.importorskip("app.otel")
    assert otel.traces_url("http://collector:4318/") == "http://collector:4318/v1/traces"
    assert otel.traces_url("http://collector:4318/v1/traces") == "http://collector:4318/v1/traces"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_request_its_linkedin_calls_and_its_sql_are_spans_of_one_trace(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    memory = pytest.importorskip("opentelemetry.sdk.trace.export.in_memory_span_exporter")
    import aiohttp
    from opentelemetry.trace import SpanKind

    from app.factory import create_app

    exporter = memory.InMemorySpanExporter()
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="Ada", last_name="Lovelace")
        db.add(candidate)
        await db.commit()
    query = "mutation R($id: ID!) { refreshLinkedInActivity(input: {candidateId: $id}) { syncedAt } }"
    variables = {"id": str(relay.GlobalID("Candidate", str(candidate.id)))}
    # when
    async with serve_asgi(create_app(settings, span_exporter=exporter)) as url:
        async with (
            aiohttp.ClientSession(headers={"Authorization": dev_bearer(settings)}) as http,
            http.post(f"{url}/graphql", json={"query": query, "variables": variables}) as response,
        ):
            assert response.status == 200
            body = await response.json()
        assert body["data"]["refreshLinkedInActivity"]["syncedAt"] is not None
        spans = exporter.get_finished_spans()
    # then
    servers = [s for s in spans if s.kind == SpanKind.SERVER and s.name.startswith("POST /graphql")]
    assert len(servers) == 1
    trace_id = servers[0].context.trace_id
    in_trace = [s for s in spans if s.context.trace_id == trace_id]
    # The aiohttp spans name their URL `url.full` (new conventions) or `http.url` (old ones).
    urls = {
        str(s.attributes.get("url.full") or s.attributes.get("http.url")) for s in in_trace if s.attributes
    }
    sql = [s for s in in_trace if any(key.startswith("db.") for key in (s.attributes or {}))]
    assert any(u.startswith(f"{settings.linkedin_api_base_url}/v2/conversationEvents") for u in urls), urls
    assert any(u.startswith(settings.linkedin_oauth_base_url) for u in urls), urls
    assert sql, [s.name for s in in_trace]

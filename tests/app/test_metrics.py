"""`/metrics`: the Operations issue's series, and that they move when the demo works (a query, a
refresh, an export), scraped over real HTTP from the running app."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from strawberry import relay

import models
from app import metrics
from app.export_worker import ExportWorker
from app.factory import create_app
from app.metrics import OperationNames
from app.settings import Settings
from app.workers import Workers
from linkedin import push
from linkedin.client import LinkedInClient
from linkedin.observer import endpoint_name
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from linkedin.sandbox.world import build_world
from models.base import utcnow
from models.db import SessionFactory
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.child_apps import other_customer_id
from tests.conftest import Sandbox, Server, cost_extensions

WORLD = build_world(SandboxConfig())
CUSTOMER = "acme"
REFRESH = """
mutation RefreshNow($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) { syncedAt userErrors { code } }
}
"""

SERIES = [
    "rscgraph_graphql_requests",
    "rscgraph_graphql_request_seconds",
    "rscgraph_graphql_errors",
    "rscgraph_linkedin_calls",
    "rscgraph_linkedin_call_seconds",
    "rscgraph_linkedin_retries",
    "rscgraph_linkedin_rate_limited",
    "rscgraph_linkedin_token_refreshes",
    "rscgraph_outbox_depth",
    "rscgraph_outbox_oldest_age_seconds",
    "rscgraph_export_latency_seconds",
    "rscgraph_webhook_refusals",
    "rscgraph_job_runs",
    "rscgraph_job_failures",
    "rscgraph_customer_job_failures",
]


@dataclass(frozen=True)
class Scrape:
    """One scrape: families by name and sample values by (sample name, labels)."""

    families: set[str]
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float]

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; 0 when absent (a labelled counter has no sample before its first use)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(server: Server, headers: dict[str, str] | None = None) -> Scrape:
    """Scrape /metrics as an operator (unless `headers` names another credential)."""
    headers = headers or {"Authorization": server.bearer("operator", customer=None)}
    async with server.http.get(server.url + "/metrics", headers=headers) as response:
        assert response.status == 200, await response.text()
        text = await response.text()
    families = list(text_string_to_metric_families(text))
    samples = {(s.name, frozenset(s.labels.items())): s.value for f in families for s in f.samples}
    return Scrape({f.name for f in families}, samples)


async def new_candidate(sessions: SessionFactory, customer_id: int) -> str:
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="Ada", last_name="Lovelace")
        db.add(candidate)
        await db.commit()
        return str(relay.GlobalID("Candidate", str(candidate.id)))


# --- the series and who may read them ----------------------------------------------------------


async def test_metrics_expose_every_series_of_the_operations_issue(server: Server) -> None:
    # when
    result = await scrape(server)
    # then
    assert set(SERIES) <= result.families
    assert result.value("rscgraph_metrics_database_up") == 1


async def test_poll_lag_appears_once_linkedin_has_been_polled(
    server: Server, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    before = await scrape(server)
    # when
    status, body = await server.graphql(REFRESH, {"id": await new_candidate(sessions, customer_id)})
    # then
    assert (status, body["data"]["refreshLinkedInActivity"]["userErrors"]) == (200, [])
    after = await scrape(server)
    assert "rscgraph_poll_lag_seconds" not in before.families
    lag = after.value("rscgraph_poll_lag_seconds", customer=CUSTOMER)
    assert 0 <= lag < 3600


async def _status(settings: Settings, headers: dict[str, str] | None = None) -> int:
    """The status of GET /metrics on an app served with these settings."""
    async with (
        serve_asgi(create_app(settings)) as url,
        aiohttp.ClientSession() as http,
        http.get(url + "/metrics", headers=headers) as response,
    ):
        return response.status


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_metrics_with_a_token_set_need_that_bearer_token(settings: Settings) -> None:
    # given
    guarded = settings.model_copy(update={"metrics_token": SecretStr("scrape-me")})
    # when / then
    assert await _status(guarded) == 401
    assert await _status(guarded, {"Authorization": "Bearer wrong"}) == 401
    assert await _status(guarded, {"Authorization": "Basic scrape-me"}) == 401
    assert await _status(guarded, {"Authorization": "Bearer scrape-me"}) == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_metrics_outside_development_are_closed_without_a_token_even_on_loopback(
    settings: Settings,
) -> None:
    production = settings.model_copy(update={"environment": "production"})
    assert await _status(production) == 401


# --- a query -------------------------------------------------------------------------------------


async def test_a_query_counts_one_request_of_its_operation_with_its_latency(server: Server) -> None:
    # given
    before = await scrape(server)
    labels = {"operation": "Ping", "outcome": "ok"}
    # when
    status, body = await server.graphql("query Ping { __typename }")
    # then
    assert (status, body) == (200, {"data": {"__typename": "Query"}, "extensions": cost_extensions(0)})
    after = await scrape(server)
    assert after.value("rscgraph_graphql_requests_total", **labels) == (
        before.value("rscgraph_graphql_requests_total", **labels) + 1
    )
    assert after.value("rscgraph_graphql_request_seconds_count", **labels) == (
        before.value("rscgraph_graphql_request_seconds_count", **labels) + 1
    )


async def test_a_rejected_query_counts_its_error_code(server: Server) -> None:
    # given
    before = await scrape(server)
    # when
    status, _ = await server.graphql("query Broken { nope }")
    # then
    assert status == 200
    after = await scrape(server)
    code = {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert after.value("rscgraph_graphql_errors_total", **code) == (
        before.value("rscgraph_graphql_errors_total", **code) + 1
    )
    rejected = {"operation": "Broken", "outcome": "rejected"}
    assert after.value("rscgraph_graphql_requests_total", **rejected) == (
        before.value("rscgraph_graphql_requests_total", **rejected) + 1
    )


def test_operation_names_are_bounded_to_sane_names_and_a_cap() -> None:
    names = OperationNames(cap=2)
    assert names.label(None) == "anonymous"
    assert names.label("x" * 65) == "other"
    assert names.label("drop table; --") == "other"
    assert [names.label("A"), names.label("B"), names.label("C"), names.label("A")] == [
        "A",
        "B",
        "other",
        "A",
    ]


def test_linkedin_endpoints_are_labelled_without_their_keys() -> None:
    assert endpoint_name("atsCandidates/(atsCandidateId:7,integrationContext:urn%3Ali)/notes") == (
        "atsCandidates/notes"
    )
    assert endpoint_name("seatsV2") == "seatsV2"


# --- a refresh -------------------------------------------------------------------------------------


async def test_a_refresh_counts_its_linkedin_calls_and_the_token_it_obtained(
    server: Server, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    before = await scrape(server)
    seats = {"endpoint": "seatsV2", "status": "200", "customer": CUSTOMER}
    # when
    status, body = await server.graphql(REFRESH, {"id": await new_candidate(sessions, customer_id)})
    # then
    assert (status, body["data"]["refreshLinkedInActivity"]["userErrors"]) == (200, [])
    after = await scrape(server)
    assert after.value("rscgraph_linkedin_calls_total", **seats) == (
        before.value("rscgraph_linkedin_calls_total", **seats) + 1
    )
    latency = {"endpoint": "conversationEvents", "customer": CUSTOMER}
    assert after.value("rscgraph_linkedin_call_seconds_count", **latency) > (
        before.value("rscgraph_linkedin_call_seconds_count", **latency)
    )
    refreshes = "rscgraph_linkedin_token_refreshes_total"
    assert after.value(refreshes, customer=CUSTOMER) == before.value(refreshes, customer=CUSTOMER) + 1


async def test_a_retried_linkedin_call_counts_a_retry_and_the_failed_status(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given: seatsV2 fails once with 503, then answers
    before = await scrape(server)
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "status": 503, "count": 1})
    # when
    status, body = await server.graphql(REFRESH, {"id": await new_candidate(sessions, customer_id)})
    # then
    assert (status, body["data"]["refreshLinkedInActivity"]["userErrors"]) == (200, [])
    after = await scrape(server)
    failed = {"endpoint": "seatsV2", "status": "503", "customer": CUSTOMER}
    retries = {"endpoint": "seatsV2", "customer": CUSTOMER}
    assert after.value("rscgraph_linkedin_calls_total", **failed) == (
        before.value("rscgraph_linkedin_calls_total", **failed) + 1
    )
    assert after.value("rscgraph_linkedin_retries_total", **retries) == (
        before.value("rscgraph_linkedin_retries_total", **retries) + 1
    )


async def test_a_429_from_linkedin_is_counted_as_rate_limited(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given: the quota is spent (no Retry-After: the client fails fast)
    before = await scrape(server)
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "status": 429, "count": 1})
    # when
    status, body = await server.graphql(REFRESH, {"id": await new_candidate(sessions, customer_id)})
    # then
    assert (status, body["data"]["refreshLinkedInActivity"]["userErrors"]) == (
        200,
        [{"code": "LINKEDIN_RATE_LIMITED"}],
    )
    after = await scrape(server)
    labels = {"endpoint": "seatsV2", "customer": CUSTOMER}
    assert after.value("rscgraph_linkedin_rate_limited_total", **labels) == (
        before.value("rscgraph_linkedin_rate_limited_total", **labels) + 1
    )


# --- an export, the outbox, webhooks, jobs -----------------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The server's export worker is off: the test runs the pass itself, deterministically."""
    return settings.model_copy(update={"export_interval_s": 0})


async def test_an_export_records_its_latency_from_push_to_candidate(
    server: Server,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    services: Services,
    linkedin: LinkedInClient,
) -> None:
    # given: a recruiter exports a member to a job; LinkedIn pushes it to the running server
    await linkedin.set_callback_url(server.url + "/webhooks/linkedin/acme")
    async with sessions() as db:
        job = models.Job(customer_id=tenant.id, title="Staff Backend Engineer")
        db.add(job)
        await db.commit()
    member = WORLD.members[200].urn
    await sandbox.admin(
        "POST", "exports", {"seat": WORLD.seats[0].urn, "member": member, "externalJobPostingId": str(job.id)}
    )
    await sandbox.admin("GET", "deliveries?wait=1")
    before = await scrape(server)
    # when
    result = await ExportWorker(services).drain(tenant)
    # then
    assert result.done == 1
    after = await scrape(server)
    count = "rscgraph_export_latency_seconds_count"
    assert after.value(count, customer=CUSTOMER) == before.value(count, customer=CUSTOMER) + 1


async def test_outbox_depth_and_oldest_age_are_read_from_the_database_at_scrape_time_per_customer(
    server: Server, sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given: three rows of acme wait, the oldest for two minutes; one was sent already; one of globex
    # waits for an hour
    globex = await other_customer_id(sessions, settings)
    now = utcnow()
    async with sessions() as db:
        for age_s, status in [(120, models.OutboxStatus.PENDING), (30, models.OutboxStatus.PENDING)]:
            db.add(_outbox_row(customer_id, now - timedelta(seconds=age_s), status))
        db.add(_outbox_row(customer_id, now, models.OutboxStatus.PENDING))
        db.add(_outbox_row(customer_id, now - timedelta(hours=5), models.OutboxStatus.SENT))
        db.add(_outbox_row(globex, now - timedelta(hours=1), models.OutboxStatus.PENDING))
        await db.commit()
    # when
    result = await scrape(server)
    # then
    assert result.value("rscgraph_outbox_depth", customer=CUSTOMER) == 3
    assert 120 <= result.value("rscgraph_outbox_oldest_age_seconds", customer=CUSTOMER) < 180
    assert result.value("rscgraph_outbox_depth", customer="globex") == 1
    assert 3600 <= result.value("rscgraph_outbox_oldest_age_seconds", customer="globex") < 3660


def _outbox_row(customer_id: int, created_at: datetime, status: models.OutboxStatus) -> models.OutboxEvent:
    return models.OutboxEvent(
        customer_id=customer_id,
        entity_type=models.SyncEntity.CANDIDATE,
        entity_id=1,
        op=models.OutboxOp.UPSERT,
        status=status,
        created_at=created_at,
        next_attempt_at=created_at,
    )


@pytest.mark.parametrize(
    ("headers", "reason"),
    [({}, "missing_signature"), ({push.SIGNATURE_HEADER: "hmacsha256=00"}, "bad_signature")],
    ids=["missing", "bad"],
)
async def test_a_refused_webhook_is_counted_by_reason(
    server: Server, headers: dict[str, str], reason: str
) -> None:
    # given
    before = await scrape(server)
    # when
    async with server.http.post(
        server.url + "/webhooks/linkedin/acme", data=b"{}", headers=headers
    ) as response:
        status = response.status
    # then
    assert status == 401
    after = await scrape(server)
    name = "rscgraph_webhook_refusals_total"
    assert after.value(name, reason=reason) == before.value(name, reason=reason) + 1


async def test_a_background_job_run_and_its_failure_are_counted() -> None:
    # given: a job that fails on its first run
    ran = asyncio.Event()

    async def failing() -> None:
        raise RuntimeError("boom")

    def observe(job: str, seconds: float, failed: bool) -> None:
        metrics.job_ran(job, seconds, failed)
        ran.set()

    job = {"job": "test-failing"}
    runs = REGISTRY.get_sample_value("rscgraph_job_runs_total", job) or 0.0
    failures = REGISTRY.get_sample_value("rscgraph_job_failures_total", job) or 0.0
    workers = Workers(on_run=observe)
    workers.add("test-failing", 3600, failing)
    # when
    workers.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
    finally:
        await workers.stop()
    # then
    assert REGISTRY.get_sample_value("rscgraph_job_runs_total", job) == runs + 1
    assert REGISTRY.get_sample_value("rscgraph_job_failures_total", job) == failures + 1

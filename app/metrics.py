"""Prometheus series of the server, the observers that feed them, and the `/metrics` endpoint.

Counters and histograms live in prometheus-client's default registry and are fed as things happen;
the gauges that need the database (outbox backlog, poll lag) are read at scrape time, never by a loop.
Every label has a bounded set of values: operation names are client-chosen, so they are filtered and
capped; no label names a seat, a candidate or a request.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.settings import Settings
from models import customer_queries
from models.db import SessionFactory
from models.outbox_claims import outbox_backlog
from models.watermarks import oldest_poll_watermark
from resolvers.viewer import NotSignedIn, Role

log = structlog.get_logger("rscgraph.metrics")
# A `_created` sample per series doubles the scrape for a timestamp nobody graphs.
disable_created_metrics()  # type: ignore[no-untyped-call]

# Latencies from a cached tab query (~1 ms) to a slow LinkedIn call.
_FAST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# From a push answered at once to an export stuck behind an outage.
_EXPORT_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)

GRAPHQL_REQUESTS = Counter(
    "rscgraph_graphql_requests", "GraphQL operations, by operation name and outcome", ["operation", "outcome"]
)
GRAPHQL_SECONDS = Histogram(
    "rscgraph_graphql_request_seconds",
    "GraphQL operation latency, by operation name and outcome",
    ["operation", "outcome"],
    buckets=_FAST_BUCKETS,
)
GRAPHQL_ERRORS = Counter("rscgraph_graphql_errors", "GraphQL errors, by extensions.code", ["code"])
LINKEDIN_CALLS = Counter(
    "rscgraph_linkedin_calls",
    "HTTP attempts to LinkedIn, by endpoint, status (`error`: no answer) and customer",
    ["endpoint", "status", "customer"],
)
LINKEDIN_SECONDS = Histogram(
    "rscgraph_linkedin_call_seconds",
    "LinkedIn attempt latency, by endpoint and customer",
    ["endpoint", "customer"],
    buckets=_FAST_BUCKETS,
)
LINKEDIN_RETRIES = Counter(
    "rscgraph_linkedin_retries", "LinkedIn attempts after the first of a call", ["endpoint", "customer"]
)
LINKEDIN_RATE_LIMITED = Counter(
    "rscgraph_linkedin_rate_limited", "LinkedIn answers 429 (a quota is spent)", ["endpoint", "customer"]
)
TOKEN_REFRESHES = Counter("rscgraph_linkedin_token_refreshes", "Access tokens obtained", ["customer"])
EXPORT_SECONDS = Histogram(
    "rscgraph_export_latency_seconds",
    "One-Click Export: from the push received to the candidate in the ATS",
    ["customer"],
    buckets=_EXPORT_BUCKETS,
)
WEBHOOK_REFUSALS = Counter("rscgraph_webhook_refusals", "Webhook requests refused, by reason", ["reason"])
JOB_RUNS = Counter("rscgraph_job_runs", "Background job runs, by job", ["job"])
JOB_FAILURES = Counter("rscgraph_job_failures", "Background job runs that raised, by job", ["job"])
CUSTOMER_JOB_FAILURES = Counter(
    "rscgraph_customer_job_failures",
    "One customer's share of a background job run that raised, by job and customer",
    ["job", "customer"],
)
JOB_SECONDS = Histogram(
    "rscgraph_job_run_seconds", "Background job run duration, by job", ["job"], buckets=_EXPORT_BUCKETS
)

# --- GraphQL -------------------------------------------------------------------------------------------

_OPERATION_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
MAX_OPERATION_NAMES = 200
OTHER = "other"


class OperationNames:
    """Turns client-chosen operation names into label values: sane names, at most `cap` of them."""

    def __init__(self, cap: int = MAX_OPERATION_NAMES) -> None:
        self._cap = cap
        self._seen: set[str] = set()

    def label(self, name: str | None) -> str:
        """The name itself when sane and among the first `cap` seen; `anonymous` or `other` else."""
        if not name:
            return "anonymous"
        if name in self._seen:
            return name
        if _OPERATION_NAME.fullmatch(name) is None or len(self._seen) >= self._cap:
            return OTHER
        self._seen.add(name)
        return name


class GraphQLMetrics:
    """Counts GraphQL operations (the schema's `OperationObserver`)."""

    def __init__(self, names: OperationNames | None = None) -> None:
        self._names = names or OperationNames()
        # labels() validates and locks on every call: keep the children (bounded by the names' cap).
        self._series: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._errors: dict[str, Any] = {}

    def on_operation(
        self, name: str | None, outcome: str, seconds: float, error_codes: Sequence[str]
    ) -> None:
        key = (self._names.label(name), outcome)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = (GRAPHQL_REQUESTS.labels(*key), GRAPHQL_SECONDS.labels(*key))
        series[0].inc()
        series[1].observe(seconds)
        for code in error_codes:
            counter = self._errors.get(code)
            if counter is None:
                counter = self._errors[code] = GRAPHQL_ERRORS.labels(code)
            counter.inc()


# --- LinkedIn ------------------------------------------------------------------------------------------

REQUEST_ID_HEADER = "X-Request-ID"
_linkedin_log = structlog.get_logger("rscgraph.linkedin")


class LinkedInObserver:
    """Counts one customer's LinkedIn calls, logs each, and sends the current request id along."""

    def __init__(self, customer: str) -> None:
        self._customer = customer
        TOKEN_REFRESHES.labels(self._customer)  # shown as 0 before the first token

    def headers(self) -> Mapping[str, str]:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        return {REQUEST_ID_HEADER: str(request_id)} if request_id else {}

    def on_call(self, endpoint: str, status: int | None, seconds: float, attempt: int) -> None:
        customer = self._customer
        LINKEDIN_CALLS.labels(endpoint, "error" if status is None else str(status), customer).inc()
        LINKEDIN_SECONDS.labels(endpoint, customer).observe(seconds)
        if attempt > 1:
            LINKEDIN_RETRIES.labels(endpoint, customer).inc()
        if status == 429:
            LINKEDIN_RATE_LIMITED.labels(endpoint, customer).inc()
        # A poll makes hundreds of calls: answered ones at DEBUG (RSC_LOG_LEVEL=DEBUG shows them all),
        # the others at INFO (the client adds a WARNING when it retries).
        answered = status is not None and (status < 400 or status == 404)
        _linkedin_log.log(
            logging.DEBUG if answered else logging.INFO,
            "linkedin call",
            endpoint=endpoint,
            status=status,
            ms=round(seconds * 1000, 1),
            attempt=attempt,
            customer=customer,
        )

    def on_token_refresh(self) -> None:
        TOKEN_REFRESHES.labels(self._customer).inc()


# --- exports, webhooks, jobs ---------------------------------------------------------------------------


def observe_export(customer: str, received_at: datetime, completed_at: datetime | None) -> None:
    """An export of the customer (its key) reached its candidate: record how long after its push."""
    if completed_at is not None:
        EXPORT_SECONDS.labels(customer).observe(max(0.0, (completed_at - received_at).total_seconds()))


def webhook_refused(reason: str) -> None:
    """A webhook request was refused (`reason` is one of a few fixed words)."""
    WEBHOOK_REFUSALS.labels(reason).inc()


def job_ran(job: str, seconds: float, failed: bool) -> None:
    """A background job run ended (the `Workers` hook)."""
    JOB_RUNS.labels(job).inc()
    JOB_SECONDS.labels(job).observe(seconds)
    if failed:
        JOB_FAILURES.labels(job).inc()


def customer_job_failed(job: str, customer: str) -> None:
    """One customer's share of a job run raised (the others' went on)."""
    CUSTOMER_JOB_FAILURES.labels(job, customer).inc()


# --- scrape-time gauges --------------------------------------------------------------------------------

SCRAPE_DB_TIMEOUT_S = 5.0


class _Families(Collector):
    """A collector of the families computed just before the scrape."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


async def database_families(sessions: SessionFactory, now: datetime | None = None) -> list[Metric]:
    """Outbox backlog and poll lag per customer (by key), read now; `rscgraph_metrics_database_up` 0 when
    the database does not answer within SCRAPE_DB_TIMEOUT_S."""
    now = now or datetime.now(UTC)
    up = GaugeMetricFamily("rscgraph_metrics_database_up", "Whether the scrape could read the database")
    depth = GaugeMetricFamily("rscgraph_outbox_depth", "Outbox rows waiting to be sent", labels=["customer"])
    oldest = GaugeMetricFamily(
        "rscgraph_outbox_oldest_age_seconds", "Age of the oldest waiting outbox row", labels=["customer"]
    )
    lag = GaugeMetricFamily(
        "rscgraph_poll_lag_seconds",
        "How far behind LinkedIn the stored data is: the worst of the customer's seats and streams",
        labels=["customer"],
    )
    try:
        # Two statements per customer, each on the customer's own index prefix; one session for all.
        async with asyncio.timeout(SCRAPE_DB_TIMEOUT_S), sessions() as db:
            for customer in await customer_queries.customers(db):
                assert customer.id is not None
                backlog = await outbox_backlog(db, customer.id)
                watermark = await oldest_poll_watermark(db, customer.id)
                depth.add_metric([customer.key], backlog.depth)
                created = backlog.oldest_created_at
                age = 0.0 if created is None else (now - created).total_seconds()
                oldest.add_metric([customer.key], max(0.0, age))
                if watermark is not None:
                    lag.add_metric([customer.key], max(0.0, (now - watermark).total_seconds()))
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        log.warning("metrics scrape could not read the database", error=type(exc).__name__)
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    families: list[Metric] = [up, depth, oldest]
    if lag.samples:
        families.append(lag)
    return families


def _process_registry() -> Collector:
    # Under several worker processes (prometheus-client's multiprocess mode) each keeps its own values
    # in PROMETHEUS_MULTIPROC_DIR; the scrape sums them.
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


# --- the endpoint --------------------------------------------------------------------------------------


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def metrics_allowed(request: Request, settings: Settings) -> bool:
    """Who may read `/metrics`: the holder of RSC_METRICS_TOKEN (for a scraper that has no identity
    provider account), or any operator's credential. No one without a credential, loopback included."""
    token = _bearer(request)
    if token is None:
        return False
    expected = settings.metrics_token
    if expected is not None and hmac.compare_digest(token.encode(), expected.get_secret_value().encode()):
        return True
    try:
        viewer = await request.state.authenticator.viewer_of(request.headers.get("authorization"))
    except NotSignedIn:
        return False
    return Role.OPERATOR.value in viewer.roles


async def metrics_endpoint(request: Request) -> Response:
    """The Prometheus text exposition (401 without a valid bearer token)."""
    settings: Settings = request.state.settings
    if not await metrics_allowed(request, settings):
        return JSONResponse(
            {"error": "an operator's bearer token (or RSC_METRICS_TOKEN) is required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    families = await database_families(request.state.services.sessions)
    body = generate_latest(_process_registry()) + generate_latest(_Families(families))
    return Response(body, media_type=CONTENT_TYPE_LATEST)

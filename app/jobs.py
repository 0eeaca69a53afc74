"""Every background job of rscgraph, in one place: which jobs exist, how often they run, who runs them.

Jobs: `linkedin-poll` (the incremental LinkedIn poll), `outbox` (ATS changes to LinkedIn) and `exports`
(One-Click Exports the webhook recorded); scheduled jobs of later features register in `build_jobs`.
Each run does every customer's share: `run_for(tenant)`, one call into resolvers/, under a lease named
after the job and the customer (`models.leases`), so that one process at a time does a customer's share
and a customer that fails or hangs costs the others nothing but its own slot. Which process runs the jobs:

- `rscgraph worker`: only the jobs, no HTTP server (PostgreSQL; as many as you like);
- `rscgraph serve`: GraphQL, and the jobs only with `RSC_RUN_JOBS=true`;
- `rscgraph run`: both, for the demo.

SQLite is one process: `check_processes` refuses a separate worker and `serve --workers N>1` there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from app import metrics
from app.export_worker import EXPORT_JOB, ExportWorker
from app.migrations import ensure_migrated
from app.per_customer import for_each_customer
from app.services import build_services
from app.settings import Settings
from app.workers import Workers
from models.db import create_engine, session_factory
from resolvers.services import Services
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.jobs")

POLL_JOB = "linkedin-poll"
OUTBOX_JOB = "outbox"
JOB_NAMES = (POLL_JOB, OUTBOX_JOB, EXPORT_JOB)


class ProcessLayoutError(Exception):
    """A process layout the database cannot support (e.g. several SQLite processes running jobs)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


def check_processes(settings: Settings, *, serve_workers: int = 1, separate_worker: bool = False) -> None:
    """Refuse layouts that would put several processes on one SQLite file.

    SQLite takes one writer at a time: several server processes, or a worker beside the server, would
    contend for its lock (and a worker on another machine cannot reach the file at all).
    """
    if not settings.database_url.startswith("sqlite"):
        return
    if serve_workers > 1:
        raise ProcessLayoutError(
            f"SQLite serves from one process, not --workers {serve_workers}",
            "drop --workers, or set RSC_DATABASE_URL to PostgreSQL (postgresql+asyncpg://…) for several",
        )
    if separate_worker:
        raise ProcessLayoutError(
            "a separate `rscgraph worker` needs PostgreSQL (RSC_DATABASE_URL); on SQLite the server runs "
            "the background jobs",
            "run `RSC_RUN_JOBS=true rscgraph serve` (or `rscgraph run`), or use PostgreSQL",
        )


def sync_config(settings: Settings) -> SyncConfig:
    """The outbox worker's settings, from the server's."""
    return SyncConfig(
        candidate_url_template=settings.candidate_url_template,
        job_url_template=settings.job_url_template,
    )


# --- the jobs --------------------------------------------------------------------------------------------


class OutboxJob:
    """The outbox job: each customer's own `OutboxWorker` (kept between runs, so that a customer's 429 or
    refused credentials pause that customer alone), drained once per run."""

    def __init__(self, services: Services, config: SyncConfig) -> None:
        self._services = services
        self._config = config
        self._workers: dict[int, tuple[Tenant, OutboxWorker]] = {}

    def worker_for(self, tenant: Tenant) -> OutboxWorker:
        """The customer's worker; a new one when its tenant was rebuilt (e.g. credentials rotated)."""
        known = self._workers.get(tenant.id)
        if known is not None and known[0] is tenant:
            return known[1]
        worker = OutboxWorker(self._services.sessions, tenant, self._config)
        self._workers[tenant.id] = (tenant, worker)
        return worker

    async def run_for(self, tenant: Tenant) -> None:
        """One customer's outbox tick: pass after pass until nothing is due. A tick stopped at shutdown
        gives its unsent rows back (LinkedIn writes are idempotent, so a row in flight may be sent again)."""
        report = await self.worker_for(tenant).run_until_idle(max_passes=100)
        if report.claimed:
            # Fields, not a dict of enums: `outbox drained claimed=482 sent=482` (or JSON keys).
            outcomes = {kind.value.lower(): n for kind, n in report.outcomes.items()}
            log.info("outbox drained", extra={"claimed": report.claimed, **outcomes})


def holder_name() -> str:
    """This process's name on the leases it takes."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class Jobs:
    """The background jobs of one process, and the objects behind them (tests drive these)."""

    workers: Workers
    outbox: OutboxJob
    exports: ExportWorker
    shutdown_grace_s: float
    # One run of each job by name (every customer's share), as its periodic loop runs it.
    runs: dict[str, Callable[[], Awaitable[object]]] = field(default_factory=dict)

    def start(self) -> None:
        """Start every job that is on (interval > 0)."""
        self.workers.start()
        log.info("background jobs running: %s", ", ".join(self.workers.names) or "none (every interval is 0)")

    async def stop(self) -> None:
        """Let runs in flight finish within the grace period, then cancel them (their leases and
        claimed rows are given back); returns when every job has ended."""
        await self.workers.stop(grace_s=self.shutdown_grace_s)


def build_jobs(services: Services, settings: Settings) -> Jobs:
    """Register every background job; each runs once right at start, then every interval (0 = off), and
    each run does every customer's share (`for_each_customer`).

    The export sweep also runs whenever the webhook records a push in this process (`Workers.wake`);
    the first sweep picks up whatever a previous process left pending.
    """
    holder = holder_name()
    outbox = OutboxJob(services, sync_config(settings))
    exports = ExportWorker(services)

    async def poll() -> None:
        # The poll single-flights per customer itself, across processes too (its own lease).
        await for_each_customer(
            services, POLL_JOB, lambda tenant: tenant.refresh.poll_tick(), holder=holder, lease=False
        )

    async def drain_outbox() -> None:
        await for_each_customer(services, OUTBOX_JOB, outbox.run_for, holder=holder)

    workers = Workers(on_run=metrics.job_ran)
    workers.add(POLL_JOB, settings.poll_interval_s, poll)
    workers.add(OUTBOX_JOB, settings.outbox_interval_s, drain_outbox)
    workers.add(EXPORT_JOB, settings.export_interval_s, exports.sweep)
    runs: dict[str, Callable[[], Awaitable[object]]] = {
        POLL_JOB: poll,
        OUTBOX_JOB: drain_outbox,
        EXPORT_JOB: exports.sweep,
    }
    return Jobs(workers, outbox, exports, settings.shutdown_grace_s, runs)


@contextlib.asynccontextmanager
async def job_services(settings: Settings) -> AsyncIterator[Services]:
    """The engine, HTTP session and domain services a process of jobs needs, closed at the end."""
    engine = create_engine(settings.database_url)
    try:
        await ensure_migrated(engine)
        async with aiohttp.ClientSession() as http:
            services = build_services(settings, session_factory(engine), http)
            try:
                yield services
            finally:
                await services.aclose()
    finally:
        await engine.dispose()


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """`rscgraph worker`: run the background jobs until `stop` is set or SIGTERM/SIGINT arrives."""
    check_processes(settings, separate_worker=True)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with job_services(settings) as services:
            jobs = build_jobs(services, settings)
            jobs.start()
            try:
                await stop.wait()
                log.info("stopping the background jobs (up to %.0f s)", jobs.shutdown_grace_s)
            finally:
                await jobs.stop()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)

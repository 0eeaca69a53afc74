"""Every background job of rscgraph, in one place: which work exists, how often it runs, who runs it.

Work: each customer's LinkedIn poll (one unit per seat, and a daily read of its seats that also stores
them and maps them to users), its outbox (ATS changes to LinkedIn), its exports (One-Click Exports
the webhook recorded), its purge check, mirror retention and offboarding (the privacy duties), as rows
of due work that the scheduler (app/scheduler.py) of any worker process claims, most overdue first, a
few at a time (RSC_JOB_CONCURRENCY). A customer that fails or hangs costs
the others nothing but its own slot, and its units come back later (backoff). Which process runs the jobs:

- `rscgraph worker`: only the jobs, no HTTP server (PostgreSQL; as many as you like);
- `rscgraph serve`: GraphQL, and the jobs only with `RSC_RUN_JOBS=true`;
- `rscgraph run`: both, for the demo.

SQLite is one process: `check_processes` refuses a separate worker and `serve --workers N>1` there.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from app import metrics
from app.export_worker import EXPORT_JOB, ExportWorker
from app.scheduler import (
    EXPORTS,
    OFFBOARDING,
    OUTBOX,
    POLL,
    PURGE_CHECK,
    RETENTION,
    SEATS,
    Scheduler,
    UnitFailed,
    UnitRunner,
    retry_after_of,
)
from app.services import open_services
from app.settings import Settings
from app.workers import Workers
from linkedin.errors import LinkedInError
from linkedin.partner import LinkedInPartnerClient
from models.base import utcnow
from models.scheduled_work import WorkKey
from resolvers import erasure, offboarding, purged_profiles, retention
from resolvers import seats as seat_sync
from resolvers.scheduling import Pacing
from resolvers.services import Services
from resolvers.sync.config import SyncConfig
from resolvers.sync.outcomes import Kind
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.jobs")

POLL_JOB = "linkedin-poll"
OUTBOX_JOB = OUTBOX
JOB_NAMES = (POLL_JOB, OUTBOX_JOB, EXPORT_JOB)
assert EXPORT_JOB == EXPORTS


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

    async def run_unit(self, tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        """The scheduler's outbox unit: one tick; LinkedIn throttling it (or failing every change) is a
        failure of the unit, so that the customer's outbox is backed off (a 429's pause honoured)."""
        worker = self.worker_for(tenant)
        report = await worker.run_until_idle(max_passes=100)
        if report.claimed:
            outcomes = {kind.value.lower(): n for kind, n in report.outcomes.items()}
            log.info("outbox drained", extra={"claimed": report.claimed, **outcomes})
        now = utcnow()
        paused = worker.paused_until
        if paused is not None and paused > now:
            raise UnitFailed("LinkedIn throttles this customer", (paused - now).total_seconds())
        if report.claimed and report.count(Kind.RETRY) and not report.count(Kind.SENT):
            raise UnitFailed("LinkedIn took none of the customer's changes")


def holder_name() -> str:
    """This process's name on the leases it takes."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class Jobs:
    """The background jobs of one process, and the objects behind them (tests drive these)."""

    workers: Workers
    scheduler: Scheduler
    outbox: OutboxJob
    exports: ExportWorker
    shutdown_grace_s: float

    def start(self) -> None:
        """Start the scheduler (when any kind of work is on) and the periodic jobs."""
        self.workers.start()
        self.scheduler.start()
        log.info(
            "background work running: %s", ", ".join(self.scheduler.kinds) or "none (every interval is 0)"
        )

    async def stop(self) -> None:
        """Let work in flight finish within the grace period, then cancel it (its holds, leases and
        claimed rows are given back or lapse); returns when everything has ended."""
        await self.scheduler.stop(grace_s=self.shutdown_grace_s)
        await self.workers.stop(grace_s=self.shutdown_grace_s)


async def poll_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
    """The scheduler's poll unit: the claimed seats of one customer, under its poll lease."""
    await tenant.refresh.poll_seats([key.seat_urn for key in keys])


# An offboarding that stopped on a LinkedIn failure is tried again after this, backing off from there.
OFFBOARDING_RETRY_S = 5.0


def partner_of(services: Services) -> LinkedInPartnerClient | None:
    """The partner app's client when this process can provision (offboarding empties a child app's JS
    SDK domains with it)."""
    return None if services.onboarding is None else services.onboarding.partner


def eraser_for(services: Services, tenant: Tenant) -> purged_profiles.Eraser:
    """How the purge check erases a candidate automatically: `erase_candidate` as the system (no actor),
    with the reason that LinkedIn closed or purged the profile (its audit entry and tombstone say so)."""

    async def erase(candidate_id: int) -> object:
        return await erasure.erase_candidate(
            services.sessions, tenant, candidate_id, reason=purged_profiles.ERASURE_REASON, actor=None
        )

    return erase


def build_scheduler(
    services: Services, settings: Settings, outbox: OutboxJob, exports: ExportWorker, *, holder: str
) -> Scheduler:
    """The scheduler of this process: RSC_*_INTERVAL_S as the operator's wishes (0: off), the budget's
    pacing, RSC_JOB_CONCURRENCY units at once."""
    pacing = Pacing(
        settings.poll_interval_s,
        settings.outbox_interval_s,
        settings.export_interval_s,
        purge_check_interval_s=settings.purge_check_interval_days * 86_400.0,
        retention_interval_s=settings.retention_interval_s,
        offboarding_interval_s=OFFBOARDING_RETRY_S,
    )
    scheduler: Scheduler

    async def seats_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        try:
            seats = await tenant.linkedin.seats()
        except LinkedInError as exc:
            raise UnitFailed(f"could not read the seats: {exc}", retry_after_of(exc)) from exc
        # The seat table first (mapped to users by resolvers/seats.py's rule), then one poll unit per seat.
        await seat_sync.store_seat_list(services.sessions, tenant.id, seats)
        await scheduler.schedule_seats(tenant.id, [seat.urn for seat in seats])

    async def exports_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        result = await exports.drain(tenant)
        if result.completed or result.pending:
            log.info(
                "export pass", extra={"done": result.done, "failed": result.failed, "pending": result.pending}
            )
        if result.pending:
            raise UnitFailed("LinkedIn is unavailable for this customer's exports")

    async def purge_check_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        await purged_profiles.check_purged_profiles(
            services.sessions, tenant, erase=eraser_for(services, tenant)
        )

    async def retention_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        await retention.enforce_retention(services.sessions, tenant.id)

    async def offboarding_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        offboarder = offboarding.Offboarder(
            services.sessions,
            tenant,
            sync_config(settings),
            batch_size=settings.offboarding_batch_size,
            partner=partner_of(services),
        )
        await offboarder.run()

    runners: dict[str, UnitRunner] = {
        SEATS: seats_unit,
        POLL: poll_unit,
        OUTBOX: outbox.run_unit,
        EXPORTS: exports_unit,
        PURGE_CHECK: purge_check_unit,
        RETENTION: retention_unit,
        OFFBOARDING: offboarding_unit,
    }
    scheduler = Scheduler(services, pacing, runners, holder, concurrency=settings.job_concurrency)
    return scheduler


def offboarding_scheduler(
    services: Services,
    settings: Settings,
    customer_id: int,
    on_progress: offboarding.OnProgress | None = None,
) -> Scheduler:
    """A scheduler that runs one customer's offboarding unit only, under the same hold as any worker's
    (`rscgraph customers offboard`: a worker running it already keeps it, and this one follows)."""
    pacing = Pacing(0.0, 0.0, 0.0, offboarding_interval_s=OFFBOARDING_RETRY_S)

    async def offboarding_unit(tenant: Tenant, keys: Sequence[WorkKey]) -> None:
        offboarder = offboarding.Offboarder(
            services.sessions,
            tenant,
            sync_config(settings),
            batch_size=settings.offboarding_batch_size,
            on_progress=on_progress,
            partner=partner_of(services),
        )
        await offboarder.run()

    return Scheduler(
        services,
        pacing,
        {OFFBOARDING: offboarding_unit},
        holder_name(),
        concurrency=1,
        only_customer=customer_id,
    )


def build_jobs(services: Services, settings: Settings) -> Jobs:
    """The process's background work: the scheduler of every customer's units, each kind on when its
    interval is above 0. A push the webhook records makes its customer's exports unit due at once
    (`app.scheduler.run_soon`), whichever process's scheduler claims it."""
    holder = holder_name()
    outbox = OutboxJob(services, sync_config(settings))
    exports = ExportWorker(services)
    scheduler = build_scheduler(services, settings, outbox, exports, holder=holder)
    # Periodic jobs that are not a customer's (later features register them here).
    workers = Workers(on_run=metrics.job_ran)
    return Jobs(workers, scheduler, outbox, exports, settings.shutdown_grace_s)


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """`rscgraph worker`: run the background jobs until `stop` is set or SIGTERM/SIGINT arrives."""
    check_processes(settings, separate_worker=True)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with open_services(settings) as services:
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

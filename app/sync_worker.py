"""The outbox worker as the server process runs it: built from settings, drained on each tick."""

from __future__ import annotations

import logging

from app.settings import Settings
from resolvers.services import Services
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker

log = logging.getLogger("rscgraph.sync")


def sync_config(settings: Settings) -> SyncConfig:
    """The worker's settings, from the server's."""
    return SyncConfig(
        candidate_url_template=settings.candidate_url_template,
        job_url_template=settings.job_url_template,
    )


def outbox_worker(services: Services, settings: Settings) -> OutboxWorker:
    """The outbox worker over the process's sessions and LinkedIn client."""
    return OutboxWorker(services.sessions, services.linkedin, sync_config(settings))


async def drain_outbox(worker: OutboxWorker) -> None:
    """One tick: pass after pass until nothing is due. A tick cancelled at shutdown leaves its rows
    leased; the lease expires and another pass sends them (LinkedIn writes are idempotent)."""
    report = await worker.run_until_idle(max_passes=100)
    if report.claimed:
        # Fields, not a dict of enums: `outbox drained claimed=482 sent=482` (or JSON keys).
        outcomes = {kind.value.lower(): n for kind, n in report.outcomes.items()}
        log.info("outbox drained", extra={"claimed": report.claimed, **outcomes})

"""Runs the outbox worker in the background of the server process, every `outbox_interval_s`."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.settings import Settings
from resolvers.services import Services
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker

log = logging.getLogger("rscgraph.sync")


def sync_config(settings: Settings) -> SyncConfig:
    """The worker's settings, from the server's."""
    return SyncConfig(
        candidate_url_template=settings.ats_candidate_url_template,
        job_url_template=settings.ats_job_url_template,
    )


class SyncWorkerLoop:
    """Drains the outbox, then waits `interval_s`; stopping cancels a pass in flight (its rows' lease
    expires and another pass sends them, which is harmless: LinkedIn writes are idempotent)."""

    def __init__(self, services: Services, settings: Settings) -> None:
        self.worker = OutboxWorker(services.sessions, services.linkedin, sync_config(settings))
        self._interval_s = settings.outbox_interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="outbox-worker")

    async def stop(self) -> None:
        """Stop the background loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                report = await self.worker.run_until_idle(max_passes=100)
                if report.claimed:
                    log.info("outbox: %d rows claimed, outcomes %s", report.claimed, dict(report.outcomes))
            except Exception:
                log.exception("outbox pass failed; trying again in %.0f s", self._interval_s)
            await asyncio.sleep(self._interval_s)

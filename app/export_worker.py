"""Processes pending One-Click Exports off the request path: a periodic job (app/workers.py) the webhook
wakes after recording a push."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import models
from app import metrics
from models import leases
from resolvers import exports
from resolvers.services import Services

log = logging.getLogger("rscgraph.export_worker")

# The job's name among the app's workers: the webhook wakes it by this name.
EXPORT_JOB = "exports"


def claim_name(request_id: str) -> str:
    """The lease that makes one worker at a time process an export (as `resolvers.exports.claim` names it)."""
    return f"export:{request_id}"


@dataclass(frozen=True, slots=True)
class PassResult:
    """What one pass over the pending exports did."""

    done: int = 0
    failed: int = 0
    # Left PENDING because LinkedIn was unavailable; the pass stops at the first one.
    pending: int = 0
    # Left alone because a worker elsewhere holds them.
    skipped: int = 0

    @property
    def completed(self) -> int:
        """Requests that left PENDING in this pass."""
        return self.done + self.failed


class ExportWorker:
    """Sweeps PENDING export requests; a crash after the webhook's 2xx loses nothing, the sweep finds it."""

    def __init__(
        self,
        services: Services,
        *,
        batch_size: int = 50,
        claim_ttl: timedelta = leases.DEFAULT_TTL,
    ) -> None:
        self._services = services
        # Workers in other processes skip what this one holds; a dead holder's claim (a heartbeat lease)
        # expires within `claim_ttl`.
        self._holder = f"export-worker:{uuid.uuid4()}"
        self._claim_ttl = claim_ttl
        self._batch_size = batch_size
        self._passes = 0
        self._passed = asyncio.Condition()

    async def run_once(self) -> PassResult:
        """One pass over the oldest pending exports; stops early when LinkedIn is unavailable."""
        done = failed = skipped = 0
        sessions = self._services.sessions
        for request_id in await exports.pending_request_ids(sessions, self._batch_size):
            try:
                async with leases.hold_lease(
                    sessions, claim_name(request_id), self._holder, ttl=self._claim_ttl
                ):
                    outcome = await exports.process_export(self._services, request_id)
            except leases.LeaseBusy:
                skipped += 1
                continue
            except leases.LeaseLost:
                # Our claim lapsed mid-export and another worker took it: that worker finishes it.
                skipped += 1
                continue
            if outcome.unavailable is not None:
                # The rest would meet the same outage: leave them for the next pass.
                return PassResult(done, failed, pending=1, skipped=skipped)
            if outcome.request.status == models.ExportStatus.DONE:
                metrics.observe_export(outcome.request.received_at, outcome.request.completed_at)
                done += 1
            else:
                failed += 1
        return PassResult(done, failed, skipped=skipped)

    async def drain(self, max_passes: int = 100) -> PassResult:
        """Run passes until one completes nothing; the totals of all passes."""
        done = failed = pending = 0
        for _ in range(max_passes):
            result = await self.run_once()
            done, failed, pending = done + result.done, failed + result.failed, result.pending
            if result.completed == 0:
                break
        return PassResult(done, failed, pending)

    async def sweep(self) -> None:
        """One pass as the periodic job: logged when it did something, counted even when it fails."""
        try:
            result = await self.run_once()
            if result.completed or result.pending:
                fields = {"done": result.done, "failed": result.failed, "pending": result.pending}
                log.info("export pass", extra={**fields, "skipped": result.skipped})
        finally:
            async with self._passed:
                self._passes += 1
                self._passed.notify_all()

    async def passes_done(self, count: int) -> None:
        """Wait until `sweep` has run `count` times (for tests)."""
        async with self._passed:
            await self._passed.wait_for(lambda: self._passes >= count)

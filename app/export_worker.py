"""Processes pending One-Click Exports off the request path: woken by the webhook, and on a timer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import models
from resolvers import exports
from resolvers.services import Services

log = logging.getLogger("rscgraph.export_worker")


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
        interval_s: float = 30.0,
        batch_size: int = 50,
        claim_ttl: timedelta = timedelta(minutes=5),
    ) -> None:
        self._services = services
        # Workers in other processes skip what this one holds; a dead holder's claim expires.
        self._holder = f"export-worker:{uuid.uuid4()}"
        self._claim_ttl = claim_ttl
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._passes = 0
        self._passed = asyncio.Condition()

    def wake(self) -> None:
        """Ask for a pass as soon as possible (the webhook calls this after recording a push)."""
        self._wake.set()

    async def run_once(self) -> PassResult:
        """One pass over the oldest pending exports; stops early when LinkedIn is unavailable."""
        done = failed = skipped = 0
        sessions = self._services.sessions
        for request_id in await exports.pending_request_ids(sessions, self._batch_size):
            if not await exports.claim(sessions, request_id, self._holder, self._claim_ttl):
                skipped += 1
                continue
            try:
                outcome = await exports.process_export(self._services, request_id)
            finally:
                await exports.release_claim(sessions, request_id, self._holder)
            if outcome.unavailable is not None:
                # The rest would meet the same outage: leave them for the next pass.
                return PassResult(done, failed, pending=1, skipped=skipped)
            if outcome.request.status == models.ExportStatus.DONE:
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

    def start(self) -> None:
        """Run passes in the background: on every wake-up and at least every `interval_s`."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="export-worker")
            self.wake()  # pick up whatever a previous process left pending

    async def stop(self) -> None:
        """Stop the background loop (a pass in flight is cancelled; its request stays PENDING)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def passes_done(self, count: int) -> None:
        """Wait until the background loop has finished `count` passes (for tests and health checks)."""
        async with self._passed:
            await self._passed.wait_for(lambda: self._passes >= count)

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval_s)
            self._wake.clear()
            try:
                result = await self.run_once()
            except Exception:
                log.exception("export pass failed; retrying on the next wake-up")
            else:
                if result.completed or result.pending:
                    log.info("export pass: %s", result)
            async with self._passed:
                self._passes += 1
                self._passed.notify_all()

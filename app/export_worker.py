"""Processes pending One-Click Exports off the request path, customer by customer: each customer's
`exports` unit of the scheduler (app/jobs.py), which a recorded push makes due at once. `run_for(tenant)`
is one customer's pass, `drain(tenant)` its passes until nothing is left."""

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
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.export_worker")

# The job's name among the app's workers: the webhook wakes it by this name.
EXPORT_JOB = "exports"


@dataclass(frozen=True, slots=True)
class PassResult:
    """What one pass over pending exports did."""

    done: int = 0
    failed: int = 0
    # Left PENDING because LinkedIn was unavailable; a customer's pass stops at its first one.
    pending: int = 0
    # Left alone because a worker elsewhere holds them.
    skipped: int = 0

    @property
    def completed(self) -> int:
        """Requests that left PENDING in this pass."""
        return self.done + self.failed

    def __add__(self, other: PassResult) -> PassResult:
        return PassResult(
            self.done + other.done,
            self.failed + other.failed,
            self.pending + other.pending,
            self.skipped + other.skipped,
        )


class ExportWorker:
    """Sweeps a customer's PENDING export requests; a crash after the webhook's 2xx loses nothing, the
    sweep finds it. One customer's LinkedIn outage stops that customer's pass only."""

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

    async def run_for(self, tenant: Tenant) -> PassResult:
        """One pass over the customer's oldest pending exports; stops early when its LinkedIn is
        unavailable. Counted when it ends (`passes_done`), even when it fails."""
        try:
            return await self._pass(tenant)
        finally:
            async with self._passed:
                self._passes += 1
                self._passed.notify_all()

    async def _pass(self, tenant: Tenant) -> PassResult:
        done = failed = skipped = 0
        sessions = self._services.sessions
        for request_id in await exports.pending_request_ids(sessions, tenant.id, self._batch_size):
            try:
                async with leases.hold_lease(
                    sessions, exports.claim_name(tenant.id, request_id), self._holder, ttl=self._claim_ttl
                ):
                    outcome = await exports.process_export(self._services, tenant, request_id)
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
                metrics.observe_export(tenant.key, outcome.request.received_at, outcome.request.completed_at)
                done += 1
            else:
                failed += 1
        return PassResult(done, failed, skipped=skipped)

    async def drain(self, tenant: Tenant, max_passes: int = 100) -> PassResult:
        """Run the customer's passes until one completes nothing; the totals of all passes."""
        done = failed = pending = 0
        for _ in range(max_passes):
            result = await self.run_for(tenant)
            done, failed, pending = done + result.done, failed + result.failed, result.pending
            if result.completed == 0:
                break
        return PassResult(done, failed, pending)

    async def passes_done(self, count: int) -> None:
        """Wait until `count` passes (of any customer) have ended (for tests)."""
        async with self._passed:
            await self._passed.wait_for(lambda: self._passes >= count)

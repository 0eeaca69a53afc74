"""The outbox worker of one customer: claim its due rows under a lease, send them in dependency order with
its LinkedIn client, settle the results. A customer's 429 or refused credentials pause its worker only.

Crash safety: a claim is a short lease (`locked_until`) that a heartbeat renews while the batch is sent.
A worker killed mid-batch leaves its rows claimable once that lease expires (seconds, not minutes); one
stopped (shutdown) gives its unsent rows back at once. A resend is harmless because every LinkedIn write
is an upsert or delete by key. Results are committed after every step, so finished steps are not sent
again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models import OutboxOp, OutboxStatus, utcnow
from models.db import SessionFactory
from models.leases import RELEASE_TIMEOUT_S, Heartbeat, LeaseLost
from models.outbox_claims import ClaimedRow, Settlement, claim_due, extend, release, settle
from models.outbox_dependents import requeue_skipped_children
from models.sync_statuses import StatusChange, delete_statuses, upsert_statuses
from resolvers.sync.acl_senders import ACL_SENDERS
from resolvers.sync.config import SyncConfig
from resolvers.sync.outcomes import Kind, Outcome
from resolvers.sync.plan import TASK_KEY, Change, Step, coalesce, steps
from resolvers.sync.senders import SENDERS, SendContext
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.sync")

_DONE = {Kind.SENT: OutboxStatus.SENT, Kind.PARKED: OutboxStatus.PARKED, Kind.SKIPPED: OutboxStatus.SKIPPED}


@dataclass(slots=True)
class PassReport:
    """What one pass did: rows claimed, and records per outcome kind."""

    claimed: int = 0
    outcomes: Counter[Kind] = field(default_factory=Counter)

    def count(self, kind: Kind) -> int:
        """Records that ended this pass with `kind`."""
        return self.outcomes[kind]


class OutboxWorker:
    """Drains one customer's outbox to its LinkedIn instance; `run_once` is one deterministic pass."""

    def __init__(
        self,
        sessions: SessionFactory,
        tenant: Tenant,
        config: SyncConfig | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._customer_id = tenant.id
        self._config = config or SyncConfig()
        self._clock = clock
        self._ctx = SendContext(sessions, tenant.id, tenant.linkedin, self._config, tenant.org_urn, clock)
        self._paused_until: datetime | None = None

    @property
    def customer_id(self) -> int:
        """The customer whose outbox this worker drains."""
        return self._customer_id

    @property
    def paused_until(self) -> datetime | None:
        """Until when LinkedIn's throttling (or refused credentials) keeps this worker from sending."""
        return self._paused_until

    async def run_once(self) -> PassReport:
        """Claim one batch of due rows and push it; returns what happened."""
        now = self._clock()
        if self._paused_until is not None and now < self._paused_until:
            return PassReport()
        ttl = timedelta(seconds=self._config.lease_s)
        async with self._sessions() as db:
            rows = await claim_due(
                db, self._customer_id, now=now, lease_until=now + ttl, limit=self._config.claim_limit
            )
        report = PassReport(claimed=len(rows))
        if not rows:
            return report
        claim = _Claim(self._sessions, self._customer_id, rows, now + ttl, ttl, self._clock)
        try:
            async with Heartbeat(claim.renew, interval_s=self._config.lease_s / 3, what="outbox batch"):
                await self._send(rows, claim, report)
        except LeaseLost:
            log.warning("the outbox batch's lease lapsed and its rows were taken over; stopped sending")
        finally:
            await claim.give_back()
        return report

    async def _send(self, rows: Sequence[ClaimedRow], claim: _Claim, report: PassReport) -> None:
        planned = steps(coalesce(rows))
        for index, step in enumerate(planned):
            sender = SENDERS.get((step.entity_type, step.op)) or ACL_SENDERS[(step.entity_type, step.op)]
            outcomes = await sender(self._ctx, step.changes)
            await self._settle(step, outcomes, claim)
            report.outcomes.update(o.kind for o in outcomes.values())
            if any(o.throttled for o in outcomes.values()):
                self._paused_until = self._clock() + timedelta(seconds=self._config.throttle_pause_s)
                log.warning("LinkedIn throttles (429): sending nothing until %s", self._paused_until)
                await self._hand_back(planned[index + 1 :], claim)
                break

    async def run_until_idle(self, max_passes: int = 10_000) -> PassReport:
        """Passes until nothing is due (rows waiting for a backoff or a job task stay for later)."""
        total = PassReport()
        for _ in range(max_passes):
            report = await self.run_once()
            if report.claimed == 0:
                break
            total.claimed += report.claimed
            total.outcomes.update(report.outcomes)
        return total

    async def _hand_back(self, untouched: Sequence[Step], claim: _Claim) -> None:
        """Give unsent rows back as they were, due when the pause ends."""
        due = self._paused_until or self._clock()
        settlements = [
            Settlement(i, OutboxStatus.PENDING, "not sent: LinkedIn was throttling", c.attempts, due, c.key)
            for step in untouched
            for c in step.changes
            for i in c.row_ids
        ]
        async with claim.lock:
            async with self._sessions() as db:
                await settle(db, self._customer_id, settlements, lease_until=claim.until, now=self._clock())
                await db.commit()
            claim.settled(settlements)

    async def _settle(self, step: Step, outcomes: dict[int, Outcome], claim: _Claim) -> None:
        now = self._clock()
        settlements: list[Settlement] = []
        changes: list[StatusChange] = []
        deleted: list[int] = []
        sent: list[int] = []
        for change in step.changes:
            outcome = outcomes.get(change.entity_id) or Outcome(Kind.RETRY, "no outcome (sender bug)")
            settlements.extend(self._settlements(change, outcome, now))
            if outcome.kind in _DONE:
                if outcome.kind is Kind.SENT and change.op is OutboxOp.DELETE:
                    deleted.append(change.entity_id)
                else:
                    if outcome.kind is Kind.SENT:
                        sent.append(change.entity_id)
                    changes.append(
                        StatusChange(
                            change.entity_type, change.entity_id, _DONE[outcome.kind], outcome.reason
                        )
                    )
        async with claim.lock, self._sessions() as db:
            customer_id = self._customer_id
            await settle(db, customer_id, settlements, lease_until=claim.until, now=now)
            await upsert_statuses(db, customer_id, changes, now=now)
            await delete_statuses(db, customer_id, step.entity_type, deleted)
            # Children skipped while their parent could not be sent (e.g. no email) get their turn now.
            await requeue_skipped_children(db, customer_id, step.entity_type, sent, now=now)
            await db.commit()
            claim.settled(settlements)

    def _settlements(self, change: Change, outcome: Outcome, now: datetime) -> Sequence[Settlement]:
        if outcome.kind is Kind.GONE:
            return [Settlement(i, OutboxStatus.SKIPPED, outcome.reason) for i in change.row_ids]
        if outcome.kind in _DONE:
            return [Settlement(i, _DONE[outcome.kind], outcome.reason) for i in change.row_ids]
        key = {k: v for k, v in change.key.items() if k != TASK_KEY}
        if outcome.task_id is not None:
            key[TASK_KEY] = outcome.task_id
        if outcome.kind is Kind.AWAIT_TASK:
            attempts = change.attempts
            delay = self._config.job_task_poll_s
        else:
            attempts = change.attempts + 1
            delay = self._config.backoff_s(attempts)
            log.warning(
                "%s %s %d: attempt %d failed (%s); retrying in %.0f s",
                change.op.value,
                change.entity_type.value,
                change.entity_id,
                attempts,
                outcome.reason,
                delay,
            )
        next_at = now + timedelta(seconds=delay)
        return [
            Settlement(i, OutboxStatus.PENDING, outcome.reason, attempts, next_at, key)
            for i in change.row_ids
        ]


class _Claim:
    """One batch's claim: the rows still held and their lease token, moved forward by each renewal.

    `lock` keeps a renewal (which changes the token) and a settlement (fenced on it) apart.
    """

    def __init__(
        self,
        sessions: SessionFactory,
        customer_id: int,
        rows: Sequence[ClaimedRow],
        until: datetime,
        ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._customer_id = customer_id
        self._ttl = ttl
        self._clock = clock
        self.held = {row.id for row in rows}
        self.until = until
        self.lock = asyncio.Lock()

    def settled(self, settlements: Sequence[Settlement]) -> None:
        """Rows settled under the claim are no longer held (settling cleared their lease)."""
        self.held -= {s.id for s in settlements}

    async def renew(self) -> bool:
        """Extend the lease of every held row; False when any was taken over (its lease had lapsed)."""
        async with self.lock:
            if not self.held:
                return True
            until = self._clock() + self._ttl
            async with self._sessions() as db:
                moved = await extend(
                    db, self._customer_id, sorted(self.held), lease_until=self.until, new_until=until
                )
                await db.commit()
            if moved:
                self.until = until
            return moved == len(self.held)

    async def give_back(self) -> None:
        """Release the rows not settled (stopped or failed mid-batch), so any worker may send them now;
        shielded and bounded, as it runs while the worker is being cancelled."""

        async def unlock() -> None:
            async with self.lock, self._sessions() as db:
                await release(db, self._customer_id, sorted(self.held), lease_until=self.until)
                await db.commit()
                self.held.clear()

        if not self.held:
            return
        releasing = asyncio.ensure_future(unlock())
        try:
            await asyncio.wait_for(asyncio.shield(releasing), RELEASE_TIMEOUT_S)
        except Exception:  # the rows' lease then expires on its own
            log.warning("could not give back %d outbox rows; their lease expires", len(self.held))

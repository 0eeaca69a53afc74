"""The scheduler: every customer's recurring work as rows of due work (models/scheduled_work.py), claimed
by whichever worker process is free, most overdue first.

Units, per customer: `seats` (whole customer, daily: reads its seats from LinkedIn and keeps one `poll`
unit per seat), `poll` (one seat's incremental poll), `outbox` and `exports` (whole customer), and the
privacy duties: `purge_check` (LinkedIn's closed-or-purged profiles, first due one interval after the
customer is first scheduled), `retention` (customers with a mirror retention) and `offboarding` (a
customer being offboarded has that unit alone). A unit runs
under a hold renewed by a heartbeat (a process that dies loses its units within one TTL) and is given
back with its next due time from `Pacing`: a seat's poll interval follows from the customer's seat count
and LinkedIn's daily budget, a failure backs off (a 429's Retry-After honoured). A customer whose LinkedIn
fails only pushes its own units later; everyone else's keep their due times, so nobody waits behind it.

A customer without an organization URN (provisioned, not configured yet) gets no poll or outbox units
until it is configured. Intervals of 0 (RSC_POLL_INTERVAL_S, …) turn a kind off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from app import metrics
from app.tenancy import working_for
from linkedin.errors import LinkedInRateLimited
from models import customer_queries, leases, offboarding
from models import scheduled_work as work
from models.base import utcnow
from models.db import SessionFactory, write_session
from models.offboarding import OffboardingState
from models.scheduled_work import WHOLE_CUSTOMER, Claimed, WorkKey
from resolvers.errors import LinkedInUnavailable
from resolvers.scheduling import Pacing
from resolvers.services import Services
from resolvers.tenants import Tenant, UnknownCustomer

log = logging.getLogger("rscgraph.scheduler")

SEATS = "seats"
POLL = "poll"
OUTBOX = "outbox"
EXPORTS = "exports"
# Privacy duties: LinkedIn's closed-or-purged profiles, the mirror's retention, a customer's offboarding.
PURGE_CHECK = "purge_check"
RETENTION = "retention"
OFFBOARDING = "offboarding"
KINDS = (SEATS, POLL, OUTBOX, EXPORTS, PURGE_CHECK, RETENTION, OFFBOARDING)
# Kinds whose first run waits one interval (a new unit is not due at once): the purge check is a duty
# of "at least every N days", so its clock starts when the customer is first scheduled, and it keeps
# its due time across restarts (stored in `scheduled_work`).
FIRST_RUN_AFTER_INTERVAL = frozenset({PURGE_CHECK})

# The seat list changes rarely (a recruiter joins or leaves): read once a day.
SEAT_SYNC_INTERVAL_S = 86_400.0
# How often the table is brought in step with the customers (new, configured, removed ones).
CUSTOMER_SYNC_INTERVAL_S = 60.0
# How often an idle scheduler looks for due work other processes or wake-ups did not tell it about.
IDLE_CHECK_S = 1.0
# A poll unit whose customer is being polled elsewhere comes back this much later (no failure).
BUSY_RETRY_S = 1.0
# Units claimed per free slot: a customer's due seats are polled together in one slot.
CLAIM_FACTOR = 10

Clock = Callable[[], datetime]


class UnitFailed(Exception):
    """A unit's work did not get done (LinkedIn unavailable); `retry_after_s` is what LinkedIn asked."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def retry_after_of(exc: BaseException) -> float | None:
    """The Retry-After of the LinkedIn 429 behind `exc`, if it is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, LinkedInRateLimited):
            return seen.retry_after
        seen = seen.__cause__
    return None


@dataclass(frozen=True, slots=True)
class Ran:
    """What became of one claimed unit (tests and the bench read these)."""

    key: WorkKey
    due_at: datetime
    started_at: datetime
    ok: bool
    next_run_at: datetime | None
    error: str | None = None


# One customer's work of a kind: the tenant and the claimed units (several seats for `poll`).
UnitRunner = Callable[[Tenant, Sequence[WorkKey]], Awaitable[None]]


@dataclass(slots=True)
class Scheduler:
    """Keeps the due-work table in step with the customers and runs due units, `concurrency` at a time."""

    services: Services
    pacing: Pacing
    runners: dict[str, UnitRunner]
    holder: str
    concurrency: int = 8
    clock: Clock = utcnow
    ttl: timedelta = leases.DEFAULT_TTL
    on_ran: Callable[[Ran], None] | None = None
    # Only this customer's units (the `customers offboard` command's scheduler); None: everyone's.
    only_customer: int | None = None
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _running: set[asyncio.Task[None]] = field(default_factory=set)
    _loop_task: asyncio.Task[None] | None = None

    @property
    def sessions(self) -> SessionFactory:
        return self.services.sessions

    def interval_s(self, kind: str) -> float:
        """The operator's interval of a kind (0: off); a seat's poll interval also depends on its seats."""
        return {
            SEATS: SEAT_SYNC_INTERVAL_S if self.pacing.poll_interval_s > 0 else 0.0,
            POLL: self.pacing.poll_interval_s,
            OUTBOX: self.pacing.outbox_interval_s,
            EXPORTS: self.pacing.export_interval_s,
            PURGE_CHECK: self.pacing.purge_check_interval_s,
            RETENTION: self.pacing.retention_interval_s,
            OFFBOARDING: self.pacing.offboarding_interval_s,
        }[kind]

    @property
    def kinds(self) -> list[str]:
        """The kinds that are on and have a runner."""
        return [kind for kind in KINDS if self.interval_s(kind) > 0 and kind in self.runners]

    # --- keeping the table in step -------------------------------------------------------------------

    async def sync_customers(self) -> None:
        """Schedule each customer's whole-customer units (due now if new, the purge check one interval
        from now); a customer not configured yet has its poll and outbox units dropped until it is; a
        customer being offboarded has its offboarding unit only, and one offboarded none."""
        async with self.sessions() as db:
            rows = await customer_queries.customers(db)
        now = self.clock()
        whole = (SEATS, OUTBOX, EXPORTS, PURGE_CHECK, RETENTION, OFFBOARDING)
        for row in rows:
            assert row.id is not None
            configured = bool((row.linkedin_org_urn or "").strip())
            async with write_session(self.sessions) as db:
                # Read in the transaction that writes the units, so an offboarding that starts meanwhile
                # is not undone by re-adding the customer's other work (SQLite serialises the two).
                leaving = await offboarding.offboarding_of(db, row.id)
                state = None if leaving is None else leaving.state
                if state is not None:
                    running = state is not OffboardingState.DONE and OFFBOARDING in self.kinds
                    wanted = [OFFBOARDING] if running else []
                else:
                    wanted = [
                        k
                        for k in (SEATS, OUTBOX, EXPORTS, PURGE_CHECK, RETENTION)
                        if k in self.kinds
                        and (configured or k == EXPORTS)
                        and (k != RETENTION or row.linkedin_mirror_retention_days is not None)
                    ]
                later = [WorkKey(row.id, k) for k in wanted if k in FIRST_RUN_AFTER_INTERVAL]
                await work.ensure_scheduled(
                    db, [WorkKey(row.id, k) for k in wanted if k not in FIRST_RUN_AFTER_INTERVAL], due_at=now
                )
                for key in later:
                    interval = timedelta(seconds=self.interval_s(key.kind))
                    await work.ensure_scheduled(db, [key], due_at=now + interval)
                    # A shorter interval than the stored schedule was made with applies at once: the
                    # duty is "at least every interval", whatever the interval was before a restart.
                    await work.due_by(db, key, latest=now + interval)
                for kind in whole:
                    if kind not in wanted:
                        await work.unschedule(db, row.id, kind, keep_seats=[])
                if state is not None or not configured or POLL not in self.kinds:
                    await work.unschedule(db, row.id, POLL, keep_seats=[])

    async def schedule_seats(self, customer_id: int, seat_urns: Sequence[str]) -> None:
        """One `poll` unit per seat (new ones due now); the units of seats gone are dropped."""
        async with write_session(self.sessions) as db:
            keys = [WorkKey(customer_id, POLL, seat) for seat in seat_urns]
            await work.ensure_scheduled(db, keys, due_at=self.clock())
            await work.unschedule(db, customer_id, POLL, keep_seats=list(seat_urns))

    async def next_due_after_success(self, key: WorkKey, now: datetime) -> datetime:
        return now + timedelta(seconds=await self._interval_of(key))

    async def _interval_of(self, key: WorkKey) -> float:
        if key.kind == POLL:
            async with self.sessions() as db:
                seats = await work.units_of(db, key.customer_id, POLL)
            return self.pacing.seat_poll_interval_s(seats)
        return self.interval_s(key.kind)

    # --- claiming and running ------------------------------------------------------------------------

    async def claim(self, slots: int) -> list[list[Claimed]]:
        """Claim due units for up to `slots` groups (a customer's poll units form one group); units claimed
        beyond are given back untouched."""
        if slots <= 0 or not self.kinds:
            return []
        async with write_session(self.sessions) as db:
            claimed = await work.claim_due(
                db,
                self.holder,
                kinds=self.kinds,
                limit=slots * CLAIM_FACTOR,
                ttl=self.ttl,
                now=self.clock(),
                customer_id=self.only_customer,
            )
        groups: dict[tuple[int, str, str], list[Claimed]] = {}
        for unit in claimed:
            key = unit.key
            seat = WHOLE_CUSTOMER if key.kind == POLL else key.seat_urn
            groups.setdefault((key.customer_id, key.kind, seat), []).append(unit)
        ordered = list(groups.values())
        taken, extra = ordered[:slots], ordered[slots:]
        if extra:
            async with write_session(self.sessions) as db:
                for group in extra:
                    for unit in group:
                        await work.release(db, unit.key, self.holder)
        return taken

    async def run_group(self, group: Sequence[Claimed]) -> list[Ran]:
        """Run one customer's claimed units of a kind under a heartbeat, and give each back."""
        keys = [unit.key for unit in group]
        first = keys[0]
        started = self.clock()
        try:
            tenant = await self.services.tenants.get(first.customer_id)
        except UnknownCustomer:
            async with write_session(self.sessions) as db:
                for kind in KINDS:
                    await work.unschedule(db, first.customer_id, kind, keep_seats=[])
            return []
        runner = self.runners[first.kind]
        error: str | None = None
        retry_after: float | None = None
        busy = False
        with working_for(tenant.key), structlog.contextvars.bound_contextvars(job=first.kind):
            try:
                async with leases.Heartbeat(
                    lambda: self._renew(keys),
                    interval_s=max(self.ttl.total_seconds() / 3, 0.05),
                    what=str(first),
                ):
                    await runner(tenant, keys)
            except leases.LeaseBusy:
                busy = True
            except leases.LeaseLost:
                log.warning(
                    "%s for customer %s: the hold lapsed; another process carries on", first.kind, tenant.key
                )
                return []
            except (UnitFailed, LinkedInUnavailable) as exc:
                error = str(exc) or type(exc).__name__
                retry_after = exc.retry_after_s if isinstance(exc, UnitFailed) else retry_after_of(exc)
                log.warning("%s for customer %s failed; backing off: %s", first.kind, tenant.key, error)
            except Exception as exc:  # a bug or bad rows of one customer must not stop the others
                error = f"{type(exc).__name__}: {exc}"
                log.exception("%s failed for customer %s; it is tried again later", first.kind, tenant.key)
                metrics.customer_job_failed(first.kind, tenant.key)
        now = self.clock()
        ran: list[Ran] = []
        async with write_session(self.sessions) as db:
            for unit in group:
                if busy:
                    next_at = now + timedelta(seconds=BUSY_RETRY_S)
                    await work.release(db, unit.key, self.holder, next_run_at=next_at)
                    ran.append(Ran(unit.key, unit.due_at, started, False, next_at, "busy"))
                    continue
                interval = await self._interval_of(unit.key)
                if error is None:
                    next_at = now + timedelta(seconds=interval)
                else:
                    wait = self.pacing.after_failure_s(interval, unit.failures + 1, retry_after)
                    next_at = now + timedelta(seconds=wait)
                await work.finish(db, unit.key, self.holder, next_run_at=next_at, error=error, now=now)
                ran.append(Ran(unit.key, unit.due_at, started, error is None, next_at, error))
        for one in ran:
            if self.on_ran is not None:
                self.on_ran(one)
        return ran

    async def _renew(self, keys: Sequence[WorkKey]) -> bool:
        async with write_session(self.sessions) as db:
            held = await work.renew_held(db, keys, self.holder, self.ttl, now=self.clock())
        return held > 0

    async def run_due(self) -> list[Ran]:
        """Claim what is due now and run it all, `concurrency` groups at a time, until nothing claimed is
        left (one round; tests and `tick` use it)."""
        done: list[Ran] = []
        while groups := await self.claim(self.concurrency):
            results = await asyncio.gather(*(self.run_group(g) for g in groups))
            done.extend(r for result in results for r in result)
        return done

    async def tick(self) -> list[Ran]:
        """Bring the table in step with the customers, then run what is due."""
        await self.sync_customers()
        return await self.run_due()

    # --- the process's loop --------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for due work now (a unit was made due, e.g. by a push)."""
        self._wake.set()

    def start(self) -> None:
        """Run the scheduler in the background until `stop()`."""
        if self.kinds and self._loop_task is None:
            self._loop_task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self, grace_s: float = 0.0) -> None:
        """No new claims; units in flight get `grace_s`, then are cancelled (their holds lapse or are
        given back by their runners' own cleanup)."""
        self._stopping.set()
        self._wake.set()
        loop, self._loop_task = self._loop_task, None
        if loop is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        running = set(self._running)
        if running and grace_s > 0:
            _, late = await asyncio.wait(running, timeout=grace_s)
            if late:
                log.warning("%d units still running after %.0f s; cancelling them", len(late), grace_s)
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        next_sync = 0.0
        while not self._stopping.is_set():
            try:
                if time.monotonic() >= next_sync:
                    await self.sync_customers()
                    next_sync = time.monotonic() + CUSTOMER_SYNC_INTERVAL_S
                groups = await self.claim(self.concurrency - len(self._running))
            except Exception:  # the database away for a moment: try again after a pause
                log.exception("the scheduler could not read its work; trying again")
                groups = []
            self._wake.clear()
            for group in groups:
                task = asyncio.create_task(self._run_quietly(group), name=f"unit:{group[0].key}")
                self._running.add(task)
                task.add_done_callback(self._ended)
            if groups and len(self._running) < self.concurrency:
                continue  # there may be more due right now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_CHECK_S)

    async def _run_quietly(self, group: Sequence[Claimed]) -> None:
        started = time.monotonic()
        try:
            ran = await self.run_group(group)
        except Exception:
            log.exception("the scheduler could not give back %s", group[0].key)
            return
        metrics.job_ran(group[0].key.kind, time.monotonic() - started, not all(r.ok for r in ran))

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._wake.set()  # a slot is free


async def run_soon(
    sessions: SessionFactory, customer_id: int, kind: str, scheduler: Scheduler | None
) -> None:
    """Make a customer's unit due now (any process's scheduler claims it) and wake ours if we run one."""
    async with write_session(sessions) as db:
        await work.run_soon(db, WorkKey(customer_id, kind))
    if scheduler is not None:
        scheduler.wake()

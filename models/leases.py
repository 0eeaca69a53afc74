"""Named leases in the database: single-flight work across processes, taken over soon after a holder dies.

A lease is short (`DEFAULT_TTL`) and renewed by a heartbeat while its work runs, so a process killed
mid-work blocks others for at most one TTL; a process that finds its lease lost stops its work. This is
the one primitive every background job uses (`hold_lease`); the outbox claims reuse its `Heartbeat`.

Leases are global rows (coordination, not a customer's data): work done per customer names its lease
after the customer (`customer_lease("linkedin-poll", 7)` is `linkedin-poll:7`), so one customer's holder
never keeps another customer's work waiting.

Why heartbeats rather than PostgreSQL advisory locks: they behave the same on SQLite and PostgreSQL, they
need no connection held open for the whole work (an advisory lock pins one pooled connection per holder
and breaks behind a transaction-mode pooler), and a lease's expiry is a timestamp a test can move.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType

from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import utcnow
from models.db import SessionFactory
from models.integration import Lease
from models.upsert import insert_for, table_of

log = logging.getLogger("rscgraph.leases")

Clock = Callable[[], datetime]

# A dead holder blocks others for at most this long; renewed every third of it, so two renewals in a
# row may fail (a slow database) before the lease lapses.
DEFAULT_TTL = timedelta(seconds=20)
# Renewals in a row that may fail (the database unreachable) before the work stops: by then, at a third
# of the TTL each, the lease has lapsed and another process may hold it.
MISSED_BEATS = 3
# Bound on giving a lease back at shutdown: a release that cannot finish leaves the lease to expire.
RELEASE_TIMEOUT_S = 5.0


def customer_lease(name: str, customer_id: int) -> str:
    """The name of one customer's lease on the work `name` (`linkedin-poll:7`)."""
    return f"{name}:{customer_id}"


class LeaseBusy(Exception):
    """Another live holder has the lease."""


class LeaseLost(Exception):
    """Our lease lapsed and may have been taken over: the work stopped without writing further."""


async def try_acquire(
    db: AsyncSession, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Take the lease `name` for `ttl` if it is free, expired or already ours; one atomic statement.

    The caller commits; the lease is only visible to other processes after that.
    """
    now = now or utcnow()
    table = table_of(Lease)
    stmt = insert_for(db, Lease).values(name=name, holder=holder, expires_at=now + ttl)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=(table.c.expires_at <= now) | (table.c.holder == stmt.excluded.holder),
    ).returning(table.c.holder)
    return (await db.exec(stmt)).first() is not None


async def renew(
    db: AsyncSession, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Extend our lease by `ttl` from now; False when it is no longer ours (it expired and was taken)."""
    stmt = (
        update(Lease)
        .where(col(Lease.name) == name, col(Lease.holder) == holder)
        .values(expires_at=(now or utcnow()) + ttl)
    )
    result = await db.exec(stmt)
    return bool(result.rowcount)


async def release(db: AsyncSession, name: str, holder: str) -> None:
    """Give the lease back, if it is still ours."""
    await db.exec(delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder))


async def held_until(db: AsyncSession, name: str, *, now: datetime | None = None) -> datetime | None:
    """When the current holder's lease runs out, or None when nobody holds it."""
    expires = (await db.exec(select(Lease.expires_at).where(col(Lease.name) == name))).first()
    if expires is None or expires <= (now or utcnow()):
        return None
    return expires


class Heartbeat:
    """Calls `renew` every `interval_s` while the body of `async with` runs; when renewal reports the
    lease lost, cancels the body and raises `LeaseLost` in its place."""

    def __init__(self, renew: Callable[[], Awaitable[bool]], *, interval_s: float, what: str) -> None:
        if interval_s <= 0:
            raise ValueError("the heartbeat interval must be positive")
        self._renew = renew
        self._interval_s = interval_s
        self._what = what
        self.lost = False
        self._host: asyncio.Task[object] | None = None
        self._beat: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Heartbeat:
        self._host = asyncio.current_task()
        self._beat = asyncio.create_task(self._run(), name=f"heartbeat:{self._what}")
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        beat, self._beat = self._beat, None
        if beat is not None:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        # Our own cancellation (not a shutdown's, which leaves a request behind): LeaseLost for the caller.
        host = self._host
        if self.lost and kind is asyncio.CancelledError and host is not None and host.uncancel() == 0:
            raise LeaseLost(f"lost the lease on {self._what}") from None

    async def _run(self) -> None:
        failures = 0
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                held = await self._renew()
                failures = 0
            except Exception:  # a database hiccup: the lease outlives two missed beats, not a third
                failures += 1
                log.warning("could not renew the lease on %s", self._what, exc_info=True)
                held = failures < MISSED_BEATS
            if not held:
                log.warning("lost the lease on %s; stopping that work", self._what)
                self.lost = True
                if self._host is not None:
                    self._host.cancel()
                return


@dataclass(slots=True)
class HeldLease:
    """A named lease this process holds; `fence(db)` makes a write commit only while it is still ours."""

    sessions: SessionFactory
    name: str
    holder: str
    ttl: timedelta
    clock: Clock

    async def renew(self) -> bool:
        """Extend the lease from now; False when another holder has it."""
        async with self.sessions() as db:
            held = await renew(db, self.name, self.holder, self.ttl, now=self.clock())
            await db.commit()
        return held

    async def fence(self, db: AsyncSession) -> None:
        """Renew inside the caller's transaction (so its writes commit only with the lease ours), or raise
        `LeaseLost`."""
        if not await renew(db, self.name, self.holder, self.ttl, now=self.clock()):
            raise LeaseLost(f"lost the lease {self.name}")


@contextlib.asynccontextmanager
async def hold_lease(
    sessions: SessionFactory,
    name: str,
    holder: str,
    *,
    ttl: timedelta = DEFAULT_TTL,
    clock: Clock = utcnow,
    renew_every_s: float | None = None,
) -> AsyncIterator[HeldLease]:
    """Hold the lease `name` while the body runs: acquired (or `LeaseBusy`), renewed every `ttl`/3, given
    back at the end, cancellation included. If renewal finds it lost, the body is cancelled and
    `LeaseLost` raised."""
    async with sessions() as db:
        acquired = await try_acquire(db, name, holder, ttl, now=clock())
        await db.commit()
    if not acquired:
        raise LeaseBusy(name)
    lease = HeldLease(sessions, name, holder, ttl, clock)
    try:
        # A third of the TTL, bounded below so that a tiny (test) TTL does not spin.
        every = renew_every_s or max(ttl.total_seconds() / 3, 0.05)
        async with Heartbeat(lease.renew, interval_s=every, what=name):
            yield lease
    finally:
        await _release_quietly(sessions, name, holder)


async def _release_quietly(sessions: SessionFactory, name: str, holder: str) -> None:
    # Shielded and bounded: a shutdown cancelling us must still give the lease back, but never hang on it.
    async def give_back() -> None:
        async with sessions() as db:
            await release(db, name, holder)
            await db.commit()

    releasing = asyncio.ensure_future(give_back())
    try:
        await asyncio.wait_for(asyncio.shield(releasing), RELEASE_TIMEOUT_S)
    except Exception:  # a cancellation still propagates; the shielded release carries on meanwhile
        log.warning("could not release the lease %s; it expires on its own", name, exc_info=True)

"""Refresh: one customer's incremental LinkedIn poll (InMails, prospect notes, mail stubs), run single-flight.

Each customer has its own `RefreshService` (built with its `Tenant`): its own LinkedIn client, lease
(`linkedin-poll:<customer id>`), watermarks and failure state, so one customer's outage or slow poll
never holds up or marks another's.

Per seat and stream, the poll reads from the stream's watermark to "now" in ≤ 12 h windows, page by
page. Consecutive windows' rows are committed with their watermark in one transaction (a batch of up to
`BATCH_ROWS` rows), never a part of a window; a fault mid-poll first commits what was read before it,
so the watermark stands at the last window read whole and the next poll resumes there. Concurrent callers in
this process share one poll task; other processes are kept out by a short heartbeat lease
(`models.leases.hold_lease`), which another process takes over within one TTL if this one dies.

A refresh waits for the poll at most `deadline_s`: then it answers (`PollOverdue`, with what is stored)
while the poll goes on in the background, shielded from the callers that gave up; its failure is logged
and remembered (`state()`), and `aclose()` ends it at shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin.client import MAX_PAGE_SIZE, LinkedInClient
from linkedin.errors import LinkedInError
from linkedin.records import ConversationEvent, MailStub, ProspectNote, Visibility
from models import InMailDirection, LinkedInVisibility, leases, live_activity, utcnow
from models import watermarks as marks
from models.db import SessionFactory
from models.mirror_writes import MessageRow, NoteRow, upsert_messages, upsert_notes
from models.watermarks import PollStream
from resolvers import linkedin_faults
from resolvers.activity_feed import ActivityEvent, ActivityFeed, ActivityKind, events_for, item_events
from resolvers.errors import LinkedInUnavailable
from resolvers.linkedin_faults import Fault
from resolvers.member_digest import MemberDigest, erased_members
from resolvers.poll_windows import MAX_WINDOW, to_ms_precision, windows, windows_back
from resolvers.stubs import StubOutcome, apply_mail_stubs

log = logging.getLogger("rscgraph.refresh")

LEASE_NAME = "linkedin-poll"


def lease_name(customer_id: int) -> str:
    """The lease that keeps one customer's poll single-flight across processes."""
    return leases.customer_lease(LEASE_NAME, customer_id)


Clock = Callable[[], datetime]
# Moves a window's mark (watermark or history start) inside the window's transaction.
Mover = Callable[[AsyncSession], Awaitable[None]]

# A first poll's history (`initial_lookback`, a year by default) is fetched this many windows per seat
# and stream per poll, newest first: 14 × 12 h = 7 days, i.e. at most 3 × 14 = 42 extra calls (plus
# pages) per seat per poll, so a refresh or a scheduled round stays about as short as a 2-week first
# poll was, and a year's history takes ~52 polls, paced by the customer's poll interval (itself set by
# its call budget) rather than by one burst of 2,190 calls per seat.
HISTORY_WINDOWS_PER_POLL = 14

# Consecutive windows of one seat's stream are stored together until their rows reach this (a
# transaction costs ~8 statements whatever it holds: the lease fence, the tombstone check, threads,
# thread counts, the mark); bounded so that a batch's rows stay a few MB and a killed process repeats
# little.
BATCH_ROWS = 5_000


@dataclass(slots=True)
class PollReport:
    """What one refresh achieved; `synced_at` is the time up to which every stream of every seat is
    stored (None when not known), `polled` is False when another process ran the poll."""

    synced_at: datetime | None
    polled: bool = True
    windows: int = 0
    # Of `windows`, those that walked a first poll's history back.
    history_windows: int = 0
    events: int = 0
    notes: int = 0
    stubs: int = 0
    candidates_created: list[int] = field(default_factory=list)
    candidates_updated: list[int] = field(default_factory=list)


class PollOverdue(LinkedInUnavailable):
    """The refresh's deadline passed with the poll still running; the poll goes on in the background."""


@dataclass(frozen=True, slots=True)
class PollState:
    """What this process knows of its polls beyond the watermarks.

    `failure` is why its last poll failed (at `failed_at`), None after a success; `overdue` is True
    while the poll in flight has outlived a refresh's deadline.
    """

    failure: Fault | None = None
    failed_at: datetime | None = None
    overdue: bool = False


class RefreshService:
    """Runs one customer's poll for every seat of its contract; `refresh()` is safe to call from many
    requests at once."""

    def __init__(
        self,
        sessions: SessionFactory,
        customer_id: int,
        linkedin: LinkedInClient,
        *,
        initial_lookback: timedelta,
        clock: Clock = utcnow,
        lease_ttl: timedelta = leases.DEFAULT_TTL,
        lease_clock: Clock = utcnow,
        page_size: int = MAX_PAGE_SIZE,
        holder: str | None = None,
        deadline_s: float | None = None,
        history_windows_per_poll: int = HISTORY_WINDOWS_PER_POLL,
        feed: ActivityFeed | None = None,
        member_digest: MemberDigest | None = None,
    ) -> None:
        self._sessions = sessions
        # Where a window's new InMails, notes and stub matches are announced once committed.
        self._feed = feed
        # Erased members (tombstones) are skipped by the poll; None only where no secret keys exist
        # (tests and benches that build the service by hand), and then nothing is skipped.
        self._member_digest = member_digest
        self._customer_id = customer_id
        self._lease_name = lease_name(customer_id)
        self._linkedin = linkedin
        self._initial_lookback = initial_lookback
        self._history_windows_per_poll = history_windows_per_poll
        self._clock = clock
        self._lease_ttl = lease_ttl
        # The lease's own time (expiry, takeover), apart from the poll's `clock` (what "now" is polled up to).
        self._lease_clock = lease_clock
        self._lease: leases.HeldLease | None = None
        self._page_size = page_size
        self._holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._inflight: asyncio.Task[PollReport] | None = None
        self._deadline_s = deadline_s
        self._state = PollState()
        self._seat_polls = asyncio.Lock()

    @property
    def customer_id(self) -> int:
        """The customer this service polls for."""
        return self._customer_id

    @property
    def deadline_s(self) -> float | None:
        """How long `refresh()` waits for the poll before answering with what is stored."""
        return self._deadline_s

    def state(self) -> PollState:
        """This process's last poll failure and whether the poll in flight is overdue."""
        return self._state

    def now(self) -> datetime:
        """The time on the poller's clock (watermarks are on it too)."""
        return self._clock()

    async def history_pending_from(self, seat_urns: Sequence[str] | None = None) -> datetime | None:
        """While first polls still fetch history: the time from which every stream of these seats
        (default: every seat ever polled) is stored back to the lookback; None when all history is in."""
        async with self._sessions() as db:
            if seat_urns is None:
                seat_urns = sorted({seat for _, seat in (await marks.watermarks(db, self._customer_id))})
            return await marks.history_pending_from(db, self._customer_id, seat_urns)

    def _join(self) -> asyncio.Task[PollReport]:
        """The poll in flight, started now if none is."""
        task = self._inflight
        if task is None or task.done():
            task = asyncio.create_task(self._run(), name=self._lease_name)
            task.add_done_callback(self._finished)
            self._inflight = task
        return task

    async def refresh(self) -> PollReport:
        """Poll LinkedIn now, or join the poll already running; LinkedIn failures raise
        `LinkedInUnavailable` (whatever was stored before the failure stays stored), and a poll
        still running at the deadline raises `PollOverdue` while it goes on in the background."""
        task = self._join()
        # Shielded: a caller that gives up (deadline, request cancelled) must not cancel everyone's poll.
        if self._deadline_s is None:
            return await asyncio.shield(task)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self._deadline_s)
        except TimeoutError:
            if task.done():
                raise  # the poll itself timed out: not our deadline
            log.warning(
                "LinkedIn poll of customer %d still running after the %g s refresh deadline; answering "
                "with what is stored",
                self._customer_id,
                self._deadline_s,
            )
            if self._inflight is task:
                self._state = PollState(self._state.failure, self._state.failed_at, overdue=True)
            raise PollOverdue(
                f"{linkedin_faults.TIMED_OUT}; what is stored is shown and the refresh goes on"
            ) from None

    async def poll_tick(self) -> None:
        """One periodic poll (no deadline: nobody waits for it); an outage is logged, retried next tick."""
        try:
            report = await asyncio.shield(self._join())
        except LinkedInUnavailable as exc:
            log.warning(
                "periodic LinkedIn poll of customer %d failed, will retry next tick: %s",
                self._customer_id,
                exc.message,
            )
            return
        log.info(
            "periodic LinkedIn poll of customer %d: %d windows, %d InMails, %d notes, %d stubs",
            self._customer_id,
            report.windows,
            report.events,
            report.notes,
            report.stubs,
        )

    async def wait_idle(self) -> None:
        """Wait until the poll in flight, if any, has ended and its outcome is recorded (never raises)."""
        task = self._inflight
        if task is not None:
            await asyncio.wait({task})

    async def aclose(self) -> None:
        """Cancel a poll in flight (shutdown); its lease is released, stored windows stay stored."""
        task = self._inflight
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    @property
    def polling(self) -> bool:
        """True while a poll of this process is in flight."""
        return self._inflight is not None and not self._inflight.done()

    def _finished(self, task: asyncio.Task[PollReport]) -> None:
        if self._inflight is task:
            self._inflight = None
        state = self._state
        if task.cancelled():
            self._state = PollState(state.failure, state.failed_at)
            return
        # Every caller may have gone (deadline): the outcome is recorded and logged here, never lost.
        exc = task.exception()
        if exc is None:
            self._state = PollState() if task.result().polled else PollState(state.failure, state.failed_at)
        elif isinstance(exc, LinkedInUnavailable):
            # Already logged with its internals where it was raised.
            self._state = PollState(Fault(exc.kind, exc.message), self._clock())
        else:
            log.error("the LinkedIn poll of customer %d failed unexpectedly", self._customer_id, exc_info=exc)
            fault = Fault(LinkedInUnavailable.kind, linkedin_faults.NOT_UPDATED)
            self._state = PollState(fault, self._clock())

    async def _run(self) -> PollReport:
        # Read before the lease is tried: another process's poll may commit its last window between a
        # refused lease and a later read, and would then look like a poll that stored nothing.
        before = await self.synced_at()
        try:
            async with leases.hold_lease(
                self._sessions, self._lease_name, self._holder, ttl=self._lease_ttl, clock=self._lease_clock
            ) as self._lease:
                return await self._poll()
        except leases.LeaseBusy:
            return await self._await_other_process(before)
        except LinkedInError as exc:
            log.warning("LinkedIn poll stopped for customer %d: %s", self._customer_id, exc)
            raise linkedin_faults.unavailable(exc) from exc
        except leases.LeaseLost as exc:
            # Our lease ran out (e.g. the database was unreachable for a TTL) and another process took
            # over: it finishes the poll.
            log.warning("%s; leaving the poll to its new holder", exc)
            return PollReport(synced_at=await self.synced_at(), polled=False)

    async def _await_other_process(self, before: datetime | None) -> PollReport:
        """Another process holds the lease: wait (bounded) until it is done, then report what is stored.

        Its poll's outcome is read from the watermarks: when they did not move (it failed, or is still
        polling when we stop waiting), this refresh got nothing fresh and says so (`LinkedInUnavailable`).
        `before` is what was stored when this refresh began.
        """
        loop = asyncio.get_running_loop()
        # A dead holder's lease expires within one TTL; a live one may poll longer (a first poll is long),
        # and a waiting request must answer: give up after twice the TTL and report what is stored.
        deadline = loop.time() + 2 * self._lease_ttl.total_seconds()
        delay = 0.05
        finished = False
        while not finished:
            async with self._sessions() as db:
                finished = await leases.held_until(db, self._lease_name, now=self._lease_clock()) is None
            if finished:
                break
            if loop.time() + delay > deadline:
                log.warning(
                    "another process is still polling LinkedIn for customer %d; not waiting any longer",
                    self._customer_id,
                )
                break
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
        after = await self.synced_at()
        if not finished or after is None or (before is not None and after <= before):
            log.warning("the poll of another process brought nothing new (stored up to %s)", after)
            raise LinkedInUnavailable(linkedin_faults.NOT_UPDATED)
        return PollReport(synced_at=after, polled=False)

    async def poll_seats(self, seat_urns: Sequence[str]) -> PollReport:
        """Poll only these seats now (the scheduler's unit of polling), under the customer's poll lease.

        Raises `leases.LeaseBusy` when the customer is being polled elsewhere (a `refresh()`, another
        process), `LinkedInUnavailable` (from the `LinkedInError`) when LinkedIn fails; what was stored
        before the failure stays stored. A `refresh()` meanwhile waits for this poll as for another
        process's (its own holder name), so the customer's poll stays single-flight.
        """
        async with self._seat_polls:
            try:
                async with leases.hold_lease(
                    self._sessions,
                    self._lease_name,
                    f"{self._holder}:seats",
                    ttl=self._lease_ttl,
                    clock=self._lease_clock,
                ) as self._lease:
                    return await self._poll_given_seats(seat_urns)
            except LinkedInError as exc:
                log.warning("LinkedIn poll of seats stopped for customer %d: %s", self._customer_id, exc)
                raise linkedin_faults.unavailable(exc) from exc

    async def _poll_given_seats(self, seat_urns: Sequence[str]) -> PollReport:
        """The poll of these seats (no seats call: `_poll` or the scheduler's seat sync read them): each
        seat's streams forward from their watermarks, then a bounded stretch of a first poll's history."""
        until = to_ms_precision(self._clock())
        async with self._sessions() as db:
            stored = await marks.poll_marks(db, self._customer_id)
        report = PollReport(synced_at=None)
        oldest = to_ms_precision(until - self._initial_lookback)
        for stream in PollStream:
            for seat in seat_urns:
                await self._poll_seat_stream(
                    stream, seat, stored.get((stream.value, seat)), oldest, until, report
                )
        report.synced_at = await self.synced_at(seat_urns)
        return report

    async def synced_at(self, seat_urns: Sequence[str] | None = None) -> datetime | None:
        """The time up to which every stream of these seats (default: every seat of the customer ever
        polled) is stored."""
        async with self._sessions() as db:
            if seat_urns is None:
                seat_urns = sorted({seat for _, seat in (await marks.watermarks(db, self._customer_id))})
            return await marks.oldest(db, self._customer_id, seat_urns)

    async def _poll(self) -> PollReport:
        return await self._poll_given_seats([seat.urn for seat in await self._linkedin.seats()])

    async def _poll_seat_stream(
        self,
        stream: PollStream,
        seat: str,
        mark: marks.PollMark | None,
        oldest: datetime,
        until: datetime,
        report: PollReport,
    ) -> None:
        """One seat's stream: forward from its watermark to `until` (a first poll: its newest window,
        committed alone so the tab shows recent activity at once), then a bounded stretch of its first
        poll's history, if any is left."""
        if mark is None:
            first, history_from = self._first_span(stream, seat, oldest, until)
            spans = [first]
        else:
            spans = [
                _Span(start, end, self._advance(stream, seat, end))
                for start, end in windows(mark.watermark, until)
            ]
            history_from = mark.history_from
        if spans:
            # Forward and history moves are of two kinds: the last forward window commits its batch.
            spans[-1].commit = True
        if history_from is not None and history_from <= oldest:
            # The lookback was shortened (or reached by clock drift): nothing older is wanted.
            await self._poll_windows(stream, seat, spans, report)
            async with self._sessions() as db:
                await marks.extend_history(db, self._customer_id, stream, seat, None)
                await db.commit()
            return
        if history_from is not None:
            spans += self._history_spans(stream, seat, history_from, oldest)
        await self._poll_windows(stream, seat, spans, report)

    def _first_span(
        self, stream: PollStream, seat: str, oldest: datetime, until: datetime
    ) -> tuple[_Span, datetime | None]:
        """The newest window of a seat's first poll, whose commit stores its rows, the watermark at
        `until` and the history start together (a crash before it makes the next poll a first poll
        again); and that history start (None: the lookback is covered)."""
        start = max(until - MAX_WINDOW, oldest)
        history_from = start if start > oldest else None

        async def move(db: AsyncSession) -> None:
            await marks.start(db, self._customer_id, stream, seat, until, history_from)

        return _Span(start, until, move), history_from

    def _history_spans(
        self, stream: PollStream, seat: str, history_from: datetime, oldest: datetime
    ) -> list[_Span]:
        """One seat's first-poll history back from `history_from`, newest window first, at most
        `history_windows_per_poll` windows, down to `oldest`; each window's move sets the history's
        new start, so a crash repeats at most the windows of the batch in flight."""
        spans: list[_Span] = []
        for start, end in windows_back(history_from, oldest, self._history_windows_per_poll):
            reached = start if start > oldest else None

            async def move(db: AsyncSession, reached: datetime | None = reached) -> None:
                await marks.extend_history(db, self._customer_id, stream, seat, reached)

            spans.append(_Span(start, end, move, history=True))
        return spans

    async def _poll_windows(
        self, stream: PollStream, seat: str, spans: Sequence[_Span], report: PollReport
    ) -> None:
        """Poll consecutive windows of one seat's stream, storing several in one transaction: each
        window's rows join a batch that commits, with the mark move of its newest-read window (which
        supersedes the moves of its kind before it), once it holds `BATCH_ROWS` rows, at a span marked
        `commit`, or at the last window. A batch commits in the background while the next windows are
        read, one batch at a time and in order. A failure commits what was read before it propagates,
        so the poll resumes exactly at the window that failed; only a killed process repeats the
        windows of its uncommitted batch (their upserts are idempotent), never skips one."""
        batch = _Batch()
        pending: Mover | None = None
        storing: asyncio.Task[None] | None = None

        async def store(previous: asyncio.Task[None] | None, batch: _Batch, move: Mover) -> None:
            if previous is not None:
                await previous  # batches commit in the order they were read
            await self._store(stream, batch, move, report)

        try:
            for index, span in enumerate(spans):
                try:
                    batch.extend(await self._fetch(stream, seat, span.start, span.end))
                except Exception:
                    if pending is not None:
                        await store(storing, batch, pending)
                    elif storing is not None:
                        await storing
                    raise
                pending = span.move
                batch.windows += 1
                if span.history:
                    report.history_windows += 1
                if storing is not None and storing.done():
                    storing.result()  # a failed commit stops the sequence here
                if span.commit or len(batch) >= BATCH_ROWS or index == len(spans) - 1:
                    storing = asyncio.create_task(store(storing, batch, pending))
                    batch, pending = _Batch(), None
            if storing is not None:
                await storing
        finally:
            if storing is not None and not storing.done():
                # Cancelled (shutdown, lease lost): the batch in flight rolls back with it.
                storing.cancel()
                await asyncio.gather(storing, return_exceptions=True)

    def _advance(self, stream: PollStream, seat: str, end: datetime) -> Mover:
        customer_id = self._customer_id

        async def move(db: AsyncSession) -> None:
            await marks.advance(db, customer_id, stream, seat, end)

        return move

    async def _fetch(self, stream: PollStream, seat: str, start: datetime, end: datetime) -> _Batch:
        """Every page of one window of one seat's stream (read before anything is written: a fault
        leaves no half window)."""
        size = self._page_size
        if stream is PollStream.CONVERSATION_EVENTS:
            events = self._linkedin.conversation_events(seat, start, end, size)
            return _Batch(events=[e async for e in events])
        if stream is PollStream.PROSPECT_NOTES:
            # prospectNotes bounds are both inclusive: end 1 ms early so consecutive windows do not overlap.
            before = max(start, end - timedelta(milliseconds=1))
            return _Batch(notes=[n async for n in self._linkedin.prospect_notes([seat], start, before, size)])
        return _Batch(stubs=[s async for s in self._linkedin.mail_stubs([seat], start, end, size)])

    async def _store(self, stream: PollStream, batch: _Batch, move: Mover, report: PollReport) -> None:
        """Store a batch of one seat's stream with `move` in one transaction (a batch without rows
        commits the move alone), then announce what it stored that is new."""
        customer_id = self._customer_id
        # What this batch stores that is new, per candidate, published after its commit.
        announce: list[ActivityEvent] = []
        if stream is PollStream.CONVERSATION_EVENTS:
            events = batch.events

            async def store_messages(db: AsyncSession) -> None:
                if not events:
                    return
                rows = _message_rows(events)
                erased = await self._erased(db, [r.member_urn for r in rows])
                messages = [r for r in rows if r.member_urn not in erased]
                new = await _new_event_ids(db, customer_id, messages) if self._feed is not None else []
                await upsert_messages(db, customer_id, messages)
                if new:
                    stored = await live_activity.new_messages_by_candidate(db, customer_id, new)
                    announce.extend(item_events(customer_id, stored, ActivityKind.INMAIL))

            await self._commit_window(move, store_messages)
            report.events += len(events)
        elif stream is PollStream.PROSPECT_NOTES:
            notes = batch.notes

            async def store_notes(db: AsyncSession) -> None:
                if not notes:
                    return
                rows = _note_rows(notes)
                erased = await self._erased(db, [r.member_urn for r in rows])
                note_rows = [r for r in rows if r.member_urn not in erased]
                changed = (
                    await _changed_note_ids(db, customer_id, note_rows) if self._feed is not None else []
                )
                await upsert_notes(db, customer_id, note_rows)
                if changed:
                    stored = await live_activity.changed_notes_by_candidate(db, customer_id, changed)
                    announce.extend(_note_events(customer_id, stored))

            await self._commit_window(move, store_notes)
            report.notes += len(notes)
        else:
            stubs = batch.stubs
            outcome = StubOutcome()

            async def store(db: AsyncSession) -> None:
                if not stubs:
                    return
                erased = await self._erased(db, [s.member_urn for s in stubs])
                kept = [s for s in stubs if s.member_urn not in erased]
                done = await apply_mail_stubs(db, customer_id, kept)
                outcome.created, outcome.updated = done.created, done.updated

            await self._commit_window(move, store)
            announce += events_for(customer_id, outcome.created + outcome.updated, ActivityKind.MATCH)
            report.stubs += len(stubs)
            report.candidates_created += outcome.created
            report.candidates_updated += outcome.updated
        if self._feed is not None and announce:
            await self._feed.publish(announce)
        report.windows += batch.windows

    async def _erased(self, db: AsyncSession, member_urns: Sequence[str]) -> set[str]:
        """The members among these the customer erased: the poll does not rebuild them."""
        return await erased_members(db, self._customer_id, self._member_digest, member_urns)

    async def _commit_window(self, move: Mover, store: Callable[[AsyncSession], Awaitable[object]]) -> None:
        """Store one window's rows and move its watermark (or history start), in one transaction."""
        assert self._lease is not None, "windows are only committed under the poll lease"
        async with self._sessions() as db:
            # Fenced: the window commits only while the lease is still ours (renewed in this transaction).
            await self._lease.fence(db)
            await store(db)
            await move(db)
            await db.commit()


@dataclass(slots=True)
class _Span:
    """One window of a seat's stream to poll, the mark move its commit makes, whether it walks the
    history back, and whether its batch must commit with it (not wait for later windows)."""

    start: datetime
    end: datetime
    move: Mover
    history: bool = False
    commit: bool = False


@dataclass(slots=True)
class _Batch:
    """Windows of one seat's stream read and not yet stored: their rows, oldest-read first (only the
    list of the batch's stream is used)."""

    events: list[ConversationEvent] = field(default_factory=list)
    notes: list[ProspectNote] = field(default_factory=list)
    stubs: list[MailStub] = field(default_factory=list)
    windows: int = 0

    def __len__(self) -> int:
        return len(self.events) + len(self.notes) + len(self.stubs)

    def extend(self, other: _Batch) -> None:
        """Add a later-read window's rows (stored after these: a row read twice keeps its later copy,
        as one transaction per window would)."""
        self.events += other.events
        self.notes += other.notes
        self.stubs += other.stubs


async def _new_event_ids(db: AsyncSession, customer_id: int, messages: Sequence[MessageRow]) -> list[str]:
    """The event ids of these InMails that the customer has not stored yet."""
    if not messages:
        return []
    known = await live_activity.known_event_ids(db, customer_id, [m.event_id for m in messages])
    return sorted({m.event_id for m in messages} - known)


async def _changed_note_ids(db: AsyncSession, customer_id: int, notes: Sequence[NoteRow]) -> list[str]:
    """The note ids of these prospect notes that are new, or newer than the stored version (the upsert
    keeps a stored newer version, so an older one changes nothing)."""
    if not notes:
        return []
    stored = await live_activity.stored_note_versions(db, customer_id, [n.note_id for n in notes])
    return sorted({n.note_id for n in notes if n.note_id not in stored or stored[n.note_id] < n.updated_at})


def _note_events(customer_id: int, stored: dict[int, list[tuple[int, bool]]]) -> list[ActivityEvent]:
    """NOTE events naming the candidates' new or edited notes; a candidate with a note deleted gets an
    event naming none (whoever saw the note must hear of its deletion, and a deleted note has no node)."""
    named = {c: [i for i, _ in rows] for c, rows in stored.items() if all(active for _, active in rows)}
    deleted = [c for c, rows in stored.items() if not all(active for _, active in rows)]
    return item_events(customer_id, named, ActivityKind.NOTE) + events_for(
        customer_id, deleted, ActivityKind.NOTE
    )


def _message_rows(events: Sequence[ConversationEvent]) -> list[MessageRow]:
    rows = []
    for event in events:
        member = event.member_urn
        if member is None:
            log.warning("InMail %s names no prospect (no recipients); skipped", event.id)
            continue
        rows.append(
            MessageRow(
                event_id=event.id,
                seat_urn=event.viewer_seat_urn,
                member_urn=member,
                conversation_urn=event.conversation_urn,
                author_urn=event.author_urn,
                direction=InMailDirection(event.direction.value),
                subject=event.subject,
                body=event.body or "",
                sent_at=event.created_at,
                visibility=_visibility(event.visibility),
                project_urn=event.project_urn,
            )
        )
    return rows


def _note_rows(notes: Sequence[ProspectNote]) -> list[NoteRow]:
    return [
        NoteRow(
            note_id=n.id,
            owner_seat_urn=n.owner_seat_urn,
            member_urn=n.member_urn,
            body=n.body,
            active=n.active,
            created_at=n.created_at,
            updated_at=n.last_modified_at,
            visibility=_visibility(n.visibility),
            project_urn=n.project_urn,
        )
        for n in notes
    ]


def _visibility(value: Visibility) -> LinkedInVisibility:
    return LinkedInVisibility(value.value)

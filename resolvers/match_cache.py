"""One customer's cache of LinkedIn's live candidate matches, so tab views within seconds reuse one fetch.

Each `Tenant` has its own (LinkedIn's limits and outages are per child app): an outage recorded here
pauses only that customer's live fetches.

With a shared store (Redis, when RSC_REDIS_URL is set: app/match_stores.py) every process of the
deployment reads and writes the same answers, outages and fetch claims, so N processes viewing one tab
cost LinkedIn one BATCH_GET, and `forget` reaches them all. The answers then live in the store only (a
copy kept here could outlive another process's `forget`); this process's own entries serve only while
the store is unavailable, and a failing store is a warning in the log, never a failed tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Protocol

import orjson

from linkedin.records import CandidateMatch
from resolvers.errors import ErrorKind

log = logging.getLogger("rscgraph.live_matches")

# A waiter for another process's fetch re-reads the store after this pause, doubling up to the last.
FIRST_POLL_S: Final = 0.02
MAX_POLL_S: Final = 0.1
# A fetch claim outlives the fetch's own bound by this much, so a crashed process's claim lapses soon.
CLAIM_MARGIN_S: Final = 1.0
# An answer encodes to some 100-300 bytes; one past this is not shared (kept from the store whole).
MAX_SHARED_BYTES: Final = 8192
# The version of the shared shape: an entry of another version is a miss, never misread.
SHAPE_VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class LiveMatch:
    """LinkedIn's current answer for one candidate, or why there is none.

    `match` is None when LinkedIn does not know the candidate (never synced) or when the fetch failed;
    `error` says which, for a person, and `error_code` for a program: they are set only for failures,
    and failures are never cached.
    """

    match: CandidateMatch | None
    fetched_at: datetime | None
    error: str | None = None
    error_code: ErrorKind | None = None


# --- the shared shape (JSON, no pickle: a value from the store is data, never code) -------------------


def encode_answer(answer: LiveMatch) -> bytes:
    """A successful answer as the store keeps it: `{"v", "at", "m": null | {"id", "members", "manual"}}`."""
    assert answer.error is None, "failures are never cached"
    assert answer.fetched_at is not None, "a success has its time"
    match = answer.match
    shape: dict[str, object] = {"v": SHAPE_VERSION, "at": answer.fetched_at.isoformat(), "m": None}
    if match is not None:
        shape["m"] = {
            "id": match.ats_candidate_id,
            "members": list(match.matched_members),
            "manual": match.manual_matched_member,
        }
    return orjson.dumps(shape)


def decode_answer(raw: bytes) -> LiveMatch | None:
    """The answer `encode_answer` wrote; None for anything else (another version, damage)."""
    try:
        shape = orjson.loads(raw)
        if not isinstance(shape, dict) or shape.get("v") != SHAPE_VERSION:
            return None
        at = datetime.fromisoformat(shape["at"])
        found = shape["m"]
        if found is None:
            return LiveMatch(None, at)
        members, manual = found["members"], found["manual"]
        if not isinstance(found["id"], str) or not all(isinstance(m, str) for m in members):
            return None
        if manual is not None and not isinstance(manual, str):
            return None
        return LiveMatch(CandidateMatch(found["id"], tuple(members), manual), at)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def encode_outage(error: str, code: ErrorKind) -> bytes:
    """A recorded outage as the store keeps it (its backoff is the key's expiry)."""
    return orjson.dumps({"v": SHAPE_VERSION, "error": error, "code": code.value})


def decode_outage(raw: bytes) -> tuple[str, ErrorKind] | None:
    """The outage `encode_outage` wrote; None for anything else."""
    try:
        shape = orjson.loads(raw)
        if not isinstance(shape, dict) or shape.get("v") != SHAPE_VERSION:
            return None
        error = shape["error"]
        return (error, ErrorKind(shape["code"])) if isinstance(error, str) else None
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


# --- the shared store --------------------------------------------------------------------------------


class SharedUnavailable(Exception):
    """The shared store did not answer in time (down, refused, slow); the caller uses this process's
    own cache instead."""


@dataclass(frozen=True, slots=True)
class Claim:
    """What a claim found: answers already there, the candidates this fetch now holds, those another
    fetch holds, and a recorded outage (then nothing is claimed)."""

    found: dict[int, bytes]
    claimed: list[int]
    held: list[int]
    outage: bytes | None


class SharedMatchStore(Protocol):
    """Where every process keeps a customer's live matches; every call takes the customer and touches
    its keys alone. Each call raises `SharedUnavailable` rather than wait long or fail otherwise."""

    def available(self) -> bool:
        """False while a recent failure's pause lasts (the store is not asked meanwhile)."""
        ...

    async def read(self, customer_id: int, candidate_ids: Sequence[int]) -> dict[int, bytes]:
        """The stored answers of these candidates."""
        ...

    async def claim(
        self, customer_id: int, candidate_ids: Sequence[int], *, token: str, claim_s: float
    ) -> Claim:
        """Stored answers, and a fetch claim (lasting `claim_s`) on each candidate without one or a claim."""
        ...

    async def land(
        self, customer_id: int, answers: Mapping[int, bytes | None], *, token: str, ttl_s: float
    ) -> None:
        """Store the answers (None: nothing to store) of the candidates `token` still holds, for
        `ttl_s`, and end its claims."""
        ...

    async def record_outage(self, customer_id: int, outage: bytes, *, backoff_s: float) -> None:
        """Keep the customer's outage for `backoff_s`."""
        ...

    async def forget(self, customer_id: int, candidate_ids: Sequence[int]) -> None:
        """Drop these candidates' answers and claims."""
        ...


Fetch = Callable[[list[int]], Coroutine[object, object, dict[int, LiveMatch]]]


class LiveMatchCache:
    """Successful live matches by candidate id, each reused until it is older than the caller allows:
    in `shared` when there is one and it answers, else in this process."""

    def __init__(
        self,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        *,
        customer_id: int = 0,
        shared: SharedMatchStore | None = None,
    ) -> None:
        self.customer_id = customer_id
        self._shared = shared
        self._entries: dict[int, tuple[float, LiveMatch]] = {}
        self._max_entries = max_entries
        self._clock = clock
        self._writes: set[asyncio.Task[None]] = set()
        # Fetches under way, by candidate: a tab asked for by several requests at once costs one call.
        self._flights: dict[int, asyncio.Task[dict[int, LiveMatch]]] = {}
        self._outage_until = 0.0
        self._outage_error = ""
        self._outage_code = ErrorKind.LINKEDIN_UNAVAILABLE
        # Each `forget` is a new generation; a fetch started before a candidate's forget does not
        # cache its (older) answer. Kept while fetches are under way only.
        self._generation = 0
        self._forgotten: dict[int, int] = {}
        # Fetches still running, including those a forget detached from `_flights`.
        self._in_air = 0

    def _sharing(self, ttl_s: float) -> SharedMatchStore | None:
        # Nothing is shared when nothing may be cached: a waiter would wait for an answer never stored.
        if self._shared is None or ttl_s <= 0 or not self._shared.available():
            return None
        return self._shared

    async def lookup(self, candidate_ids: Iterable[int], *, max_age_s: float) -> dict[int, LiveMatch]:
        """The cached answers younger than `max_age_s`, keyed by candidate id: the shared store's when
        it answers, else this process's."""
        wanted = list(dict.fromkeys(candidate_ids))
        shared = self._sharing(max_age_s)
        if shared is None:
            return self.fresh(wanted, max_age_s=max_age_s)
        try:
            stored = await shared.read(self.customer_id, wanted)
        except SharedUnavailable:
            return self.fresh(wanted, max_age_s=max_age_s)
        now = datetime.now(UTC)
        found: dict[int, LiveMatch] = {}
        for candidate_id, raw in stored.items():
            answer = decode_answer(raw)
            # The key's expiry is the age rule already; this holds if a caller asks for less.
            at = answer.fetched_at if answer is not None else None
            if answer is not None and at is not None and (now - at).total_seconds() < max_age_s:
                found[candidate_id] = answer
        return found

    def fresh(self, candidate_ids: Iterable[int], *, max_age_s: float) -> dict[int, LiveMatch]:
        """This process's cached answers younger than `max_age_s`, keyed by candidate id."""
        now = self._clock()
        found: dict[int, LiveMatch] = {}
        for candidate_id in candidate_ids:
            entry = self._entries.get(candidate_id)
            if entry is not None and now - entry[0] < max_age_s:
                found[candidate_id] = entry[1]
        return found

    def put(self, answers: Mapping[int, LiveMatch], *, since: int | None = None) -> None:
        """Remember successful answers in this process; the oldest go first when the cache is full.
        With `since` (the generation their fetch started in), none of a candidate forgotten since."""
        now = self._clock()
        for candidate_id, answer in answers.items():
            if answer.error is not None:
                continue
            if since is not None and self._forgotten.get(candidate_id, 0) > since:
                continue
            self._entries.pop(candidate_id, None)
            self._entries[candidate_id] = (now, answer)
        while len(self._entries) > self._max_entries:
            del self._entries[next(iter(self._entries))]

    async def single_flight(
        self,
        candidate_ids: Iterable[int],
        fetch: Fetch,
        *,
        share_s: float = 0.0,
        wait_s: float = 0.0,
    ) -> dict[int, LiveMatch]:
        """The answers for these candidates: joining a fetch already under way in this process for any
        of them, and one new `fetch` (a task of its own, so a caller that gives up does not cancel it
        for the others) for the rest, whose successes are cached. With a shared store and `share_s` > 0
        they are shared for `share_s`, and a candidate another process is fetching is waited for (at
        most `wait_s`) instead of fetched again."""
        wanted = list(dict.fromkeys(candidate_ids))
        joined = {self._flights[i] for i in wanted if i in self._flights}
        rest = [i for i in wanted if i not in self._flights]
        if rest:
            flight = asyncio.ensure_future(self._fly(rest, fetch, share_s, wait_s, self._generation))
            self._in_air += 1
            for candidate_id in rest:
                self._flights[candidate_id] = flight
            flight.add_done_callback(lambda done: self._land(rest, done))
            joined.add(flight)
        found: dict[int, LiveMatch] = {}
        for answers in await asyncio.gather(*(asyncio.shield(f) for f in joined)):
            found.update(answers)
        return {i: found[i] for i in wanted}

    def _land(self, candidate_ids: list[int], flight: asyncio.Task[dict[int, LiveMatch]]) -> None:
        self._in_air -= 1
        for candidate_id in candidate_ids:
            if self._flights.get(candidate_id) is flight:
                del self._flights[candidate_id]
        if not self._in_air:
            self._forgotten.clear()

    async def _fly(
        self, candidate_ids: list[int], fetch: Fetch, share_s: float, wait_s: float, since: int
    ) -> dict[int, LiveMatch]:
        shared = self._sharing(share_s)
        if shared is None:
            return await self._fetch_here(candidate_ids, fetch, since)
        return await self._fly_shared(shared, candidate_ids, fetch, share_s, wait_s, since)

    async def _fly_shared(
        self,
        shared: SharedMatchStore,
        candidate_ids: list[int],
        fetch: Fetch,
        share_s: float,
        wait_s: float,
        since: int,
    ) -> dict[int, LiveMatch]:
        """Claim the candidates nobody is fetching and fetch those; wait for the others' answers, taking
        over a claim that lapsed; past `wait_s`, ask LinkedIn for what is still missing."""
        token = secrets.token_hex(12)
        deadline = time.monotonic() + wait_s
        pause = FIRST_POLL_S
        answers: dict[int, LiveMatch] = {}
        rest = candidate_ids
        while rest:
            try:
                claim = await shared.claim(
                    self.customer_id, rest, token=token, claim_s=wait_s + CLAIM_MARGIN_S
                )
            except SharedUnavailable:
                answers.update(await self._fetch_here(rest, fetch, since))
                break
            unreadable = []
            for candidate_id, raw in claim.found.items():
                answer = decode_answer(raw)
                if answer is None:
                    unreadable.append(candidate_id)
                else:
                    answers[candidate_id] = answer
            outage = decode_outage(claim.outage) if claim.outage is not None else None
            if outage is not None:
                # Another process's fetch failed within the backoff: as in one process, do not ask.
                error, code = outage
                answers.update({i: LiveMatch(None, None, error, code) for i in rest if i not in answers})
                break
            if claim.claimed:
                answers.update(await self._fetch_claimed(shared, claim.claimed, fetch, token, share_s, since))
            if unreadable:
                answers.update(await fetch(unreadable))
            rest = claim.held
            left = deadline - time.monotonic()
            if rest and left <= 0:
                # The holder is late (slow LinkedIn, or it died): ask once ourselves, bounded by the fetch.
                answers.update(await fetch(rest))
                break
            if rest:
                await asyncio.sleep(min(pause, left))  # another process's fetch is under way
                pause = min(pause * 2, MAX_POLL_S)
        return {i: answers[i] for i in candidate_ids}

    async def _fetch_claimed(
        self,
        shared: SharedMatchStore,
        candidate_ids: list[int],
        fetch: Fetch,
        token: str,
        ttl_s: float,
        since: int,
    ) -> dict[int, LiveMatch]:
        try:
            answers = await fetch(candidate_ids)
        except BaseException:
            # Cancelled or broken: end the claims now rather than make the others wait them out.
            await self._end_claims(shared, candidate_ids, token)
            raise
        stored: dict[int, bytes | None] = {}
        for candidate_id, answer in answers.items():
            raw = encode_answer(answer) if answer.error is None else None
            stored[candidate_id] = raw if raw is not None and len(raw) <= MAX_SHARED_BYTES else None
        try:
            await shared.land(self.customer_id, stored, token=token, ttl_s=ttl_s)
        except SharedUnavailable:
            self.put(answers, since=since)
        return answers

    async def _end_claims(self, shared: SharedMatchStore, candidate_ids: list[int], token: str) -> None:
        with contextlib.suppress(SharedUnavailable):  # the claims lapse on their own
            await shared.land(self.customer_id, dict.fromkeys(candidate_ids), token=token, ttl_s=0)

    async def _fetch_here(self, candidate_ids: list[int], fetch: Fetch, since: int) -> dict[int, LiveMatch]:
        answers = await fetch(candidate_ids)
        self.put(answers, since=since)
        return answers

    def outage(self) -> str | None:
        """Why LinkedIn is not being asked right now, while a recent failure's backoff lasts (this
        process's record; other processes' outages come with `single_flight`'s claims)."""
        return self._outage_error if self._clock() < self._outage_until else None

    @property
    def outage_code(self) -> ErrorKind:
        """The code of the last recorded outage (what `outage()` describes)."""
        return self._outage_code

    async def record_outage(
        self, error: str, backoff_s: float, *, code: ErrorKind = ErrorKind.LINKEDIN_UNAVAILABLE
    ) -> None:
        """Stop asking LinkedIn for `backoff_s`, so an outage does not make every tab wait it out: in
        this process, and in every process when the store is shared."""
        self._outage_until = self._clock() + backoff_s
        self._outage_error = error
        self._outage_code = code
        if self._shared is not None and backoff_s > 0 and self._shared.available():
            # The store's failure is logged there; this process backs off all the same.
            with contextlib.suppress(SharedUnavailable):
                await self._shared.record_outage(
                    self.customer_id, encode_outage(error, code), backoff_s=backoff_s
                )

    async def forget(self, candidate_ids: Iterable[int]) -> None:
        """Drop these candidates' answers (here and in the shared store, for every process), e.g. after
        their manual match changed or they were erased."""
        ids = list(dict.fromkeys(candidate_ids))
        self._generation += 1
        for candidate_id in ids:
            self._entries.pop(candidate_id, None)
            if self._in_air:
                self._forgotten[candidate_id] = self._generation
            # A fetch under way began before the forget: a later asker starts one of its own.
            self._flights.pop(candidate_id, None)
        if self._shared is not None and ids:
            # Asked even while the store is paused: a forget is worth one more try.
            try:
                await self._shared.forget(self.customer_id, ids)
            except SharedUnavailable:
                log.warning(
                    "live matches of %d candidates of customer %d may be reused by other processes "
                    "until they expire: the shared cache did not answer the forget",
                    len(ids),
                    self.customer_id,
                )

    def write_behind(self, write: Coroutine[object, object, None]) -> None:
        """Run a snapshot write after the answer is given, so a busy database never delays a tab."""
        task = asyncio.create_task(write)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def drain(self) -> None:
        """Wait for the snapshot writes started so far (tests, shutdown)."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

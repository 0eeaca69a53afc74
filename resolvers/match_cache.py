"""One customer's cache of LinkedIn's live candidate matches, so tab views within seconds reuse one fetch.

Each `Tenant` has its own (LinkedIn's limits and outages are per child app): an outage recorded here
pauses only that customer's live fetches.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from linkedin.records import CandidateMatch
from resolvers.errors import ErrorKind


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


class LiveMatchCache:
    """Successful live matches by candidate id, each reused until it is older than the caller allows."""

    def __init__(self, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: dict[int, tuple[float, LiveMatch]] = {}
        self._max_entries = max_entries
        self._clock = clock
        self._writes: set[asyncio.Task[None]] = set()
        # Fetches under way, by candidate: a tab asked for by several requests at once costs one call.
        self._flights: dict[int, asyncio.Task[dict[int, LiveMatch]]] = {}
        self._outage_until = 0.0
        self._outage_error = ""
        self._outage_code = ErrorKind.LINKEDIN_UNAVAILABLE

    def fresh(self, candidate_ids: Iterable[int], *, max_age_s: float) -> dict[int, LiveMatch]:
        """The cached answers younger than `max_age_s`, keyed by candidate id."""
        now = self._clock()
        found: dict[int, LiveMatch] = {}
        for candidate_id in candidate_ids:
            entry = self._entries.get(candidate_id)
            if entry is not None and now - entry[0] < max_age_s:
                found[candidate_id] = entry[1]
        return found

    def put(self, answers: Mapping[int, LiveMatch]) -> None:
        """Remember successful answers; the oldest entries go first when the cache is full."""
        now = self._clock()
        for candidate_id, answer in answers.items():
            if answer.error is not None:
                continue
            self._entries.pop(candidate_id, None)
            self._entries[candidate_id] = (now, answer)
        while len(self._entries) > self._max_entries:
            del self._entries[next(iter(self._entries))]

    async def single_flight(
        self,
        candidate_ids: Iterable[int],
        fetch: Callable[[list[int]], Coroutine[object, object, dict[int, LiveMatch]]],
    ) -> dict[int, LiveMatch]:
        """The answers for these candidates: joining a fetch already under way for any of them, and one
        new `fetch` (a task of its own, so a caller that gives up does not cancel it for the others)
        for the rest."""
        wanted = list(dict.fromkeys(candidate_ids))
        joined = {self._flights[i] for i in wanted if i in self._flights}
        rest = [i for i in wanted if i not in self._flights]
        if rest:
            flight = asyncio.ensure_future(fetch(rest))
            for candidate_id in rest:
                self._flights[candidate_id] = flight
            flight.add_done_callback(lambda done: self._land(rest, done))
            joined.add(flight)
        found: dict[int, LiveMatch] = {}
        for answers in await asyncio.gather(*(asyncio.shield(f) for f in joined)):
            found.update(answers)
        return {i: found[i] for i in wanted}

    def _land(self, candidate_ids: list[int], flight: asyncio.Task[dict[int, LiveMatch]]) -> None:
        for candidate_id in candidate_ids:
            if self._flights.get(candidate_id) is flight:
                del self._flights[candidate_id]

    def outage(self) -> str | None:
        """Why LinkedIn is not being asked right now, while a recent failure's backoff lasts."""
        return self._outage_error if self._clock() < self._outage_until else None

    @property
    def outage_code(self) -> ErrorKind:
        """The code of the last recorded outage (what `outage()` describes)."""
        return self._outage_code

    def record_outage(
        self, error: str, backoff_s: float, *, code: ErrorKind = ErrorKind.LINKEDIN_UNAVAILABLE
    ) -> None:
        """Stop asking LinkedIn for `backoff_s`, so an outage does not make every tab wait it out."""
        self._outage_until = self._clock() + backoff_s
        self._outage_error = error
        self._outage_code = code

    def forget(self, candidate_ids: Iterable[int]) -> None:
        """Drop these candidates' answers, e.g. after their manual match changed."""
        for candidate_id in candidate_ids:
            self._entries.pop(candidate_id, None)

    def write_behind(self, write: Coroutine[object, object, None]) -> None:
        """Run a snapshot write after the answer is given, so a busy database never delays a tab."""
        task = asyncio.create_task(write)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def drain(self) -> None:
        """Wait for the snapshot writes started so far (tests, shutdown)."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

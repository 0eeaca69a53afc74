"""Live updates: "something new was stored for this candidate", published after commit and delivered to
the subscriptions of `candidateActivity` (graph/activity.py).

Whatever stores something new for a candidate (a poll or refresh storing InMails, prospect notes or mail
stubs; an export; a member link; an application or note written in the ATS) calls
`ActivityFeed.publish` once its transaction has committed. An event names the customer, the candidate,
the kind of activity and when it was stored, and nothing else (no names, no bodies: brokers are not
trusted with personal data); a subscriber reads what changed through the API, as its viewer may.

The feed is one object per process (`Services.activity`) with two halves:
* `ActivityHub`: this process's subscribers, each a small bounded queue keyed by (customer, candidate);
* a broker that carries published events to every process's hub. `InProcessFeed` (here: SQLite, one
  process) hands them straight to the hub; PostgreSQL `LISTEN/NOTIFY` and Redis pub/sub carry them
  between processes (app/activity_brokers.py, chosen by app/ from the settings).

Publishing never fails the write that caused it: a broker that is down loses the event (logged), and
the subscriber's next event, or its next read, shows the change.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import orjson

log = logging.getLogger("rscgraph.activity")

# A broker message carries a batch of events as a JSON array of at most this many bytes (PostgreSQL's
# NOTIFY takes under 8,000; an event is some 80).
MAX_MESSAGE_BYTES: Final = 7000

# An event names at most this many of the new rows (`items`); with more it names none.
MAX_ITEMS: Final = 50

# Events a slow subscriber may have waiting before the oldest are dropped (an event only says "look
# again", so a dropped one is covered by any later one of the same candidate).
QUEUE_SIZE: Final = 32


class ActivityKind(enum.StrEnum):
    """What was stored for the candidate."""

    INMAIL = "INMAIL"
    NOTE = "NOTE"
    MATCH = "MATCH"
    APPLICATION = "APPLICATION"


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    """Something new stored for one candidate of one customer, at `at` (when it was stored).

    `items`: for INMAIL and NOTE, the row ids of the new InMails or prospect notes, so that a subscriber
    who may see none of them (a private InMail of another recruiter) is not told about them; None when
    the event is about the candidate as a whole (or names more than MAX_ITEMS rows).
    """

    customer_id: int
    candidate_id: int
    kind: ActivityKind
    at: datetime
    items: tuple[int, ...] | None = None

    def encode(self) -> str:
        """The wire form brokers carry: ids, kind and time only (a few dozen bytes)."""
        at = self.at if self.at.tzinfo is not None else self.at.replace(tzinfo=UTC)
        body: dict[str, object] = {
            "c": self.customer_id,
            "id": self.candidate_id,
            "k": self.kind.value,
            "at": at.isoformat(),
        }
        if self.items is not None:
            body["i"] = list(self.items)
        return orjson.dumps(body).decode()

    @classmethod
    def from_wire(cls, body: object) -> ActivityEvent | None:
        """The event whose decoded wire form is `body`, or None for anything else (logged: a broker
        channel may carry others' messages)."""
        try:
            if not isinstance(body, dict):
                raise TypeError("an event is an object")
            customer_id, candidate_id = body["c"], body["id"]
            if not (isinstance(customer_id, int) and isinstance(candidate_id, int)):
                raise TypeError("ids must be integers")
            at = datetime.fromisoformat(body["at"])
            items = body.get("i")
            if items is not None and not (isinstance(items, list) and all(isinstance(i, int) for i in items)):
                raise TypeError("items must be a list of integers")
            named = tuple(items) if items is not None else None
            return cls(customer_id, candidate_id, ActivityKind(body["k"]), at, named)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("an activity message that is not one of ours was ignored: %s", exc)
            return None


def encode_batches(events: Sequence[ActivityEvent]) -> list[str]:
    """Broker messages carrying `events`: JSON arrays of their wire forms, each under MAX_MESSAGE_BYTES."""
    messages: list[str] = []
    batch: list[str] = []
    size = 2
    for event in events:
        encoded = event.encode()
        if batch and size + len(encoded) + 1 > MAX_MESSAGE_BYTES:
            messages.append("[" + ",".join(batch) + "]")
            batch, size = [], 2
        batch.append(encoded)
        size += len(encoded) + 1
    if batch:
        messages.append("[" + ",".join(batch) + "]")
    return messages


def decode_batch(message: str | bytes) -> list[ActivityEvent]:
    """The events of one broker message (`encode_batches`); anything else is logged and ignored."""
    try:
        items = orjson.loads(message)
    except orjson.JSONDecodeError as exc:
        log.warning("an activity message that is not JSON was ignored: %s", exc)
        return []
    if not isinstance(items, list):
        log.warning("an activity message that is not a list was ignored")
        return []
    return [event for item in items if (event := ActivityEvent.from_wire(item)) is not None]


def item_events(
    customer_id: int, items_by_candidate: dict[int, list[int]], kind: ActivityKind
) -> list[ActivityEvent]:
    """One event of `kind` per candidate naming its new rows (none named beyond MAX_ITEMS), stored now."""
    when = datetime.now(UTC)
    return [
        ActivityEvent(
            customer_id, candidate_id, kind, when, tuple(sorted(items)) if len(items) <= MAX_ITEMS else None
        )
        for candidate_id, items in sorted(items_by_candidate.items())
    ]


def events_for(
    customer_id: int, candidate_ids: Iterable[int], kind: ActivityKind, *, at: datetime | None = None
) -> list[ActivityEvent]:
    """One event of `kind` per distinct candidate, stored at `at` (default: now)."""
    when = at or datetime.now(UTC)
    return [ActivityEvent(customer_id, i, kind, when) for i in sorted(set(candidate_ids))]


Key = tuple[int, int]  # (customer id, candidate id)


class Listener:
    """One subscription's queue in the hub; iterate it for its events, `close()` it when done."""

    def __init__(self, hub: ActivityHub, key: Key) -> None:
        self._hub = hub
        self.key = key
        self._queue: asyncio.Queue[ActivityEvent] = asyncio.Queue(QUEUE_SIZE)

    def put(self, event: ActivityEvent) -> None:
        """Queue an event (never blocks: a full queue drops its oldest)."""
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(event)

    def drain(self) -> list[ActivityEvent]:
        """The events queued now, oldest first, taken without waiting."""
        taken = []
        while not self._queue.empty():
            taken.append(self._queue.get_nowait())
        return taken

    async def __aiter__(self) -> AsyncIterator[ActivityEvent]:
        while True:
            yield await self._queue.get()

    def close(self) -> None:
        """Stop receiving (idempotent)."""
        self._hub.remove(self)


class ActivityHub:
    """This process's subscriptions, by customer and candidate."""

    def __init__(self) -> None:
        self._listeners: dict[Key, set[Listener]] = {}
        self._changed = asyncio.Event()

    def listen(self, customer_id: int, candidate_id: int) -> Listener:
        """A new subscription to one candidate of one customer, receiving from now on."""
        listener = Listener(self, (customer_id, candidate_id))
        self._listeners.setdefault(listener.key, set()).add(listener)
        self._notify()
        return listener

    def remove(self, listener: Listener) -> None:
        """Forget a subscription."""
        listeners = self._listeners.get(listener.key)
        if listeners is None or listener not in listeners:
            return
        listeners.discard(listener)
        if not listeners:
            del self._listeners[listener.key]
        self._notify()

    def deliver(self, events: Iterable[ActivityEvent]) -> None:
        """Hand events to the subscriptions of their candidates (in this process)."""
        for event in events:
            for listener in self._listeners.get((event.customer_id, event.candidate_id), ()):
                listener.put(event)

    def count(self, customer_id: int, candidate_id: int) -> int:
        """How many subscriptions of this process follow the candidate."""
        return len(self._listeners.get((customer_id, candidate_id), ()))

    async def wait_for(
        self,
        customer_id: int,
        candidate_id: int,
        *,
        within_s: float,
        until: Callable[[int], bool] = lambda count: count > 0,
    ) -> bool:
        """Wait (at most `within_s` seconds) until the number of subscriptions following the candidate
        satisfies `until` (default: one at least); whether it did. For tests and probes: a subscription
        starts a moment after its client asked, and ends a moment after it completed."""
        try:
            async with asyncio.timeout(within_s):
                while not until(self.count(customer_id, candidate_id)):
                    await self._changed.wait()
        except TimeoutError:
            return False
        return True

    def _notify(self) -> None:
        # Wake every waiter, and give later ones a fresh event to wait on.
        self._changed.set()
        self._changed = asyncio.Event()


class ActivityFeed:
    """Publishes events to every process's subscribers (the broker's part) and lets this process's
    subscriptions listen (the hub's). This base is the in-process feed: no broker at all."""

    name = "this process"

    def __init__(self) -> None:
        self.hub = ActivityHub()

    async def start(self, *, listen: bool = True) -> None:
        """Connect to the broker, if any, and (`listen`) subscribe to it: a process that only
        publishes (a worker) need not listen. Before the server takes requests."""

    async def aclose(self) -> None:
        """Stop listening and disconnect."""

    async def publish(self, events: Sequence[ActivityEvent]) -> None:
        """Publish events whose rows have committed; never raises (a lost event is logged)."""
        if not events:
            return
        try:
            await self._send(events)
        except Exception:  # a broker failure must never undo or fail the write that published
            log.exception("%d live activity events were not published", len(events))

    async def _send(self, events: Sequence[ActivityEvent]) -> None:
        self.hub.deliver(events)

    def listen(self, customer_id: int, candidate_id: int) -> Listener:
        """A subscription to one candidate, in this process's hub."""
        return self.hub.listen(customer_id, candidate_id)


InProcessFeed = ActivityFeed
"""The feed of one process (SQLite, tests): published events go straight to this process's hub."""

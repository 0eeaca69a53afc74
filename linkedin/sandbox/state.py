"""Everything the sandbox holds between calls; one instance per app, reset by the admin API."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.restli import Key, RestliError
from linkedin.sandbox.world import World, build_world

Json = dict[str, Any]


@dataclass
class Token:
    """An issued access token."""

    client_id: str
    created_ms: int
    expires_ms: int
    revoked: bool = False


@dataclass
class Fault:
    """An injected misbehaviour for the next `count` calls (None = until cleared)."""

    latency_ms: int = 0
    status: int | None = None
    count: int | None = 1
    error_rate: float = 0.0
    retry_after: int | None = None
    hang: bool = False
    malformed: bool = False


@dataclass
class Candidate:
    """A candidate the ATS synced, with LinkedIn's matches."""

    key: Key
    body: Json
    matched: list[str] = field(default_factory=list)
    manual: str | None = None
    notes: dict[str, Json] = field(default_factory=dict)


@dataclass
class Application:
    """An application the ATS synced, with its sub-collections."""

    key: Key
    body: Json
    stages: dict[str, Json] = field(default_factory=dict)
    notes: dict[str, Json] = field(default_factory=dict)
    feedback: dict[str, Json] = field(default_factory=dict)


@dataclass
class JobTask:
    """A simpleJobPostings task; its outcome is decided at creation and revealed after the delay."""

    id: str
    job: Json
    created_ms: int
    fails: bool
    job_posting_id: str


@dataclass
class Delivery:
    """The delivery record of one push notification."""

    request_id: str
    url: str | None
    state: str = "pending"
    attempts: list[Json] = field(default_factory=list)
    duplicates_sent: int = 0

    def to_json(self) -> Json:
        """The admin view of this delivery."""
        return {
            "requestId": self.request_id,
            "url": self.url,
            "state": self.state,
            "attempts": self.attempts,
            "duplicatesSent": self.duplicates_sent,
        }


class SandboxState:
    """Mutable sandbox state: the world plus everything the ATS pushed and every call received."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.release = asyncio.Event()
        # Set whenever a request starts hanging, so tests can act on it without polling.
        self.hang_started = asyncio.Event()
        self.background: set[asyncio.Task[None]] = set()
        self.http: aiohttp.ClientSession | None = None
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Rebuild the world and forget tokens, pushes, faults, usage and the call log."""
        if seed is not None:
            self.config.seed = seed
        self.world: World = build_world(self.config)
        self.rng = random.Random(self.config.seed)
        self.tokens: dict[str, Token] = {}
        self.usage: dict[tuple[str, int], int] = {}
        self.record_usage: dict[tuple[str, int], int] = {}
        self.faults: dict[str, Fault] = {}
        self.calls: list[Json] = []
        self.candidates: dict[Key, Candidate] = {}
        self.applications: dict[Key, Application] = {}
        self.jobs: dict[tuple[str, str], Json] = {}
        self.tasks: dict[str, JobTask] = {}
        self.configurations: dict[Key, dict[str, Json]] = {}
        self.exports: dict[str, Json] = {}
        self.exports_per_seat_month: dict[tuple[str, str], int] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.challenged_urls: set[str] = set()
        # Continue after the world's own ids (evt-000001...), so admin-made events never reuse one.
        self.counter = len(self.world.events)
        self.release_hung()

    def release_hung(self) -> None:
        """Let every hanging request finish and arm a fresh event for future hangs."""
        self.release.set()
        self.release = asyncio.Event()
        self.hang_started = asyncio.Event()

    def next_id(self, prefix: str) -> str:
        """A fresh id with a prefix, unique within this sandbox run."""
        self.counter += 1
        return f"{prefix}-{self.counter:06d}"

    def spawn(self, coro: Any) -> None:
        """Run a background coroutine, keeping a reference so it can be awaited later."""
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def drain(self) -> None:
        """Wait until every background task (delivery retries) has finished."""
        while self.background:
            await asyncio.gather(*list(self.background), return_exceptions=True)

    async def close(self) -> None:
        """Release resources held for outbound calls."""
        if self.http is not None:
            await self.http.close()
            self.http = None

    def charge_records(self, family: str, records: int) -> None:
        """Count pushed records against the per-minute limit; 429 once the minute's budget is spent."""
        minute = (family, self.config.now_ms() // 60_000)
        used = self.record_usage.get(minute, 0)
        if used + records > self.config.per_minute_records:
            raise RestliError(429, f"{family}: more than {self.config.per_minute_records} records per minute")
        self.record_usage[minute] = used + records

"""Everything the sandbox holds between calls; one instance per app, reset by the admin API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp

from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.event_index import EventIndex
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


@dataclass
class ChildApp:
    """A customer (child) application the partner app provisioned; it owns one SandboxState world."""

    urn: str
    unique_foreign_id: str
    name: str
    description: str | None
    js_sdk_domains: list[str]
    callback_urls: list[str]
    created_ms: int


@dataclass
class Integration:
    """One atsIntegration of an app: named by the ATS, pre-authorized and enabled by the customer."""

    key: Key
    name: str | None = None
    preauthorized: bool = False
    enabled: bool = False
    last_request_id: str | None = None


@dataclass
class Shared:
    """What every app of one sandbox shares: issued tokens, the call log and outbound plumbing."""

    tokens: dict[str, Token] = field(default_factory=dict)
    calls: list[Json] = field(default_factory=list)
    background: set[asyncio.Task[None]] = field(default_factory=set)
    http: aiohttp.ClientSession | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    # Set whenever a request starts hanging, so tests can act on it without polling.
    hang_started: asyncio.Event = field(default_factory=asyncio.Event)


class SandboxState:
    """Mutable state of one application's world: the world plus everything the ATS pushed to it.

    The root state is the default demo app; it also holds the provisioned child apps (`children`), each a
    SandboxState of its own with its own world, stores, faults and quotas, sharing the root's `Shared`.
    """

    def __init__(
        self, config: SandboxConfig, *, root: SandboxState | None = None, app: ChildApp | None = None
    ) -> None:
        self.config = config
        self.root: SandboxState = root or self
        self.app = app
        self.shared: Shared = root.shared if root is not None else Shared()
        self.children: dict[str, SandboxState] = {}
        self.reset()

    @property
    def tokens(self) -> dict[str, Token]:
        """Every issued token of every app (a bearer token names its app)."""
        return self.shared.tokens

    @property
    def calls(self) -> list[Json]:
        """The call log of the whole sandbox."""
        return self.shared.calls

    @property
    def background(self) -> set[asyncio.Task[None]]:
        """Background tasks (delivery retries) of the whole sandbox."""
        return self.shared.background

    @property
    def http(self) -> aiohttp.ClientSession | None:
        """The session outbound pushes use."""
        return self.shared.http

    @http.setter
    def http(self, session: aiohttp.ClientSession | None) -> None:
        self.shared.http = session

    @property
    def release(self) -> asyncio.Event:
        """Set to let every hanging request finish."""
        return self.shared.release

    @property
    def hang_started(self) -> asyncio.Event:
        """Set whenever a request starts hanging."""
        return self.shared.hang_started

    @property
    def client_id(self) -> str:
        """This app's client id."""
        return self.config.client_id

    def reset(self, seed: int | None = None) -> None:
        """Rebuild the world and forget pushes, faults and usage; the root also forgets tokens, calls and
        every child app."""
        if seed is not None:
            self.config.seed = seed
        self.world: World = build_world(self.config)
        self.event_index = EventIndex()
        self.rng = random.Random(self.config.seed)
        self.usage: dict[tuple[str, int], int] = {}
        self.record_usage: dict[tuple[str, int], int] = {}
        self.faults: dict[str, Fault] = {}
        self.candidates: dict[Key, Candidate] = {}
        self.applications: dict[Key, Application] = {}
        # ACL records hold nothing but their keys (atsEntityAcls, atsEntityAclAssignees).
        self.entity_acls: set[Key] = set()
        self.acl_assignees: set[Key] = set()
        self.jobs: dict[tuple[str, str], Json] = {}
        self.tasks: dict[str, JobTask] = {}
        self.configurations: dict[Key, dict[str, Json]] = {}
        self.integrations: dict[Key, Integration] = {}
        # requestId of an INTEGRATION_STATUS_CHANGE → the integrations it changed (their view then).
        self.status_changes: dict[str, list[Json]] = {}
        self.exports: dict[str, Json] = {}
        self.exports_per_seat_month: dict[tuple[str, str], int] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.challenged_urls: set[str] = set()
        # The profile plugin's sign-ins: session token → the seat URN signed in with it.
        self.plugin_sessions: dict[str, str] = {}
        # Members whose exported profile was closed or purged (atsPurgedExportedCandidates), by URN.
        self.purged: dict[str, Json] = {}
        # Every key each DELETE named, counted per resource (found or not): tests check that a
        # resumed offboarding never deletes a record twice.
        self.delete_calls: dict[str, dict[str, int]] = {}
        # Continue after the world's own ids (evt-000001...), so admin-made events never reuse one.
        self.counter = len(self.world.events)
        if self.root is self:
            self.tokens.clear()
            self.calls.clear()
            self.children.clear()
            self.release_hung()

    # --- apps -----------------------------------------------------------------------------------------

    def app_state(self, client_id: str | None) -> SandboxState | None:
        """The world of the app with that client id (None = the default app); None when unknown."""
        root = self.root
        if client_id is None or client_id == root.config.client_id:
            return root
        return root.children.get(client_id)

    def secrets(self) -> dict[str, str]:
        """client_id → client_secret of every app that may ask for a token (partner app included)."""
        root = self.root
        known = {
            root.config.client_id: root.config.client_secret,
            root.config.parent_client_id: root.config.parent_client_secret,
        }
        known.update({cid: child.config.client_secret for cid, child in root.children.items()})
        return known

    def owner_of(self, urn: str) -> SandboxState | None:
        """The app whose world holds this organization or contract URN, if any."""
        root = self.root
        for candidate in (root, *root.children.values()):
            if urn in (candidate.config.org_urn, candidate.config.contract_urn):
                return candidate
        return None

    def child_by_foreign_id(self, unique_foreign_id: str) -> SandboxState | None:
        """The child app provisioned for that uniqueForeignId, if any."""
        return next(
            (
                c
                for c in self.root.children.values()
                if c.app and c.app.unique_foreign_id == unique_foreign_id
            ),
            None,
        )

    def child_by_urn(self, urn: str) -> SandboxState | None:
        """The child app with that application URN, if any."""
        return next((c for c in self.root.children.values() if c.app and c.app.urn == urn), None)

    def provision(self, app: ChildApp) -> SandboxState:
        """Create a child app with its own world, credentials, org and contract (numbered after the root)."""
        root = self.root
        n = len(root.children) + 1
        # Credentials follow from the root's secret and the app's uniqueForeignId, so a restarted
        # sandbox provisions the same app again (the demo's customers keep working across restarts).
        digest = hmac.new(
            root.config.parent_client_secret.encode(), app.unique_foreign_id.encode(), hashlib.sha256
        ).hexdigest()
        cfg = replace(
            root.config,
            client_id=f"rsc-child-{n:04d}",
            client_secret=digest[:24],
            org_urn=f"urn:li:organization:{5_000_000 + n}",
            contract_urn=f"urn:li:contract:{6_000_000 + n}",
            seed=root.config.seed + n,
            seat_base=1001 + 10_000 * n,
            daily_quotas=dict(root.config.daily_quotas),
        )
        child = SandboxState(cfg, root=root, app=app)
        root.children[cfg.client_id] = child
        return child

    def release_hung(self) -> None:
        """Let every hanging request finish and arm a fresh event for future hangs."""
        self.shared.release.set()
        self.shared.release = asyncio.Event()
        self.shared.hang_started = asyncio.Event()

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

    def count_deletes(self, resource: str, keys: list[str]) -> None:
        """Count one DELETE of each of these keys (canonical key strings or sub-collection ids)."""
        counts = self.delete_calls.setdefault(resource, {})
        for key in keys:
            counts[key] = counts.get(key, 0) + 1

    def charge_records(self, family: str, records: int) -> None:
        """Count pushed records against the per-minute limit; 429 once the minute's budget is spent."""
        minute = (family, self.config.now_ms() // 60_000)
        used = self.record_usage.get(minute, 0)
        if used + records > self.config.per_minute_records:
            raise RestliError(429, f"{family}: more than {self.config.per_minute_records} records per minute")
        self.record_usage[minute] = used + records

"""Chaos: the demo world under concurrent GraphQL clients and signed webhooks while LinkedIn misbehaves.

    .venv/bin/python -m bench.chaos                     # 120 s, 8 clients, SQLite in a temporary file
    .venv/bin/python -m bench.chaos --seconds 30 --clients 4
    .venv/bin/python -m bench.chaos --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench

One customer ("acme", the sandbox's default child app, its secret encrypted as onboarding stores it)
is registered, and its demo world seeded and backfilled as `rscgraph run` does; rscgraph (with its
outbox, poll and export jobs) and the LinkedIn sandbox are served in this process on loopback ports.
For `--seconds`, `--clients` clients send GraphQL over HTTP (candidate tabs, writes, refreshes,
enrichment), a LinkedIn stand-in exports members (signed pushes, delivered twice) and replays old
pushes, and the sandbox's fault knobs switch at random between healthy, 5xx, 429, hang and malformed.
Then faults go off, the app stops, and a final drain runs the export sweep, polls until the first
poll's history is complete (a year by default, walked back a bounded stretch per poll) and drains the
outbox (on a clock moved past every backoff).

The line it prints: requests (GraphQL, webhook deliveries and replays), HTTP 500s, INTERNAL errors,
duplicate rows (candidates sharing an email, applications per candidate and job, InMail messages per
event, identical notes, and outbox sends: LinkedIn writes of a record beyond its outbox rows, writes
answered in a malformed window not counted since LinkedIn stored nothing), what LinkedIn holds that the
ATS lacks after the drain (InMail events, prospect notes, exports) and what the ATS holds that LinkedIn
lacks (eligible candidates, their applications, notes and stages), plus `stale on LinkedIn`: records
LinkedIn holds that the ATS would no longer send (deleted, or without an email). Everything but the first
column should be zero. The PostgreSQL database given is emptied first; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import random
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from app import webhooks
from app.dev_tokens import dev_token
from app.export_worker import ExportWorker
from app.factory import create_app
from app.jobs import sync_config
from app.logging_setup import configure_logging
from app.migrations import upgrade_async
from app.secret_keys import build_secret_box
from app.seed import seed_demo
from app.services import build_services
from app.settings import Settings
from bench.outbox import _reset_postgres
from graph.ids import global_id
from linkedin import push
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from linkedin.sandbox.state import SandboxState
from models.db import SessionFactory, create_engine, session_factory
from resolvers.refresh import RefreshService
from resolvers.sync.backfill import backfill, parse_span
from resolvers.sync.payloads import skip_reason
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from resolvers.viewer import Role

Json = dict[str, Any]
CUSTOMER_KEY = "acme"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)
TAB = """query Tab($id: ID!) { candidate(id: $id) {
  id firstName email syncEligibility { eligible missing } notes { body }
  applications { id status job { id } stages { stage } }
  linkedinProfile { personUrn manualMatch freshness { stale error } }
  inmailThreads { seatUrn messageCount messages { body } } linkedinNotes { body } } }"""
MEMBERS = """query Members($urns: [String!]) { linkedinMembers(personUrns: $urns) {
  personUrn inAts candidate { id } applications { status } } }"""
REFRESH = """mutation Refresh($id: ID!) { refreshLinkedInActivity(input: {candidateId: $id}) {
  candidate { id } userErrors { code message } } }"""
CREATE = """mutation Create($input: CreateCandidateInput!) { createCandidate(input: $input) {
  candidate { id } userErrors { code } } }"""
UPDATE = """mutation Update($input: UpdateCandidateInput!) { updateCandidate(input: $input) {
  candidate { id email } userErrors { code } } }"""
DELETE = """mutation Delete($id: ID!) { deleteCandidate(input: {id: $id}) { userErrors { code } } }"""
APPLY = """mutation Apply($c: ID!, $j: ID!) { applyToJob(input: {candidateId: $c, jobId: $j}) {
  application { id } userErrors { code } } }"""
STAGE = """mutation Stage($a: ID!, $s: String!) {
  moveApplicationStage(input: {applicationId: $a, stage: $s}) { userErrors { code } } }"""
DELETE_APPLICATION = """mutation DeleteApplication($a: ID!) { deleteApplication(input: {id: $a}) {
  userErrors { code } } }"""
NOTE = """mutation Note($c: ID!, $b: String!) {
  addCandidateNote(input: {candidateId: $c, author: "Chaos Bench", body: $b}) { userErrors { code } } }"""
APPLICATION_NOTE = """mutation AppNote($a: ID!, $b: String!) {
  addApplicationNote(input: {applicationId: $a, author: "Chaos Bench", body: $b}) { userErrors { code } } }"""
FAULTS: dict[str, Json | None] = {
    "healthy": None,
    "5xx": {"status": 503, "error_rate": 0.7},
    "429": {"status": 429, "retry_after": 1, "error_rate": 0.7},
    "hang": {"hang": True, "error_rate": 0.5},
    "malformed": {"malformed": True, "error_rate": 0.7},
}
# Sandbox endpoint names → the outbox entity their record keys belong to.
ENTITIES = {
    "atsCandidates": models.SyncEntity.CANDIDATE,
    "atsCandidateNotes": models.SyncEntity.CANDIDATE_NOTE,
    "atsApplications": models.SyncEntity.APPLICATION,
    "atsApplicationNotes": models.SyncEntity.APPLICATION_NOTE,
    "atsApplicationStages": models.SyncEntity.APPLICATION_STAGE,
}


@dataclass
class Tally:
    """What the server answered, over every request the bench sent it."""

    requests: int = 0
    http_500: int = 0
    internal: int = 0
    transport: int = 0
    operations: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    def note_failure(self, text: str) -> None:
        """Keep a few examples of server errors for the report."""
        if len(self.samples) < 5:
            self.samples.append(text[:300])


@dataclass
class World:
    """ATS ids the clients pick from, kept up to date by their own creates and deletes."""

    candidates: list[int]
    jobs: list[int]
    applications: list[int]
    members: list[str]
    seats: list[str]
    created: list[int] = field(default_factory=list)
    without_email: set[int] = field(default_factory=set)


class Chaos:
    """The clients, the LinkedIn stand-in and the fault switch, until `deadline`."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        app_url: str,
        sandbox: SandboxState,
        sandbox_url: str,
        secret: str,
        seed: int,
        webhook_path: str,
    ) -> None:
        self.http = http
        self.webhook_path = webhook_path
        self.sandbox = sandbox
        # Call-log spans of malformed windows: the sandbox answers 200 there without storing anything.
        self.malformed: list[tuple[int, int]] = []
        self.app_url = app_url
        self.sandbox_url = sandbox_url
        self.secret = secret
        # The clients sign in as the customer's recruiter (a development token; set by `main`).
        self.authorization = ""
        self.rng = random.Random(seed)
        self.tally = Tally()
        self.fault_seconds: dict[str, float] = dict.fromkeys(FAULTS, 0.0)
        self.pushes: list[bytes] = []
        self.deadline = 0.0

    def running(self) -> bool:
        """Whether the bounded run still goes on."""
        return time.monotonic() < self.deadline

    async def graphql(self, operation: str, query: str, variables: Json) -> Json | None:
        """One GraphQL request; counts 500s and INTERNAL errors; the data, or None."""
        self.tally.requests += 1
        self.tally.operations[operation] += 1
        try:
            async with self.http.post(
                f"{self.app_url}/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": self.authorization},
                timeout=REQUEST_TIMEOUT,
            ) as answer:
                text = await answer.text()
                if answer.status >= 500:
                    self.tally.http_500 += 1
                    self.tally.note_failure(f"{operation}: HTTP {answer.status} {text}")
                    return None
                body = await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            self.tally.transport += 1
            self.tally.note_failure(f"{operation}: {type(exc).__name__}")
            return None
        for error in body.get("errors") or []:
            code = str((error.get("extensions") or {}).get("code"))
            self.tally.codes[code] += 1
            if code == "INTERNAL_SERVER_ERROR":
                self.tally.internal += 1
                self.tally.note_failure(f"{operation}: {error.get('message')}")
        data = body.get("data")
        return data if isinstance(data, dict) else None

    async def client(self, world: World, number: int) -> None:
        """One recruiter's tab: reads, writes, refreshes and lookups at random until the deadline."""
        rng = random.Random(self.rng.random())
        made = 0
        ops = ["tab"] * 6 + ["members"] * 2 + ["refresh"] * 2 + ["create", "update", "update", "note"]
        ops += ["apply", "apply", "stage", "app_note", "delete"]
        while self.running():
            op = rng.choice(ops)
            candidate = global_id("Candidate", rng.choice(world.candidates))
            if op == "tab":
                await self.graphql(op, TAB, {"id": candidate})
            elif op == "members":
                await self.graphql(op, MEMBERS, {"urns": rng.sample(world.members, 25)})
            elif op == "refresh":
                await self.graphql(op, REFRESH, {"id": candidate})
            elif op == "create":
                made += 1
                # Now and then two tabs create the same person at once (an ATS keeps a person once).
                email = f"twin{rng.randrange(20)}@chaos.example" if rng.random() < 0.2 else None
                email = email or f"chaos{number}-{made}@chaos.example"
                fields = {"firstName": "Chaos", "lastName": f"Client{number}", "email": email}
                data = await self.graphql(op, CREATE, {"input": fields})
                created = ((data or {}).get("createCandidate") or {}).get("candidate")
                if created:
                    row_id = int(_node_id(created["id"]))
                    world.candidates.append(row_id)
                    world.created.append(row_id)
            elif op == "update":
                row_id = rng.choice(world.candidates)
                changes: Json = {
                    "id": global_id("Candidate", row_id),
                    "title": f"Title {rng.randrange(1000)}",
                }
                if row_id in world.without_email:
                    changes["email"] = f"back{row_id}-{rng.randrange(1000)}@chaos.example"
                    world.without_email.discard(row_id)
                elif rng.random() < 0.15:
                    changes["email"] = None
                    world.without_email.add(row_id)
                await self.graphql(op, UPDATE, {"input": changes})
            elif op == "note":
                await self.graphql(op, NOTE, {"c": candidate, "b": f"note {number}-{rng.random()}"})
            elif op == "apply":
                data = await self.graphql(
                    op, APPLY, {"c": candidate, "j": global_id("Job", rng.choice(world.jobs))}
                )
                application = ((data or {}).get("applyToJob") or {}).get("application")
                if application:
                    world.applications.append(int(_node_id(application["id"])))
            elif op == "stage" and world.applications:
                application_id = global_id("Application", rng.choice(world.applications))
                await self.graphql(op, STAGE, {"a": application_id, "s": rng.choice(["Onsite", "Offer"])})
            elif op == "app_note" and world.applications:
                application_id = global_id("Application", rng.choice(world.applications))
                await self.graphql(
                    op, APPLICATION_NOTE, {"a": application_id, "b": f"app note {rng.random()}"}
                )
            elif op == "delete":
                if rng.random() < 0.5 and world.applications:
                    await self.graphql(
                        "delete_application",
                        DELETE_APPLICATION,
                        {"a": global_id("Application", rng.choice(world.applications))},
                    )
                elif world.created:
                    await self.graphql(op, DELETE, {"id": global_id("Candidate", rng.choice(world.created))})

    async def linkedin(self, world: World) -> None:
        """LinkedIn's side: One-Click Exports (signed pushes, delivered twice), replays, new InMails."""
        rng = random.Random(self.rng.random())
        while self.running():
            action = rng.random()
            if action < 0.5:
                body = {
                    "seat": rng.choice(world.seats),
                    "member": rng.choice(world.members),
                    "externalJobPostingId": str(rng.choice(world.jobs)),
                }
                answer = await self._admin("POST", "exports", body)
                if answer is not None:
                    # The deliveries themselves are counted from the sandbox's records at the end.
                    self.pushes.append(push.notification_body(str(answer["requestId"]), expires_at_ms=None))
            elif action < 0.8 and self.pushes:
                await self._replay(rng.choice(self.pushes))
            else:
                pair = {"seat": rng.choice(world.seats), "member": rng.choice(world.members[:40])}
                await self._admin("POST", "inmails", {**pair, "body": f"chaos {rng.random()}"})
            await asyncio.sleep(rng.uniform(0.05, 0.3))

    def count_deliveries(self, sandbox: SandboxState) -> None:
        """The signed pushes the sandbox delivered (first attempts, retries and duplicates) and their 5xx."""
        for delivery in sandbox.deliveries.values():
            for attempt in delivery.attempts:
                self.tally.requests += 1
                self.tally.operations["webhook_delivery"] += 1
                if (attempt.get("status") or 0) >= 500:
                    self.tally.http_500 += 1
                    self.tally.note_failure(
                        f"webhook delivery {delivery.request_id}: HTTP {attempt['status']}"
                    )

    async def _replay(self, body: bytes) -> None:
        """A signed push LinkedIn already delivered, sent again (a replay must be a harmless duplicate)."""
        self.tally.requests += 1
        self.tally.operations["webhook_replay"] += 1
        headers = {
            push.SIGNATURE_HEADER: push.signature(self.secret, body),
            "content-type": "application/json",
        }
        try:
            async with self.http.post(
                f"{self.app_url}{self.webhook_path}", data=body, headers=headers, timeout=REQUEST_TIMEOUT
            ) as answer:
                if answer.status >= 500:
                    self.tally.http_500 += 1
                    self.tally.note_failure(f"webhook replay: HTTP {answer.status} {await answer.text()}")
        except (aiohttp.ClientError, TimeoutError):
            self.tally.transport += 1

    async def faults(self) -> None:
        """Switch the sandbox between healthy, 5xx, 429, hang and malformed every few seconds."""
        rng = random.Random(self.rng.random())
        while self.running():
            mode = rng.choice(list(FAULTS))
            await self._admin("DELETE", "faults")
            fault = FAULTS[mode]
            start = len(self.sandbox.calls)
            if fault is not None:
                await self._admin("POST", "faults", {"endpoint": "*", "count": None, **fault})
            span = min(rng.uniform(1.0, 5.0), max(self.deadline - time.monotonic(), 0.0))
            self.fault_seconds[mode] += span
            await asyncio.sleep(span)
            if mode == "malformed":
                self.malformed.append((start, len(self.sandbox.calls) + 1))
        await self._admin("DELETE", "faults")

    async def _admin(self, method: str, path: str, body: Json | None = None) -> Json | None:
        url = f"{self.sandbox_url}/_admin/{path}"
        try:
            async with self.http.request(method, url, json=body, timeout=REQUEST_TIMEOUT) as answer:
                if answer.status >= 300:
                    return None
                result = await answer.json()
                return result if isinstance(result, dict) else {}
        except (aiohttp.ClientError, TimeoutError):
            return None


def _node_id(gid: str) -> str:
    """The row id inside a Relay global id."""
    return base64.b64decode(gid).decode().split(":", 1)[1]


def _table(model: type[Any]) -> sa.Table:
    table: sa.Table = model.__table__
    return table


CANDIDATES, APPLICATIONS = _table(models.Candidate), _table(models.Application)
NOTES, STAGES, JOBS = _table(models.Note), _table(models.ApplicationStage), _table(models.Job)
MESSAGES, OUTBOX = _table(models.InMailMessage), _table(models.OutboxEvent)
LINKEDIN_NOTES, EXPORTS = _table(models.LinkedInNote), _table(models.ExportRequest)


async def _rows(engine: AsyncEngine, statement: sa.Select[Any]) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(statement)).all()]


async def _world(engine: AsyncEngine, sandbox: SandboxState) -> World:
    candidates = await _rows(engine, sa.select(CANDIDATES.c.id))
    jobs = await _rows(engine, sa.select(JOBS.c.id).where(JOBS.c.state == models.JobState.OPEN.value))
    applications = await _rows(engine, sa.select(APPLICATIONS.c.id))
    return World(
        candidates=[int(r[0]) for r in candidates],
        jobs=[int(r[0]) for r in jobs],
        applications=[int(r[0]) for r in applications],
        members=[m.urn for m in sandbox.world.members],
        seats=[s.urn for s in sandbox.world.seats],
    )


def _excess(values: list[tuple[Any, ...]]) -> int:
    """Rows beyond the first of each identical value."""
    return sum(n - 1 for n in Counter(values).values() if n > 1)


async def duplicates(
    engine: AsyncEngine, sandbox: SandboxState, malformed: list[tuple[int, int]]
) -> dict[str, int]:
    """Duplicate rows in the ATS, and LinkedIn writes beyond each record's outbox rows (a write answered
    in a malformed window is not counted: LinkedIn stored nothing, so it is resent by design)."""
    # One person once, and one LinkedIn event once, per customer: two customers may each hold them.
    emails = await _rows(
        engine,
        sa.select(CANDIDATES.c.customer_id, sa.func.lower(CANDIDATES.c.email)).where(
            CANDIDATES.c.email.is_not(None)
        ),
    )
    applications = await _rows(engine, sa.select(APPLICATIONS.c.candidate_id, APPLICATIONS.c.job_id))
    messages = await _rows(engine, sa.select(MESSAGES.c.customer_id, MESSAGES.c.event_id))
    notes = await _rows(
        engine, sa.select(NOTES.c.candidate_id, NOTES.c.application_id, NOTES.c.body, NOTES.c.created_at)
    )
    outbox = Counter(
        (models.SyncEntity(t), int(i))
        for t, i in await _rows(engine, sa.select(OUTBOX.c.entity_type, OUTBOX.c.entity_id))
    )
    sends: Counter[tuple[models.SyncEntity, int]] = Counter()
    for index, call in enumerate(sandbox.calls):
        if any(start <= index < end for start, end in malformed):
            continue
        entity = ENTITIES.get(str(call["endpoint"]))
        status = call["status"]
        if entity is None or call["method"] not in ("PUT", "DELETE") or not isinstance(status, int):
            continue
        if not 200 <= status < 300:
            continue
        for name, value in parse_qsl(str(call["query"])):
            if (
                name == "ids" or name.endswith(("atsCandidateId", "atsJobApplicationId"))
            ) and value.isdigit():
                sends[(entity, int(value))] += 1
    excess: Counter[str] = Counter()
    for record, k in sends.items():
        excess[record[0].value] += max(0, k - outbox[record])
    excess = +excess  # only the entities with an excess
    if excess:
        print(f"(outbox sends beyond their rows, by entity: {dict(excess)})")
    return {
        "candidates": _excess(emails),
        "applications": _excess(applications),
        "messages": _excess(messages),
        "notes": _excess(notes),
        "outbox sends": sum(max(0, k - outbox[record]) for record, k in sends.items()),
    }


async def linkedin_lacks(engine: AsyncEngine, sandbox: SandboxState) -> dict[str, int]:
    """What LinkedIn holds that the ATS never mirrored."""
    events = {str(r[0]) for r in await _rows(engine, sa.select(MESSAGES.c.event_id))}
    notes = {str(r[0]) for r in await _rows(engine, sa.select(LINKEDIN_NOTES.c.note_id))}
    done = models.ExportStatus.DONE.value
    exports = {
        str(r[0])
        for r in await _rows(engine, sa.select(EXPORTS.c.request_id).where(EXPORTS.c.status == done))
    }
    return {
        "events": sum(1 for e in sandbox.world.events if e.id not in events),
        "prospect notes": sum(1 for note in sandbox.world.notes if note.active and note.id not in notes),
        "exports": sum(1 for request_id in sandbox.exports if request_id not in exports),
    }


async def ats_lacks_on_linkedin(engine: AsyncEngine, sandbox: SandboxState) -> dict[str, int]:
    """What the ATS holds (and may send) that LinkedIn lacks, and what LinkedIn holds that the ATS would
    no longer send (deleted, or lost its email): `stale on LinkedIn`."""
    people = await _rows(
        engine,
        sa.select(CANDIDATES.c.id, CANDIDATES.c.first_name, CANDIDATES.c.last_name, CANDIDATES.c.email),
    )
    eligible = {
        int(i)
        for i, first, last, email in people
        if skip_reason(models.Candidate(first_name=first, last_name=last, email=email)) is None
    }
    sendable = {
        int(i)
        for i, c in await _rows(engine, sa.select(APPLICATIONS.c.id, APPLICATIONS.c.candidate_id))
        if c in eligible
    }
    held = {dict(c.key)["atsCandidateId"]: c for c in sandbox.candidates.values()}
    held_applications = {dict(k)["atsJobApplicationId"]: v for k, v in sandbox.applications.items()}
    missing = {
        "candidates": sum(1 for i in eligible if str(i) not in held),
        "applications": sum(1 for i in sendable if str(i) not in held_applications),
        "notes": 0,
        "stages": 0,
    }
    for note_id, candidate_id, application_id in await _rows(
        engine, sa.select(NOTES.c.id, NOTES.c.candidate_id, NOTES.c.application_id)
    ):
        if application_id is None and candidate_id in eligible:
            parent = held.get(str(candidate_id))
            missing["notes"] += parent is None or str(note_id) not in parent.notes
        elif application_id in sendable:
            app = held_applications.get(str(application_id))
            missing["notes"] += app is None or str(note_id) not in app.notes
    for stage_id, application_id in await _rows(engine, sa.select(STAGES.c.id, STAGES.c.application_id)):
        if application_id in sendable:
            app = held_applications.get(str(application_id))
            missing["stages"] += app is None or str(stage_id) not in app.stages
    stale = [i for i in held if not i.isdigit() or int(i) not in eligible]
    stale += [i for i in held_applications if not i.isdigit() or int(i) not in sendable]
    missing["stale on LinkedIn"] = len(stale)
    return missing


async def _outbox_at_rest(engine: AsyncEngine) -> None:
    """Return once no outbox row is claimed by a pass in flight (polled; the app's worker runs apart)."""
    while True:
        claimed = await _rows(
            engine,
            sa.select(sa.func.count()).where(
                OUTBOX.c.status == models.OutboxStatus.PENDING.value, OUTBOX.c.locked_until > models.utcnow()
            ),
        )
        if claimed[0][0] == 0:
            return
        await asyncio.sleep(0.05)


async def final_drain(
    settings: Settings, engine: AsyncEngine, sessions: SessionFactory, customer_id: int
) -> None:
    """With LinkedIn healthy and the app stopped: finish the customer's exports, poll until its first
    poll's history is in, then drain its outbox past every backoff and lease (exports and the poll
    enqueue changes of their own)."""
    async with aiohttp.ClientSession() as http:
        services = build_services(settings, sessions, http)
        tenant = await services.tenants.get(customer_id)
        await asyncio.wait_for(ExportWorker(services).drain(tenant), 120)
        await asyncio.wait_for(_poll_history_in(settings, sessions, tenant), 300)
        offset = timedelta()

        def clock() -> Any:
            return models.utcnow() + offset

        worker = OutboxWorker(sessions, tenant, sync_config(settings), clock=clock)
        for _ in range(20):
            offset += timedelta(hours=2)
            await asyncio.wait_for(worker.run_until_idle(), 120)
            pending = await _rows(
                engine, sa.select(sa.func.count()).where(OUTBOX.c.status == models.OutboxStatus.PENDING.value)
            )
            if pending[0][0] == 0:
                break


async def _poll_history_in(settings: Settings, sessions: SessionFactory, tenant: Tenant) -> int:
    """Poll until every seat's first-poll history reaches the lookback; the polls it took."""
    refresh = RefreshService(
        sessions,
        tenant.id,
        tenant.linkedin,
        initial_lookback=timedelta(days=settings.poll_initial_lookback_days),
    )
    polls = 0
    while True:
        await refresh.refresh()
        polls += 1
        if await refresh.history_pending_from() is None:
            return polls


async def _add_customer(sessions: SessionFactory, settings: Settings, config: SandboxConfig) -> int:
    """The customer of the sandbox's default child app, as `rscgraph customers add` registers it."""
    async with sessions() as db:
        row = models.Customer(
            key=CUSTOMER_KEY,
            name="Acme Staffing",
            linkedin_client_id=config.client_id,
            linkedin_client_secret_encrypted=build_secret_box(settings).encrypt(config.client_secret),
            linkedin_org_urn=config.org_urn,
            linkedin_contract_urn=config.contract_urn,
        )
        db.add(row)
        await db.commit()
        assert row.id is not None
        return row.id


@contextlib.asynccontextmanager
async def database(url: str | None) -> AsyncIterator[str]:
    """The bench's database: a temporary SQLite file, or the PostgreSQL one given, emptied."""
    with tempfile.TemporaryDirectory() as tmp:
        target = url or f"sqlite+aiosqlite:///{Path(tmp) / 'chaos.db'}"
        if url:
            await _reset_postgres(url)
        await upgrade_async(target)
        yield target


async def main(seconds: float, clients: int, database_url: str | None, seed: int) -> None:
    """Seed, run the chaos, drain, and print the line."""
    sandbox_config = SandboxConfig(duplicate_delivery=True)
    sandbox_app = create_sandbox_app(sandbox_config)
    sandbox: SandboxState = sandbox_app.state.sandbox
    async with database(database_url) as url, serve_asgi(sandbox_app) as sandbox_url:
        settings = Settings(
            database_url=url,
            # The bench measures the server, not the per-viewer rate limit.
            rate_limit_per_minute=0,
            linkedin_api_base_url=sandbox_url,
            linkedin_oauth_base_url=f"{sandbox_url}/oauth/v2",
            linkedin_client_id=sandbox_config.client_id,
            linkedin_client_secret=sandbox_config.client_secret,
            linkedin_org_urn=sandbox_config.org_urn,
            linkedin_contract_urn=sandbox_config.contract_urn,
            linkedin_timeout_s=1.0,
            poll_interval_s=5.0,
            outbox_interval_s=1.0,
            export_interval_s=5.0,
            # Customers' LinkedIn secrets are kept encrypted; a key of this run only.
            secret_keys=Fernet.generate_key().decode(),
            # The development signing key of this run only.
            data_dir=Path(tempfile.mkdtemp(prefix="rscgraph-chaos-")),
        )
        engine = create_engine(url)
        sessions = session_factory(engine)
        try:
            # As `rscgraph run`: the demo world, its history sent to LinkedIn.
            customer_id = await _add_customer(sessions, settings, sandbox_config)
            await seed_demo(sessions, customer_id, sandbox.world, company="Acme Staffing")
            await backfill(sessions, customer_id, parse_span("2y"))
            world = await _world(engine, sandbox)
            async with aiohttp.ClientSession() as http, serve_asgi(create_app(settings)) as app_url:
                path = webhooks.callback_path(CUSTOMER_KEY)
                await webhooks.register_callback(settings, app_url + path)
                secret = sandbox_config.signing_secret()
                chaos = Chaos(http, app_url, sandbox, sandbox_url, secret, seed, path)
                token = dev_token(
                    settings, user="chaos@acme.test", role=Role.RECRUITER, customer=CUSTOMER_KEY
                )
                chaos.authorization = f"Bearer {token}"
                chaos.deadline = time.monotonic() + seconds
                jobs = [chaos.client(world, i) for i in range(clients)]
                # Every request is bounded by REQUEST_TIMEOUT, so the run ends shortly after the deadline.
                await asyncio.wait_for(
                    asyncio.gather(*jobs, chaos.linkedin(world), chaos.faults()), seconds + 120
                )
                await chaos._admin("DELETE", "faults")
                await chaos._admin("GET", "deliveries?wait=1")
                chaos.count_deliveries(sandbox)
                # Stop the app between outbox passes: a pass cut short is sent again after its lease.
                await asyncio.wait_for(_outbox_at_rest(engine), 60)
            await final_drain(settings, engine, sessions, customer_id)
            dupes = await duplicates(engine, sandbox, chaos.malformed)
            lacks = await linkedin_lacks(engine, sandbox)
            missing = await ats_lacks_on_linkedin(engine, sandbox)
        finally:
            await engine.dispose()
    t = chaos.tally
    modes = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(chaos.fault_seconds.items()))
    print(f"chaos {seconds:.0f} s, {clients} clients, {engine.dialect.name}; faults: {modes}")
    print(
        f"requests {t.requests} | HTTP 500 {t.http_500} | INTERNAL {t.internal} | duplicates "
        + ", ".join(f"{k} {v}" for k, v in dupes.items())
        + " | LinkedIn has, ATS lacks: "
        + ", ".join(f"{k} {v}" for k, v in lacks.items())
        + " | ATS has, LinkedIn lacks: "
        + ", ".join(f"{k} {v}" for k, v in missing.items())
    )
    print(f"(also: {t.transport} transport failures/timeouts; error codes {dict(t.codes)})")
    for sample in t.samples:
        print(f"  e.g. {sample}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the chaos runs (default 120)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent GraphQL clients (default 8)")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database to empty and use")
    parser.add_argument("--seed", type=int, default=7, help="the random seed of clients and faults")
    parser.add_argument("--verbose", action="store_true", help="show the server's warnings while it runs")
    args = parser.parse_args()
    # Under chaos the server warns about every LinkedIn failure; the figures are what matters here.
    configure_logging(json=False, level="WARNING" if args.verbose else "CRITICAL")
    asyncio.run(main(args.seconds, args.clients, args.database_url, args.seed))

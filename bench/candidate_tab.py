"""The candidate-tab query over HTTP beside a plain Starlette endpoint returning the same data.

    .venv/bin/python -m bench.candidate_tab                  # 10,000 candidates, 100,000 InMails (SQLite)
    .venv/bin/python -m bench.candidate_tab --requests 500 --concurrency 1 8

Seeds a SQLite file with one customer's rows, serves rscgraph (GraphQL, signed in as a recruiter of that
customer with a development token) and a plain Starlette endpoint over the same file, both with uvicorn
in this process on loopback ports (the LinkedIn sandbox too), then reports requests/s,
p50/p99 latency and SQL statements per request for each, and the ratio. Live LinkedIn matches are warmed
into the cache first, so the figures are the SQL + GraphQL cost of the tab, not LinkedIn's. Last, the
cost of authentication per request (verifying the bearer JWT with cached keys: the development EdDSA
key, and an RS256 key as identity providers use), a token's first request and its later ones, beside
the tab request's mean time.

The raw-SQL floor: the statements of one GraphQL tab request per sampled candidate are recorded and
replayed on plain `sqlite3` over the same file; GraphQL's mean time at one client is divided by it.
`BENCH_FLOOR_DETAIL=1` prints each replayed statement's time (`=plan` adds its query plan).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import orjson
import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry import relay

import models
from app.dev_tokens import dev_token
from app.factory import create_app
from app.first_customer import first_customer_values
from app.migrations import upgrade_async
from app.settings import Settings
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from models import candidate_queries, mirror_queries, seats
from models.db import create_engine, session_factory
from models.mirror_visibility import EVERYTHING
from resolvers.viewer import Role

# The tab's selection of one candidate (bench/permissions.py asks it for a page of candidates).
TAB_FIELDS = """
    id firstName lastName email phone title company mailingCity source createdAt updatedAt
    syncEligibility { eligible missing }
    notes { author body createdAt }
    applications { id status lastActivityAt job { id title } stages { stage at actor } }
    linkedinProfile {
      personUrn profileUrl matchSource matchedAt algorithmicMatches manualMatch viewInRecruiterUrl
      widget { apiKey integrationContext atsCandidateId scriptUrl }
      freshness { fetchedAt stale error }
    }
    inmailThreads {
      seatUrn subject lastMessageAt messageCount
      recruiter { id firstName lastName }
      messages { direction author subject body sentAt }
    }
    linkedinNotes { body owner createdAt updatedAt }
"""
TAB_QUERY = f"query Tab($id: ID!) {{ candidate(id: $id) {{ {TAB_FIELDS} }} }}"
SEATS = 20
JOBS = 50
MESSAGES_PER_THREAD = 10
CHUNK = 5_000
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def seat(i: int) -> str:
    return f"urn:li:seat:{7000 + i}"


def member(candidate_id: int) -> str:
    return f"urn:li:person:bench{candidate_id}"


# The one customer of the seeded database (its first row).
CUSTOMER_ID = 1


async def _insert(connection: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        batch = [{"customer_id": CUSTOMER_ID, **row} for row in rows[start : start + CHUNK]]
        await connection.execute(sa.insert(model), batch)


async def seed(settings: Settings, candidates: int, messages: int) -> int:
    """The customer of `settings`' LinkedIn app, and its candidates (all linked, with a note, an
    application with two stages, a snapshot) and InMails: two threads of ten messages for as many
    candidates as `messages` allows; returns that many."""
    engine = create_engine(settings.database_url)
    with_threads = min(candidates, messages // (2 * MESSAGES_PER_THREAD))
    first = first_customer_values(settings)
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(models.Customer).values(
                id=CUSTOMER_ID,
                key=first.key,
                name=first.name,
                linkedin_client_id=first.client_id,
                linkedin_client_secret_encrypted=first.client_secret_encrypted,
                linkedin_org_urn=first.org_urn,
                linkedin_contract_urn=first.contract_urn,
            )
        )
        await _insert(
            connection,
            models.User,
            [
                {"id": i + 1, "first_name": "Rec", "last_name": f"R{i}", "email": f"r{i}@ats.example"}
                for i in range(SEATS)
            ],
        )
        await _insert(
            connection, models.Seat, [{"seat_urn": seat(i), "user_id": i + 1} for i in range(SEATS)]
        )
        await _insert(connection, models.Job, [{"title": f"Job {i}", "description": ""} for i in range(JOBS)])
        await _insert(
            connection,
            models.Candidate,
            [
                {
                    "first_name": f"First{i}",
                    "last_name": f"Last{i}",
                    "email": f"c{i}@example.com",
                    "phone": "+1 555 0100",
                    "title": "Engineer",
                    "company": "Acme",
                    "mailing_city": "Providence",
                    "source": models.CandidateSource.MANUAL,
                    "do_not_contact": False,
                    "created_at": T0,
                    "updated_at": T0,
                }
                for i in range(candidates)
            ],
        )
        ids = range(1, candidates + 1)
        await _insert(
            connection,
            models.LinkedInIdentity,
            [
                {
                    "candidate_id": i,
                    "person_urn": member(i),
                    "profile_url": f"https://www.linkedin.com/in/bench{i}",
                    "match_source": models.MatchSource.EXPORT,
                    "matched_at": T0,
                }
                for i in ids
            ],
        )
        await _insert(
            connection,
            models.LinkedInProfile,
            [
                {
                    "candidate_id": i,
                    "person_urn": member(i),
                    "algorithmic_matches": [member(i)],
                    "fetched_at": T0,
                }
                for i in ids
            ],
        )
        await _insert(
            connection,
            models.Note,
            [{"candidate_id": i, "author": "bench", "body": "ATS note", "created_at": T0} for i in ids],
        )
        await _insert(
            connection,
            models.Application,
            [
                {
                    "candidate_id": i,
                    "job_id": 1 + i % JOBS,
                    "status": "Applied",
                    "created_at": T0,
                    "last_activity_at": T0,
                }
                for i in ids
            ],
        )
        await _insert(
            connection,
            models.ApplicationStage,
            [
                {"application_id": i, "stage": s, "at": T0 + timedelta(days=d)}
                for i in ids
                for d, s in enumerate(["Applied", "Screen"])
            ],
        )
        await _insert(
            connection,
            models.LinkedInNote,
            [
                {
                    "note_id": f"bench-note-{i}",
                    "owner_seat_urn": seat(i % SEATS),
                    "member_urn": member(i),
                    "body": "LinkedIn note",
                    "active": True,
                    "created_at": T0,
                    "updated_at": T0,
                }
                for i in ids
            ],
        )
        threads = [
            {
                "seat_urn": seat((i + k) % SEATS),
                "member_urn": member(i),
                "subject": "An opportunity",
                # The stored stats describe the messages, as the mirror writes them (the last at hour 9).
                "last_message_at": T0 + timedelta(hours=MESSAGES_PER_THREAD - 1),
                "message_count": MESSAGES_PER_THREAD,
            }
            for i in range(1, with_threads + 1)
            for k in range(2)
        ]
        await _insert(connection, models.InMailThread, threads)
        await _insert(
            connection,
            models.InMailMessage,
            [
                {
                    "event_id": f"bench-{t}-{m}",
                    "thread_id": t,
                    "conversation_urn": f"urn:li:conversation:bench{t}",
                    "author_urn": threads[t - 1]["seat_urn"] if m % 2 == 0 else threads[t - 1]["member_urn"],
                    "direction": models.InMailDirection.OUTBOUND
                    if m % 2 == 0
                    else models.InMailDirection.INBOUND,
                    "subject": "An opportunity" if m == 0 else None,
                    "body": f"Message {m} of the bench thread {t}. " * 4,
                    "sent_at": T0 + timedelta(hours=m),
                }
                for t in range(1, len(threads) + 1)
                for m in range(MESSAGES_PER_THREAD)
            ],
        )
    await engine.dispose()
    return with_threads


def plain_app(database_url: str, settings: Settings) -> Starlette:
    """The baseline: one Starlette route that reads the same rows with the same queries and returns the
    same JSON (no GraphQL, no DataLoaders, one session, snapshot instead of the cached live match)."""
    engine = create_engine(database_url)
    sessions = session_factory(engine)

    async def tab(request: Request) -> Response:
        candidate_id = int(request.path_params["id"])
        async with sessions() as s:
            c, ids = CUSTOMER_ID, [candidate_id]
            row = (await candidate_queries.candidates_by_ids(s, c, ids))[candidate_id]
            notes = (await candidate_queries.notes_by_candidate_ids(s, c, ids))[candidate_id]
            applications = (await candidate_queries.applications_by_candidate_ids(s, c, ids))[candidate_id]
            app_ids = [a.id for a in applications if a.id is not None]
            jobs = await candidate_queries.jobs_by_ids(s, c, [a.job_id for a in applications])
            stages = await candidate_queries.stages_by_application_ids(s, c, app_ids)
            identity = (await candidate_queries.identities_by_candidate_ids(s, c, ids)).get(candidate_id)
            snapshot = (await mirror_queries.profiles_by_candidate_ids(s, c, ids)).get(candidate_id)
            urn = identity.person_urn if identity else None
            # The hand-written baseline reads as an admin, who sees every InMail and note.
            every = EVERYTHING
            threads = (await mirror_queries.threads_by_member_urns(s, c, [urn], every))[urn] if urn else []
            thread_ids = [t.id for t in threads if t.id is not None]
            messages = await mirror_queries.messages_by_thread_ids(s, c, thread_ids, every)
            recruiters = await seats.users_by_seat_urns(s, c, [t.seat_urn for t in threads])
            li_notes = (
                (await mirror_queries.active_notes_by_member_urns(s, c, [urn], every))[urn] if urn else []
            )
        missing = [
            n
            for n, v in (("firstName", row.first_name), ("lastName", row.last_name), ("email", row.email))
            if not v
        ]
        data = {
            "candidate": {
                "id": str(relay.GlobalID("Candidate", str(row.id))),
                "firstName": row.first_name,
                "lastName": row.last_name,
                "email": row.email,
                "phone": row.phone,
                "title": row.title,
                "company": row.company,
                "mailingCity": row.mailing_city,
                "source": row.source.value,
                "createdAt": row.created_at,
                "updatedAt": row.updated_at,
                "syncEligibility": {"eligible": not missing, "missing": missing},
                "notes": [{"author": n.author, "body": n.body, "createdAt": n.created_at} for n in notes],
                "applications": [
                    {
                        "id": str(relay.GlobalID("Application", str(a.id))),
                        "status": a.status,
                        "lastActivityAt": a.last_activity_at,
                        "job": {
                            "id": str(relay.GlobalID("Job", str(a.job_id))),
                            "title": jobs[a.job_id].title,
                        },
                        "stages": [
                            {"stage": st.stage, "at": st.at, "actor": st.actor} for st in stages[a.id or 0]
                        ],
                    }
                    for a in applications
                ],
                "linkedinProfile": {
                    "personUrn": urn,
                    "profileUrl": identity.profile_url if identity else None,
                    "matchSource": identity.match_source.value if identity else None,
                    "matchedAt": identity.matched_at if identity else None,
                    "algorithmicMatches": snapshot.algorithmic_matches if snapshot else [],
                    "manualMatch": snapshot.manual_match if snapshot else None,
                    "viewInRecruiterUrl": (
                        f"{settings.linkedin_recruiter_profile_url}/{urn.rsplit(':', 1)[-1]}" if urn else None
                    ),
                    "widget": {
                        "apiKey": settings.linkedin_client_id,
                        "integrationContext": settings.linkedin_org_urn,
                        "atsCandidateId": str(row.id),
                        "scriptUrl": settings.linkedin_profile_plugin.script_url,
                    },
                    "freshness": {
                        "fetchedAt": snapshot.fetched_at if snapshot else None,
                        "stale": False,
                        "error": None,
                    },
                },
                "inmailThreads": [
                    {
                        "seatUrn": t.seat_urn,
                        "subject": t.subject,
                        "lastMessageAt": t.last_message_at,
                        "messageCount": t.message_count,
                        "recruiter": (
                            {
                                "id": str(relay.GlobalID("User", str(r.id))),
                                "firstName": r.first_name,
                                "lastName": r.last_name,
                            }
                            if (r := recruiters.get(t.seat_urn))
                            else None
                        ),
                        "messages": [
                            {
                                "direction": m.direction.value,
                                "author": m.author_urn,
                                "subject": m.subject,
                                "body": m.body,
                                "sentAt": m.sent_at,
                            }
                            for m in messages[t.id or 0]
                        ],
                    }
                    for t in threads
                ],
                "linkedinNotes": [
                    {
                        "body": n.body,
                        "owner": n.owner_seat_urn,
                        "createdAt": n.created_at,
                        "updatedAt": n.updated_at,
                    }
                    for n in li_notes
                ],
            }
        }
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    return Starlette(routes=[Route("/tab/{id:int}", tab)], lifespan=lifespan)


@dataclass(frozen=True, slots=True)
class Figures:
    """One endpoint's measurement."""

    requests: int
    seconds: float
    latencies_ms: list[float]
    statements: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


class StatementCounter:
    """Counts every SQL statement any engine in this process runs."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> StatementCounter:
        sa.event.listen(Engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(Engine, "before_cursor_execute", self._record)

    def _record(self, *args: Any) -> None:
        self.count += 1


class StatementRecorder:
    """Records every SQL statement (text and parameters) any engine in this process runs."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __enter__(self) -> StatementRecorder:
        sa.event.listen(Engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(Engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        self.statements.append((statement, parameters))


FLOOR_ROUNDS = 20


async def sql_floor_ms(database_path: Path, call: Call, ids: list[int]) -> tuple[float, float]:
    """The raw-SQL floor of `call`: the statements one request of each id runs, recorded, then replayed
    on plain `sqlite3` over the same file (no ORM, no driver thread, no GraphQL); returns the mean
    milliseconds per request of the replay and the statements per request."""
    recorded: list[list[tuple[str, Any]]] = []
    async with aiohttp.ClientSession() as http:
        for candidate_id in ids:
            with StatementRecorder() as recorder:
                await call(http, candidate_id)
            recorded.append(recorder.statements)

    def replay() -> float:
        connection = sqlite3.connect(database_path)
        try:
            started = time.perf_counter()
            for _ in range(FLOOR_ROUNDS):
                for statements in recorded:
                    for statement, parameters in statements:
                        connection.execute(statement, parameters).fetchall()
            total = (time.perf_counter() - started) * 1000 / (FLOOR_ROUNDS * len(recorded))
            if os.environ.get("BENCH_FLOOR_DETAIL"):
                for statement, parameters in recorded[0]:
                    t = time.perf_counter()
                    connection.execute(statement, parameters).fetchall()
                    print(f"{(time.perf_counter() - t) * 1000:8.3f} ms  {statement[:150]!r}")
                    if os.environ.get("BENCH_FLOOR_DETAIL") == "plan":
                        print(statement, parameters)
                        for line in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters):
                            print("   ", line)
            return total
        finally:
            connection.close()

    per_request = sum(len(s) for s in recorded) / len(recorded)
    return await asyncio.to_thread(replay), per_request


Call = Callable[[aiohttp.ClientSession, int], Awaitable[dict[str, Any]]]


def graphql_call(url: str, authorization: str) -> Call:
    async def call(http: aiohttp.ClientSession, candidate_id: int) -> dict[str, Any]:
        variables = {"id": str(relay.GlobalID("Candidate", str(candidate_id)))}
        request = {"query": TAB_QUERY, "variables": variables}
        headers = {"Authorization": authorization}
        async with http.post(f"{url}/graphql", json=request, headers=headers) as response:
            body: dict[str, Any] = await response.json(content_type=None)
        assert response.status == 200, body
        assert "errors" not in body, body["errors"]
        return body

    return call


def plain_call(url: str) -> Call:
    async def call(http: aiohttp.ClientSession, candidate_id: int) -> dict[str, Any]:
        async with http.get(f"{url}/tab/{candidate_id}") as response:
            body: dict[str, Any] = orjson.loads(await response.read())
        assert response.status == 200, body
        return body

    return call


AUTH_ROUNDS = 2_000
AUTH_FIRST_SIGHTS = 300


async def authentication_ms(
    settings: Settings, http: aiohttp.ClientSession
) -> dict[str, tuple[float, float]]:
    """The mean time of verifying a bearer JWT with cached keys, the first time a token is seen and when
    it is seen again (app/auth/tokens.py takes a token that passed again for up to a minute): the
    server's own verifier with the development EdDSA key, and the same verifier with an RS256 key as an
    identity provider's."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt import PyJWK
    from jwt.algorithms import RSAAlgorithm

    from app.auth.jwks import StaticKeys
    from app.auth.tokens import TokenVerifier, claim_names
    from app.viewers import build_verifier

    development = build_verifier(settings, http)
    assert development is not None
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(private.public_key(), as_dict=True), "kid": "idp-1", "alg": "RS256"}
    idp = TokenVerifier(
        StaticKeys([PyJWK(jwk)]),
        issuer="https://id.example.com",
        audience="rscgraph",
        leeway_s=60,
        claims=claim_names(settings),
    )
    now = int(time.time())
    claims = {
        "iss": "https://id.example.com",
        "aud": "rscgraph",
        "roles": ["recruiter"],
        "customer": "bench",
        "iat": now,
        "exp": now + 3600,
    }
    # Distinct tokens (one per user), each verified once: the first sight of a token.
    edd = [
        dev_token(settings, user=f"bench{i}@bench.test", role=Role.RECRUITER, customer="bench")
        for i in range(AUTH_FIRST_SIGHTS)
    ]
    rs256 = [
        jwt.encode({**claims, "sub": f"idp|bench{i}"}, private, algorithm="RS256", headers={"kid": "idp-1"})
        for i in range(AUTH_FIRST_SIGHTS)
    ]
    out: dict[str, tuple[float, float]] = {}
    for name, verifier, presented in (("EdDSA (dev key)", development, edd), ("RS256 (IdP)", idp, rs256)):
        started = time.perf_counter()
        for token in presented:
            await verifier.verify(token)
        first = (time.perf_counter() - started) * 1000 / len(presented)
        started = time.perf_counter()
        for _ in range(AUTH_ROUNDS):
            await verifier.verify(presented[0])
        out[name] = (first, (time.perf_counter() - started) * 1000 / AUTH_ROUNDS)
    return out


def _difference(a: Any, b: Any, path: str = "") -> str:
    """Where two JSON values first differ (for the agreement check's message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() | b.keys():
            if a.get(key) != b.get(key):
                return _difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _difference(x, y, f"{path}[{index}]")
    return f"{path}: {a!r} != {b!r}"[:500]


def cycle(ids: list[int], count: int) -> Iterator[int]:
    for index in range(count):
        yield ids[index % len(ids)]


async def measure(call: Call, ids: list[int], requests: int, concurrency: int) -> Figures:
    """`requests` calls spread over `concurrency` workers, each sequential; bounded, loopback only."""
    latencies: list[float] = []
    work = cycle(ids, requests)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            for candidate_id in work:
                started = time.perf_counter()
                await call(http, candidate_id)
                latencies.append((time.perf_counter() - started) * 1000)

        with StatementCounter() as counter:
            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            seconds = time.perf_counter() - started
    return Figures(requests=requests, seconds=seconds, latencies_ms=latencies, statements=counter.count)


async def run(candidates: int, messages: int, requests: int, concurrencies: list[int], sample: int) -> None:
    """Seed, serve both endpoints, check they agree, measure, print a table."""
    with tempfile.TemporaryDirectory() as directory:
        database_path = Path(directory) / "bench.db"
        database_url = f"sqlite+aiosqlite:///{database_path}"
        await upgrade_async(database_url)
        sandbox_config = SandboxConfig()
        async with serve_asgi(create_sandbox_app(sandbox_config)) as sandbox_url:
            settings = Settings(
                database_url=database_url,
                # The bench measures the server, not the per-viewer rate limit.
                rate_limit_per_minute=0,
                # Development: the development signing key's tokens sign in (RSC_DATA_DIR below).
                environment="development",
                data_dir=Path(directory) / "data",
                secret_keys=SecretStr(Fernet.generate_key().decode()),
                linkedin_api_base_url=sandbox_url,
                linkedin_oauth_base_url=f"{sandbox_url}/oauth/v2",
                linkedin_client_id=sandbox_config.client_id,
                linkedin_client_secret=sandbox_config.client_secret,
                linkedin_org_urn=sandbox_config.org_urn,
                linkedin_contract_urn=sandbox_config.contract_urn,
                live_match_cache_s=3600,
            )
            started = time.perf_counter()
            with_threads = await seed(settings, candidates, messages)
            print(
                f"seeded {candidates:,} candidates, {with_threads * 2:,} threads, "
                f"{with_threads * 2 * MESSAGES_PER_THREAD:,} InMails "
                f"in {time.perf_counter() - started:.1f} s (SQLite)"
            )
            ids = random.Random(20261125).sample(range(1, with_threads + 1), min(sample, with_threads))
            async with (
                serve_asgi(create_app(settings)) as app_url,
                serve_asgi(plain_app(database_url, settings)) as plain_url,
            ):
                customer = first_customer_values(settings).key
                token = dev_token(settings, user="bench@bench.test", role=Role.RECRUITER, customer=customer)
                endpoints = {
                    "graphql": graphql_call(app_url, f"Bearer {token}"),
                    "plain": plain_call(plain_url),
                }
                async with aiohttp.ClientSession() as http:
                    # Warm-up fills the live-match cache; the answers must agree but for freshness.
                    for candidate_id in ids:
                        graph = (await endpoints["graphql"](http, candidate_id))["data"]["candidate"]
                        plain = (await endpoints["plain"](http, candidate_id))["data"]["candidate"]
                        graph["linkedinProfile"].pop("freshness")
                        plain["linkedinProfile"].pop("freshness")
                        plain["linkedinProfile"]["algorithmicMatches"] = graph["linkedinProfile"][
                            "algorithmicMatches"
                        ]
                        plain["linkedinProfile"]["manualMatch"] = graph["linkedinProfile"]["manualMatch"]
                        g, p = orjson.loads(orjson.dumps(graph)), orjson.loads(orjson.dumps(plain))
                        assert g == p, (candidate_id, _difference(g, p))
                floor_ms, floor_statements = await sql_floor_ms(database_path, endpoints["graphql"], ids[:50])
                print(
                    f"candidate tab: 1 candidate, 2 threads x {MESSAGES_PER_THREAD} InMails, 1 application, "
                    f"notes; {requests:,} requests per row over {len(ids)} candidates"
                )
                print(f"{'endpoint':>8} {'conc':>4} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'SQL/req':>7}")
                for concurrency in concurrencies:
                    figures = {
                        name: await measure(call, ids, requests, concurrency)
                        for name, call in endpoints.items()
                    }
                    for name, f in figures.items():
                        print(
                            f"{name:>8} {concurrency:>4} {f.rps:>8.0f} {f.percentile(0.5):>7.2f} "
                            f"{f.percentile(0.99):>7.2f} {f.statements / f.requests:>7.1f}"
                        )
                    ratio = figures["graphql"].rps / figures["plain"].rps
                    print(f"{'ratio':>8} {concurrency:>4} {ratio:>8.2f}  (GraphQL req/s / plain req/s)")
                    if concurrency == 1:
                        mean_ms = statistics.fmean(figures["graphql"].latencies_ms)
                        print(
                            f"{'floor':>8} {concurrency:>4} GraphQL {mean_ms:.2f} ms per request / "
                            f"raw-SQL floor {floor_ms:.3f} ms ({floor_statements:.0f} statements replayed "
                            f"on sqlite3) = "
                            f"{mean_ms / floor_ms:.0f}x"
                        )
                    tab_ms = 1000 * figures["graphql"].seconds * concurrency / figures["graphql"].requests
                    async with aiohttp.ClientSession() as http:
                        for name, (first_ms, again_ms) in (await authentication_ms(settings, http)).items():
                            print(
                                f"{'auth':>8} {concurrency:>4} {name}: a token's first request "
                                f"{first_ms * 1000:.0f} µs ({100 * first_ms / tab_ms:.1f} % of the tab "
                                f"request's {tab_ms:.2f} ms), its later ones {again_ms * 1000:.1f} µs"
                            )


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--sample", type=int, default=200, help="distinct candidates the requests cycle over")
    args = parser.parse_args()
    asyncio.run(run(args.candidates, args.messages, args.requests, args.concurrency, args.sample))


if __name__ == "__main__":
    main()

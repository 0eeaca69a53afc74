"""Enrichment latency over HTTP: `linkedinMembers` for 25, 100 and 1,000 members on a 100,000-candidate ATS.

    .venv/bin/python -m bench.enrichment                      # SQLite in a temporary file
    .venv/bin/python -m bench.enrichment --database-url postgresql+asyncpg://postgres@127.0.0.1/bench

The PostgreSQL database given is emptied of customers and their rows first (use a dedicated one). The
ATS is one customer's (`bench`, the sandbox's child app); a second customer holds the same members as
candidates of its own, so every lookup also has to keep to its customer. Everything runs on loopback:
the rscgraph app (a development server acting as the `bench` customer) and the LinkedIn sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import random
import shutil
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr

import models
from app.dev_tokens import dev_token
from app.migrations import upgrade_async
from app.secret_keys import build_secret_box
from app.settings import Settings
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from models.db import create_engine
from resolvers.viewer import Role

QUERY = """
query Members($urns: [String!], $urls: [String!]) {
  linkedinMembers(personUrns: $urns, profileUrls: $urls) {
    personUrn profileUrl inAts pastApplicant
    candidate { id firstName lastName email }
    applications { status lastActivityAt job { id title } }
  }
}
"""
SIZES = (25, 100, 1000)
JOBS = 200
CHUNK = 10_000
# Children first (SQLite deletes them one table at a time); the customers go last.
_TABLES = ("note", "application_stage", "application", "linkedin_identity", "candidate", "job", "customer")
CUSTOMER_KEY = "bench"
# The other customer's rows are numbered past the bench customer's (ids are unique across customers).
OTHER_OFFSET = 10_000_000


def _customer_row(key: str, client_id: str, secret_key: str, sandbox: SandboxConfig) -> dict[str, Any]:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    box = build_secret_box(Settings(secret_keys=SecretStr(secret_key)))
    return {
        "key": key,
        "name": key.title(),
        "linkedin_client_id": client_id,
        "linkedin_client_secret_encrypted": box.encrypt(sandbox.client_secret),
        "linkedin_org_urn": sandbox.org_urn,
        "linkedin_contract_urn": sandbox.contract_urn,
        "job_availability": "PRIVATE_TO_ATS_INTEGRATION",
        "legacy_webhook": False,
        "created_at": now,
        "updated_at": now,
    }


async def seed(database_url: str, candidates: int, rng: random.Random, secret_key: str) -> int:
    """Fill the bench customer's ATS with `candidates` linked candidates, JOBS jobs and applications for
    ~30 % of them; another customer gets the same members as candidates (its own ids, no applications)."""
    engine = create_engine(database_url)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    applications = 0
    sandbox = SandboxConfig()
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(sa.text(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in _TABLES:
                await connection.execute(sa.text(f"DELETE FROM {table}"))
        customer_table = models.Customer.__table__  # type: ignore[attr-defined]
        owners: list[int] = []
        for key, client_id in ((CUSTOMER_KEY, sandbox.client_id), ("other", "bench-other-app")):
            row = _customer_row(key, client_id, secret_key, sandbox)
            inserted = await connection.execute(
                sa.insert(customer_table).values(row).returning(customer_table.c.id)
            )
            owners.append(int(inserted.scalar_one()))
        customer_id, other_id = owners
        job_table = models.Job.__table__  # type: ignore[attr-defined]
        await connection.execute(
            sa.insert(job_table),
            [
                {
                    "customer_id": customer_id,
                    "id": j + 1,
                    "title": f"Job {j + 1}",
                    "description": "",
                    "state": "OPEN",
                    "availability": "PRIVATE_TO_ATS_INTEGRATION",
                    "created_at": now,
                    "updated_at": now,
                }
                for j in range(JOBS)
            ],
        )
        for start in range(0, candidates, CHUNK):
            ids = range(start + 1, min(start + CHUNK, candidates) + 1)
            for owner, offset in ((customer_id, 0), (other_id, OTHER_OFFSET)):
                await _candidates_with_identities(connection, owner, ids, offset, now)
            rows: list[dict[str, Any]] = []
            for i in ids:
                if rng.random() < 0.3:
                    for job_id in rng.sample(range(1, JOBS + 1), rng.randint(1, 3)):
                        at = now - timedelta(days=rng.randint(0, 700))
                        rows.append(
                            {
                                "customer_id": customer_id,
                                "candidate_id": i,
                                "job_id": job_id,
                                "status": "Applied",
                                "created_at": at,
                                "last_activity_at": at,
                            }
                        )
            applications += len(rows)
            await connection.execute(sa.insert(models.Application.__table__), rows)  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            for table in ("candidate", "job", "linkedin_identity", "application"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                await connection.execute(sa.text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
            await connection.execute(sa.text("ANALYZE"))
    await engine.dispose()
    return applications


async def _candidates_with_identities(
    connection: Any, customer_id: int, ids: range, offset: int, now: datetime
) -> None:
    """Candidates `ids` (numbered from `offset`) of one customer, each linked to member `i`."""
    await connection.execute(
        sa.insert(models.Candidate.__table__),  # type: ignore[attr-defined]
        [
            {
                "customer_id": customer_id,
                "id": offset + i,
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "email": f"c{i}@example.com",
                "source": "MANUAL",
                "do_not_contact": False,
                "created_at": now,
                "updated_at": now,
            }
            for i in ids
        ],
    )
    await connection.execute(
        sa.insert(models.LinkedInIdentity.__table__),  # type: ignore[attr-defined]
        [
            {
                "customer_id": customer_id,
                "id": offset + i,
                "candidate_id": offset + i,
                "person_urn": urn(i),
                "profile_url": profile_url(i),
                "match_source": "MANUAL",
                "matched_at": now,
            }
            for i in ids
        ],
    )


def urn(i: int) -> str:
    """The person URN of seeded candidate `i`."""
    return f"urn:li:person:bench{i}"


def profile_url(i: int) -> str:
    """The stored profile URL of seeded candidate `i`."""
    return f"https://www.linkedin.com/in/bench-member-{i}"


def _row_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def members(size: int, candidates: int, rng: random.Random) -> dict[str, list[str]]:
    """Half URNs, half URLs (in other spellings); about half of them in the ATS, like a search page."""

    def pick() -> int:
        # Ids past `candidates` are members the ATS does not know.
        return rng.randint(1, candidates * 2)

    urns = [urn(pick()) for _ in range(size // 2)]
    urls = [f"http://linkedin.com/in/bench-member-{pick()}/" for _ in range(size - size // 2)]
    return {"urns": urns, "urls": urls}


async def measure(
    served: tuple[str, str], size: int, rounds: int, candidates: int, rng: random.Random
) -> list[float]:
    """Milliseconds per request, sequential, after three warm-up requests."""
    timings: list[float] = []
    url, authorization = served
    async with aiohttp.ClientSession(headers={"Authorization": authorization}) as http:
        for attempt in range(3 + rounds):
            body = {"query": QUERY, "variables": members(size, candidates, rng)}
            started = time.perf_counter()
            async with http.post(f"{url}/graphql", json=body) as response:
                payload = await response.json()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status == 200, payload
            assert "errors" not in payload, payload
            answers = payload["data"]["linkedinMembers"]
            assert len(answers) == size
            # The other customer holds every member too: none of its candidates may show here.
            found = [int(_row_id(a["candidate"]["id"])) for a in answers if a["candidate"] is not None]
            assert found, "no member asked was found in the ATS"
            assert max(found) <= candidates, f"another customer's candidates answered: {found}"
            if attempt >= 3:
                timings.append(elapsed)
    return timings


async def run(database_url: str, candidates: int, rounds: int) -> None:
    """Seed, serve, measure, print one line per size."""
    rng = random.Random(20261125)
    secret_key = Fernet.generate_key().decode()
    await upgrade_async(database_url)
    started = time.perf_counter()
    applications = await seed(database_url, candidates, rng, secret_key)
    print(
        f"seeded {candidates:,} candidates, {applications:,} applications, {JOBS} jobs "
        f"in {time.perf_counter() - started:.1f} s ({database_url.split(':')[0]})"
    )
    sandbox_config = SandboxConfig()
    async with (
        serve_asgi(create_sandbox_app(sandbox_config)) as sandbox_url,
        serve_rscgraph(database_url, sandbox_url, secret_key) as served,
    ):
        floors = (
            await sql_floors_ms(database_url, sandbox_url, secret_key, candidates)
            if database_url.startswith("sqlite")
            else {}
        )
        print(
            f"{'members':>8} {'rounds':>6} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'max ms':>8} "
            f"{'floor ms':>8} {'mean/floor':>10}"
        )
        for size in SIZES:
            timings = sorted(await measure(served, size, rounds, candidates, rng))
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            mean = statistics.fmean(timings)
            floor = floors.get(size)
            shown = f"{floor:>8.2f} {mean / floor:>9.1f}x" if floor else f"{'-':>8} {'-':>10}"
            print(
                f"{size:>8} {rounds:>6} {statistics.median(timings):>8.1f} {p95:>8.1f} "
                f"{mean:>8.1f} {timings[-1]:>8.1f} {shown}"
            )


FLOOR_ROUNDS = 10


async def sql_floors_ms(
    database_url: str, sandbox_url: str, secret_key: str, candidates: int
) -> dict[int, float]:
    """The raw-SQL floor of each size: the statements one request runs (the app served in this process
    to record them), replayed on plain `sqlite3` over the same file; mean milliseconds per request."""
    from app.factory import create_app
    from bench.candidate_tab import StatementRecorder

    data_dir = Path(tempfile.mkdtemp(prefix="rscgraph-floor-"))
    settings = Settings(
        database_url=database_url,
        environment="development",
        data_dir=data_dir,
        rate_limit_per_minute=0,
        secret_keys=SecretStr(secret_key),
        linkedin_api_base_url=sandbox_url,
        linkedin_oauth_base_url=f"{sandbox_url}/oauth/v2",
    )
    token = dev_token(settings, user="recruiter@bench.test", role=Role.RECRUITER, customer=CUSTOMER_KEY)
    recorded: dict[int, list[tuple[str, Any]]] = {}
    rng = random.Random(7)
    try:
        async with (
            serve_asgi(create_app(settings)) as url,
            aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        ):
            for size in SIZES:
                body = {"query": QUERY, "variables": members(size, candidates, rng)}
                # The first request signs the viewer in (writes); the second is the one measured.
                for _ in range(2):
                    with StatementRecorder() as recorder:
                        async with http.post(f"{url}/graphql", json=body) as response:
                            assert response.status == 200, await response.text()
                recorded[size] = [
                    (sql, p) for sql, p in recorder.statements if sql.lstrip().upper().startswith("SELECT")
                ]
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    path = database_url.split("///", 1)[1]

    def replay() -> dict[int, float]:
        connection = sqlite3.connect(path)
        try:
            floors: dict[int, float] = {}
            for size, statements in recorded.items():
                started = time.perf_counter()
                for _ in range(FLOOR_ROUNDS):
                    for statement, parameters in statements:
                        connection.execute(statement, parameters).fetchall()
                floors[size] = (time.perf_counter() - started) * 1000 / FLOOR_ROUNDS
            return floors
        finally:
            connection.close()

    return await asyncio.to_thread(replay)


@contextlib.asynccontextmanager
async def serve_rscgraph(
    database_url: str, sandbox_url: str, secret_key: str
) -> AsyncIterator[tuple[str, str]]:
    """`rscgraph serve` in its own process (so the client's JSON work does not share its event loop),
    and the `Authorization` of a recruiter of the bench customer on a search page (a development token;
    the query reads candidates' emails, which the integration role may not)."""
    data_dir = Path(tempfile.mkdtemp(prefix="rscgraph-bench-"))
    authorization = "Bearer " + dev_token(
        Settings(data_dir=data_dir),
        user="recruiter@bench.test",
        role=Role.RECRUITER,
        customer=CUSTOMER_KEY,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "RSC_DATABASE_URL": database_url,
        "RSC_ENVIRONMENT": "development",
        "RSC_DATA_DIR": str(data_dir),
        # The bench measures the server, not the per-viewer rate limit.
        "RSC_RATE_LIMIT_PER_MINUTE": "0",
        "RSC_SECRET_KEYS": secret_key,
        "RSC_LINKEDIN_API_BASE_URL": sandbox_url,
        "RSC_LINKEDIN_OAUTH_BASE_URL": f"{sandbox_url}/oauth/v2",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):  # up to ~60 s for the server to start (a loaded machine)
                try:
                    async with http.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("rscgraph did not start")
        yield url, authorization
    finally:
        process.terminate()
        await process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(run(args.database_url, args.candidates, args.rounds))
        return
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(run(f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}", args.candidates, args.rounds))


if __name__ == "__main__":
    main()

"""Outbox throughput: records per second the worker pushes to the LinkedIn sandbox.

    .venv/bin/python -m bench.outbox --candidates 5000
    .venv/bin/python -m bench.outbox --candidates 5000 --notes 1 --applications 1 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench --reset

The sandbox runs in its own process (as LinkedIn would), on a loopback port, with the per-minute record
limit lifted so the figure is the worker's, not the quota's. Each candidate gets one outbox row; with
`--notes`/`--applications` each candidate also gets that many notes and applications (each with one
stage), which exercises the per-parent sub-collection calls. Every row is one customer's (the sandbox's
default child app); the worker is that customer's, as the server's outbox job builds it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr

from app.logging_setup import configure_logging
from app.migrations import upgrade
from app.secret_keys import build_secret_box
from app.services import build_services
from app.settings import Settings
from models import (
    Application,
    ApplicationStage,
    Candidate,
    Customer,
    Job,
    Note,
    OutboxEvent,
    OutboxOp,
    SyncEntity,
)
from models.db import create_engine, session_factory
from resolvers.sync.backfill import backfill, parse_span
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker

ROOT = Path(__file__).resolve().parent.parent
# The sandbox's default child app (linkedin/sandbox/config.py): the bench's one customer.
CLIENT_ID, CLIENT_SECRET = "rscgraph-demo", "demo-secret"
ORG_URN, CONTRACT_URN = "urn:li:organization:1001", "urn:li:contract:2001"


def _settings(url: str, port: int, secret_key: str) -> Settings:
    sandbox = f"http://127.0.0.1:{port}"
    return Settings(
        database_url=url,
        secret_keys=SecretStr(secret_key),
        linkedin_api_base_url=sandbox,
        linkedin_oauth_base_url=f"{sandbox}/oauth/v2",
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_sandbox(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SANDBOX_PER_MINUTE_RECORDS": str(10**9), "SANDBOX_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "linkedin.sandbox", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the sandbox did not start")


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        await connection.execute(sa.text("CREATE SCHEMA public"))
    await engine.dispose()


async def _seed(
    settings: Settings, candidates: int, notes: int, applications: int, *, outbox_rows: bool = True
) -> tuple[int, int]:
    """Insert the customer, its ATS rows and (unless the backfill is to enqueue them) their outbox rows
    in bulk; returns the customer's id and the number of outbox rows."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    outbox: list[dict[str, object]] = []
    async with sessions() as db:
        customer = Customer(
            key="bench",
            name="Bench Customer",
            linkedin_client_id=CLIENT_ID,
            linkedin_client_secret_encrypted=build_secret_box(settings).encrypt(CLIENT_SECRET),
            linkedin_org_urn=ORG_URN,
            linkedin_contract_urn=CONTRACT_URN,
        )
        db.add(customer)
        await db.flush()
        assert customer.id is not None
        c_id = customer.id
        jobs = [
            Job(customer_id=c_id, title=f"Job {n}", description="Bench job", location="Paris, FR")
            for n in range(applications)
        ]
        rows = [
            Candidate(
                customer_id=c_id,
                first_name="Bench",
                last_name=f"N{n}",
                email=f"bench{n}@example.com",
                phone="+33 1 00 00",
            )
            for n in range(candidates)
        ]
        db.add_all([*jobs, *rows])
        await db.flush()
        outbox += [{"entity_type": SyncEntity.CANDIDATE, "entity_id": c.id, "key": {}} for c in rows]
        note_rows = [
            Note(customer_id=c_id, candidate_id=c.id or 0, author="Ada Lovelace", body="bench")
            for c in rows
            for _ in range(notes)
        ]
        app_rows = [
            Application(customer_id=c_id, candidate_id=c.id or 0, job_id=j.id or 0)
            for c in rows
            for j in jobs
        ]
        db.add_all([*note_rows, *app_rows])
        await db.flush()
        stage_rows = [
            ApplicationStage(customer_id=c_id, application_id=a.id or 0, stage="Screen") for a in app_rows
        ]
        db.add_all(stage_rows)
        await db.flush()
        outbox += [
            {
                "entity_type": SyncEntity.CANDIDATE_NOTE,
                "entity_id": n.id,
                "key": {"candidate_id": n.candidate_id},
            }
            for n in note_rows
        ]
        outbox += [
            {
                "entity_type": SyncEntity.APPLICATION,
                "entity_id": a.id,
                "key": {"candidate_id": a.candidate_id},
            }
            for a in app_rows
        ]
        outbox += [
            {
                "entity_type": SyncEntity.APPLICATION_STAGE,
                "entity_id": s.id,
                "key": {"application_id": s.application_id},
            }
            for s in stage_rows
        ]
        if outbox_rows:
            db.add_all(
                [OutboxEvent(customer_id=c_id, op=OutboxOp.UPSERT, **row) for row in outbox]  # type: ignore[arg-type]
            )
        await db.commit()
    await engine.dispose()
    return c_id, len(outbox)


async def _backfill(url: str, customer_id: int) -> tuple[float, int]:
    engine = create_engine(url)
    started = time.perf_counter()
    counts = await backfill(session_factory(engine), customer_id, parse_span("2y"))
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed, sum(counts.values())


async def _drain(
    settings: Settings, customer_id: int, port: int, claim_limit: int
) -> tuple[float, Counter[str], int]:
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    async with aiohttp.ClientSession() as http:
        services = build_services(settings, sessions, http)
        tenant = await services.tenants.get(customer_id)
        worker = OutboxWorker(sessions, tenant, SyncConfig(claim_limit=claim_limit))
        started = time.perf_counter()
        report = await worker.run_until_idle()
        elapsed = time.perf_counter() - started
        async with http.get(f"http://127.0.0.1:{port}/_admin/summary") as response:
            calls = int((await response.json())["calls"])
        await services.aclose()
    await engine.dispose()
    return elapsed, Counter({k.value: v for k, v in report.outcomes.items()}), calls


def main() -> None:
    """Seed, drain, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--notes", type=int, default=0, help="notes per candidate")
    parser.add_argument(
        "--applications", type=int, default=0, help="applications (with a stage) per candidate"
    )
    parser.add_argument("--claim-limit", type=int, default=500)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the PostgreSQL schema first")
    parser.add_argument("--via-backfill", action="store_true", help="enqueue with `sync backfill`, timed too")
    args = parser.parse_args()
    # The client logs every LinkedIn call at DEBUG: only warnings (retries, failures) belong in a bench.
    configure_logging(json=False, level="WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        if args.reset:
            asyncio.run(_reset_postgres(url))
        upgrade(url)
        port = _free_port()
        settings = _settings(url, port, Fernet.generate_key().decode())
        customer_id, rows = asyncio.run(
            _seed(settings, args.candidates, args.notes, args.applications, outbox_rows=not args.via_backfill)
        )
        if args.via_backfill:
            took, rows = asyncio.run(_backfill(url, customer_id))
            print(f"backfill enqueued {rows} outbox rows in {took:.2f} s (INSERT ... SELECT)")
        sandbox = _start_sandbox(port)
        try:
            elapsed, outcomes, calls = asyncio.run(_drain(settings, customer_id, port, args.claim_limit))
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=10)
    backend = url.split(":", 1)[0]
    records = sum(outcomes.values())
    print(
        f"{backend}: {rows} outbox rows → {records} records ({dict(outcomes)}) in {elapsed:.2f} s "
        f"= {records / elapsed:,.0f} records/s over {calls} LinkedIn calls"
    )


if __name__ == "__main__":
    main()

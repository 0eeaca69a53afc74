"""Many customers on the scheduler: poll round, outbox throughput, calls against the budget, fairness.

    .venv/bin/python -m bench.customers                      # 1,000 customers × 10 seats
    .venv/bin/python -m bench.customers --customers 100      # a quick run

Child apps are provisioned through the sandbox's Provisioning API (one sandbox process, as LinkedIn
would be, each app with its own world of `--seats` seats); every customer gets `--outbox` candidates
waiting in its outbox; the first customer's LinkedIn answers 429 (Retry-After 1 h) to everything,
throughout. Two `rscgraph worker`-like processes (`build_jobs`, their scheduler reporting each unit it ran
to a file) share a scratch PostgreSQL database on TEST_DATABASE_URL's server. Measured in one run:

- poll round: from the workers' start until every healthy customer's every seat was polled once;
- outbox: healthy customers' records sent per second, until all were;
- calls per customer and day, projected from the calls the sandbox saw after the first round, ÷ the
  100,000-call daily budget (the healthiest worst case and the median), and the failing customer's;
- fairness: per customer, its units' worst wait past their due time; the slowest customer's ÷ the
  median's, in the first round (all due at once: the queue's order) and after it (steady state).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, TextIO

import aiohttp
import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine

from app.jobs import build_jobs
from app.logging_setup import configure_logging
from app.migrations import upgrade_async
from app.scheduler import POLL, Ran
from app.secret_keys import build_secret_box
from app.services import open_services
from app.settings import Settings
from bench.outbox import _free_port
from models import Candidate, Customer, OutboxEvent, OutboxOp, OutboxStatus, SyncEntity
from models.db import create_engine, session_factory
from models.scheduled_work import ScheduledWork
from resolvers.scheduling import DAILY_CALL_BUDGET

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = "rscgraph_bench_customers"
PARENT_ID, PARENT_SECRET = "rscgraph-parent", "parent-secret"


# --- a worker process --------------------------------------------------------------------------------


async def _worker(out: TextIO) -> None:
    settings = Settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with open_services(settings) as services:
        jobs = build_jobs(services, settings)
        jobs.scheduler.on_ran = lambda ran: _record(out, ran)
        jobs.start()
        await stop.wait()
        await jobs.stop()


def _record(out: TextIO, ran: Ran) -> None:
    line = {
        "customer": ran.key.customer_id,
        "kind": ran.key.kind,
        "seat": ran.key.seat_urn,
        "due": ran.due_at.timestamp(),
        "started": ran.started_at.timestamp(),
        "ok": ran.ok,
    }
    out.write(json.dumps(line) + "\n")
    out.flush()


# --- the run -----------------------------------------------------------------------------------------


def _server_and_scratch(base: str) -> tuple[str, str]:
    server, _, _ = base.rpartition("/")
    return f"{server}/postgres", f"{server}/{SCRATCH_DB}"


async def _fresh_database(admin_url: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(sa.text(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))
        await connection.execute(sa.text(f"CREATE DATABASE {SCRATCH_DB}"))
    await engine.dispose()


def _start_sandbox(port: int, seats: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SANDBOX_PER_MINUTE_RECORDS": str(10**9),
        "SANDBOX_SEAT_COUNT": str(seats),
        "SANDBOX_MEMBER_COUNT": "200",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "linkedin.sandbox", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _until_up(http: aiohttp.ClientSession, url: str) -> None:
    async with asyncio.timeout(30):
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{url}/_admin/summary") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.1)  # the sandbox process is still starting


async def _provision(http: aiohttp.ClientSession, url: str, count: int) -> list[dict[str, str]]:
    """`count` child apps over the Provisioning API (partner token), with their org and contract."""
    data = {"grant_type": "client_credentials", "client_id": PARENT_ID, "client_secret": PARENT_SECRET}
    async with http.post(f"{url}/oauth/v2/accessToken", data=data) as answer:
        token = (await answer.json())["access_token"]
    gate = asyncio.Semaphore(16)

    async def one(n: int) -> dict[str, str]:
        body = {"uniqueForeignId": f"bench-{n:05d}", "name": f"ATS - bench {n}"}
        async with (
            gate,
            http.post(
                f"{url}/v2/provisionedApplications", json=body, headers={"Authorization": f"Bearer {token}"}
            ) as answer,
        ):
            assert answer.status < 300, await answer.text()
            app = await answer.json()
        return {"n": str(n), **app["credentials"]}

    apps = await asyncio.gather(*(one(n) for n in range(count)))
    async with http.get(f"{url}/_admin/apps") as answer:
        known = {a.get("clientId"): a for a in await answer.json()}
    for app in apps:
        found = known[app["clientId"]]
        app["orgUrn"], app["contractUrn"] = found["orgUrn"], found["contractUrn"]
    return apps


async def _seed(settings: Settings, apps: list[dict[str, str]], outbox: int) -> dict[int, str]:
    """A customer per app, with `outbox` candidates waiting in its outbox; customer id -> client id."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    box = build_secret_box(settings)
    ids: dict[int, str] = {}
    async with sessions() as db:
        for app in apps:
            customer = Customer(
                key=f"bench{int(app['n']):05d}",
                name=f"Bench {app['n']}",
                linkedin_client_id=app["clientId"],
                linkedin_client_secret_encrypted=box.encrypt(app["clientSecret"]),
                linkedin_org_urn=app["orgUrn"],
                linkedin_contract_urn=app["contractUrn"],
            )
            db.add(customer)
            await db.flush()
            assert customer.id is not None
            ids[customer.id] = app["clientId"]
            rows = [
                Candidate(
                    customer_id=customer.id,
                    first_name="Bench",
                    last_name=f"N{i}",
                    email=f"c{customer.id}.{i}@example.com",
                )
                for i in range(outbox)
            ]
            db.add_all(rows)
            await db.flush()
            db.add_all(
                [
                    OutboxEvent(
                        customer_id=customer.id,
                        entity_type=SyncEntity.CANDIDATE,
                        entity_id=row.id or 0,
                        op=OutboxOp.UPSERT,
                    )
                    for row in rows
                ]
            )
        await db.commit()
    await engine.dispose()
    return ids


async def _progress(url: str, failing: int) -> tuple[int, int]:
    """Healthy customers' seats polled at least once, and their outbox rows sent."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            polled = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(ScheduledWork)
                .where(
                    sa.column("kind") == POLL,
                    sa.column("last_finished_at").is_not(None),
                    sa.column("customer_id") != failing,
                )
            )
            sent = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxEvent)
                .where(sa.column("status") == OutboxStatus.SENT.name, sa.column("customer_id") != failing)
            )
    finally:
        await engine.dispose()
    return int(polled or 0), int(sent or 0)


def _ratio(values: list[float]) -> tuple[float, float, float]:
    """(slowest, median, slowest ÷ median)."""
    if not values:
        return 0.0, 0.0, 0.0
    slowest, median = max(values), statistics.median(values)
    return slowest, median, (slowest / median if median > 0 else float("inf"))


def _env(settings: Settings) -> dict[str, str]:
    """The environment that makes a worker process read `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSC_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            env[f"RSC_{name.upper()}"] = str(text).lower() if isinstance(text, bool) else str(text)
    return env


Measured = tuple[dict[int, str], int, float, float | None, float, float, list[dict[str, Any]]]


async def _run(args: argparse.Namespace, tmp: str) -> Measured:
    base = args.database_url or os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        raise SystemExit("set TEST_DATABASE_URL (or --database-url) to a PostgreSQL server")
    admin_url, url = _server_and_scratch(base)
    await _fresh_database(admin_url)
    await upgrade_async(url)
    port = _free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=url,
        # The bench measures the server, not the per-viewer rate limit.
        rate_limit_per_minute=0,
        secret_keys=SecretStr(Fernet.generate_key().decode()),
        linkedin_api_base_url=sandbox_url,
        linkedin_oauth_base_url=f"{sandbox_url}/oauth/v2",
        poll_interval_s=args.poll_interval,
        poll_initial_lookback_days=1,
        outbox_interval_s=args.outbox_interval,
        export_interval_s=0,
        job_concurrency=args.concurrency,
        log_level="WARNING",
    )
    sandbox = _start_sandbox(port, args.seats)
    workers: list[asyncio.subprocess.Process] = []
    try:
        async with aiohttp.ClientSession() as http:
            await _until_up(http, sandbox_url)
            started = time.perf_counter()
            apps = await _provision(http, sandbox_url, args.customers)
            ids = await _seed(settings, apps, args.outbox)
            print(
                f"provisioned and seeded {len(ids)} customers × {args.seats} seats, {args.outbox} "
                f"outbox rows each, in {time.perf_counter() - started:.1f} s"
            )
            failing = min(ids)
            fault = {"endpoint": "*", "status": 429, "retry_after": 3600, "count": None}
            async with http.post(f"{sandbox_url}/_admin/faults?app={ids[failing]}", json=fault) as a:
                assert a.status < 300, await a.text()
            async with http.delete(f"{sandbox_url}/_admin/calls"):
                pass
            t0 = time.time()
            for n in range(args.workers):
                out = f"{tmp}/ran-{n}.jsonl"
                command = [sys.executable, "-m", "bench.customers", "--worker", out]
                worker = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=_env(settings))
                workers.append(worker)
            healthy = len(ids) - 1
            round_s = outbox_s = None
            deadline = t0 + args.timeout
            while time.time() < deadline:
                polled, sent = await _progress(url, failing)
                now = time.time() - t0
                if round_s is None and polled >= healthy * args.seats:
                    round_s = now
                if outbox_s is None and sent >= healthy * args.outbox:
                    outbox_s = now
                if round_s is not None and outbox_s is not None:
                    break
                await asyncio.sleep(0.25)  # polling the database for progress; bounded by the deadline
            if round_s is None:
                raise SystemExit(f"the first round did not end within {args.timeout} s")
            steady_from = time.time()
            # The steady state: long enough for every seat to be due again at least twice.
            await asyncio.sleep(args.steady)
            steady_s = time.time() - steady_from
            async with http.get(f"{sandbox_url}/_admin/calls") as answer:
                calls = await answer.json()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                await asyncio.wait_for(worker.wait(), 60)
            except TimeoutError:
                worker.kill()
        sandbox.terminate()
        await asyncio.to_thread(sandbox.wait, 10)
    return ids, failing, round_s, outbox_s, steady_from, steady_s, calls


def _report(
    args: argparse.Namespace,
    ids: dict[int, str],
    failing: int,
    round_s: float,
    outbox_s: float | None,
    steady_from: float,
    steady_s: float,
    calls: list[dict[str, Any]],
    runs: list[dict[str, Any]],
) -> None:
    healthy = len(ids) - 1
    seats = args.seats
    print(f"poll round of {healthy} healthy customers × {seats} seats: {round_s:.1f} s")
    if outbox_s is not None:
        rows = healthy * args.outbox
        print(
            f"outbox: {rows} records in {outbox_s:.1f} s = {rows / outbox_s:,.0f} records/s (beside polling)"
        )
    else:
        print("outbox: not all sent before the timeout")
    # Calls after the first round, per app, projected to a day (the sandbox's log has no timestamps: the
    # log was read at the end, so its calls made after the round are the steady state's).
    by_app = Counter(c.get("app") for c in calls)
    steady_calls: Counter[str] = Counter()
    first: dict[tuple[int, str], float] = {}
    for run in sorted(runs, key=lambda r: r["started"]):
        first.setdefault((run["customer"], run["seat"]), run["started"])
    per_customer_runs: dict[int, int] = Counter(
        r["customer"] for r in runs if r["kind"] == POLL and r["started"] >= steady_from
    )
    # Each steady poll of a seat costs one call per stream (one window each): 3 calls.
    for customer, count in per_customer_runs.items():
        steady_calls[ids[customer]] = 3 * count
    projected = [steady_calls[ids[c]] / steady_s * 86_400 / DAILY_CALL_BUDGET for c in ids if c != failing]
    worst, median, _ = _ratio(projected)
    interval = Settings(poll_interval_s=args.poll_interval).poll_interval_s
    print(
        f"calls per customer per day (steady, projected over {steady_s:.0f} s) ÷ budget: worst "
        f"{worst:.2f}, median {median:.2f} (poll interval asked {interval:g} s; all calls seen: "
        f"{sum(by_app.values())}, the failing customer's {by_app.get(ids[failing], 0)})"
    )
    waits: dict[str, dict[int, float]] = {"first round": defaultdict(float), "steady": defaultdict(float)}
    for run in runs:
        if run["customer"] == failing or not run["ok"]:
            continue
        phase = "steady" if run["started"] >= steady_from else "first round"
        wait = max(0.0, run["started"] - run["due"])
        waits[phase][run["customer"]] = max(waits[phase][run["customer"]], wait)
    for phase, per_customer in waits.items():
        slowest, median, ratio = _ratio(list(per_customer.values()))
        print(
            f"fairness ({phase}): slowest customer's wait past due {slowest:.2f} s ÷ median's {median:.2f} s "
            f"= {ratio:.2f} over {len(per_customer)} customers"
        )
    failed = [r for r in runs if r["customer"] == failing]
    print(f"the failing customer's units ran {len(failed)} times, {sum(not r['ok'] for r in failed)} failed")


def main() -> None:
    """Provision, seed, run two workers, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--outbox", type=int, default=5, help="outbox rows per customer")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="RSC_JOB_CONCURRENCY of each worker")
    parser.add_argument("--poll-interval", type=float, default=1.0, help="asked; the budget paces slower")
    parser.add_argument("--outbox-interval", type=float, default=5.0)
    parser.add_argument("--steady", type=float, default=90.0, help="seconds measured after the first round")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--database-url", default=None, help="default: TEST_DATABASE_URL's server")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure_logging(json=False, level="WARNING")
    if args.worker is not None:
        with open(args.worker, "w") as out:
            asyncio.run(_worker(out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        ids, failing, round_s, outbox_s, steady_from, steady_s, calls = asyncio.run(_run(args, tmp))
        runs: list[dict[str, Any]] = []
        for n in range(args.workers):
            with open(f"{tmp}/ran-{n}.jsonl") as lines:
                runs += [json.loads(line) for line in lines]
    _report(args, ids, failing, round_s, outbox_s, steady_from, steady_s, calls, runs)


if __name__ == "__main__":
    main()

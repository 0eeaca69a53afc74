"""Requests per server CPU-second for 1 and 2 `rscgraph serve` processes on PostgreSQL, and their ratio.

    .venv/bin/python -m bench.processes                       # TEST_DATABASE_URL's server
    .venv/bin/python -m bench.processes --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/x
    .venv/bin/python -m bench.processes --candidates 2000 --requests 1000 --concurrency 8
    .venv/bin/python -m bench.processes --redis-url redis://127.0.0.1:6379/0   # and with Redis

On the PostgreSQL server of the URL given (its database is left alone) the bench creates a scratch
database, `rscgraph_bench_processes`, migrates it and seeds bench/candidate_tab.py's world (one customer,
its candidates, applications, notes, snapshots and InMail threads), then drops it at the end. Skips, with
the reason, when no PostgreSQL is configured or reachable.

Each round starts its `rscgraph serve` processes as subprocesses on loopback ports (development tokens of
a shared RSC_DATA_DIR, the LinkedIn sandbox in this process for the tab's live matches), warms each one's
live-match cache over every sampled candidate, then sends a fixed number of candidate-tab requests from
an aiohttp client spread round-robin over the processes. Each server process's CPU time (utime + stime of
/proc/<pid>/stat) is read before and after: requests ÷ the processes' CPU-seconds is what one request
costs the servers, whatever the clients (which share the machine's cores) take. The goal of issue 12: two
processes' requests per CPU-second ≥ 0.9 × one process's (no cost per request from running several).

With --redis-url, the 1- and 2-process rounds run again with RSC_REDIS_URL set (the live-match cache
shared between the processes; the customer's keys dropped before each round), and each configuration's
ratio is printed, as well as the Redis rounds' cost beside the rounds without.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from strawberry import relay

from app.dev_tokens import dev_token
from app.first_customer import first_customer_values
from app.match_stores import PREFIX as LIVE_MATCH_PREFIX
from app.migrations import upgrade_async
from app.settings import Settings
from bench.candidate_tab import CUSTOMER_ID, TAB_QUERY, seed
from bench.options import add_world_options, bench_parser, run_on_postgres
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from resolvers.viewer import Role

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DB = "rscgraph_bench_processes"
RSCGRAPH = Path(sys.executable).with_name("rscgraph")
READY_TIMEOUT_S = 60.0


# --- the PostgreSQL world ----------------------------------------------------------------------------


def scratch_url(base: str, database: str) -> str:
    """`base` with its database replaced by `database` (same server, user and driver)."""
    return make_url(base).set(database=database).render_as_string(hide_password=False)


async def recreate_database(base: str, database: str, *, create: bool = True) -> None:
    """Drop `database` on `base`'s server (forcing its connections off), and create it afresh."""
    engine = create_async_engine(scratch_url(base, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            if create:
                await connection.execute(sa.text(f"CREATE DATABASE {database}"))
    finally:
        await engine.dispose()


async def seed_world(settings: Settings, candidates: int, messages: int) -> int:
    """Migrate `settings`' database and seed bench/candidate_tab.py's world into it; returns how many
    candidates have InMail threads (they are ids 1..that)."""
    await upgrade_async(settings.database_url)
    with_threads = await seed(settings, candidates, messages)
    # The seed names some ids itself (the customer, its users); move every sequence past the rows so a
    # row the server adds (the bench viewer's user on first sign-in) takes a free id.
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.begin() as connection:
            tables = await connection.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND column_name = 'id' "
                    "AND pg_get_serial_sequence(quote_ident(table_name), 'id') IS NOT NULL"
                )
            )
            for (table,) in tables.all():
                await connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)'
                    )
                )
    finally:
        await engine.dispose()
    # Statistics now, not when autovacuum gets round to it: fresh tables without them plan badly.
    engine = create_async_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("ANALYZE"))
    finally:
        await engine.dispose()
    return with_threads


def bench_settings(database_url: str, data_dir: Path, sandbox_url: str, sandbox: SandboxConfig) -> Settings:
    """A development server's settings over `database_url`, signed in with development tokens of
    `data_dir`'s key, reaching the sandbox at `sandbox_url`."""
    return Settings(
        database_url=database_url,
        # The bench measures the server, not the per-viewer rate limit.
        rate_limit_per_minute=0,
        environment="development",
        data_dir=data_dir,
        secret_keys=SecretStr(Fernet.generate_key().decode()),
        linkedin_api_base_url=sandbox_url,
        linkedin_oauth_base_url=f"{sandbox_url}/oauth/v2",
        linkedin_client_id=sandbox.client_id,
        linkedin_client_secret=sandbox.client_secret,
        linkedin_org_urn=sandbox.org_urn,
        linkedin_contract_urn=sandbox.contract_urn,
        # Warmed once per process, the live matches stay cached through the round.
        live_match_cache_s=3600,
    )


def server_environment(settings: Settings) -> dict[str, str]:
    """The environment of an `rscgraph serve` process with `settings` (RSC_ variables)."""
    secret = settings.secret_keys.get_secret_value() if settings.secret_keys else ""
    values = {
        "RSC_DATABASE_URL": settings.database_url,
        "RSC_ENVIRONMENT": settings.environment,
        "RSC_DATA_DIR": str(settings.data_dir),
        "RSC_SECRET_KEYS": secret,
        "RSC_RATE_LIMIT_PER_MINUTE": str(settings.rate_limit_per_minute),
        "RSC_LINKEDIN_API_BASE_URL": settings.linkedin_api_base_url,
        "RSC_LINKEDIN_OAUTH_BASE_URL": settings.linkedin_oauth_base_url,
        "RSC_LINKEDIN_CLIENT_ID": settings.linkedin_client_id,
        "RSC_LINKEDIN_CLIENT_SECRET": settings.linkedin_client_secret.get_secret_value(),
        "RSC_LINKEDIN_ORG_URN": settings.linkedin_org_urn,
        "RSC_LINKEDIN_CONTRACT_URN": settings.linkedin_contract_urn,
        "RSC_LIVE_MATCH_CACHE_S": str(settings.live_match_cache_s),
        **({"RSC_REDIS_URL": settings.redis_url} if settings.redis_url else {}),
        "RSC_RUN_JOBS": "false",
        "RSC_ACCESS_LOG": "false",
        "RSC_LOG_LEVEL": "WARNING",
    }
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("RSC_")}
    return {**inherited, **values}


# --- server processes --------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def until_ready(http: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]) -> None:
    """Wait (bounded) until the server at `url` answers /healthz; fail if its process ends first."""
    async with asyncio.timeout(READY_TIMEOUT_S):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server process for {url} exited with {process.returncode}")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{url}/healthz") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.2)  # the process is still importing and starting


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this bench started: SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_server(environment: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`rscgraph serve` on loopback `port`; its output goes to `log` (read if it fails to start)."""
    command = [str(RSCGRAPH), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)


@contextlib.asynccontextmanager
async def rscgraph_servers(settings: Settings, count: int) -> AsyncIterator[list[tuple[str, int]]]:
    """`count` `rscgraph serve` processes on loopback ports; yields (base URL, pid) of each."""
    environment = server_environment(settings)
    processes: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for _ in range(count):
            port = free_port()
            log = settings.data_dir.parent / f"serve-{port}.log"
            processes.append((f"http://127.0.0.1:{port}", start_server(environment, port, log)))
        async with aiohttp.ClientSession() as http:
            for url, process in processes:
                try:
                    await until_ready(http, url, process)
                except (RuntimeError, TimeoutError):
                    stop(process)
                    log = settings.data_dir.parent / f"serve-{url.rsplit(':', 1)[1]}.log"
                    error = log.read_text(errors="replace")
                    raise RuntimeError(f"rscgraph serve did not start at {url}:\n{error[-2000:]}") from None
        yield [(url, process.pid) for url, process in processes]
    finally:
        for _, process in processes:
            stop(process)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process `pid` has used, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the ")" closing the command name: state is field 3, utime 14 and stime 15 (1-based).
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


# --- the load ----------------------------------------------------------------------------------------


def tab_request(candidate_id: int) -> dict[str, object]:
    """The full candidate-tab query of bench/candidate_tab.py for one candidate."""
    return {"query": TAB_QUERY, "variables": {"id": str(relay.GlobalID("Candidate", str(candidate_id)))}}


async def post_graphql(
    http: aiohttp.ClientSession, url: str, body: dict[str, object], headers: dict[str, str]
) -> dict[str, object]:
    """POST one GraphQL request; fail on an HTTP error or a GraphQL error."""
    async with http.post(f"{url}/graphql", json=body, headers=headers) as response:
        answer: dict[str, object] = await response.json(content_type=None)
    if response.status != 200 or answer.get("errors"):
        raise RuntimeError(f"{url}: HTTP {response.status}: {str(answer)[:500]}")
    return answer


async def load(
    urls: list[str], headers: dict[str, str], ids: list[int], requests: int, concurrency: int
) -> float:
    """`requests` tab requests from `concurrency` sequential workers, sent round-robin over `urls`;
    returns the wall-clock seconds they took."""
    work: Iterator[tuple[int, str]] = zip(
        (ids[i % len(ids)] for i in range(requests)), itertools.cycle(urls), strict=False
    )
    connector = aiohttp.TCPConnector(limit=concurrency * len(urls))
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            for candidate_id, url in work:
                await post_graphql(http, url, tab_request(candidate_id), headers)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class Round:
    """One round's measurement: `processes` servers, `requests` tab requests."""

    processes: int
    requests: int
    seconds: float
    cpu_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def per_cpu_second(self) -> float:
        return self.requests / self.cpu_s


async def measure_round(
    settings: Settings, processes: int, ids: list[int], requests: int, concurrency: int
) -> Round:
    """Start `processes` servers, warm each one over `ids`, then load them and read their CPU time."""
    if settings.redis_url is not None:
        await drop_live_matches(settings.redis_url)
    customer = first_customer_values(settings).key
    token = dev_token(settings, user="bench@bench.test", role=Role.RECRUITER, customer=customer)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with rscgraph_servers(settings, processes) as servers:
            urls = [url for url, _ in servers]
            async with aiohttp.ClientSession() as http:
                # Each process has its own connection pool (and, without Redis, its own live-match
                # cache): fill them before measuring.
                for url in urls:
                    for candidate_id in ids:
                        await post_graphql(http, url, tab_request(candidate_id), headers)
            before = sum(cpu_seconds(pid) for _, pid in servers)
            seconds = await load(urls, headers, ids, requests, concurrency)
            cpu = sum(cpu_seconds(pid) for _, pid in servers) - before
    finally:
        if settings.redis_url is not None:
            await drop_live_matches(settings.redis_url)  # the bench's answers expire only in an hour
    return Round(processes=processes, requests=requests, seconds=seconds, cpu_s=cpu)


async def drop_live_matches(redis_url: str) -> None:
    """Delete the bench customer's shared live matches, so each round's warm-up fills the cache anew."""
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{LIVE_MATCH_PREFIX}:{{{CUSTOMER_ID}}}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def run(
    base: str,
    candidates: int,
    messages: int,
    requests: int,
    concurrency: int,
    sample: int,
    redis_url: str | None = None,
) -> None:
    """Seed the scratch database, measure 1 then 2 processes (without, then with Redis when given),
    print the table, drop the database."""
    database_url = scratch_url(base, SCRATCH_DB)
    await recreate_database(base, SCRATCH_DB)
    try:
        with tempfile.TemporaryDirectory() as directory:
            sandbox = SandboxConfig()
            async with serve_asgi(create_sandbox_app(sandbox)) as sandbox_url:
                settings = bench_settings(database_url, Path(directory) / "data", sandbox_url, sandbox)
                started = time.perf_counter()
                with_threads = await seed_world(settings, candidates, messages)
                print(
                    f"seeded {candidates:,} candidates ({with_threads:,} with 2 InMail threads) in "
                    f"{time.perf_counter() - started:.1f} s on PostgreSQL ({SCRATCH_DB})"
                )
                ids = random.Random(20261201).sample(range(1, with_threads + 1), min(sample, with_threads))
                print(
                    f"candidate tab, {requests:,} requests over {len(ids)} candidates, {concurrency} "
                    f"concurrent clients; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
                )
                print(
                    f"{'redis':>5} {'processes':>9} {'req/s':>8} {'server CPU-s':>12} {'req per CPU-s':>13}"
                )
                configurations = [None] if redis_url is None else [None, redis_url]
                pairs: list[tuple[Round, Round]] = []
                for redis in configurations:
                    configured = settings.model_copy(update={"redis_url": redis})
                    rounds = []
                    for processes in (1, 2):
                        r = await measure_round(configured, processes, ids, requests, concurrency)
                        rounds.append(r)
                        print(
                            f"{'yes' if redis else 'no':>5} {r.processes:>9} {r.rps:>8.0f} {r.cpu_s:>12.2f} "
                            f"{r.per_cpu_second:>13.0f}"
                        )
                    pairs.append((rounds[0], rounds[1]))
                for redis, (one, two) in zip(configurations, pairs, strict=True):
                    print(
                        f"ratio{' with Redis' if redis else ''}: 2 processes' requests per CPU-second / "
                        f"1 process's = {two.per_cpu_second / one.per_cpu_second:.2f} (goal >= 0.9); "
                        f"req/s {two.rps / one.rps:.2f}x"
                    )
                if len(pairs) == 2:
                    (one, two), (one_r, two_r) = pairs
                    print(
                        f"Redis / no Redis, requests per CPU-second: 1 process "
                        f"{one_r.per_cpu_second / one.per_cpu_second:.2f}, 2 processes "
                        f"{two_r.per_cpu_second / two.per_cpu_second:.2f}"
                    )
    finally:
        await recreate_database(base, SCRATCH_DB, create=False)


def main() -> None:
    """Parse arguments and run the benchmark (exit 0 with a message when PostgreSQL is absent)."""
    parser = bench_parser(__doc__)
    add_world_options(parser, requests=2_000)
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients in all")
    parser.add_argument(
        "--redis-url",
        default=None,
        help="also measure with RSC_REDIS_URL set to this (the shared live-match cache), e.g. "
        "redis://127.0.0.1:6379/0",
    )
    args = parser.parse_args()
    run_on_postgres(
        "bench.processes",
        args.database_url,
        lambda base: run(
            base,
            args.candidates,
            args.messages,
            args.requests,
            args.concurrency,
            args.sample,
            args.redis_url,
        ),
    )


if __name__ == "__main__":
    main()

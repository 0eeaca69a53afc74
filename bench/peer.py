"""rscgraph beside PostGraphile 4 (the peer) over one PostgreSQL database: same rows, req/s ratios.

    .venv/bin/python -m bench.peer                            # TEST_DATABASE_URL's server
    .venv/bin/python -m bench.peer --candidates 2000 --messages 0 --requests 300 --urn-requests 20

The peer is what a team might pick instead of writing a GraphQL server: PostGraphile 4 generates a GraphQL
API from the PostgreSQL schema and compiles each selection into one SQL statement. The bench installs it
from npm into bench/.peer/ (git-ignored) unless it is there already, and exits non-zero with the reason
when npm or the install fails.

On the server of the PostgreSQL URL given (its database is left alone) the bench creates the scratch
database `rscgraph_bench_peer`, migrates it, seeds bench/candidate_tab.py's world (one customer), and
drops it at the end. It serves the database with one `rscgraph serve` process (signed in as a recruiter
of that customer with a development token) and with PostGraphile (one Node process, the
connection-filter plugin for the URN list's `in`). A relation the peer's queries follow that has no
foreign key in the schema is declared in bench/.peer/postgraphile.tags.json5 (a smart-tags file, not in
the schema); the file lists which, none when the schema's own keys cover them all.

Checked first, field by field: both return the same rows for the candidate tab's ATS part (candidate,
applications, their jobs and stages; `linkedinProfile` and the mirror left out: pure ATS data) and for
1,000 person URNs → candidates with applications (rscgraph's `linkedinMembers`). Then the same aiohttp
client sends each a fixed number of requests of each kind, at 1 and 8 concurrent clients; printed:
req/s of both and rscgraph ÷ PostGraphile, and `{ __typename }` ÷ PostGraphile's `{ __typename }` (the
per-request floor of each stack).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from strawberry import relay

from app.dev_tokens import dev_token
from app.first_customer import first_customer_values
from bench.candidate_tab import CUSTOMER_ID, _difference, member
from bench.options import add_world_options, bench_parser, run_on_postgres
from bench.processes import (
    READY_TIMEOUT_S,
    bench_settings,
    free_port,
    recreate_database,
    rscgraph_servers,
    scratch_url,
    seed_world,
    stop,
)
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from resolvers.viewer import Role

PEER_DIR = Path(__file__).resolve().parent / ".peer"
SCRATCH_DB = "rscgraph_bench_peer"
PACKAGES = ("postgraphile@4", "postgraphile-plugin-connection-filter@2")
FILTER_PLUGIN = "postgraphile-plugin-connection-filter"
URNS = 1_000
URN_SETS = 5

RSCGRAPH_TAB = """
query TabAts($id: ID!) {
  candidate(id: $id) {
    id firstName lastName email phone title company mailingCity source createdAt updatedAt
    applications { id status lastActivityAt job { id title } stages { stage at actor } }
  }
}
"""
PEER_TAB = """
query TabAts($customerId: Int!, $id: Int!) {
  candidateByCustomerIdAndId(customerId: $customerId, id: $id) {
    id firstName lastName email phone title company mailingCity source createdAt updatedAt
    applicationsByCustomerIdAndCandidateId(orderBy: [CREATED_AT_ASC, ID_ASC]) {
      nodes {
        id status lastActivityAt
        jobByCustomerIdAndJobId { id title }
        applicationStagesByCustomerIdAndApplicationId(orderBy: [AT_ASC, ID_ASC]) {
          nodes { stage at actor }
        }
      }
    }
  }
}
"""
RSCGRAPH_URNS = """
query Members($urns: [String!]) {
  linkedinMembers(personUrns: $urns) {
    personUrn
    candidate { id firstName lastName email }
    applications { status lastActivityAt job { id title } }
  }
}
"""
PEER_URNS = """
query Members($customerId: Int!, $urns: [String!]) {
  allLinkedinIdentities(condition: { customerId: $customerId }, filter: { personUrn: { in: $urns } }) {
    nodes {
      personUrn
      candidateByCustomerIdAndCandidateId {
        id firstName lastName email
        applicationsByCustomerIdAndCandidateId(orderBy: [CREATED_AT_ASC, ID_ASC]) {
          nodes { status lastActivityAt jobByCustomerIdAndJobId { id title } }
        }
      }
    }
  }
}
"""
TYPENAME = "{ __typename }"
# The relations the peer's queries follow: (table, columns) -> (table, columns). The schema's tenant
# keys carry the customer, so PostGraphile's field names (`…ByCustomerIdAndCandidateId`) name both.
RELATIONS = (
    ("application", ("customer_id", "candidate_id"), "candidate", ("customer_id", "id")),
    ("application", ("customer_id", "job_id"), "job", ("customer_id", "id")),
    ("application_stage", ("customer_id", "application_id"), "application", ("customer_id", "id")),
    ("linkedin_identity", ("customer_id", "candidate_id"), "candidate", ("customer_id", "id")),
)


class PeerUnavailable(Exception):
    """PostGraphile cannot be installed or started here; the message says why."""


# --- PostGraphile ------------------------------------------------------------------------------------


def install_peer(folder: Path) -> Path:
    """PostGraphile 4's command-line script under `folder`, installed from npm if it is not there."""
    cli = folder / "node_modules" / "postgraphile" / "cli.js"
    plugin = folder / "node_modules" / FILTER_PLUGIN / "package.json"
    if cli.exists() and plugin.exists():
        return cli
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        raise PeerUnavailable("npm and node are needed to install PostGraphile 4 (not on PATH)")
    folder.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done = subprocess.run([*command, *PACKAGES], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise PeerUnavailable("npm install of PostGraphile 4 took over 10 minutes") from None
    if done.returncode != 0 or not cli.exists():
        raise PeerUnavailable(f"npm install {' '.join(PACKAGES)} failed:\n{done.stderr[-2000:]}")
    return cli


async def missing_foreign_keys(database_url: str) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """The RELATIONS no foreign key of the schema declares (PostGraphile follows keys only)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.text(
                    "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, "
                    "ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
                    "      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), "
                    "ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
                    "      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) "
                    "FROM pg_constraint c WHERE c.contype = 'f'"
                )
            )
            declared = {(t, tuple(cols), r, tuple(refs)) for t, r, cols, refs in rows.all()}
    finally:
        await engine.dispose()
    return [(t, cols, r, refs) for t, cols, r, refs in RELATIONS if (t, cols, r, refs) not in declared]


def write_tags(folder: Path, missing: list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]) -> Path:
    """bench/.peer/postgraphile.tags.json5: `@foreignKey` smart tags for the relations the schema lacks
    (PostGraphile reads the file from its working directory)."""
    classes: dict[str, dict[str, dict[str, list[str]]]] = {}
    for table, columns, target, targets in missing:
        keys = classes.setdefault(table, {"tags": {"foreignKey": []}})["tags"]["foreignKey"]
        keys.append(f"({', '.join(columns)}) references {target} ({', '.join(targets)})")
    path = folder / "postgraphile.tags.json5"
    # JSON is JSON5; the comment says where the file comes from.
    text = "// Written by bench/peer.py: foreign keys the schema lacks, for PostGraphile only.\n"
    path.write_text(text + json.dumps({"version": 1, "config": {"class": classes}}, indent=2) + "\n")
    return path


def start_peer(cli: Path, database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """PostGraphile over `database_url` on loopback `port`, run in its folder (for the tags file)."""
    node = shutil.which("node") or "node"
    connection = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    command = [
        node,
        str(cli),
        "--connection",
        connection,
        "--schema",
        "public",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--append-plugins",
        FILTER_PLUGIN,
        "--disable-query-log",
    ]
    env = {**os.environ, "NODE_ENV": "production"}
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=cli.parent.parent.parent, env=env, stdout=out, stderr=out)


def tail(log: Path) -> str:
    """The end of a process's output file."""
    return log.read_text(errors="replace")[-2000:]


@contextlib.asynccontextmanager
async def peer_server(cli: Path, database_url: str, log: Path) -> AsyncIterator[str]:
    """PostGraphile running (bounded wait until it answers `{ __typename }`); yields its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_peer(cli, database_url, port, log)
    try:
        async with aiohttp.ClientSession() as http, asyncio.timeout(READY_TIMEOUT_S):
            while True:
                if process.poll() is not None:
                    raise PeerUnavailable(f"PostGraphile exited:\n{tail(log)}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.post(f"{url}/graphql", json={"query": TYPENAME}) as answer:
                        if answer.status == 200:
                            break
                await asyncio.sleep(0.2)  # Node is still introspecting the schema
        yield url
    finally:
        stop(process)


# --- the same rows -----------------------------------------------------------------------------------


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _row_id(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


def rscgraph_tab_rows(data: dict[str, Any]) -> dict[str, Any]:
    """rscgraph's tab answer as plain rows (row ids, timestamps parsed)."""
    c = data["candidate"]
    return {
        **{k: c[k] for k in ("firstName", "lastName", "email", "phone", "title", "company", "mailingCity")},
        "id": _row_id(c["id"]),
        "source": c["source"],
        "createdAt": _at(c["createdAt"]),
        "updatedAt": _at(c["updatedAt"]),
        "applications": [
            {
                "id": _row_id(a["id"]),
                "status": a["status"],
                "lastActivityAt": _at(a["lastActivityAt"]),
                "job": {"id": _row_id(a["job"]["id"]), "title": a["job"]["title"]},
                "stages": [{**s, "at": _at(s["at"])} for s in a["stages"]],
            }
            for a in c["applications"]
        ],
    }


def peer_tab_rows(data: dict[str, Any]) -> dict[str, Any]:
    """PostGraphile's tab answer as the same plain rows."""
    c = data["candidateByCustomerIdAndId"]
    return {
        **{k: c[k] for k in ("id", "firstName", "lastName", "email", "phone", "title", "company")},
        "mailingCity": c["mailingCity"],
        "source": c["source"],
        "createdAt": _at(c["createdAt"]),
        "updatedAt": _at(c["updatedAt"]),
        "applications": [
            {
                "id": a["id"],
                "status": a["status"],
                "lastActivityAt": _at(a["lastActivityAt"]),
                "job": a["jobByCustomerIdAndJobId"],
                "stages": [
                    {**s, "at": _at(s["at"])}
                    for s in a["applicationStagesByCustomerIdAndApplicationId"]["nodes"]
                ],
            }
            for a in c["applicationsByCustomerIdAndCandidateId"]["nodes"]
        ],
    }


def rscgraph_member_rows(data: dict[str, Any]) -> dict[str, Any]:
    """rscgraph's members by URN: URN -> candidate with applications (rows)."""
    out: dict[str, Any] = {}
    for m in data["linkedinMembers"]:
        c = m["candidate"]
        out[m["personUrn"]] = {
            **{k: c[k] for k in ("firstName", "lastName", "email")},
            "id": _row_id(c["id"]),
            "applications": sorted(
                (
                    {
                        "status": a["status"],
                        "lastActivityAt": _at(a["lastActivityAt"]),
                        "job": {"id": _row_id(a["job"]["id"]), "title": a["job"]["title"]},
                    }
                    for a in m["applications"]
                ),
                key=lambda a: (a["job"]["id"], a["status"]),
            ),
        }
    return out


def peer_member_rows(data: dict[str, Any]) -> dict[str, Any]:
    """PostGraphile's identities by URN as the same rows."""
    out: dict[str, Any] = {}
    for node in data["allLinkedinIdentities"]["nodes"]:
        c = node["candidateByCustomerIdAndCandidateId"]
        out[node["personUrn"]] = {
            **{k: c[k] for k in ("id", "firstName", "lastName", "email")},
            "applications": sorted(
                (
                    {
                        "status": a["status"],
                        "lastActivityAt": _at(a["lastActivityAt"]),
                        "job": a["jobByCustomerIdAndJobId"],
                    }
                    for a in c["applicationsByCustomerIdAndCandidateId"]["nodes"]
                ),
                key=lambda a: (a["job"]["id"], a["status"]),
            ),
        }
    return out


# --- the load ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Server:
    """One GraphQL server and how to ask it each kind of request."""

    name: str
    url: str
    headers: dict[str, str]
    tab: Callable[[int], dict[str, Any]]
    urns: Callable[[list[str]], dict[str, Any]]


async def ask(http: aiohttp.ClientSession, server: Server, body: dict[str, Any]) -> dict[str, Any]:
    """One request; its `data`, or an error naming the server."""
    async with http.post(f"{server.url}/graphql", json=body, headers=server.headers) as response:
        answer: dict[str, Any] = orjson.loads(await response.read())
    if response.status != 200 or answer.get("errors"):
        raise RuntimeError(f"{server.name}: HTTP {response.status}: {str(answer)[:500]}")
    data: dict[str, Any] = answer["data"]
    return data


async def requests_per_second(
    server: Server, bodies: list[dict[str, Any]], requests: int, concurrency: int
) -> float:
    """`requests` of `bodies` (cycled) from `concurrency` sequential workers; the req/s they reached."""
    work = iter(range(requests))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:

        async def worker() -> None:
            for index in work:
                await ask(http, server, bodies[index % len(bodies)])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - started)


async def check_same_rows(ours: Server, peer: Server, ids: list[int], urn_sets: list[list[str]]) -> None:
    """Both servers return the same rows for every tab and URN list the load sends (and warm up)."""
    async with aiohttp.ClientSession() as http:
        for candidate_id in ids:
            a = rscgraph_tab_rows(await ask(http, ours, ours.tab(candidate_id)))
            b = peer_tab_rows(await ask(http, peer, peer.tab(candidate_id)))
            assert a == b, f"tab of candidate {candidate_id}: {_difference(a, b)}"
        for urns in urn_sets:
            a = rscgraph_member_rows(await ask(http, ours, ours.urns(urns)))
            b = peer_member_rows(await ask(http, peer, peer.urns(urns)))
            assert len(a) == len(urns), f"rscgraph found {len(a)} of {len(urns)} URNs"
            assert a == b, f"1,000 URNs: {_difference(a, b)}"


async def run(
    base: str,
    cli: Path,
    candidates: int,
    messages: int,
    requests: int,
    urn_requests: int,
    concurrencies: list[int],
    sample: int,
) -> None:
    """Seed, serve with both, check the rows agree, load both, print the table; drop the database."""
    database_url = scratch_url(base, SCRATCH_DB)
    await recreate_database(base, SCRATCH_DB)
    try:
        with tempfile.TemporaryDirectory() as directory:
            sandbox = SandboxConfig()
            async with serve_asgi(create_sandbox_app(sandbox)) as sandbox_url:
                settings = bench_settings(database_url, Path(directory) / "data", sandbox_url, sandbox)
                started = time.perf_counter()
                await seed_world(settings, candidates, messages)
                print(
                    f"seeded {candidates:,} candidates in {time.perf_counter() - started:.1f} s on "
                    f"PostgreSQL ({SCRATCH_DB})"
                )
                missing = await missing_foreign_keys(database_url)
                tags = write_tags(cli.parent.parent.parent, missing)
                print(
                    f"smart tags ({tags.name}): "
                    + (", ".join(f"{t} ({', '.join(c)}) -> {r}" for t, c, r, _ in missing) or "none needed")
                    + f" of {len(RELATIONS)} relations the peer follows"
                )
                chosen = random.Random(20261201)
                ids = chosen.sample(range(1, candidates + 1), min(sample, candidates))
                size = min(URNS, candidates)
                urn_sets = [
                    [member(i) for i in chosen.sample(range(1, candidates + 1), size)]
                    for _ in range(URN_SETS)
                ]
                customer = first_customer_values(settings).key
                token = dev_token(settings, user="bench@bench.test", role=Role.RECRUITER, customer=customer)
                peer_log = Path(directory) / "postgraphile.log"
                async with (
                    rscgraph_servers(settings, 1) as servers,
                    peer_server(cli, database_url, peer_log) as peer_url,
                ):
                    ours = Server(
                        "rscgraph",
                        servers[0][0],
                        {"Authorization": f"Bearer {token}"},
                        lambda i: {
                            "query": RSCGRAPH_TAB,
                            "variables": {"id": str(relay.GlobalID("Candidate", str(i)))},
                        },
                        lambda urns: {"query": RSCGRAPH_URNS, "variables": {"urns": urns}},
                    )
                    peer = Server(
                        "PostGraphile",
                        peer_url,
                        {},
                        lambda i: {"query": PEER_TAB, "variables": {"customerId": CUSTOMER_ID, "id": i}},
                        lambda urns: {
                            "query": PEER_URNS,
                            "variables": {"customerId": CUSTOMER_ID, "urns": urns},
                        },
                    )
                    await check_same_rows(ours, peer, ids, urn_sets)
                    print(
                        f"same rows: the tab's ATS part of {len(ids)} candidates, {len(urn_sets)} lists of "
                        f"{size:,} URNs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
                    )
                    kinds: list[tuple[str, int, Callable[[Server], list[dict[str, Any]]]]] = [
                        ("tab (ATS part)", requests, lambda s: [s.tab(i) for i in ids]),
                        (f"{size:,} URNs", urn_requests, lambda s: [s.urns(u) for u in urn_sets]),
                        ("{ __typename }", requests, lambda s: [{"query": TYPENAME}]),
                    ]
                    print(f"{'request':>16} {'conc':>4} {'rscgraph/s':>10} {'peer/s':>8} {'ratio':>6}")
                    for concurrency in concurrencies:
                        for name, count, bodies in kinds:
                            a = await requests_per_second(ours, bodies(ours), count, concurrency)
                            b = await requests_per_second(peer, bodies(peer), count, concurrency)
                            print(f"{name:>16} {concurrency:>4} {a:>10.0f} {b:>8.0f} {a / b:>6.2f}")
                    print(
                        "ratio: rscgraph req/s / PostGraphile 4 req/s (goals: >= 1.0; { __typename } >= 0.5)"
                    )
    finally:
        await recreate_database(base, SCRATCH_DB, create=False)


def main() -> None:
    """Parse arguments; install the peer (exit 1 when it cannot be); run (skipped without PostgreSQL)."""
    parser = bench_parser(__doc__)
    add_world_options(
        parser,
        requests=1_000,
        requests_help="per round of the tab and __typename",
        messages_help="InMails seeded (not read here)",
    )
    parser.add_argument("--urn-requests", type=int, default=50, help="per round of 1,000 URNs")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    try:
        run_on_postgres(
            "bench.peer",
            args.database_url,
            # Installed once PostgreSQL is known to be there (the lambda runs after that check).
            lambda base: run(
                base,
                install_peer(PEER_DIR),
                args.candidates,
                args.messages,
                args.requests,
                args.urn_requests,
                args.concurrency,
                args.sample,
            ),
        )
    except PeerUnavailable as exc:
        print(f"bench.peer: PostGraphile 4 is unavailable here: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

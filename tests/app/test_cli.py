"""The `rscgraph` command line run as an operator runs it: a subprocess with a controlled environment.
Each operator mistake ends in its two lines (what is wrong, then the fix) and its exit code."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

import models
from app.cli import build_parser
from app.errors import EXIT_USAGE
from app.jobs import sync_config
from app.migrations import head_revision
from app.preflight import masked
from app.settings import Settings
from linkedin.sandbox.config import SandboxConfig
from models import utcnow
from models.db import SessionFactory
from resolvers.sync.plan import UPSERT_ORDER
from resolvers.sync.status import sync_status
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.child_apps import other_customer_id
from tests.conftest import Server, scratch_postgres_sync

RSCGRAPH = str(Path(sys.executable).with_name("rscgraph"))
TIMEOUT_S = 60
# Settings the CLI reads, kept out of the child's environment unless a test sets them.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def _environment(**env: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in _INHERITED} | env


def rscgraph(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `rscgraph` script in `cwd` (no .env there) with only `env` set."""
    return subprocess.run(
        [RSCGRAPH, *args], cwd=cwd, env=_environment(**env), capture_output=True, text=True, timeout=TIMEOUT_S
    )


def sqlite(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def migrated(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty SQLite database (a copy of the session's template)."""
    path = tmp_path / "migrated.db"
    path.write_bytes(sqlite_template.read_bytes())
    return sqlite(path)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """LinkedIn finishes job posting tasks at once (the backfill test waits for them)."""
    return SandboxConfig(job_task_delay_ms=0)


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port something already listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A PostgreSQL database of its own that was never migrated, dropped afterwards."""
    with scratch_postgres_sync("rscgraph_cli") as url:
        yield url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- operator mistakes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["serve"], ["seed"], ["sync", "backfill"], ["sync", "status"], ["migrate"]]
)
def test_unreachable_postgresql_names_the_url_with_the_password_masked(
    tmp_path: Path, command: list[str]
) -> None:
    done = rscgraph(tmp_path, *command, RSC_DATABASE_URL="postgresql+asyncpg://rsc:s3cret@127.0.0.1:1/ats")

    assert done.returncode == 69
    assert done.stderr.splitlines() == [
        "rscgraph: error: cannot connect to the database at postgresql+asyncpg://rsc:***@127.0.0.1:1/ats "
        "(RSC_DATABASE_URL): [Errno 111] Connect call failed ('127.0.0.1', 1)",
        "  fix: start PostgreSQL at 127.0.0.1:1, or point RSC_DATABASE_URL at one that answers; then "
        "`rscgraph migrate`",
    ]
    assert "s3cret" not in done.stdout + done.stderr


@pytest.mark.parametrize("command", [["seed"], ["sync", "backfill"], ["sync", "status"], ["serve"]])
def test_an_unmigrated_sqlite_database_asks_for_migrate(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()  # SQLite reads an empty file as a database without tables

    done = rscgraph(tmp_path, *command, RSC_DATABASE_URL=sqlite(empty))

    assert done.returncode == 65
    assert done.stderr.splitlines() == [
        f"rscgraph: error: the database at {sqlite(empty)} (RSC_DATABASE_URL) is at migration none, "
        f"the code needs {head_revision()}",
        "  fix: run `rscgraph migrate`",
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("command", [["seed"], ["sync", "backfill"]])
def test_an_unmigrated_postgresql_database_asks_for_migrate(
    tmp_path: Path, empty_postgres_url: str, command: list[str]
) -> None:
    done = rscgraph(tmp_path, *command, RSC_DATABASE_URL=empty_postgres_url)

    assert done.returncode == 65
    assert done.stderr.splitlines() == [
        f"rscgraph: error: the database at {masked(empty_postgres_url)} (RSC_DATABASE_URL) is at migration "
        f"none, the code needs {head_revision()}",
        "  fix: run `rscgraph migrate`",
    ]


@pytest.mark.parametrize("command", [["serve"], ["seed"], ["sync", "backfill"], ["sync", "status"]])
def test_a_missing_sqlite_file_is_reported_and_not_created(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.db"

    done = rscgraph(tmp_path, *command, RSC_DATABASE_URL=sqlite(missing))

    assert done.returncode == 66
    assert done.stderr.splitlines() == [
        f"rscgraph: error: no SQLite database at {missing} (RSC_DATABASE_URL={sqlite(missing)})",
        "  fix: run `rscgraph migrate` to create it, or point RSC_DATABASE_URL at the existing file",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough for SQLite to read a header from it" * 10)

    done = rscgraph(tmp_path, "seed", RSC_DATABASE_URL=sqlite(path))

    assert done.returncode == 69
    assert done.stderr.splitlines() == [
        f"rscgraph: error: cannot connect to the database at {sqlite(path)} (RSC_DATABASE_URL): "
        "file is not a database",
        "  fix: point RSC_DATABASE_URL at rscgraph's SQLite file, or move this one away and run "
        "`rscgraph migrate`",
    ]


def test_migrate_creates_the_missing_sqlite_file_and_shows_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "new.db"

    done = rscgraph(tmp_path, "migrate", RSC_DATABASE_URL=sqlite(path))

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"database migrated: {sqlite(path)}"]
    assert "Running upgrade  -> 0001" in done.stderr
    assert f"-> {head_revision()}" in done.stderr
    assert "setup plugin" not in done.stderr  # alembic's import-time chatter stays off
    assert path.is_file()


def test_migrate_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "rscgraph.db"

    done = rscgraph(tmp_path, "migrate", RSC_DATABASE_URL=sqlite(path))

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        f"rscgraph: error: the folder of the SQLite database {path} (RSC_DATABASE_URL) does not exist",
        f"  fix: create it (`mkdir -p {path.parent}`), or point RSC_DATABASE_URL elsewhere",
    ]


@pytest.mark.parametrize(
    ("variable", "command"), [("RSC_PORT", "serve"), ("PORT", "serve"), ("SANDBOX_PORT", "sandbox")]
)
def test_a_port_that_is_not_a_number_names_its_variable(tmp_path: Path, variable: str, command: str) -> None:
    done = rscgraph(tmp_path, command, **{variable: "abc"})

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        f"rscgraph: error: invalid setting {variable}='abc': Input should be a valid integer, unable to "
        "parse string as an integer",
        f"  fix: set a valid value, or `unset {variable}` for the default (or edit .env)",
    ]


def test_several_invalid_settings_are_named_on_one_line(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "migrate", RSC_PORT="0", RSC_MAX_PAGE_SIZE="many")

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        "rscgraph: error: invalid setting RSC_PORT='0': Input should be greater than or equal to 1; "
        "RSC_MAX_PAGE_SIZE='many': Input should be a valid integer, unable to parse string as an integer",
        "  fix: set a valid value, or `unset RSC_PORT RSC_MAX_PAGE_SIZE` for the default (or edit .env)",
    ]


def test_a_setting_out_of_range_names_its_variable(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "seed", RSC_LINKEDIN_TIMEOUT_S="0")

    assert done.returncode == 78
    assert done.stderr.splitlines()[0] == (
        "rscgraph: error: invalid setting RSC_LINKEDIN_TIMEOUT_S='0': Input should be greater than 0"
    )


def test_a_secret_setting_is_never_shown(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "seed", RSC_WEBHOOK_MAX_BODY_BYTES="-1", RSC_LINKEDIN_CLIENT_SECRET="hunter2")

    assert done.returncode == 78
    assert "hunter2" not in done.stderr


@pytest.mark.parametrize("command", ["serve", "worker", "run"])
def test_production_without_secret_keys_is_refused_before_the_database(tmp_path: Path, command: str) -> None:
    # an unreachable database: the keys are checked first, so the answer is theirs
    done = rscgraph(
        tmp_path,
        command,
        RSC_ENVIRONMENT="production",
        RSC_DATABASE_URL="postgresql+asyncpg://ats@127.0.0.1:1/ats",
    )

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        "rscgraph: error: RSC_SECRET_KEYS is not set: outside development the customers' LinkedIn secrets "
        "are encrypted with keys from the environment",
        '  fix: set RSC_SECRET_KEYS to a key made by `python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"` (several: comma-separated, newest first)',
    ]
    assert not (tmp_path / ".rscgraph").exists()


def test_a_malformed_secret_key_is_named_by_its_position_and_not_shown(tmp_path: Path, migrated: str) -> None:
    good = "5yqBfzDsyXVV0xSc-DmKnHmoHzJU2xsuxzp6lB6bXy0="
    done = rscgraph(tmp_path, "serve", RSC_DATABASE_URL=migrated, RSC_SECRET_KEYS=f"{good},hunter2hunter2")

    assert done.returncode == 78
    assert done.stderr.splitlines()[0] == (
        "rscgraph: error: RSC_SECRET_KEYS: key 2 of 2 is not a Fernet key (32 url-safe base64-encoded bytes)"
    )
    assert "hunter2" not in done.stderr
    assert good not in done.stderr


def test_a_public_base_url_with_a_path_names_its_variable(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "serve", RSC_PUBLIC_BASE_URL="https://ats.example.com/rscgraph")

    assert done.returncode == 78
    assert done.stderr.splitlines()[0] == (
        "rscgraph: error: invalid setting RSC_PUBLIC_BASE_URL='https://ats.example.com/rscgraph': Value "
        "error, must be an http(s) origin such as https://ats.example.com (scheme, host and optional port; "
        "no path, query or fragment)"
    )


def test_a_redis_url_is_never_shown(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "serve", RSC_REDIS_URL="http://:hunter2@cache:6379")

    assert done.returncode == 78
    assert "RSC_REDIS_URL=***" in done.stderr
    assert "hunter2" not in done.stderr


def test_an_unsupported_driver_is_refused_before_it_is_imported(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "serve", RSC_DATABASE_URL="mysql://ats:s3cret@127.0.0.1/ats")

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        "rscgraph: error: RSC_DATABASE_URL=mysql://ats:***@127.0.0.1/ats uses the driver 'mysql', which "
        "rscgraph does not support (only postgresql+asyncpg and sqlite+aiosqlite)",
        "  fix: set RSC_DATABASE_URL to postgresql+asyncpg://user:password@host:5432/db or "
        "sqlite+aiosqlite:///./rscgraph.db",
    ]


def test_postgresql_without_the_async_driver_gets_the_url_to_use(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "migrate", RSC_DATABASE_URL="postgresql://ats:s3cret@db.internal/ats")

    assert done.returncode == 78
    assert (
        done.stderr.splitlines()[1]
        == "  fix: set RSC_DATABASE_URL=postgresql+asyncpg://ats:***@db.internal/ats"
    )
    assert "s3cret" not in done.stderr


def test_a_database_url_that_is_not_a_url(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "seed", RSC_DATABASE_URL="not a url")

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        "rscgraph: error: RSC_DATABASE_URL is not a database URL",
        "  fix: set it to postgresql+asyncpg://user:password@host:5432/db or sqlite+aiosqlite:///./rscgraph.db",
    ]


def test_serve_on_a_taken_port_names_it_and_a_free_one(tmp_path: Path, migrated: str, held_port: int) -> None:
    done = rscgraph(tmp_path, "serve", RSC_DATABASE_URL=migrated, RSC_PORT=str(held_port))

    lines = done.stderr.splitlines()
    assert done.returncode == 69
    assert len(lines) == 2
    assert lines[0] == f"rscgraph: error: port {held_port} on 127.0.0.1 (RSC_PORT) is already in use"
    assert re.fullmatch(r"  fix: stop what listens there, or run `RSC_PORT=(\d+) rscgraph serve`", lines[1])


def test_run_stops_before_anything_when_the_sandbox_port_is_taken(tmp_path: Path, held_port: int) -> None:
    done = rscgraph(tmp_path, "run", RSC_PORT=str(free_port()), SANDBOX_PORT=str(held_port))

    lines = done.stderr.splitlines()
    assert done.returncode == 69
    assert lines[0] == f"rscgraph: error: port {held_port} on 127.0.0.1 (SANDBOX_PORT) is already in use"
    assert re.fullmatch(r"  fix: stop what listens there, or run `SANDBOX_PORT=(\d+) rscgraph run`", lines[1])
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # the demo database was not even created


def test_run_stops_when_the_server_port_is_taken(tmp_path: Path, held_port: int) -> None:
    done = rscgraph(tmp_path, "run", PORT=str(held_port), SANDBOX_PORT=str(free_port()))

    assert done.returncode == 69
    assert done.stderr.splitlines()[0] == (
        f"rscgraph: error: port {held_port} on 127.0.0.1 (RSC_PORT) is already in use"
    )


def test_run_refuses_one_port_for_both(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "run", RSC_PORT="8123", SANDBOX_PORT="8123")

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        "rscgraph: error: the server (RSC_PORT) and the sandbox (SANDBOX_PORT) both ask for port 8123",
        "  fix: give the sandbox another: `SANDBOX_PORT=8223 rscgraph run`",
    ]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "serve", "--debug", RSC_PORT="abc")

    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "pydantic_core._pydantic_core.ValidationError" in done.stderr
    assert (
        done.stderr.rstrip().splitlines()[-1].startswith("app.errors.OperatorError: invalid setting RSC_PORT")
    )


# --- ports ---------------------------------------------------------------------------------------------


def test_rsc_port_wins_over_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    assert Settings().port == 9000
    monkeypatch.setenv("RSC_PORT", "9001")
    assert Settings().port == 9001
    monkeypatch.setenv("SANDBOX_PORT", "9100")
    assert Settings().sandbox_port == 9100


def test_port_moves_serve(tmp_path: Path, migrated: str) -> None:
    port = free_port()
    server = subprocess.Popen(
        [RSCGRAPH, "serve"],
        cwd=tmp_path,
        env=_environment(RSC_DATABASE_URL=migrated, PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "serve did not listen on PORT"
                time.sleep(0.2)
        # A few probes: alembic logs nothing for them (it used to log two lines per probe).
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                pass
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=TIMEOUT_S)
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output
    assert "alembic" not in output


# --- quiet by default ----------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_readiness_probes_log_nothing_from_alembic(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(2):
        async with server.http.get(f"{server.url}/readyz") as ready:
            assert ready.status == 200

    assert [r.getMessage() for r in caplog.records if r.name.startswith("alembic")] == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_command_prints_only_its_own_output(
    tmp_path: Path, database_url: str, customer_id: int
) -> None:
    done = rscgraph(tmp_path, "sync", "status", RSC_DATABASE_URL=database_url)

    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.splitlines()[0] == "customer: acme (Acme Staffing)"


# --- the command line itself ---------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "--version")

    assert (done.returncode, done.stdout) == (0, f"rscgraph {version('rscgraph')}\n")


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_command_and_option_has_help() -> None:
    undocumented = [
        f"{parser.prog} {action.option_strings or action.dest}"
        for parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    commands = [
        f"{parser.prog} {name}"
        for parser in _parsers(build_parser())
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
        if not any(choice.dest == name and choice.help for choice in action._choices_actions)
    ]

    assert undocumented == []
    assert commands == []


def test_options_name_the_environment_variable_they_default_to(tmp_path: Path) -> None:
    serve = rscgraph(tmp_path, "serve", "--help").stdout
    run = rscgraph(tmp_path, "run", "--help").stdout

    assert "RSC_HOST" in serve
    assert "RSC_PORT, else PORT" in serve
    assert "SANDBOX_PORT" in run


async def history(sessions: SessionFactory, customer_id: int, candidates: int = 120) -> None:
    """A job and `candidates` candidates of the customer (the last without an email), each applied to it."""
    async with sessions() as db:
        job = models.Job(customer_id=customer_id, title="Operator")
        people = [
            models.Candidate(
                customer_id=customer_id,
                first_name="C",
                last_name=str(n),
                email=None if n == candidates - 1 else f"c{n}@example.com",
            )
            for n in range(candidates)
        ]
        db.add_all([job, *people])
        await db.flush()
        assert job.id is not None
        db.add_all(
            [
                models.Application(customer_id=customer_id, candidate_id=c.id or 0, job_id=job.id)
                for c in people
            ]
        )
        await db.commit()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sync_status_prints_what_backfill_enqueued(
    tmp_path: Path, database_url: str, sessions: SessionFactory, customer_id: int
) -> None:
    await history(sessions, customer_id)
    backfill = rscgraph(tmp_path, "sync", "backfill", "--since", "2y", RSC_DATABASE_URL=database_url)
    status = rscgraph(tmp_path, "sync", "status", RSC_DATABASE_URL=database_url)

    enqueued = dict(re.findall(r"(\w+): (\d+)", backfill.stdout))
    lines = status.stdout.splitlines()[2 : 2 + len(UPSERT_ORDER)]
    rows = {line.split()[0].lower(): line.split()[1:] for line in lines}
    assert backfill.returncode == 0, backfill.stderr
    assert status.returncode == 0, status.stderr
    assert int(enqueued["candidate"]) > 0
    assert {entity: int(columns[0]) for entity, columns in rows.items()} == {
        entity: int(n) for entity, n in enqueued.items()
    }
    assert all(columns[1:] == ["0", "0", "0"] for columns in rows.values())
    assert re.search(r"^backfill enqueued at: \d{4}-\d\d-\d\dT", status.stdout, re.M)
    assert "initial sync complete: no" in status.stdout


def test_sync_status_bounds_failures_as_the_graphql_field(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "sync", "status", "--failures", "51")

    assert done.returncode == 2
    assert "expected a number from 0 to 50, got '51'" in done.stderr


async def test_backfill_wait_shows_the_drain_until_everything_is_sent(
    tmp_path: Path, database_url: str, sessions: SessionFactory, tenant: Tenant, settings: Settings
) -> None:
    await history(sessions, tenant.id)
    follower = await asyncio.create_subprocess_exec(
        RSCGRAPH,
        "sync",
        "backfill",
        "--wait",
        cwd=tmp_path,
        env=_environment(RSC_DATABASE_URL=database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert follower.stdout is not None
        enqueued_line = (await asyncio.wait_for(follower.stdout.readline(), TIMEOUT_S)).decode()
        enqueued = sum(int(n) for n in re.findall(r": (\d+)", enqueued_line))
        assert follower.returncode is None  # still watching: nothing has been sent yet
        # This process plays the outbox worker the operator runs beside it; its clock moves on a minute
        # per round so the job postings' LinkedIn tasks are asked about again (job_task_poll_s).
        offset = [timedelta(0)]
        worker = OutboxWorker(sessions, tenant, sync_config(settings), clock=lambda: utcnow() + offset[0])
        for _ in range(5):
            await asyncio.wait_for(worker.run_until_idle(), 60)
            if (await sync_status(sessions, tenant.id)).initial_sync_complete:
                break
            offset[0] += timedelta(seconds=61)
        out, err = await asyncio.wait_for(follower.communicate(), TIMEOUT_S)
    finally:
        if follower.returncode is None:
            follower.kill()
            await follower.wait()

    assert follower.returncode == 0, err
    assert enqueued > 100
    assert b"sending the backfill to LinkedIn" in err
    assert f"{enqueued}/{enqueued}".encode() in err
    status = rscgraph(tmp_path, "sync", "status", "--failures", "1", RSC_DATABASE_URL=database_url).stdout
    assert "initial sync complete: yes" in status
    assert re.search(r"^  CANDIDATE \d+ SKIPPED at .*: missing email$", status, re.M)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sync_status_of_several_customers_needs_the_customer_named(
    tmp_path: Path, database_url: str, sessions: SessionFactory, settings: Settings, customer_id: int
) -> None:
    # given: two customers; the second one's history is enqueued
    other = await other_customer_id(sessions, settings)
    await history(sessions, other, candidates=3)
    backfill = rscgraph(tmp_path, "sync", "backfill", "--customer", "globex", RSC_DATABASE_URL=database_url)
    # when
    unnamed = rscgraph(tmp_path, "sync", "status", RSC_DATABASE_URL=database_url)
    unknown = rscgraph(tmp_path, "sync", "status", "--customer", "initech", RSC_DATABASE_URL=database_url)
    mine = rscgraph(tmp_path, "sync", "status", "--customer", "acme", RSC_DATABASE_URL=database_url)
    theirs = rscgraph(tmp_path, "sync", "status", "--customer", "globex", RSC_DATABASE_URL=database_url)
    # then
    assert backfill.returncode == 0, backfill.stderr
    assert (unnamed.returncode, unnamed.stderr) == (
        EXIT_USAGE,
        "rscgraph: error: there are 2 customers (acme, globex): say which one\n  fix: add --customer KEY\n",
    )
    assert (unknown.returncode, unknown.stderr.splitlines()[0]) == (
        EXIT_USAGE,
        "rscgraph: error: no customer has the key 'initech'",
    )
    pending = {line.split()[0]: int(line.split()[1]) for line in mine.stdout.splitlines()[2:8]}
    assert pending["CANDIDATE"] == 0
    assert "initial sync complete: no" in mine.stdout
    pending = {line.split()[0]: int(line.split()[1]) for line in theirs.stdout.splitlines()[2:8]}
    assert (theirs.stdout.splitlines()[0], pending["CANDIDATE"]) == ("customer: globex (Globex Talent)", 3)


def test_a_count_in_other_digits_is_refused_by_the_parser(tmp_path: Path) -> None:
    done = rscgraph(tmp_path, "sync", "status", "--failures", "²")

    assert done.returncode == 2
    assert "expected a number from 0 to 50, got '²'" in done.stderr


def test_a_port_given_on_the_command_line_moves_the_ats_links_sent_to_linkedin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.cli import _listening_on

    # given: no port in the environment (the processes of `serve --workers` read it from there)
    # (set, then removed: monkeypatch restores only what it saw, and _listening_on writes both)
    for name in ("RSC_PORT", "RSC_HOST"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    # when
    settings = _listening_on(Settings(), "127.0.0.2", 9123)
    # then
    assert settings.candidate_url_template == "http://127.0.0.2:9123/candidates/{id}"
    assert (os.environ["RSC_HOST"], os.environ["RSC_PORT"]) == ("127.0.0.2", "9123")
    assert Settings().candidate_url_template == settings.candidate_url_template


def test_a_log_level_that_is_not_one_names_its_variable(tmp_path: Path, migrated: str) -> None:
    done = rscgraph(tmp_path, "seed", RSC_DATABASE_URL=migrated, RSC_LOG_LEVEL="verbose")

    assert done.returncode == 78
    assert done.stderr.splitlines() == [
        "rscgraph: error: invalid setting RSC_LOG_LEVEL='VERBOSE': Input should be 'DEBUG', 'INFO', "
        "'WARNING' or 'ERROR'",
        "  fix: set a valid value, or `unset RSC_LOG_LEVEL` for the default (or edit .env)",
    ]


def test_migrate_takes_a_database_url_with_a_percent_escape(tmp_path: Path) -> None:
    # a URL-encoded password (`p%40ss`) or path: alembic's configparser read `%` as interpolation
    done = rscgraph(tmp_path, "migrate", RSC_DATABASE_URL=sqlite(tmp_path / "ats%40.db"))

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ats@.db").exists()  # the URL decodes `%40`

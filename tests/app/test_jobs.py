"""Which process runs the background jobs: `rscgraph worker` runs them, `serve` only with RSC_RUN_JOBS;
SQLite refuses layouts of several processes. The CLI runs as real subprocesses."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from app.errors import EXIT_CONFIG
from app.factory import create_app
from app.jobs import run_worker
from app.settings import Settings
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from models import Candidate, OutboxEvent, OutboxOp, OutboxStatus, SyncEntity
from models.db import SessionFactory
from models.leases import RELEASE_TIMEOUT_S
from models.outbox_writes import enqueue
from tests.conftest import Sandbox, dev_bearer
from tests.holders import ROOT, settings_env

# Every wait below is bounded only so that a bug fails the test instead of hanging the run; a child
# process imports the whole app first, on a machine shared with other test runs.
GUARD_S = 60

CREATE = """
mutation($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { field message } }
}
"""


def _cli(settings: Settings, *args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=settings_env(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _end(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as a deployment stops a process; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=GUARD_S)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


async def _until_up(http: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]) -> None:
    async with asyncio.timeout(GUARD_S):
        while True:
            assert process.poll() is None, "the server exited"
            try:
                async with http.get(f"{url}/healthz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)  # the child is still starting: nothing to wait on but its port


@pytest.fixture
async def quiet_linkedin() -> AsyncIterator[Sandbox]:
    """A second LinkedIn sandbox, for the server process only: any call it gets is a job the server ran."""
    config = SandboxConfig()
    async with serve_asgi(create_sandbox_app(config)) as url, aiohttp.ClientSession() as http:
        yield Sandbox(url=url, config=config, http=http)


def _pointed_at(settings: Settings, sandbox: Sandbox, **update: object) -> Settings:
    return settings.model_copy(
        update={
            "linkedin_api_base_url": sandbox.url,
            "linkedin_oauth_base_url": f"{sandbox.url}/oauth/v2",
            "poll_interval_s": 3600.0,
            "outbox_interval_s": 0.2,
            "export_interval_s": 0.2,
            **update,
        }
    )


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_on_postgresql_the_worker_alone_drains_the_outbox_while_serve_runs_no_job(
    settings: Settings,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    quiet_linkedin: Sandbox,
    tmp_path: Path,
) -> None:
    # given: a change already waiting in the outbox, and `rscgraph serve` up (its jobs would run at start)
    async with sessions() as db:
        waiting = Candidate(
            customer_id=customer_id, first_name="Edsger", last_name="Dijkstra", email="ewd@example.com"
        )
        db.add(waiting)
        await db.flush()
        enqueue(db, customer_id, SyncEntity.CANDIDATE, waiting.id or 0, OutboxOp.UPSERT)
        await db.commit()
    port = _free_port()
    serve = _cli(
        _pointed_at(settings, quiet_linkedin), "serve", "--port", str(port), log=tmp_path / "serve.log"
    )
    worker: subprocess.Popen[bytes] | None = None
    try:
        # Signed in as the customer's admin (the server process reads the same RSC_DATA_DIR key).
        async with aiohttp.ClientSession(headers={"Authorization": dev_bearer(settings)}) as http:
            url = f"http://127.0.0.1:{port}"
            await _until_up(http, url, serve)
            variables = {"input": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}}
            async with http.post(f"{url}/graphql", json={"query": CREATE, "variables": variables}) as answer:
                created = await answer.json()
            assert created["data"]["createCandidate"]["userErrors"] == []
            # when: `rscgraph worker` runs beside it
            worker = _cli(_pointed_at(settings, sandbox), "worker", log=tmp_path / "worker.log")
            async with asyncio.timeout(GUARD_S):
                while (await sandbox.admin("GET", "summary"))["candidates"] < 2:
                    assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        # then: the worker sent both; the server made no LinkedIn call at all (no poll, outbox or export)
        assert await quiet_linkedin.admin("GET", "calls") == []
        # and both stop on SIGTERM (uvicorn re-raises the signal once it has shut down gracefully)
        assert _end(worker) == 0
        assert _end(serve) in (0, -signal.SIGTERM)
    finally:
        for process in (serve, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=GUARD_S)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_separate_worker_is_refused(settings: Settings, tmp_path: Path) -> None:
    # when
    worker = _cli(settings, "worker", log=tmp_path / "worker.log")
    code = worker.wait(timeout=GUARD_S)
    # then
    assert code == EXIT_CONFIG
    assert (tmp_path / "worker.log").read_text().splitlines() == [
        "rscgraph: error: a separate `rscgraph worker` needs PostgreSQL (RSC_DATABASE_URL); on SQLite the "
        "server runs the background jobs",
        "  fix: run `RSC_RUN_JOBS=true rscgraph serve` (or `rscgraph run`), or use PostgreSQL",
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_serve_refuses_several_workers(settings: Settings, tmp_path: Path) -> None:
    # when
    serve = _cli(settings, "serve", "--port", str(_free_port()), "--workers", "2", log=tmp_path / "serve.log")
    code = serve.wait(timeout=GUARD_S)
    # then
    assert code == EXIT_CONFIG
    assert (tmp_path / "serve.log").read_text().splitlines() == [
        "rscgraph: error: SQLite serves from one process, not --workers 2",
        "  fix: drop --workers, or set RSC_DATABASE_URL to PostgreSQL (postgresql+asyncpg://…) for several",
    ]


async def test_the_app_runs_no_job_unless_asked(settings: Settings) -> None:
    # given
    quick = {"outbox_interval_s": 3600.0, "export_interval_s": 3600.0}
    off = create_app(settings.model_copy(update={**quick, "run_jobs": False}))
    on = create_app(settings.model_copy(update={**quick, "run_jobs": True}))
    # when
    async with off.router.lifespan_context(off) as off_state, on.router.lifespan_context(on) as on_state:
        # then
        assert off_state is not None
        assert on_state is not None
        assert "scheduler" not in off_state
        # The privacy duties always run (the purge check cannot be turned off; LinkedIn asks for it).
        assert on_state["scheduler"].kinds == ["outbox", "exports", "purge_check", "retention", "offboarding"]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_stopped_worker_gives_back_the_batch_it_was_sending_within_the_grace_bound(
    settings: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: the worker process is sending a change while LinkedIn hangs
    async with sessions() as db:
        waiting = Candidate(
            customer_id=customer_id, first_name="Edsger", last_name="Dijkstra", email="ewd@example.com"
        )
        db.add(waiting)
        await db.flush()
        enqueue(db, customer_id, SyncEntity.CANDIDATE, waiting.id or 0, OutboxOp.UPSERT)
        await db.commit()
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "hang": True, "count": None})
    grace = 0.5
    stop = asyncio.Event()
    running = asyncio.create_task(
        run_worker(
            _pointed_at(
                settings, sandbox, linkedin_timeout_s=60.0, shutdown_grace_s=grace, export_interval_s=0.0
            ),
            stop,
        )
    )
    assert await sandbox.admin("GET", "hangs/wait") == {"hanging": True}
    # when: it is told to stop
    stop.set()
    # then: it ends within the grace period plus the bounded release, and the row is free to send now
    await asyncio.wait_for(running, grace + RELEASE_TIMEOUT_S)
    async with sessions() as db:
        rows = (await db.exec(select(OutboxEvent))).all()
    assert [(row.status, row.locked_until) for row in rows] == [(OutboxStatus.PENDING, None)]

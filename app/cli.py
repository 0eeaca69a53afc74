"""`rscgraph` command line: serve, worker, sandbox, migrate, seed, export-schema, run (the offline demo)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import uvicorn

from app.settings import Settings

log = logging.getLogger("rscgraph")
ROOT = Path(__file__).resolve().parent.parent


def _serve(settings: Settings, host: str, port: int) -> None:
    from app.factory import create_app
    from app.logging_setup import uvicorn_log_config

    uvicorn.run(create_app(settings), host=host, port=port, log_config=uvicorn_log_config())


def _serve_processes(settings: Settings, host: str, port: int, workers: int) -> None:
    """`serve`: uvicorn's factory mode, so that each of `workers` processes builds its own app."""
    from app.jobs import ProcessLayoutError, check_processes

    if workers < 1:
        raise SystemExit("rscgraph serve: --workers must be at least 1")
    try:
        check_processes(settings, serve_workers=workers)
    except ProcessLayoutError as exc:
        raise SystemExit(f"rscgraph serve: {exc}") from None
    if not settings.run_jobs:
        sqlite = settings.database_url.startswith("sqlite")
        log.warning(
            "no background job (poll, outbox, exports) runs in this server: %s",
            "on SQLite set RSC_RUN_JOBS=true"
            if sqlite
            else "run `rscgraph worker`, or set RSC_RUN_JOBS=true",
        )
    uvicorn.run(
        "app.factory:create_app", factory=True, host=host, port=port, workers=workers, log_level="info"
    )


def _worker(settings: Settings) -> None:
    """`worker`: the background jobs alone, until SIGTERM or Ctrl-C."""
    from app.jobs import ProcessLayoutError, run_worker

    try:
        asyncio.run(run_worker(settings))
    except ProcessLayoutError as exc:
        raise SystemExit(f"rscgraph worker: {exc}") from None


def _migrate(settings: Settings) -> None:
    from app.migrations import upgrade

    upgrade(settings.database_url)
    print(f"database migrated: {settings.database_url}")


async def _seed(settings: Settings) -> bool:
    from app.seed import seed_demo
    from models.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        return await seed_demo(session_factory(engine))
    finally:
        await engine.dispose()


def _export_schema(output: str | None) -> None:
    from graph.schema import schema

    sdl = schema.as_str() + "\n"
    if output:
        Path(output).write_text(sdl)
        print(f"schema written to {output}")
    else:
        sys.stdout.write(sdl)


async def _sync_backfill(settings: Settings, since: str) -> None:
    from models.db import create_engine, session_factory
    from resolvers.sync.backfill import backfill, parse_span

    span = parse_span(since)
    engine = create_engine(settings.database_url)
    try:
        counts = await backfill(session_factory(engine), span)
    finally:
        await engine.dispose()
    summary = ", ".join(f"{entity.value.lower()}: {n}" for entity, n in counts.items())
    print(f"backfill of the last {since} enqueued ({summary})")


def _span(text: str) -> str:
    from resolvers.sync.backfill import parse_span

    try:
        parse_span(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _wait_for_port(host: str, port: int, timeout_s: float) -> None:
    """Block until something listens on host:port (the sandbox child process)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the LinkedIn sandbox did not start on {host}:{port}") from None
            time.sleep(0.1)


def _demo_notes(sandbox_url: str) -> None:
    """Two recruiters' prospect notes on the member who has InMail threads with both (the sandbox's
    member 0), so the demo candidate shows threads and notes from two seats after the first poll."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{sandbox_url}/_admin/world", timeout=10) as answer:
        member = json.load(answer)["members"][0]["urn"]
    notes = [
        ("urn:li:seat:1001", "Strong Go background; open to staff roles"),
        ("urn:li:seat:1002", "Prefers remote"),
    ]
    for seat, text in notes:
        body = json.dumps({"seat": seat, "member": member, "note": text}).encode()
        request = urllib.request.Request(
            f"{sandbox_url}/_admin/notes", data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10):
            pass


def _run_demo(settings: Settings, host: str, port: int, sandbox_port: int) -> None:
    """Migrate and seed SQLite, start the sandbox beside the server, serve until Ctrl-C."""
    _migrate(settings)
    if asyncio.run(_seed(settings)):
        print("demo data seeded")
        # As on a first install: the history goes to LinkedIn (the sandbox), which powers the In-ATS badges.
        asyncio.run(_sync_backfill(settings, "2y"))
    else:
        print("demo data already present")
    env = {**os.environ, "SANDBOX_PORT": str(sandbox_port)}
    command = [sys.executable, "-m", "app.cli", "sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port)]
    if not settings.sandbox_access_log:
        command.append("--no-access-log")
    sandbox = subprocess.Popen(command, env=env)
    try:
        _wait_for_port("127.0.0.1", sandbox_port, timeout_s=20)
        from app import webhooks

        # One-Click Exports from the sandbox (POST /_admin/exports) are pushed to this server.
        asyncio.run(webhooks.register_callback(settings, f"http://{host}:{port}{webhooks.PATH}"))
        _demo_notes(f"http://127.0.0.1:{sandbox_port}")
        print(
            f"LinkedIn sandbox on http://127.0.0.1:{sandbox_port}  GraphiQL on http://{host}:{port}/graphql"
        )
        _serve(settings, host, port)
    finally:
        sandbox.terminate()
        try:
            sandbox.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sandbox.kill()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests)."""
    parser = argparse.ArgumentParser(prog="rscgraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes (PostgreSQL only for more than 1)"
    )
    commands.add_parser("worker", help="run the background jobs (poll, outbox, exports), no HTTP server")
    sandbox = commands.add_parser("sandbox", help="run the LinkedIn sandbox standalone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8100")))
    sandbox.add_argument("--no-access-log", action="store_true", help="do not log every request")
    commands.add_parser("migrate", help="migrate the database to the newest schema")
    commands.add_parser("seed", help="load demo data into an empty database")
    export = commands.add_parser("export-schema", help="print or write the GraphQL SDL")
    export.add_argument("--output", "-o", default=None)
    sync = commands.add_parser("sync", help="ATS → LinkedIn sync tasks")
    sync_commands = sync.add_subparsers(dest="sync_command", required=True)
    backfill = sync_commands.add_parser("backfill", help="enqueue every record changed since then")
    backfill.add_argument("--since", type=_span, default="2y", help="how far back: 30d, 6m, 2y (default)")
    run = commands.add_parser("run", help="the offline demo: migrate, seed, sandbox + server")
    run.add_argument("--host", default=None)
    run.add_argument("--port", type=int, default=None)
    run.add_argument("--sandbox-port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8100")))
    return parser


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `rscgraph` script."""
    from app.logging_setup import configure_logging

    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(json=not settings.is_development, level=settings.log_level)
    if args.command == "serve":
        _serve_processes(settings, args.host or settings.host, args.port or settings.port, args.workers)
    elif args.command == "worker":
        _worker(settings)
    elif args.command == "sandbox":
        from linkedin.sandbox.main import run as run_sandbox

        run_sandbox(args.host, args.port, access_log=not args.no_access_log)
    elif args.command == "migrate":
        _migrate(settings)
    elif args.command == "seed":
        print(
            "demo data seeded"
            if asyncio.run(_seed(settings))
            else "database already has data; nothing seeded"
        )
    elif args.command == "sync" and args.sync_command == "backfill":
        asyncio.run(_sync_backfill(settings, args.since))
    elif args.command == "export-schema":
        _export_schema(args.output)
    elif args.command == "run":
        port = args.port or int(os.environ.get("PORT", settings.port))
        settings = settings.model_copy(
            update={
                "linkedin_api_base_url": f"http://127.0.0.1:{args.sandbox_port}",
                "linkedin_oauth_base_url": f"http://127.0.0.1:{args.sandbox_port}/oauth/v2",
                "poll_interval_s": settings.poll_interval_s or 60.0,
                "outbox_interval_s": settings.outbox_interval_s or 5.0,
                # The demo is one process on SQLite: it serves and runs every job.
                "run_jobs": True,
            }
        )
        _run_demo(settings, args.host or settings.host, port, args.sandbox_port)


if __name__ == "__main__":
    main()

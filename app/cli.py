"""`rscgraph` command line: serve, worker, sandbox, migrate, seed, export-schema, sync, customers, token,
run (the demo)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from app import preflight
from app.errors import EXIT_CONFIG, EXIT_UNAVAILABLE, EXIT_USAGE, OperatorError
from app.settings import Settings

if TYPE_CHECKING:
    from rich.progress import Progress

    from app.demo import DemoCustomer
    from models.customers import Customer
    from models.db import SessionFactory

log = logging.getLogger("rscgraph")
ROOT = Path(__file__).resolve().parent.parent
EXIT_INTERRUPTED = 130
# uvicorn's websocket protocol for subscriptions: wsproto, as before uvicorn[standard] (which brings
# uvloop and httptools for speed) also installed the `websockets` package that "auto" would pick.
WEBSOCKETS = "wsproto"
# How many customer keys an error lists before "…".
SHOWN_CUSTOMERS = 10


def _serve(settings: Settings, host: str, port: int) -> None:
    from app.factory import create_app
    from app.logging_setup import uvicorn_log_config

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=uvicorn_log_config(),
        access_log=settings.access_log,
        ws=WEBSOCKETS,
    )


def _check_layout(settings: Settings, *, serve_workers: int = 1, separate_worker: bool = False) -> None:
    from app.jobs import ProcessLayoutError, check_processes

    try:
        check_processes(settings, serve_workers=serve_workers, separate_worker=separate_worker)
    except ProcessLayoutError as exc:
        raise OperatorError(str(exc), exc.fix, exit_code=EXIT_CONFIG) from None


def _serve_processes(settings: Settings, host: str, port: int, workers: int) -> None:
    """`serve`: uvicorn's factory mode, so that each of `workers` processes builds its own app."""
    from app.logging_setup import uvicorn_log_config

    if not settings.run_jobs:
        sqlite = settings.database_url.startswith("sqlite")
        log.warning(
            "no background job (poll, outbox, exports) runs in this server: %s",
            "on SQLite set RSC_RUN_JOBS=true"
            if sqlite
            else "run `rscgraph worker`, or set RSC_RUN_JOBS=true",
        )
    uvicorn.run(
        "app.factory:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=uvicorn_log_config(),
        access_log=settings.access_log,
        ws=WEBSOCKETS,
    )


def _worker(settings: Settings) -> None:
    """`worker`: the background jobs alone, until SIGTERM or Ctrl-C."""
    from app.jobs import run_worker

    asyncio.run(run_worker(settings))


def _migrate(settings: Settings, *, verbose: bool = False) -> None:
    from app.migrations import upgrade

    asyncio.run(preflight.check_database(settings, create=True, migrated=False))
    upgrade(settings.database_url, verbose=verbose)
    print(f"database migrated: {preflight.masked(settings.database_url)}")


async def _seed(settings: Settings, key: str | None) -> bool:
    from app.seed import seed_demo
    from models import customer_queries
    from models.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        async with sessions() as db:
            rows = await customer_queries.customers(db)
        chosen = [row for row in rows if key is None or row.key == key]
        if len(chosen) != 1 or chosen[0].id is None:
            known = ", ".join(row.key for row in rows) or "none yet"
            raise OperatorError(
                f"seed needs one customer to fill (customers: {known})",
                "name it with `rscgraph seed --customer KEY`, or onboard one with `rscgraph customers add`",
            )
        # The sandbox's default app's world (the one `rscgraph sandbox` serves without child apps).
        return await seed_demo(sessions, chosen[0].id, company=chosen[0].name, key=chosen[0].key)
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


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A rich progress display on stderr for long work (backfill drain; offboarding and the first
    poll can use it too): `task = bar.add_task("what", total=n)`, then `bar.update(task, completed=k)`."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        yield bar


async def _customer(sessions: SessionFactory, key: str | None) -> Customer:
    """The customer a command is for: the one named by --customer, or the only one there is."""
    from models import customer_queries

    async with sessions() as db:
        if key is not None:
            row = await customer_queries.customer_by_key(db, key)
            if row is None:
                raise OperatorError(
                    f"no customer has the key {key!r}",
                    "`rscgraph customers list` shows the keys",
                    exit_code=EXIT_USAGE,
                )
            return row
        rows = await customer_queries.customers(db)
    if not rows:
        raise OperatorError(
            "there is no customer yet", "onboard one first (`rscgraph customers add`)", exit_code=EXIT_USAGE
        )
    if len(rows) > 1:
        keys = ", ".join(row.key for row in rows[:SHOWN_CUSTOMERS]) + (
            ", …" if len(rows) > SHOWN_CUSTOMERS else ""
        )
        raise OperatorError(
            f"there are {len(rows)} customers ({keys}): say which one",
            "add --customer KEY",
            exit_code=EXIT_USAGE,
        )
    return rows[0]


async def _sync_backfill(
    settings: Settings, since: str, customer_key: str | None, *, wait: bool = False, every: bool = False
) -> None:
    """Enqueue the customer's history (`every`: each customer's, one after the other)."""
    from rich.console import Console

    from models import customer_queries
    from models.db import create_engine, session_factory
    from resolvers.sync.backfill import backfill, parse_span

    span = parse_span(since)
    engine = create_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        if every:
            async with sessions() as db:
                customers = await customer_queries.customers(db)
        else:
            customers = [await _customer(sessions, customer_key)]
        for customer in customers:
            assert customer.id is not None
            with Console(stderr=True).status(
                f"enqueueing {customer.key}'s records changed in the last {since}"
            ):
                counts = await backfill(sessions, customer.id, span)
            summary = ", ".join(f"{entity.value.lower()}: {n}" for entity, n in counts.items())
            print(f"backfill of the last {since} enqueued for {customer.key} ({summary})", flush=True)
            if wait:
                await _follow_backfill(sessions, customer.id, sum(counts.values()))
    finally:
        await engine.dispose()


async def _follow_backfill(
    sessions: SessionFactory, customer_id: int, enqueued: int, poll_s: float = 1.0
) -> None:
    """A progress bar of the backfill's drain (done by the server's or a worker's outbox job) until
    nothing it enqueued is pending; reads the same report as `syncStatus`."""
    from resolvers.sync.status import sync_status

    print(
        "the outbox job sends them: `rscgraph serve` with RSC_OUTBOX_INTERVAL_S > 0, or a worker "
        "(Ctrl-C stops watching, not the sync)",
        file=sys.stderr,
    )
    with progress_bar() as bar:
        task = bar.add_task("sending the backfill to LinkedIn", total=enqueued)
        while True:
            report = await sync_status(sessions, customer_id, failures_per_type=0)
            pending = sum(e.pending for e in report.entities)
            bar.update(task, completed=max(0, enqueued - pending))
            if report.initial_sync_complete:
                bar.update(task, completed=enqueued)
                return
            await asyncio.sleep(poll_s)


async def _sync_status(settings: Settings, failures: int, customer_key: str | None) -> None:
    """Print what the `syncStatus` GraphQL field shows to the customer, from the same domain function."""
    from models import OutboxStatus
    from models.db import create_engine, session_factory
    from resolvers.sync.status import sync_status

    engine = create_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        customer = await _customer(sessions, customer_key)
        assert customer.id is not None
        report = await sync_status(sessions, customer.id, failures_per_type=failures)
    finally:
        await engine.dispose()
    print(f"customer: {customer.key} ({customer.name})")
    print(f"{'entity type':<18} {'pending':>8} {'sent':>8} {'failed':>8} {'skipped':>8}")
    for e in report.entities:
        print(f"{e.entity_type.value:<18} {e.pending:>8} {e.sent:>8} {e.failed:>8} {e.skipped:>8}")
    print(f"backfill enqueued at: {_when(report.backfill_enqueued_at)}")
    print(f"initial sync complete: {'yes' if report.initial_sync_complete else 'no'}")
    problems = [p for e in report.entities for p in e.failures]
    if problems:
        print("recent failures:")
    for p in problems:
        kind = "FAILED" if p.status is OutboxStatus.PARKED else "SKIPPED"  # as SyncProblemKind says
        print(f"  {p.entity_type.value} {p.entity_id} {kind} at {_when(p.at)}: {p.error or ''}")


def _when(at: datetime | None) -> str:
    return "never" if at is None else at.isoformat(timespec="seconds")


def _span(text: str) -> str:
    from resolvers.sync.backfill import parse_span

    try:
        parse_span(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _failures(text: str) -> int:
    from graph.sync_status import MAX_FAILURES

    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= MAX_FAILURES:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to {MAX_FAILURES}, got {text!r}")
    return int(text)


def _workers(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"expected a number of processes from 1 to 64, got {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return int(text)


def _wait_for_sandbox(sandbox: subprocess.Popen[bytes], port: int, timeout_s: float) -> None:
    """Block until the sandbox child listens on its port; it exiting first is an operator error."""
    deadline = time.monotonic() + timeout_s
    while True:
        code = sandbox.poll()
        if code is not None:
            raise OperatorError(
                f"the LinkedIn sandbox exited (code {code}) before listening on 127.0.0.1:{port} "
                "(SANDBOX_PORT)",
                f"run `rscgraph sandbox --port {port}` to see why, or choose another SANDBOX_PORT",
                exit_code=EXIT_UNAVAILABLE,
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise OperatorError(
                    f"the LinkedIn sandbox did not listen on 127.0.0.1:{port} (SANDBOX_PORT) "
                    f"within {timeout_s:g} s",
                    f"run `rscgraph sandbox --port {port}` to see why",
                    exit_code=EXIT_UNAVAILABLE,
                ) from None
            time.sleep(0.1)


def _run_demo(settings: Settings, host: str, port: int, sandbox_port: int) -> None:
    """Check both ports, migrate and seed the database, start the sandbox beside the server, serve
    until Ctrl-C."""
    if sandbox_port == port:
        raise OperatorError(
            f"the server (RSC_PORT) and the sandbox (SANDBOX_PORT) both ask for port {port}",
            f"give the sandbox another: `SANDBOX_PORT={port + 100} rscgraph run`",
        )
    preflight.check_port(host, port, "RSC_PORT={port} rscgraph run")
    preflight.check_port("127.0.0.1", sandbox_port, "SANDBOX_PORT={port} rscgraph run")
    _migrate(settings)
    env = {**os.environ, "SANDBOX_PORT": str(sandbox_port)}
    command = [sys.executable, "-m", "app.cli", "sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port)]
    if not settings.sandbox_access_log:
        command.append("--no-access-log")
    sandbox = subprocess.Popen(command, env=env)
    try:
        _wait_for_sandbox(sandbox, sandbox_port, timeout_s=20)
        from app.demo import onboard_demo

        # As a vendor onboards customers: provisioned, seeded, configured (CALLBACK_URL at this server, so
        # One-Click Exports from the sandbox are pushed here), and the initial sync started.
        customers = asyncio.run(onboard_demo(settings, f"http://127.0.0.1:{sandbox_port}"))
        for customer in customers:
            seeded = "demo data seeded" if customer.seeded else "demo data already present"
            print(f"customer {customer.key} ({customer.name}): LinkedIn app {customer.client_id}, {seeded}")
        _print_demo_tokens(settings, customers)
        print(
            f"LinkedIn sandbox on http://127.0.0.1:{sandbox_port}  GraphiQL on http://{host}:{port}/graphql"
            f"  candidate page on http://{host}:{port}/candidates"
        )
        _serve(settings, host, port)
    finally:
        sandbox.terminate()
        try:
            sandbox.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sandbox.kill()


def _dev_token(settings: Settings, customer: str | None, user: str, role: str) -> str:
    """A development token, refused outside development or when an identity provider is configured."""
    from app.auth.dev_key import DevKeyError
    from app.dev_tokens import dev_token
    from resolvers.viewer import Role

    if not settings.is_development:
        raise OperatorError(
            f"RSC_ENVIRONMENT={settings.environment}: development tokens exist only in development",
            "sign in through your identity provider (RSC_AUTH_ISSUER), or use an API key",
        )
    if settings.auth_issuer is not None:
        raise OperatorError(
            f"RSC_AUTH_ISSUER is set ({settings.auth_issuer}): the server accepts only its tokens",
            "get a token from that identity provider, or `unset RSC_AUTH_ISSUER` for development tokens",
        )
    if (Role(role) is Role.OPERATOR) != (customer is None):
        raise OperatorError(
            "an operator belongs to no customer; every other role belongs to one",
            "give --customer KEY for admin, recruiter and integration, and omit it for operator",
            exit_code=EXIT_USAGE,
        )
    if not user.strip():
        raise OperatorError(
            "--user is empty", "give the user's email, e.g. --user ada@acme.test", exit_code=EXIT_USAGE
        )
    try:
        return dev_token(settings, user=user.strip(), role=Role(role), customer=customer)
    except DevKeyError as exc:
        raise OperatorError(str(exc), "point RSC_DATA_DIR at a folder this user may write") from None


def _print_demo_tokens(settings: Settings, customers: list[DemoCustomer]) -> None:
    """One ready `Authorization` token per demo user (development with no identity provider only)."""
    from app.auth.dev_key import DEV_TOKEN_TTL_S
    from app.dev_tokens import OPERATOR, dev_token

    if not settings.dev_tokens:
        print("sign in through RSC_AUTH_ISSUER's identity provider (no development tokens)")
        return
    print(
        f"sign in with `Authorization: Bearer <token>` (valid {DEV_TOKEN_TTL_S // 3600} h; "
        "`rscgraph token` makes more):"
    )
    for user in [*(u for c in customers for u in c.users), OPERATOR]:
        token = dev_token(settings, user=user.email, role=user.role, customer=user.customer, name=user.name)
        print(f"  {user.customer or '(vendor)'} {user.role.value} {user.email}: {token}")


def _version() -> str:
    try:
        return f"rscgraph {version('rscgraph')}"
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "rscgraph (not installed)"


HOST_HELP = "the address to listen on (default: RSC_HOST, else 127.0.0.1)"
PORT_HELP = "the port to listen on (default: RSC_PORT, else PORT, else 8000)"
SANDBOX_PORT_HELP = "the LinkedIn sandbox's port (default: SANDBOX_PORT, else 8100)"
CUSTOMER_HELP = "the customer's key (required when there is more than one customer)"
EPILOG = (
    "Settings come from RSC_* environment variables or a .env file (README.md, Configuration); "
    "the database is RSC_DATABASE_URL (default sqlite+aiosqlite:///./rscgraph.db). "
    "Exit codes: 64 input refused (e.g. a customer key taken), 65 database not migrated, 66 no database "
    "file, 69 database, port or LinkedIn unavailable, 78 invalid setting, 130 interrupted."
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests)."""
    # --debug on every command too (`rscgraph serve --debug`); SUPPRESS keeps a subcommand's default
    # from overwriting a --debug given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of start-up errors"
    )
    parser = argparse.ArgumentParser(prog="rscgraph", description=__doc__, epilog=EPILOG, parents=[common])
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do (`rscgraph COMMAND --help`)"
    )

    def command(
        name: str, help: str, parent: argparse._SubParsersAction[argparse.ArgumentParser] = commands
    ) -> argparse.ArgumentParser:
        return parent.add_parser(name, help=help, description=help, parents=[common])

    serve = command("serve", "serve the GraphQL API (the database must be migrated)")
    serve.add_argument("--host", default=None, help=HOST_HELP)
    serve.add_argument("--port", type=_port, default=None, help=PORT_HELP)
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="server processes, each its own app (uvicorn's factory mode); more than 1 needs PostgreSQL",
    )
    command(
        "worker",
        "run the background jobs (poll, outbox, exports) without an HTTP server, until SIGTERM or Ctrl-C "
        "(PostgreSQL; on SQLite `RSC_RUN_JOBS=true rscgraph serve` runs them)",
    )
    sandbox = command("sandbox", "run the LinkedIn sandbox standalone")
    sandbox.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    sandbox.add_argument("--port", type=_port, default=None, help=SANDBOX_PORT_HELP)
    sandbox.add_argument(
        "--no-access-log",
        action="store_true",
        help="do not log every request (`run` passes it unless RSC_SANDBOX_ACCESS_LOG=true)",
    )
    command("migrate", "create or migrate the database (RSC_DATABASE_URL) to the newest schema")
    seed = command("seed", "load demo data into a customer's empty ATS (RSC_DATABASE_URL)")
    seed.add_argument("--customer", default=None, help="the customer's key (default: the only customer)")
    export = command("export-schema", "print or write the GraphQL SDL")
    export.add_argument("--output", "-o", default=None, help="write to this file instead of stdout")
    sync = command("sync", "ATS → LinkedIn sync tasks")
    sync_commands = sync.add_subparsers(dest="sync_command", required=True, metavar="TASK", help="the task")
    backfill = command("backfill", "enqueue every record changed since then", sync_commands)
    backfill.add_argument("--since", type=_span, default="2y", help="how far back: 30d, 6m, 2y (default)")
    backfill.add_argument("--customer", metavar="KEY", default=None, help=CUSTOMER_HELP)
    backfill.add_argument(
        "--wait",
        action="store_true",
        help="then show a progress bar until the outbox job (`serve` with RSC_OUTBOX_INTERVAL_S, or a "
        "worker) has sent it all; Ctrl-C stops watching, not the sync",
    )
    status = command(
        "status", "what the syncStatus GraphQL field shows: counts and recent failures", sync_commands
    )
    status.add_argument("--customer", metavar="KEY", default=None, help=CUSTOMER_HELP)
    status.add_argument(
        "--failures", type=_failures, default=5, help="how many failures to list per kind of record (0 to 50)"
    )
    from app.customers_cli import add_parsers as add_customers_parsers

    add_customers_parsers(commands, command)
    token = command(
        "token",
        "print a bearer token of the development signing key (development with no RSC_AUTH_ISSUER only)",
    )
    token.add_argument("--customer", metavar="KEY", default=None, help="the customer (omit for operator)")
    token.add_argument("--user", metavar="EMAIL", required=True, help="the user the token names")
    token.add_argument(
        "--role",
        required=True,
        choices=["operator", "admin", "recruiter", "integration"],
        help="the user's role",
    )
    run = command("run", "the offline demo: migrate, seed, sandbox + server (Ctrl-C stops both)")
    run.add_argument("--host", default=None, help=HOST_HELP)
    run.add_argument("--port", type=_port, default=None, help=PORT_HELP)
    run.add_argument("--sandbox-port", type=_port, default=None, help=SANDBOX_PORT_HELP)
    return parser


def _listening_on(settings: Settings, host: str | None, port: int | None) -> Settings:
    """The settings with --host/--port applied, so that what derives from them (the ATS links sent to
    LinkedIn) follows; written to the environment too, for the processes of `serve --workers`, which
    build their settings anew."""
    update: dict[str, object] = {}
    if host:
        update["host"] = host
        os.environ["RSC_HOST"] = host
    if port:
        update["port"] = port
        os.environ["RSC_PORT"] = str(port)
    return settings.model_copy(update=update) if update else settings


def _dispatch(args: argparse.Namespace) -> None:
    """Run the parsed command; each checks what it needs first (OperatorError on a mistake)."""
    from app.logging_setup import configure_logging

    settings = preflight.load_settings()
    configure_logging(json=not settings.is_development, level=settings.log_level)
    if args.command in ("serve", "run"):
        settings = _listening_on(settings, args.host, args.port)
    if args.command == "serve":
        host, port = settings.host, settings.port
        _check_layout(settings, serve_workers=args.workers)
        preflight.check_secret_keys(settings)
        asyncio.run(preflight.check_database(settings))
        preflight.check_port(host, port, "RSC_PORT={port} rscgraph serve")
        _serve_processes(settings, host, port, args.workers)
    elif args.command == "worker":
        _check_layout(settings, separate_worker=True)
        preflight.check_secret_keys(settings)
        asyncio.run(preflight.check_database(settings))
        _worker(settings)
    elif args.command == "sandbox":
        from linkedin.sandbox.main import run as run_sandbox

        port = args.port or settings.sandbox_port
        preflight.check_port(args.host, port, "rscgraph sandbox --port {port}")
        run_sandbox(args.host, port, access_log=not args.no_access_log)
    elif args.command == "migrate":
        _migrate(settings, verbose=True)
    elif args.command == "seed":
        asyncio.run(preflight.check_database(settings))
        print(
            "demo data seeded"
            if asyncio.run(_seed(settings, args.customer))
            else "database already has data; nothing seeded"
        )
    elif args.command == "sync" and args.sync_command == "backfill":
        asyncio.run(preflight.check_database(settings))
        asyncio.run(_sync_backfill(settings, args.since, args.customer, wait=args.wait))
    elif args.command == "sync" and args.sync_command == "status":
        asyncio.run(preflight.check_database(settings))
        asyncio.run(_sync_status(settings, args.failures, args.customer))
    elif args.command == "customers":
        from app.customers_cli import run as run_customers

        if args.customers_command in ("add", "provision", "offboard"):
            preflight.check_secret_keys(settings)
        asyncio.run(preflight.check_database(settings))
        asyncio.run(run_customers(settings, args))
    elif args.command == "export-schema":
        _export_schema(args.output)
    elif args.command == "token":
        print(_dev_token(settings, args.customer, args.user, args.role))
    elif args.command == "run":
        preflight.check_secret_keys(settings)
        sandbox_port = args.sandbox_port or settings.sandbox_port
        settings = settings.model_copy(
            update={
                "linkedin_api_base_url": f"http://127.0.0.1:{sandbox_port}",
                "linkedin_oauth_base_url": f"http://127.0.0.1:{sandbox_port}/oauth/v2",
                "poll_interval_s": settings.poll_interval_s or 60.0,
                "outbox_interval_s": settings.outbox_interval_s or 5.0,
                # The demo is one process on SQLite: it serves and runs every job.
                "run_jobs": True,
            }
        )
        _run_demo(settings, settings.host, settings.port, sandbox_port)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `rscgraph` script: an operator's mistake ends in two lines and an exit code
    (app/errors.py), its traceback only with --debug."""
    args = build_parser().parse_args(argv)
    try:
        _dispatch(args)
    except OperatorError as exc:
        if getattr(args, "debug", False):
            raise
        print("\n".join(exc.lines()), file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        if getattr(args, "debug", False):
            raise
        print("rscgraph: interrupted", file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()

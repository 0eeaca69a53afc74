"""Start-up checks of the CLI: settings, database URL, reachability, migration, ports. Each failure is an
`OperatorError` naming the setting or URL (passwords masked) and the command that fixes it."""

from __future__ import annotations

import asyncio
import errno
import os
import socket
from pathlib import Path

import sqlalchemy as sa
from pydantic import AliasChoices, ValidationError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from app.errors import EXIT_CONFIG, EXIT_NO_DATABASE, EXIT_UNAVAILABLE, OperatorError
from app.settings import Settings

SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}
EXAMPLE_URLS = "postgresql+asyncpg://user:password@host:5432/db or sqlite+aiosqlite:///./rscgraph.db"
CONNECT_TIMEOUT_S = 10.0


def load_settings() -> Settings:
    """The settings from the environment; an invalid value names its variable (secrets not shown)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems, variables = [], []
        for error in exc.errors():
            variable = _variable(str(error["loc"][0])) if error["loc"] else "a setting"
            shown = "***" if _is_secret(variable) else repr(error.get("input"))
            problems.append(f"{variable}={shown}: {error['msg']}")
            variables.append(variable)
        names = " ".join(dict.fromkeys(variables))
        fix = f"set a valid value, or `unset {names}` for the default (or edit .env)"
        raise OperatorError("invalid setting " + "; ".join(problems), fix, exit_code=EXIT_CONFIG) from exc


def _variable(location: str) -> str:
    """The environment variable of a validation error's location: pydantic names the first of a field's
    aliases (RSC_PORT), while the value may have come from a later one (PORT)."""
    if location in Settings.model_fields:
        return f"RSC_{location.upper()}"
    environment = {name.upper() for name in os.environ}
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        choices = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [str(alias)]
        if location in choices:
            return next((c for c in choices if c.upper() in environment), location)
    return location.upper()


def _is_secret(variable: str) -> bool:
    # A database or Redis URL may hold a password.
    return any(word in variable for word in ("SECRET", "TOKEN", "PASSWORD", "DATABASE_URL", "REDIS_URL"))


def check_secret_keys(settings: Settings) -> None:
    """RSC_SECRET_KEYS holds only Fernet keys, and is set outside development (where the key file in
    RSC_DATA_DIR is made when the server first needs it, not here)."""
    from app.secret_keys import configured_keys, keys_required

    if configured_keys(settings) is None and not settings.is_development:
        raise keys_required()


def masked(url: str | URL) -> str:
    """The database URL with its password as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a URL>"


def database_url(settings: Settings) -> URL:
    """The parsed RSC_DATABASE_URL, refused unless its driver is one rscgraph runs on."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        raise OperatorError("RSC_DATABASE_URL is not a database URL", f"set it to {EXAMPLE_URLS}") from exc
    if url.drivername not in SUPPORTED_DRIVERS:
        backend = url.get_backend_name()
        fix = f"set RSC_DATABASE_URL to {EXAMPLE_URLS}"
        if backend in ("postgresql", "sqlite"):
            fix = f"set RSC_DATABASE_URL={masked(url.set(drivername=_DRIVERS[backend]))}"
        raise OperatorError(
            f"RSC_DATABASE_URL={masked(url)} uses the driver {url.drivername!r}, which rscgraph does not "
            f"support (only {' and '.join(sorted(SUPPORTED_DRIVERS))})",
            fix,
        )
    return url


_DRIVERS = {"postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def _sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


async def check_database(settings: Settings, *, create: bool = False, migrated: bool = True) -> None:
    """The database answers (and is at the newest migration if `migrated`). Only with `create` (the
    `migrate` command) may a missing SQLite file be created."""
    url = database_url(settings)
    path = _sqlite_path(url)
    if path is not None and not create and not path.is_file():
        raise OperatorError(
            f"no SQLite database at {path} (RSC_DATABASE_URL={masked(url)})",
            "run `rscgraph migrate` to create it, or point RSC_DATABASE_URL at the existing file",
            exit_code=EXIT_NO_DATABASE,
        )
    if path is not None and create and not path.parent.is_dir():
        raise OperatorError(
            f"the folder of the SQLite database {path} (RSC_DATABASE_URL) does not exist",
            f"create it (`mkdir -p {path.parent}`), or point RSC_DATABASE_URL elsewhere",
        )
    from app.migrations import DatabaseNotMigrated, current_revision, head_revision
    from models.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            async with engine.connect() as connection:
                await connection.execute(sa.text("SELECT 1"))
            current = await current_revision(engine) if migrated else None
    except Exception as exc:  # whatever stops the first connection is the operator's to fix
        raise _unreachable(url, exc) from exc
    finally:
        await engine.dispose()
    if migrated and current != head_revision():
        raise DatabaseNotMigrated(
            f"the database at {masked(url)} (RSC_DATABASE_URL) is at migration {current or 'none'}, "
            f"the code needs {head_revision()}"
        )


def _unreachable(url: URL, exc: Exception) -> OperatorError:
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if isinstance(cause, TimeoutError) and not str(cause):
        reason = f"no answer within {CONNECT_TIMEOUT_S:g} s"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    fix = (
        f"start PostgreSQL at {where}, or point RSC_DATABASE_URL at one that answers; then `rscgraph migrate`"
    )
    if "does not exist" in reason and url.get_backend_name() == "postgresql":
        options = f"-h {url.host or 'localhost'} -p {url.port or 5432} -U {url.username or 'postgres'}"
        fix = f"create it (`createdb {options} {url.database}`), then run `rscgraph migrate`"
    elif "password" in reason or "authentication" in reason:
        fix = "correct the user or password in RSC_DATABASE_URL"
    elif url.get_backend_name() == "sqlite":
        fix = (
            "point RSC_DATABASE_URL at rscgraph's SQLite file, or move this one away and run "
            "`rscgraph migrate`"
        )
    return OperatorError(
        f"cannot connect to the database at {masked(url)} (RSC_DATABASE_URL): {reason}",
        fix,
        exit_code=EXIT_UNAVAILABLE,
    )


def check_port(host: str, port: int, rerun: str) -> None:
    """Nothing listens on host:port yet (bound and released at once, with SO_REUSEADDR as uvicorn);
    `rerun` is the command with another port, e.g. "RSC_PORT={port} rscgraph serve"."""
    setting = rerun.split("=", 1)[0] if "=" in rerun.split(" ", 1)[0] else "--port"
    try:
        _try_bind(host, port)
    except socket.gaierror as exc:
        raise OperatorError(
            f"RSC_HOST={host!r} is not an address of this machine ({exc.strerror})",
            "set RSC_HOST=127.0.0.1 (or 0.0.0.0 for every interface)",
        ) from exc
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise OperatorError(
                f"cannot listen on {host}:{port} ({setting}): {exc.strerror}",
                f"choose another host or port: `{rerun.format(port='<port>')}`",
                exit_code=EXIT_UNAVAILABLE,
            ) from exc
        free = _free_port_after(host, port)
        raise OperatorError(
            f"port {port} on {host} ({setting}) is already in use",
            f"stop what listens there, or run `{rerun.format(port=free)}`",
            exit_code=EXIT_UNAVAILABLE,
        ) from exc


def _try_bind(host: str, port: int) -> None:
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    with socket.socket(info[0], info[1], info[2]) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(info[4])


def _free_port_after(host: str, port: int) -> int | str:
    """The next port that is free, to suggest one that works."""
    for candidate in range(port + 1, min(port + 50, 65536)):
        try:
            _try_bind(host, candidate)
        except OSError:
            continue
        return candidate
    return "<a free port>"

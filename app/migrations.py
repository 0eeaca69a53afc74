"""Running Alembic from code, and telling whether a database is at the newest revision."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import EXIT_NOT_MIGRATED, OperatorError

# Alembic logs at INFO when imported (one line per plugin) and whenever a MigrationContext is made (each
# /readyz probe); only `rscgraph migrate` wants its output (`upgrade(..., verbose=True)`). The level must
# be set before alembic is imported, as the plugin lines are logged at import time.
logging.getLogger("alembic").setLevel(logging.WARNING)

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at this project's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # configparser interpolation: a URL-encoded password (`p%40ss`) is `%`-escaped, or alembic refuses it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@contextlib.contextmanager
def _migration_output(verbose: bool) -> Iterator[None]:
    logger = logging.getLogger("alembic.runtime.migration")
    level = logger.level
    if verbose:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.setLevel(level)


def upgrade(database_url: str, revision: str = "head", *, verbose: bool = False) -> None:
    """Migrate the database to `revision` (blocking; run it in a thread from async code); `verbose`
    logs each migration applied, as `rscgraph migrate` shows."""
    with _migration_output(verbose):
        command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Migrate without blocking the event loop (Alembic's env runs its own loop in the thread)."""
    await asyncio.to_thread(upgrade, database_url, revision)


def head_revision() -> str | None:
    """The newest revision in the migrations folder."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, None when it was never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


class DatabaseNotMigrated(OperatorError):
    """The database is missing tables or behind the code's newest migration."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "run `rscgraph migrate`", exit_code=EXIT_NOT_MIGRATED)


async def ensure_migrated(engine: AsyncEngine) -> None:
    """Refuse to serve a database that is not at the newest migration, naming the command that fixes it."""
    current, head = await current_revision(engine), head_revision()
    if current != head:
        raise DatabaseNotMigrated(f"database is at migration {current or 'none'}, the code needs {head}")

"""Migrations build exactly the tables the models declare, and the app refuses an unmigrated database."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from app.migrations import (
    DatabaseNotMigrated,
    alembic_config,
    current_revision,
    ensure_migrated,
    head_revision,
    upgrade_async,
)
from models.base import UTCDateTime
from models.db import create_engine
from tests.conftest import BACKENDS, scratch_postgres

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
AT = sa.bindparam("at", type_=UTCDateTime())


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database down to `revision` (blocking)."""
    command.downgrade(alembic_config(database_url), revision)


async def test_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        with warnings.catch_warnings():
            # SQLite's reflection cannot read an index on an expression (lower(email)); Alembic then
            # leaves it out of the comparison, and the tests of the index's behaviour cover it.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based")
            return list(compare_metadata(context, SQLModel.metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
        if engine.dialect.name == "sqlite":
            differences = _without_inline_foreign_keys(differences)
            keys = await connection.exec_driver_sql("PRAGMA foreign_key_list(candidate)")
            # (id, seq, table, from, to, on_update, on_delete, match)
            assert [(k.table, k._mapping["from"], k.to, k.on_delete) for k in keys] == [
                ("candidate", "possible_duplicate_of_id", "id", "SET NULL")
            ]

    assert differences == []
    assert await current_revision(engine) == head_revision()


def _without_inline_foreign_keys(differences: list[object]) -> list[object]:
    """The differences less the foreign keys SQLite's reflection reads without name and ON DELETE.

    Migration 0002 adds its foreign key inline with ADD COLUMN (a table rebuild would cascade), and
    SQLAlchemy reads such a key without its name or action, so Alembic sees a remove plus an add of
    the same columns. The caller checks the key through PRAGMA foreign_key_list instead.
    """

    def columns(item: object) -> tuple[str, ...] | None:
        if not (isinstance(item, tuple) and item[0] in ("add_fk", "remove_fk")):
            return None
        return tuple(column.name for column in item[1].columns)

    added = {columns(d) for d in differences if isinstance(d, tuple) and d[0] == "add_fk"}
    removed = {columns(d) for d in differences if isinstance(d, tuple) and d[0] == "remove_fk"}
    paired = added & removed
    return [d for d in differences if columns(d) not in paired]


async def test_server_refuses_an_unmigrated_database_and_names_the_fix(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        try:
            await ensure_migrated(engine)
        except DatabaseNotMigrated as exc:
            message = str(exc)
        else:
            raise AssertionError("an empty database was accepted")
    finally:
        await engine.dispose()

    assert "rscgraph migrate" in message
    assert "database is at migration none" in message


@pytest.fixture(params=BACKENDS)
async def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend of this test's own (it is migrated step by step)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
        return
    async with scratch_postgres("rscgraph_steps") as url:
        yield url


async def test_0002_keeps_every_candidate_and_flags_earlier_duplicates_for_review(
    unmigrated_url: str,
) -> None:
    # given a 0001 database where two emails are held by several candidates (one in another case)
    await upgrade_async(unmigrated_url, "0001")
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as connection:
            for n, email in enumerate(
                ["ada@example.com", "grace@example.com", "ADA@example.com", None, "ada@example.com", None]
            ):
                await connection.execute(
                    sa.text(
                        "INSERT INTO candidate (id, first_name, email, source, do_not_contact, created_at, "
                        "updated_at) VALUES (:id, :name, :email, 'MANUAL', false, :at, :at)"
                    ).bindparams(AT),
                    {"id": n + 1, "name": f"c{n + 1}", "email": email, "at": WHEN},
                )
            await connection.execute(
                sa.text(
                    "INSERT INTO note (id, candidate_id, author, body, created_at) "
                    "VALUES (1, 5, 'me', 'kept', :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
        # when
        await upgrade_async(unmigrated_url)
        # then every row is there, the oldest of each email holds it and the later ones point at it
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    sa.text("SELECT id, email, possible_duplicate_of_id FROM candidate ORDER BY id")
                )
            ).all()
            notes = (await connection.execute(sa.text("SELECT candidate_id, body FROM note"))).all()
        assert [tuple(r) for r in rows] == [
            (1, "ada@example.com", None),
            (2, "grace@example.com", None),
            (3, "ADA@example.com", 1),
            (4, None, None),
            (5, "ada@example.com", 1),
            (6, None, None),
        ]
        assert [tuple(n) for n in notes] == [(5, "kept")]
        # and from now on the index refuses another holder of a held email, in any case
        with pytest.raises(sa.exc.IntegrityError, match="uq_candidate_email"):
            async with engine.begin() as connection:
                await connection.execute(
                    sa.text(
                        "INSERT INTO candidate (id, first_name, email, source, do_not_contact, created_at, "
                        "updated_at) VALUES (7, 'new', 'Grace@Example.com', 'MANUAL', false, :at, :at)"
                    ).bindparams(AT),
                    {"at": WHEN},
                )
        # and the migration goes back down and up again
        await asyncio.to_thread(downgrade, unmigrated_url, "0001")
        await upgrade_async(unmigrated_url)
    finally:
        await engine.dispose()

"""Migrations build exactly the tables the models declare, and the app refuses an unmigrated database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from app.migrations import DatabaseNotMigrated, current_revision, ensure_migrated, head_revision
from models.db import create_engine


async def test_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return list(compare_metadata(context, SQLModel.metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)

    assert differences == []
    assert await current_revision(engine) == head_revision()


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

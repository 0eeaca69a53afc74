"""Engine and session factories for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL and a busy timeout so concurrent writers wait."""
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded attributes after commit (resolvers return rows after committing)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@contextlib.asynccontextmanager
async def write_session(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One session in one transaction for a write: committed on success, rolled back on any exception.

    On SQLite the transaction starts with `BEGIN IMMEDIATE`, so it holds the database's write lock
    from its first read: SQLite has no `SELECT … FOR UPDATE`, and without this two writers both read
    a row as present and both act on it (two deletes, a stage inserted under a deleted application).
    Other writers wait (busy timeout) instead of failing. On PostgreSQL the transaction is ordinary
    and the reads that decide lock their rows (`models.ats_queries.row_for_update`).
    Never open a second write session while one is open in the same task: on SQLite it would wait
    for the first one's lock.
    """
    async with sessions() as db, db.begin():
        connection = await db.connection()
        if connection.dialect.name == "sqlite":
            # pysqlite issues no BEGIN of its own while a transaction is open, so this one stands.
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield db

"""Engine and session factories for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

SessionFactory = async_sessionmaker[AsyncSession]


class ReadSessions(Protocol):
    """Where read batches get a session: `async with reads() as session:`. A `SessionFactory` is one
    (a new session each time); so is a request's `RequestReads` (one session, one batch at a time)."""

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]: ...


# Seconds a pooled PostgreSQL connection lives (below common idle timeouts of servers and proxies).
POOL_RECYCLE_S = 1800


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL and a busy timeout so concurrent writers wait."""
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # No pre-ping: it costs a round trip on every checkout (one per session). Connections are
        # recycled before servers or proxies drop idle ones instead, and a connection that died
        # anyway fails its one request and is discarded by the pool (SQLAlchemy invalidates it).
        kwargs.update(pool_size=10, max_overflow=10, pool_recycle=POOL_RECYCLE_S)
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


class RequestReads:
    """One request's reads. Until `shared()`, each batch gets a session of its own (as a
    `SessionFactory` gives); inside `shared()`, every batch runs on one session, so on one connection
    in one read transaction: one pool checkout and one BEGIN/ROLLBACK per request instead of one per
    DataLoader batch.

    An `AsyncSession` must never be used by two concurrently running tasks, and DataLoader batches of
    one wave run as concurrent tasks: a lock lets one batch at a time use the shared session (the
    database serves one statement at a time per connection anyway). Never nest two reads in one
    task: the inner one would wait for the outer one's lock.
    """

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._lock = asyncio.Lock()
        self._session: AsyncSession | None = None
        self._shared = False

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        if not self._shared:
            async with self._sessions() as session:
                yield session
            return
        async with self._lock:
            if self._session is None:
                self._session = self._sessions()
            try:
                yield self._session
            except BaseException:
                # A failed statement spoils the transaction (PostgreSQL): the next batch starts anew.
                await self._session.rollback()
                raise

    @contextlib.asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        """Reads inside share one session, closed (its transaction rolled back) on exit. Only for reads
        that need see no write committed meanwhile by another session of the same request: a query
        operation, not a mutation (on SQLite a read transaction keeps the snapshot it began with)."""
        self._shared = True
        try:
            yield
        finally:
            self._shared = False
            session, self._session = self._session, None
            if session is not None:
                async with self._lock:
                    await session.close()

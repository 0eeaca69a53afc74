"""Dialect-aware `INSERT ... ON CONFLICT` for the two databases we run on."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

# SQLite allows 32,766 bound parameters per statement; stay well below it on both databases.
MAX_PARAMS = 20_000


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a SQLModel class."""
    table: sa.Table = getattr(model, "__table__")  # noqa: B009  (SQLModel does not type it)
    return table


def insert_for(db: AsyncSession, model: type[SQLModel]) -> Any:
    """An `INSERT` construct with `on_conflict_do_*` for the session's dialect (SQLite or PostgreSQL)."""
    return insert_for_dialect(db.get_bind().dialect.name, model)


def insert_for_dialect(dialect: str, model: type[SQLModel]) -> Any:
    """An `INSERT` construct with `on_conflict_do_*` for the dialect named (statements built once)."""
    if dialect == "postgresql":
        return postgresql.insert(table_of(model))
    if dialect == "sqlite":
        return sqlite.insert(table_of(model))
    raise NotImplementedError(f"no upsert for the {dialect} dialect")


def batches(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows split so that one multi-row statement stays under the bound-parameter limit."""
    if not rows:
        return []
    per_batch = max(1, MAX_PARAMS // max(1, len(rows[0])))
    return [rows[i : i + per_batch] for i in range(0, len(rows), per_batch)]

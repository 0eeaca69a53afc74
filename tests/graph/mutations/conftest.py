"""Helpers for the ATS write API tests: rows made through the resolvers, and what the outbox holds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlmodel import SQLModel, col, func, select

import models
from models.db import SessionFactory

Outbox = Callable[[], Awaitable[list[tuple[str, int, str, dict[str, Any]]]]]
Count = Callable[[type[SQLModel]], Awaitable[int]]


@pytest.fixture
def outbox(sessions: SessionFactory) -> Outbox:
    """Every outbox row, oldest first, as (entity type, entity id, op, key)."""

    async def read() -> list[tuple[str, int, str, dict[str, Any]]]:
        async with sessions() as db:
            rows = (await db.exec(select(models.OutboxEvent).order_by(col(models.OutboxEvent.id)))).all()
        return [(row.entity_type.value, row.entity_id, row.op.value, row.key) for row in rows]

    return read


@pytest.fixture
def count(sessions: SessionFactory) -> Count:
    """How many rows a table holds."""

    async def read(model: type[SQLModel]) -> int:
        async with sessions() as db:
            return (await db.exec(select(func.count()).select_from(model))).one()

    return read


@pytest.fixture
def clear_outbox(sessions: SessionFactory) -> Callable[[], Awaitable[None]]:
    """Forget the outbox rows written while arranging a test."""

    async def clear() -> None:
        async with sessions() as db, db.begin():
            await db.exec(models.OutboxEvent.__table__.delete())  # type: ignore[attr-defined]

    return clear

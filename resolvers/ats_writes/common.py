"""What every ATS write shares: one transaction per write, and API field names for errors."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import SessionFactory
from resolvers.errors import NotFound


@contextlib.asynccontextmanager
async def transaction(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One session and one transaction: committed on success, rolled back on any exception."""
    async with sessions() as db, db.begin():
        yield db


def camel(attr: str) -> str:
    """The API's name of a model attribute (`mailing_city` → `mailingCity`)."""
    head, *rest = attr.split("_")
    return head + "".join(part.title() for part in rest)


def not_found(thing: str, field: str) -> NotFound:
    """The error for an id that names no row."""
    return NotFound(f"No {thing} has this id", field=field)

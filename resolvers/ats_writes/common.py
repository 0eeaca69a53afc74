"""What every ATS write shares: one transaction per write, and API field names for errors."""

from __future__ import annotations

from models.db import write_session
from resolvers.errors import NotFound

# Every ATS write runs in a write session: serialised on SQLite, row locks on PostgreSQL.
transaction = write_session


def camel(attr: str) -> str:
    """The API's name of a model attribute (`mailing_city` → `mailingCity`)."""
    head, *rest = attr.split("_")
    return head + "".join(part.title() for part in rest)


def not_found(thing: str, field: str) -> NotFound:
    """The error for an id that names no row."""
    return NotFound(f"No {thing} has this id", field=field)

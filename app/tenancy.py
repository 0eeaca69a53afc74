"""The customer a piece of work belongs to, as logs name it: bound where the customer becomes known (a
request's viewer, a webhook's URL, a job's unit of work for one customer), never guessed.

Metrics take the customer's key explicitly (each LinkedIn client's observer is built for its customer);
log lines get it from the structlog context bound here, and tasks started meanwhile inherit it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import structlog

FIELD = "customer"


def bind_customer(key: str) -> None:
    """Name the customer on every log line of the current task from now on (and of tasks it starts)."""
    structlog.contextvars.bind_contextvars(**{FIELD: key})


def unbind_customer() -> None:
    """Stop naming a customer (the work that had one is over)."""
    structlog.contextvars.unbind_contextvars(FIELD)


def current_customer() -> str | None:
    """The key of the customer the current work is for, if one is bound."""
    value = structlog.contextvars.get_contextvars().get(FIELD)
    return value if isinstance(value, str) else None


@contextlib.contextmanager
def working_for(key: str) -> Iterator[None]:
    """Name the customer on the log lines of the block, then restore what was bound before."""
    tokens = structlog.contextvars.bind_contextvars(**{FIELD: key})
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)

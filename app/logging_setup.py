"""Logs: structlog for ours, stdlib (uvicorn, SQLAlchemy, aiohttp, alembic) routed through the same
formatter; JSON lines in production, readable lines in development. The context variables bound per
request (request id, customer, operation) are on every line, whoever logs it."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# Libraries that chat at INFO about every probe or connection: warnings only.
QUIET_LOGGERS = ("alembic", "sqlalchemy", "aiosqlite", "asyncio", "httpx")

# Keys whose values never reach a log line, whatever logs them.
_SECRET_KEY = re.compile(r"secret|password|token|authorization|signature|cookie|api_?key", re.IGNORECASE)
REDACTED = "[redacted]"


def drop_color_message(logger: WrappedLogger, method: str, event: EventDict) -> EventDict:
    """uvicorn passes an ANSI-coloured copy of its message as an extra field: not worth a field."""
    event.pop("color_message", None)
    return event


def redact_secrets(logger: WrappedLogger, method: str, event: EventDict) -> EventDict:
    """Blank every field whose name says it holds a secret (a field named `token_ttl_s` too: cheap)."""
    for key in event:
        if key != "event" and _SECRET_KEY.search(key):
            event[key] = REDACTED
    return event


class _Handler(logging.StreamHandler[TextIO]):
    """Our root handler (recognised on reconfiguration, so it is replaced rather than doubled)."""


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        redact_secrets,
    ]


def configure_logging(*, json: bool, level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Route every log line of the process to `stream` (stderr) in one format; returns the handler."""
    shared = _shared_processors()
    stream = stream or sys.stderr
    renderer: Processor
    if json:
        renderer = structlog.processors.JSONRenderer()
        final: list[Processor] = [structlog.processors.format_exc_info, renderer]
    else:
        # plain_traceback: rich's traceback would print local variables, secrets among them.
        renderer = structlog.dev.ConsoleRenderer(
            colors=stream.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
        final = [renderer]
    structlog.configure(
        # filter_by_level first: a disabled debug line costs a level check, not the whole chain.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
    )
    handler = _Handler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler


def ensure_logging(*, json: bool, level: str) -> None:
    """Configure logging unless the process already has a handler: the processes of `serve --workers`
    start with none (the CLI configured only their parent)."""
    if not logging.getLogger().handlers:
        configure_logging(json=json, level=level)


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging config: its loggers keep no handlers of their own and go to ours (the root)."""
    loggers: MutableMapping[str, Any] = {
        name: {"handlers": [], "propagate": True, "level": "INFO"}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    }
    return {"version": 1, "disable_existing_loggers": False, "loggers": loggers}

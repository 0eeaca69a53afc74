"""Per-operation telemetry: the operation's name in every log line it causes, and one report to an
observer when it ends (the app counts it). Hooks only `on_operation` / `on_execute`: never `resolve`,
which would wrap every field (design.md §7)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Protocol

import structlog
from strawberry.extensions import SchemaExtension

# Log lines keep a client-chosen name, but not an unbounded one.
MAX_LOGGED_NAME = 100


class OperationObserver(Protocol):
    """Told once per GraphQL operation how it went."""

    def on_operation(
        self, name: str | None, outcome: str, seconds: float, error_codes: Sequence[str]
    ) -> None:
        """`outcome` is `ok`, `error` (some field failed) or `rejected` (no data: parse, validation...)."""
        ...


class OperationTelemetry(SchemaExtension):
    """Times the operation and binds its name to the log context while it executes."""

    def __init__(self, observer: OperationObserver) -> None:
        self._observer = observer

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._report(time.perf_counter() - started)

    def _report(self, seconds: float) -> None:
        context = self.execution_context
        result = context.result
        errors = (result.errors if result is not None else None) or context.pre_execution_errors or []
        if result is None or (errors and result.data is None):
            outcome = "rejected"
        else:
            outcome = "error" if errors else "ok"
        codes = [str((error.extensions or {}).get("code", "UNKNOWN")) for error in errors]
        self._observer.on_operation(context.operation_name, outcome, seconds, codes)

    def on_execute(self) -> Iterator[None]:
        name = self.execution_context.operation_name
        with structlog.contextvars.bound_contextvars(operation=(name or "anonymous")[:MAX_LOGGED_NAME]):
            yield

"""Tracing, off unless configured: with `RSC_OTEL_ENDPOINT` (or OpenTelemetry's own
`OTEL_EXPORTER_OTLP_ENDPOINT`) the app's requests, its LinkedIn calls (aiohttp) and its SQL are traced
and exported over OTLP/HTTP. OpenTelemetry is the optional `[tracing]` extra, imported only then."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from app.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

STANDARD_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT"


class Tracing(Protocol):
    """What the app factory does with tracing when it is on."""

    def instrument_app(self, app: Starlette) -> None:
        """Trace every HTTP request the app serves."""
        ...

    def instrument_engine(self, engine: AsyncEngine) -> None:
        """Trace every SQL statement of this engine."""
        ...

    def trace_configs(self) -> list[aiohttp.TraceConfig]:
        """aiohttp trace configs that trace (and propagate the trace on) every outgoing call."""
        ...

    def shutdown(self) -> None:
        """Flush pending spans and stop instrumenting."""
        ...


def otlp_endpoint(settings: Settings) -> str | None:
    """The OTLP endpoint the settings (or the standard variable) name; None: tracing is off."""
    return settings.otel_endpoint or os.environ.get(STANDARD_ENDPOINT) or None


def start_tracing(settings: Settings, exporter: SpanExporter | None = None) -> Tracing | None:
    """Tracing as configured (or into `exporter`, for tests); None, and nothing imported, when off."""
    endpoint = otlp_endpoint(settings)
    if endpoint is None and exporter is None:
        return None
    try:
        from app.otel import OpenTelemetryTracing
    except ImportError as exc:
        raise SystemExit(
            f"tracing is configured ({endpoint}) but OpenTelemetry is not installed: "
            "pip install -e '.[tracing]', or unset RSC_OTEL_ENDPOINT"
        ) from exc
    return OpenTelemetryTracing(endpoint=settings.otel_endpoint, exporter=exporter)

"""The OpenTelemetry side of app/tracing.py (imported only when tracing is on)."""

from __future__ import annotations

import aiohttp
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.instrumentation.starlette import StarletteInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

SERVICE_NAME = "rscgraph"
TRACES_PATH = "/v1/traces"


def traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL of a collector's base URL (as OTEL_EXPORTER_OTLP_ENDPOINT means it)."""
    base = endpoint.rstrip("/")
    return base if base.endswith(TRACES_PATH) else base + TRACES_PATH


class OpenTelemetryTracing:
    """One tracer provider for the app; no global OpenTelemetry state besides SQLAlchemy's hook."""

    def __init__(self, *, endpoint: str | None, exporter: SpanExporter | None = None) -> None:
        self.provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
        if exporter is not None:
            # Given an exporter (tests): spans are handed over as they end.
            self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        else:
            # endpoint None: the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and its siblings) itself.
            otlp = OTLPSpanExporter(endpoint=traces_url(endpoint) if endpoint else None)
            self.provider.add_span_processor(BatchSpanProcessor(otlp))
        self._sqlalchemy = SQLAlchemyInstrumentor()

    def instrument_app(self, app: Starlette) -> None:
        StarletteInstrumentor.instrument_app(app, tracer_provider=self.provider)

    def instrument_engine(self, engine: AsyncEngine) -> None:
        # skip_dep_check: the instrumentation declares SQLAlchemy < 2.1, and works on 2.1.
        self._sqlalchemy.instrument(
            engine=engine.sync_engine, tracer_provider=self.provider, skip_dep_check=True
        )

    def trace_configs(self) -> list[aiohttp.TraceConfig]:
        return [create_trace_config(tracer_provider=self.provider)]

    def shutdown(self) -> None:
        if self._sqlalchemy.is_instrumented_by_opentelemetry:
            self._sqlalchemy.uninstrument()
        self.provider.shutdown()

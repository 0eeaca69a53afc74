"""The Starlette app factory; its lifespan owns the engine, the aiohttp session and, when this process
runs them (`RSC_RUN_JOBS`), the background jobs of app/jobs.py.

`rscgraph serve --workers N` runs `create_app` in uvicorn's factory mode: each process builds its own
settings from the environment.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import aiohttp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp

from app import jobs as background
from app import metrics, webhooks
from app.activity_brokers import build_activity_feed
from app.body_limit import BodySizeLimit
from app.body_timeout import BodyReadTimeout
from app.candidates_page import candidate_page_routes
from app.dev_tokens import dev_token_routes, graphiql_headers
from app.graphiql import asset_mounts, graphiql_html
from app.health import healthz, readyz
from app.logging_setup import ensure_logging
from app.migrations import ensure_migrated
from app.rate_limit_stores import build_rate_limiter
from app.redis_connection import redis_client
from app.request_context import RequestContextMiddleware
from app.security_headers import SecurityHeaders, page_csp
from app.services import build_services
from app.settings import Settings
from app.tracing import start_tracing
from app.viewers import build_authenticator, signed_in_viewer
from app.workers import Workers
from graph.limits import Limits
from graph.schema import build_schema
from graph.view import GraphQLApp
from models.db import create_engine, session_factory

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

log = logging.getLogger("rscgraph")


def limits_from(settings: Settings) -> Limits:
    """The request limits the settings ask for."""
    return Limits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_query_cost=settings.max_query_cost,
        introspection=settings.introspection_on,
    )


class _App(Starlette):
    """Starlette with the request context outermost, so that even its error responses have an id."""

    def build_middleware_stack(self) -> ASGIApp:
        return RequestContextMiddleware(super().build_middleware_stack())


def create_app(settings: Settings | None = None, *, span_exporter: SpanExporter | None = None) -> Starlette:
    """The rscgraph ASGI app; runs the background jobs when `settings.run_jobs`. Refuses to start on a
    database that is not fully migrated. Traced when the settings name an OTLP endpoint (or into
    `span_exporter`, for tests)."""
    settings = settings or Settings()
    ensure_logging(json=not settings.is_development, level=settings.log_level)
    tracing = start_tracing(settings, span_exporter)
    # The process's one Redis client (RSC_REDIS_URL), if any: the feed, the rate limit and the shared
    # live-match cache go through it; it connects on first use and closes with the lifespan.
    redis = redis_client(settings)
    # Live updates' feed (its broker from the settings); on `app.state` too, where tests and probes see
    # its subscriptions.
    activity = build_activity_feed(settings, redis)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        engine = create_engine(settings.database_url)
        if tracing is not None:
            tracing.instrument_engine(engine)
        try:
            await ensure_migrated(engine)
            sessions = session_factory(engine)
            trace_configs = tracing.trace_configs() if tracing is not None else None
            # Listening before the first request, so no subscription misses what is stored after it.
            await activity.start()
            async with aiohttp.ClientSession(trace_configs=trace_configs) as http:
                services = build_services(settings, sessions, http, activity=activity, redis=redis)
                rate_limiter = build_rate_limiter(
                    settings, sessions, dialect=engine.dialect.name, redis=redis
                )
                state: dict[str, Any] = {
                    "engine": engine,
                    "services": services,
                    "settings": settings,
                    "authenticator": build_authenticator(settings, services, http),
                    "rate_limiter": rate_limiter,
                }
                jobs = background.build_jobs(services, settings) if settings.run_jobs else None
                if jobs is None:
                    log.info("background jobs off in this process (RSC_RUN_JOBS is not true)")
                    # The webhook's wake-up finds no job here; a worker process's sweep picks pushes up.
                    state["workers"] = Workers()
                else:
                    jobs.start()
                    state.update(
                        workers=jobs.workers,
                        scheduler=jobs.scheduler,
                        export_worker=jobs.exports,
                        sync_worker=jobs.outbox,
                    )
                try:
                    yield state
                finally:
                    if jobs is not None:
                        await jobs.stop()
                    await services.aclose()
        finally:
            await activity.aclose()
            if redis is not None:
                await redis.aclose()
            await engine.dispose()
            if tracing is not None:
                tracing.shutdown()

    schema = build_schema(
        limits_from(settings),
        show_internal_errors=settings.is_development,
        observer=metrics.GraphQLMetrics(),
    )
    # GraphiQL off (production's default): no page, no assets, so none of its packages need installing.
    ide_html = graphiql_html() if settings.graphiql_on else ""
    graphql = GraphQLApp(
        schema,
        ide_html=ide_html,
        graphql_ide="graphiql" if settings.graphiql_on else None,
        ide_headers=graphiql_headers if settings.dev_tokens else None,
        viewer_of=signed_in_viewer,
    )
    routes: list[BaseRoute] = [
        Route("/", lambda request: RedirectResponse("/graphql")),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        # Development with no identity provider only: elsewhere the route does not exist (404).
        *(dev_token_routes() if settings.dev_tokens else []),
        *candidate_page_routes(settings),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics.metrics_endpoint),
        *webhooks.routes,
        *(asset_mounts() if settings.graphiql_on else []),
    ]
    policies: dict[str, str] = {}
    if settings.graphiql_on:
        policies["/graphql"] = page_csp(ide_html)
    middleware = [Middleware(SecurityHeaders, policies=policies)]
    if settings.cors_origin_list:
        # Outside the limits below, so a preflight is answered whatever else the request would meet.
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origin_list,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "accept"],
                max_age=600,
            ),
        )
    middleware += [
        # Outermost first: a declared oversize body is refused before the read timeout starts.
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, paths=["/graphql"]),
        Middleware(BodyReadTimeout, timeout_s=settings.body_read_timeout_s, graphql_paths=["/graphql"]),
    ]
    app = _App(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.activity = activity
    if tracing is not None:
        tracing.instrument_app(app)
    return app

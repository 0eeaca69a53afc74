"""The Starlette app factory; its lifespan owns the engine, the aiohttp session and, when this process
runs them (`RSC_RUN_JOBS`), the background jobs of app/jobs.py.

`rscgraph serve --workers N` runs `create_app` in uvicorn's factory mode: each process builds its own
settings from the environment.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Route

from app import jobs as background
from app import webhooks
from app.graphiql import asset_mounts, demo_page, graphiql_html
from app.health import healthz, readyz
from app.migrations import ensure_migrated
from app.services import build_services
from app.settings import Settings
from app.workers import Workers
from graph.limits import Limits
from graph.schema import build_schema
from graph.view import GraphQLApp
from linkedin.client import LinkedInClient
from models.db import create_engine, session_factory

log = logging.getLogger("rscgraph")


def limits_from(settings: Settings) -> Limits:
    """The request limits the settings ask for."""
    return Limits(max_depth=settings.max_query_depth, max_aliases=settings.max_aliases)


def create_app(settings: Settings | None = None) -> Starlette:
    """The rscgraph ASGI app; runs the background jobs when `settings.run_jobs`. Refuses to start on a
    database that is not fully migrated."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        engine = create_engine(settings.database_url)
        try:
            await ensure_migrated(engine)
            sessions = session_factory(engine)
            async with aiohttp.ClientSession() as http:
                linkedin = LinkedInClient(http, settings.linkedin_config())
                services = build_services(settings, sessions, linkedin)
                state: dict[str, Any] = {"engine": engine, "services": services, "settings": settings}
                jobs = background.build_jobs(services, settings) if settings.run_jobs else None
                if jobs is None:
                    log.info("background jobs off in this process (RSC_RUN_JOBS is not true)")
                    # The webhook's wake-up finds no job here; a worker process's sweep picks pushes up.
                    state["workers"] = Workers()
                else:
                    jobs.start()
                    state.update(workers=jobs.workers, export_worker=jobs.exports, sync_worker=jobs.outbox)
                try:
                    yield state
                finally:
                    if jobs is not None:
                        await jobs.stop()
                    await services.refresh.aclose()
                    await services.live_matches.drain()
        finally:
            await engine.dispose()

    schema = build_schema(limits_from(settings), show_internal_errors=settings.is_development)
    graphql = GraphQLApp(schema, ide_html=graphiql_html())
    routes: list[BaseRoute] = [
        Route("/", lambda request: RedirectResponse("/graphql")),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/demo", demo_page),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *webhooks.routes,
        *asset_mounts(),
    ]
    return Starlette(routes=routes, lifespan=lifespan)

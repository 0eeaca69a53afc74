"""Liveness and readiness endpoints."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.migrations import current_revision, head_revision


async def healthz(request: Request) -> JSONResponse:
    """The process is up and serving."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database answers and is at the code's newest migration.

    LinkedIn is not part of readiness: it is each customer's own app, and one customer's refused
    credentials or LinkedIn's outage must not take the server out of rotation for every customer.
    Each customer's integration status page (`linkedinIntegration.credentials`) says how its app fares.
    """
    engine = request.state.engine
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
        current = await current_revision(engine)
    except (SQLAlchemyError, OSError) as exc:
        return JSONResponse({"status": "unavailable", "database": f"unreachable: {type(exc).__name__}"}, 503)
    head = head_revision()
    if current != head:
        return JSONResponse(
            {"status": "unavailable", "database": "ok", "migration": current, "expected": head},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "migration": current})

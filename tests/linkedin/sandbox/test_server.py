"""serve_asgi runs any ASGI app on a real loopback port."""

from __future__ import annotations

import aiohttp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from linkedin.sandbox.server import serve_asgi


async def _hello(request: Request) -> JSONResponse:
    return JSONResponse({"hello": "world"})


async def test_serve_asgi_yields_a_base_url_that_answers_immediately() -> None:
    # Given a minimal ASGI app
    app = Starlette(routes=[Route("/hi", _hello)])
    # When it is served and called at once
    async with serve_asgi(app) as base, aiohttp.ClientSession() as http, http.get(f"{base}/hi") as resp:
        body = await resp.json()
    # Then the first call succeeds
    assert base.startswith("http://127.0.0.1:")
    assert resp.status == 200
    assert body == {"hello": "world"}


async def test_serve_asgi_stops_the_server_on_exit() -> None:
    # Given a served app that has exited
    app = Starlette(routes=[Route("/hi", _hello)])
    async with serve_asgi(app) as base:
        pass
    # When the old URL is called
    # Then the connection is refused
    async with aiohttp.ClientSession() as http:
        try:
            async with http.get(f"{base}/hi"):
                raised = False
        except aiohttp.ClientConnectorError:
            raised = True
    assert raised is True

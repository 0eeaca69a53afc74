"""Fixtures: a sandbox on a real loopback port, a controllable clock and a small HTTP helper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from starlette.applications import Starlette

from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from linkedin.sandbox.state import SandboxState

NOW = 1_764_000_000_000
HOUR = 3_600_000
ORG = "urn:li:organization:1001"
CONTRACT = "urn:li:contract:2001"


class Clock:
    """A settable clock in epoch milliseconds."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Sandbox:
    base: str
    http: aiohttp.ClientSession
    app: Starlette

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    async def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Reply:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with self.http.request(method, self.base + path, headers=headers, **kwargs) as resp:
            text = await resp.text()
            try:
                body: Any = await resp.json(content_type=None)
            except ValueError:
                body = text
            return Reply(resp.status, body, dict(resp.headers))

    async def token(self) -> str:
        reply = await self.call(
            "POST",
            "/oauth/v2/accessToken",
            data={
                "grant_type": "client_credentials",
                "client_id": "rscgraph-demo",
                "client_secret": "demo-secret",
            },
        )
        assert reply.status == 200
        token: str = reply.body["access_token"]
        return token

    async def admin(self, method: str, path: str, body: Any = None) -> Any:
        reply = await self.call(method, "/_admin" + path, json=body)
        assert reply.status == 200, reply.body
        return reply.body


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def config(clock: Clock) -> SandboxConfig:
    return SandboxConfig(now_ms=clock, delivery_backoff_seconds=0.01, job_task_delay_ms=5_000)


@pytest.fixture
async def sandbox(config: SandboxConfig) -> AsyncIterator[Sandbox]:
    app = create_sandbox_app(config)
    async with serve_asgi(app) as base, aiohttp.ClientSession() as http:
        yield Sandbox(base, http, app)

"""Fixtures for the LinkedIn client tests: a real sandbox on a loopback port and clients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from linkedin import LinkedInClient, LinkedInConfig, RetryPolicy
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi

# The sandbox clock is frozen so windows and token expiry are exact: 2025-11-24T16:00:00Z.
NOW_MS = 1_764_000_000_000


@dataclass
class Sleeps:
    """A no-op `sleep` for RetryPolicy that records what the client asked to wait."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class Sandbox:
    """A running sandbox: its base URL, a client config for it, and its admin API."""

    url: str
    config: LinkedInConfig
    admin: aiohttp.ClientSession

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST to an admin endpoint and return its JSON."""
        async with self.admin.post(f"{self.url}/_admin/{path}", json=body) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def fault(self, endpoint: str, **knobs: Any) -> None:
        """Arm a fault for the next calls of `endpoint` (status, count, retry_after, hang, malformed...)."""
        await self.post("faults", {"endpoint": endpoint, **knobs})

    async def clear_faults(self) -> None:
        """Disarm every fault and release hanging requests."""
        async with self.admin.delete(f"{self.url}/_admin/faults") as resp:
            assert resp.status == 200

    async def calls(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        """The calls the sandbox received, optionally only those of one endpoint name."""
        async with self.admin.get(f"{self.url}/_admin/calls") as resp:
            calls: list[dict[str, Any]] = await resp.json()
        return [c for c in calls if endpoint is None or c["endpoint"] == endpoint]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The sandbox settings; override this fixture in a module to change them."""
    return SandboxConfig(now_ms=lambda: NOW_MS)


@pytest.fixture
async def sandbox(sandbox_config: SandboxConfig) -> AsyncIterator[Sandbox]:
    """A fresh sandbox served on a loopback port, with a LinkedInConfig for the demo customer."""
    app = create_sandbox_app(sandbox_config)
    async with serve_asgi(app) as url, aiohttp.ClientSession() as admin:
        config = LinkedInConfig(
            api_base_url=url,
            oauth_base_url=f"{url}/oauth/v2",
            client_id=sandbox_config.client_id,
            client_secret=SecretStr(sandbox_config.client_secret),
            org_urn=sandbox_config.org_urn,
            contract_urn=sandbox_config.contract_urn,
            request_timeout_s=2.0,
        )
        sandbox = Sandbox(url=url, config=config, admin=admin)
        try:
            yield sandbox
        finally:
            # Release any request a test left hanging so the server can stop.
            await sandbox.clear_faults()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """The aiohttp session the client under test uses."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def sleeps() -> Sleeps:
    """Records the retry waits instead of sleeping."""
    return Sleeps()


@pytest.fixture
def make_client(
    sandbox: Sandbox, http: aiohttp.ClientSession, sleeps: Sleeps
) -> Callable[..., LinkedInClient]:
    """Build a client for the sandbox with config overrides; retries never really sleep."""

    def make(**overrides: Any) -> LinkedInClient:
        config = replace(sandbox.config, **overrides)
        policy = RetryPolicy(
            max_attempts=config.max_attempts,
            base_delay_s=config.backoff_base_s,
            cap_delay_s=config.backoff_cap_s,
            max_retry_after_s=config.max_retry_after_s,
            jitter=False,
            sleep=sleeps,
        )
        return LinkedInClient(http, config, policy=policy)

    return make


@pytest.fixture
def linkedin_client(make_client: Callable[..., LinkedInClient]) -> LinkedInClient:
    """A client for the sandbox's demo customer, on /v2."""
    return make_client()

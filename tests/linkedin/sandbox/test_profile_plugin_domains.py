"""RSC-105 in the sandbox's profile plugin: with the check on, only the child app's validJsSdkDomains
may embed it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi

ATS = "https://ats.example.com"


@pytest.fixture
async def sandbox_url() -> AsyncIterator[str]:
    """A sandbox whose profile plugin checks the JS SDK domains."""
    config = SandboxConfig(plugin_checks_js_sdk_domains=True)
    async with serve_asgi(create_sandbox_app(config)) as url:
        yield url


async def _child_app(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    """A child app provisioned for the ATS's domain; its clientId and orgUrn."""
    form = {
        "grant_type": "client_credentials",
        "client_id": "rscgraph-parent",
        "client_secret": "parent-secret",
    }
    async with http.post(f"{url}/oauth/v2/accessToken", data=form) as response:
        token = (await response.json())["access_token"]
    body = {"uniqueForeignId": "acme", "name": "ATS - Acme", "validJsSdkDomains": [ATS]}
    async with http.post(
        f"{url}/v2/provisionedApplications", json=body, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        client_id = (await response.json())["credentials"]["clientId"]
    async with http.get(f"{url}/_admin/apps") as response:
        [app] = [a for a in await response.json() if a["clientId"] == client_id]
    return {"clientId": client_id, "orgUrn": app["orgUrn"]}


@pytest.mark.parametrize(
    ("origin", "status"),
    [(ATS, 200), ("https://evil.example", 403), ("", 403)],
    ids=["listed", "other", "none"],
)
async def test_only_a_page_on_the_apps_js_sdk_domains_gets_the_plugin(
    sandbox_url: str, origin: str, status: int
) -> None:
    async with aiohttp.ClientSession() as http:
        # given
        app = await _child_app(http, sandbox_url)
        query = {
            "api_key": app["clientId"],
            "atsCandidateId": "1",
            "integrationContext": app["orgUrn"],
            "widgetType": "ATS",
            "origin": origin,
        }
        # when
        async with http.get(f"{sandbox_url}/_plugin/profile/frame?{urlencode(query)}") as response:
            # then
            assert response.status == status
            if status == 200:
                assert response.headers["content-security-policy"].endswith(f"frame-ancestors {ATS}")
            else:
                assert "validJsSdkDomains" in await response.text()

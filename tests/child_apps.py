"""More customers for tests: a bare second customer row, or one with a child app provisioned in the
sandbox (its own world, credentials, fault knobs) over the Provisioning API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.settings import Settings
from models.customers import Customer
from models.db import SessionFactory
from resolvers.services import Services
from resolvers.viewer import Viewer
from tests.conftest import Sandbox, add_customer


async def other_customer_id(sessions: SessionFactory, settings: Settings, key: str = "globex") -> int:
    """A second customer whose child app LinkedIn does not know (for tests that only need its rows)."""
    row = await add_customer(
        sessions,
        settings,
        key=key,
        name=f"{key.title()} Talent",
        client_id=f"{key}-app",
        client_secret=f"{key}-secret",
        org_urn="urn:li:organization:9001",
        contract_urn="urn:li:contract:9002",
    )
    assert row.id is not None
    return row.id


@dataclass(frozen=True, slots=True)
class ChildApp:
    """A customer's application as LinkedIn (the sandbox) provisioned it."""

    client_id: str
    client_secret: str
    org_urn: str
    contract_urn: str


async def _post(sandbox: Sandbox, path: str, **kwargs: Any) -> Any:
    async with sandbox.http.post(f"{sandbox.url}{path}", **kwargs) as response:
        assert response.status < 300, await response.text()
        return await response.json()


async def provision_child_app(sandbox: Sandbox, unique_foreign_id: str) -> ChildApp:
    """A new child app with a world of its own, made with the partner app's token as the server would."""
    config = sandbox.config
    token = await _post(
        sandbox,
        "/oauth/v2/accessToken",
        data={
            "grant_type": "client_credentials",
            "client_id": config.parent_client_id,
            "client_secret": config.parent_client_secret,
        },
    )
    app = await _post(
        sandbox,
        "/v2/provisionedApplications",
        json={"uniqueForeignId": unique_foreign_id, "name": f"ATS - {unique_foreign_id}"},
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    client_id = app["credentials"]["clientId"]
    (found,) = [a for a in await sandbox.admin("GET", "apps") if a.get("clientId") == client_id]
    return ChildApp(
        client_id=client_id,
        client_secret=app["credentials"]["clientSecret"],
        org_urn=found["orgUrn"],
        contract_urn=found["contractUrn"],
    )


async def add_child_customer(
    sessions: SessionFactory, settings: Settings, sandbox: Sandbox, *, key: str, name: str
) -> tuple[Customer, ChildApp]:
    """A customer onboarded with a freshly provisioned child app of the sandbox."""
    app = await provision_child_app(sandbox, key)
    row = await add_customer(
        sessions,
        settings,
        key=key,
        name=name,
        client_id=app.client_id,
        client_secret=app.client_secret,
        org_urn=app.org_urn,
        contract_urn=app.contract_urn,
    )
    return row, app


async def admin_of(services: Services, customer_id: int, user: str = "admin@globex.test") -> Viewer:
    """A signed-in admin of that customer."""
    return Viewer(await services.tenants.get(customer_id), user=user, roles=frozenset({"admin"}))

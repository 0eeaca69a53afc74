"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured), the
LinkedIn sandbox on a loopback port, the LinkedIn client, the domain services and a GraphQL executor."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel
from strawberry.types import ExecutionResult

import models
from app.migrations import upgrade
from app.secret_keys import build_secret_box
from app.services import build_services
from app.settings import Settings
from graph.context import Context
from graph.limits import DEFAULT_MAX_QUERY_COST
from graph.schema import build_schema
from linkedin.client import LinkedInClient
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from models.db import SessionFactory, create_engine, session_factory
from resolvers.services import Services
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test would dominate the run)."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


SKIP_POSTGRES = "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1/test)"


async def _on_postgres_server(statement: str) -> None:
    engine = create_async_engine(make_url(TEST_DATABASE_URL or ""), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_postgres(prefix: str) -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database on TEST_DATABASE_URL's server, dropped afterwards
    (skips the test when none is configured)."""
    if not TEST_DATABASE_URL:
        pytest.skip(SKIP_POSTGRES)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    await _on_postgres_server(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _on_postgres_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_postgres_sync(prefix: str) -> Iterator[str]:
    """`scratch_postgres` for synchronous fixtures (no event loop running)."""
    if not TEST_DATABASE_URL:
        pytest.skip(SKIP_POSTGRES)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_on_postgres_server(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_on_postgres_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this run's own, created and migrated once, dropped at the end.

    A database per run (rather than resetting TEST_DATABASE_URL's) lets several runs share one server.
    """
    with scratch_postgres_sync("rscgraph_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database of each backend."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The engine for this test; PostgreSQL tables are truncated afterwards."""
    engine = create_engine(database_url)
    yield engine
    if engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    """Session factory over this test's database."""
    return session_factory(engine)


@pytest.fixture
def sql_log(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs from now on (tests read `len()` to count queries)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield statements
    sa.event.remove(engine.sync_engine, "before_cursor_execute", record)


@dataclass
class Sandbox:
    """A running LinkedIn sandbox: its base URL, its config, and an HTTP session for its admin API."""

    url: str
    config: SandboxConfig
    http: aiohttp.ClientSession

    async def admin(self, method: str, path: str, payload: Any = None) -> Any:
        """Call the sandbox's admin API and return the decoded JSON answer."""
        async with self.http.request(method, f"{self.url}/_admin/{path}", json=payload) as response:
            assert response.status < 300, await response.text()
            return await response.json()


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The sandbox's configuration; override in a module to change quotas, signing, delays."""
    return SandboxConfig()


@pytest.fixture
async def sandbox(sandbox_config: SandboxConfig) -> AsyncIterator[Sandbox]:
    """The LinkedIn sandbox served over real HTTP on a loopback port."""
    async with serve_asgi(create_sandbox_app(sandbox_config)) as url, aiohttp.ClientSession() as http:
        yield Sandbox(url=url, config=sandbox_config, http=http)


# One encryption key for the run: customers' client secrets are stored encrypted under it.
TEST_SECRET_KEY = SecretStr(Fernet.generate_key().decode())


@pytest.fixture
def settings(sandbox: Sandbox, database_url: str, tmp_path: Path) -> Settings:
    """Server settings pointing at this test's database and sandbox, with fast LinkedIn timeouts."""
    return Settings(
        database_url=database_url,
        secret_keys=TEST_SECRET_KEY,
        data_dir=tmp_path / "data",
        linkedin_api_base_url=sandbox.url,
        linkedin_oauth_base_url=f"{sandbox.url}/oauth/v2",
        linkedin_client_id=sandbox.config.client_id,
        linkedin_client_secret=sandbox.config.client_secret,
        linkedin_org_urn=sandbox.config.org_urn,
        linkedin_contract_urn=sandbox.config.contract_urn,
        linkedin_timeout_s=1.0,
        linkedin_max_attempts=2,
        live_match_cache_s=30.0,
    )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """The process's one HTTP session (LinkedIn clients share it)."""
    async with aiohttp.ClientSession() as session:
        yield session


async def add_customer(
    sessions: SessionFactory,
    settings: Settings,
    *,
    key: str,
    name: str,
    client_id: str,
    client_secret: str,
    org_urn: str,
    contract_urn: str,
) -> models.Customer:
    """A customer row with its child app's secret encrypted as the app stores it."""
    async with sessions() as db:
        row = models.Customer(
            key=key,
            name=name,
            linkedin_client_id=client_id,
            linkedin_client_secret_encrypted=build_secret_box(settings).encrypt(client_secret),
            linkedin_org_urn=org_urn,
            linkedin_contract_urn=contract_urn,
        )
        db.add(row)
        await db.commit()
    return row


@pytest.fixture
async def customer(sessions: SessionFactory, settings: Settings, sandbox: Sandbox) -> models.Customer:
    """The test's customer: the sandbox's default child app."""
    return await add_customer(
        sessions,
        settings,
        key="acme",
        name="Acme Staffing",
        client_id=sandbox.config.client_id,
        client_secret=sandbox.config.client_secret,
        org_urn=sandbox.config.org_urn,
        contract_urn=sandbox.config.contract_urn,
    )


@pytest.fixture
def customer_id(customer: models.Customer) -> int:
    """The test customer's id, as every query function takes it."""
    assert customer.id is not None
    return customer.id


@pytest.fixture
async def services(
    settings: Settings, sessions: SessionFactory, http: aiohttp.ClientSession
) -> AsyncIterator[Services]:
    """The domain services as the app wires them; snapshot writes finish before the database goes."""
    services = build_services(settings, sessions, http)
    yield services
    await services.aclose()


@pytest.fixture
async def tenant(services: Services, customer_id: int) -> Tenant:
    """The test customer as the domain takes it (its LinkedIn client, poll and caches)."""
    return await services.tenants.get(customer_id)


@pytest.fixture
def linkedin(tenant: Tenant) -> LinkedInClient:
    """The test customer's real LinkedIn client, talking to the sandbox."""
    return tenant.linkedin


@pytest.fixture
def viewer(tenant: Tenant) -> Viewer:
    """A signed-in admin of the test customer."""
    return Viewer(tenant, user="ada@acme.test", roles=frozenset({"admin"}))


GraphQL = Callable[..., Awaitable[ExecutionResult]]


def cost_extensions(requested: int) -> dict[str, Any]:
    """A response's `extensions` for a request of this cost under the default budget."""
    return {"cost": {"requested": requested, "limit": DEFAULT_MAX_QUERY_COST}}


@pytest.fixture
def graphql(services: Services, viewer: Viewer) -> GraphQL:
    """Execute a GraphQL document in-process as the test's viewer, with a fresh per-request context."""
    schema = build_schema(show_internal_errors=True)

    async def execute(
        query: str, variables: dict[str, Any] | None = None, *, as_viewer: Viewer | None = None
    ) -> ExecutionResult:
        context = Context.create(services, as_viewer or viewer)
        return await schema.execute(query, variable_values=variables, context_value=context)

    return execute


__all__ = ["GraphQL", "Sandbox", "models"]


def dev_bearer(
    settings: Settings, role: str = "admin", customer: str | None = "acme", user: str | None = None
) -> str:
    """An `Authorization` value signed by the development key in `settings.data_dir` (as `rscgraph token`)."""
    from app.dev_tokens import dev_token
    from resolvers.viewer import Role

    who = user or (f"{role}@{customer}.test" if customer else f"{role}@rscgraph.test")
    return f"Bearer {dev_token(settings, user=who, role=Role(role), customer=customer)}"


@dataclass
class Server:
    """The rscgraph app served over real HTTP, with a client session that signs in as an admin of the
    test customer (a development token); `anonymous` has no credential."""

    url: str
    http: aiohttp.ClientSession
    anonymous: aiohttp.ClientSession
    settings: Settings

    def bearer(self, role: str = "admin", customer: str | None = "acme", user: str | None = None) -> str:
        """An `Authorization` value for another viewer of this server."""
        return dev_bearer(self.settings, role, customer, user)

    async def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        accept: str = "application/json",
        authorization: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """POST a GraphQL request (as the test customer's admin unless `authorization` says otherwise);
        return the HTTP status and the decoded body."""
        body = {"query": query, "variables": variables or {}}
        headers = {"accept": accept}
        if authorization is not None:
            headers["authorization"] = authorization
        async with self.http.post(f"{self.url}/graphql", json=body, headers=headers) as response:
            return response.status, await response.json(content_type=None)


@contextlib.asynccontextmanager
async def serve_app(settings: Settings, **app_kwargs: Any) -> AsyncIterator[Server]:
    """`create_app(settings)` on a loopback port, with a session signed in as the test customer's admin."""
    from app.factory import create_app

    async with (
        serve_asgi(create_app(settings, **app_kwargs)) as url,
        aiohttp.ClientSession(headers={"Authorization": dev_bearer(settings)}) as http,
        aiohttp.ClientSession() as anonymous,
    ):
        yield Server(url=url, http=http, anonymous=anonymous, settings=settings)


@pytest.fixture
async def server(settings: Settings, customer: models.Customer) -> AsyncIterator[Server]:
    """The whole app (lifespan included) on a loopback port, pointed at the sandbox; requests are an
    admin's of the test customer (a development token)."""
    async with serve_app(settings) as served:
        yield served

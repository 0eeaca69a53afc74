"""What the role gates cost: the full candidate tab of a page of 50 candidates, asked as an admin, by a
schema with graph/permissions.py's gates and by one built with them taken off, in one run.

    .venv/bin/python -m bench.permissions
    .venv/bin/python -m bench.permissions --requests 400 --page 50

In-process (no HTTP, so the figure is the gates' share of the GraphQL work, not diluted by the wire):
seeds a SQLite file (bench/candidate_tab.py's rows: every candidate with two threads of ten InMails, a
note, an application with two stages, a LinkedIn note), warms the live-match cache from the LinkedIn
sandbox, then alternates the two schemas request by request and reports each one's median and p90, the
ratio of medians and the gate checks one request makes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.fernet import Fernet
from pydantic import SecretStr

from app.migrations import upgrade_async
from app.services import build_services
from app.settings import Settings
from bench.candidate_tab import CUSTOMER_ID, TAB_FIELDS, seed
from graph import permissions
from graph.context import Context
from graph.schema import RscSchema, build_schema, schema
from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from models.db import create_engine, session_factory
from resolvers.services import Services
from resolvers.viewer import Role, Viewer


def page_query(page: int) -> str:
    """The tab of the first `page` candidates."""
    return f"query Tabs {{ candidates(first: {page}) {{ edges {{ node {{ {TAB_FIELDS} }} }} }} }}"


def ungated_schema() -> RscSchema:
    """A schema like the app's with no role gate on any field (they are put back for every later build)."""
    types = schema._schema.type_map
    permissions.apply_permissions(types, enabled=False)
    try:
        return build_schema()
    finally:
        permissions.apply_permissions(types)


async def once(target: RscSchema, query: str, services: Services, viewer: Viewer) -> dict[str, Any]:
    """One request of `viewer` in-process, with a fresh context (as the app makes one per request)."""
    result = await target.execute(query, context_value=Context.create(services, viewer))
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def run(page: int, requests: int) -> None:
    """Seed, warm, alternate the two schemas, print the figures."""
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        await upgrade_async(database_url)
        sandbox_config = SandboxConfig()
        async with serve_asgi(create_sandbox_app(sandbox_config)) as sandbox_url:
            settings = Settings(
                database_url=database_url,
                environment="production",
                secret_keys=SecretStr(Fernet.generate_key().decode()),
                data_dir=Path(directory) / "data",
                linkedin_api_base_url=sandbox_url,
                linkedin_oauth_base_url=f"{sandbox_url}/oauth/v2",
                linkedin_client_id=sandbox_config.client_id,
                linkedin_client_secret=sandbox_config.client_secret,
                linkedin_org_urn=sandbox_config.org_urn,
                linkedin_contract_urn=sandbox_config.contract_urn,
                live_match_cache_s=3600,
            )
            # Every candidate of the page with two threads of ten InMails.
            await seed(settings, page, page * 20)
            engine = create_engine(database_url)
            async with aiohttp.ClientSession() as http:
                services = build_services(settings, sessions=session_factory(engine), http=http)
                try:
                    tenant = await services.tenants.get(CUSTOMER_ID)
                    admin = Viewer(tenant, user="bench@acme.test", roles=frozenset({Role.ADMIN}))
                    await measure(page, requests, services, admin)
                finally:
                    await services.aclose()
            await engine.dispose()


async def measure(page: int, requests: int, services: Services, admin: Viewer) -> None:
    """Both schemas answer alike; then alternate them and print medians and ratios."""
    query = page_query(page)
    gated, ungated = build_schema(), ungated_schema()
    # Warm-up: the live-match cache, the parser and validation caches; both answer the same.
    first = await once(gated, query, services, admin)
    assert first == await once(ungated, query, services, admin)
    assert len(first["candidates"]["edges"]) == page
    checks = await count_checks(gated, query, services, admin)
    assert await count_checks(ungated, query, services, admin) == 0
    # Wall time, and this process's CPU time (all its threads: aiosqlite's too), which other processes
    # on a shared machine do not inflate.
    wall: dict[str, list[float]] = {"gated": [], "ungated": []}
    cpu: dict[str, list[float]] = {"gated": [], "ungated": []}
    for index in range(2 * requests):
        # Alternating, so drift (caches, the allocator, the CPU's clock) falls on both alike.
        name = ("gated", "ungated")[index % 2]
        target = gated if name == "gated" else ungated
        # A full collection between requests, untimed: a pause inside one would swamp the difference.
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        await once(target, query, services, admin)
        cpu[name].append((time.process_time() - started_cpu) * 1000)
        wall[name].append((time.perf_counter() - started) * 1000)
    print(f"candidate tab, {page} candidates per request, as an admin; {requests} requests each, alternating")
    print(f"{'schema':>8} {'wall ms':>8} {'cpu ms':>8} {'gate checks/req':>16}  (medians)")
    median_wall = {name: statistics.median(t) for name, t in wall.items()}
    median_cpu = {name: statistics.median(t) for name, t in cpu.items()}
    for name in ("gated", "ungated"):
        shown = checks if name == "gated" else 0
        print(f"{name:>8} {median_wall[name]:>8.2f} {median_cpu[name]:>8.2f} {shown:>16}")
    ratio_wall = median_wall["gated"] / median_wall["ungated"]
    ratio_cpu = median_cpu["gated"] / median_cpu["ungated"]
    print(f"{'ratio':>8} {ratio_wall:>8.3f} {ratio_cpu:>8.3f}  (gated / ungated)")
    each = (median_cpu["gated"] - median_cpu["ungated"]) / checks * 1000
    print(f"about {each:.1f} µs of CPU per gate check")


async def count_checks(target: RscSchema, query: str, services: Services, viewer: Viewer) -> int:
    """How many gate checks one request of `target` makes."""
    count = 0
    original = permissions.HasRole.has_permission

    def counting(self: permissions.HasRole, source: Any, info: Any, **kwargs: Any) -> bool:
        nonlocal count
        count += 1
        return original(self, source, info, **kwargs)

    permissions.HasRole.has_permission = counting  # type: ignore[method-assign]
    try:
        await once(target, query, services, viewer)
    finally:
        permissions.HasRole.has_permission = original  # type: ignore[method-assign]
    return count


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--page", type=int, default=50, help="candidates per request")
    parser.add_argument("--requests", type=int, default=200, help="requests per schema")
    args = parser.parse_args()
    asyncio.run(run(args.page, args.requests))


if __name__ == "__main__":
    main()

"""Refresh latency: the first poll, its history, and an incremental refresh, against a sandbox process.

    .venv/bin/python -m bench.refresh --inmails 5000
    .venv/bin/python -m bench.refresh --inmails 5000 --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench

The sandbox runs in its own process (as LinkedIn would); the poll is one customer's (the sandbox's
default app). `--inmails` extra InMails (each answered, so two events) are sent through its admin API
before the first poll, spread over its members and seats.
Figures: wall time and upstream calls of the first poll (4 seats × 3 streams × the newest 12 h window
and `HISTORY_WINDOWS_PER_POLL` of history), then the polls, time and calls until the history reaches
`--lookback-days` (default 365, the setting's), the p50 / max of incremental refreshes with nothing new
(13 calls each), and ten concurrent refreshes (one poll).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlmodel import func, select

from app.migrations import upgrade
from app.settings import Settings
from bench.outbox import _free_port, _reset_postgres, _start_sandbox
from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from models import Customer, InMailMessage
from models.db import SessionFactory, create_engine, session_factory
from resolvers.refresh import RefreshService
from resolvers.secret_box import SecretBox


async def _calls(http: aiohttp.ClientSession, base: str, endpoint: str | None = None) -> int:
    async with http.get(f"{base}/_admin/calls") as answer:
        calls = await answer.json()
    return sum(1 for c in calls if endpoint is None or c["endpoint"] == endpoint)


async def _send_inmails(http: aiohttp.ClientSession, base: str, count: int) -> None:
    async with http.get(f"{base}/_admin/world") as answer:
        world = await answer.json()
    seats = [s["urn"] for s in world["seats"]]
    members = [m["urn"] for m in world["members"]]
    for i in range(count):
        pair = {"seat": seats[i % len(seats)], "member": members[i % len(members)]}
        async with http.post(f"{base}/_admin/inmails", json={**pair, "body": f"Message {i}"}):
            pass
        async with http.post(f"{base}/_admin/replies", json=pair):
            pass


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _add_customer(sessions: SessionFactory, config: LinkedInConfig) -> int:
    """The polled customer's row (its secret encrypted under a key of this run, as the server stores it)."""
    box = SecretBox([Fernet.generate_key()])
    async with sessions() as db:
        row = Customer(
            key="bench",
            name="Bench customer",
            linkedin_client_id=config.client_id,
            linkedin_client_secret_encrypted=box.encrypt(config.client_secret),
            linkedin_org_urn=config.org_urn,
            linkedin_contract_urn=config.contract_urn,
        )
        db.add(row)
        await db.commit()
        assert row.id is not None
        return row.id


async def main(database_url: str | None, inmails: int, runs: int, lookback_days: int) -> None:
    """Run the measurements and print them."""
    port = _free_port()
    sandbox = _start_sandbox(port)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        if database_url:
            await _reset_postgres(url)
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url)
        try:
            async with aiohttp.ClientSession() as http:
                await _send_inmails(http, base, inmails)
                config = LinkedInConfig(
                    api_base_url=base,
                    oauth_base_url=f"{base}/oauth/v2",
                    client_id="rscgraph-demo",
                    client_secret=SecretStr("demo-secret"),
                    org_urn="urn:li:organization:1001",
                    contract_urn="urn:li:contract:2001",
                )
                sessions = session_factory(engine)
                customer_id = await _add_customer(sessions, config)
                refresh = RefreshService(
                    sessions,
                    customer_id,
                    LinkedInClient(http, config),
                    initial_lookback=timedelta(days=lookback_days),
                )
                async with http.delete(f"{base}/_admin/calls"):
                    pass
                sandbox_cpu, own_cpu = _cpu_s(sandbox.pid), time.process_time()
                started = time.perf_counter()
                report = await refresh.refresh()
                first = time.perf_counter() - started
                sandbox_cpu, own_cpu = _cpu_s(sandbox.pid) - sandbox_cpu, time.process_time() - own_cpu
                calls = await _calls(http, base)
                async with sessions() as db:
                    stored = (await db.exec(select(func.count()).select_from(InMailMessage))).one()
                print(
                    f"first poll: {first:.2f} s, {calls} upstream calls, {report.windows} windows, "
                    f"{report.events} InMails read, {stored} stored, {report.notes} notes, "
                    f"{report.stubs} stubs; stored back to {await refresh.history_pending_from()}"
                )
                print(
                    f"first poll ingest: {report.events / first:,.0f} events/s wall; the sandbox (LinkedIn) "
                    f"used {sandbox_cpu:.2f} CPU s of it, rscgraph {own_cpu:.2f} CPU s "
                    f"({report.events / max(own_cpu, 1e-9):,.0f} events per rscgraph CPU second; "
                    f"wall without the sandbox's CPU: "
                    f"{report.events / max(first - sandbox_cpu, 1e-9):,.0f} events/s)"
                )
                started, polls = time.perf_counter(), 0
                async with http.delete(f"{base}/_admin/calls"):
                    pass
                while await refresh.history_pending_from() is not None:
                    await refresh.refresh()
                    polls += 1
                took, calls = time.perf_counter() - started, await _calls(http, base)
                async with sessions() as db:
                    stored = (await db.exec(select(func.count()).select_from(InMailMessage))).one()
                print(
                    f"history back {lookback_days} days: {polls} more polls, {took:.2f} s, {calls} upstream "
                    f"calls ({calls / max(polls, 1):.0f} per poll), {stored} InMails stored in all"
                )
                timings = []
                for _ in range(runs):
                    started = time.perf_counter()
                    await refresh.refresh()
                    timings.append(time.perf_counter() - started)
                p50, worst = statistics.median(timings) * 1000, max(timings) * 1000
                print(f"incremental refresh (nothing new), {runs} runs: p50 {p50:.0f} ms, max {worst:.0f} ms")
                async with http.delete(f"{base}/_admin/calls"):
                    pass
                started = time.perf_counter()
                await asyncio.gather(*(refresh.refresh() for _ in range(10)))
                together = time.perf_counter() - started
                seats_calls = await _calls(http, base, "seatsV2")
                print(f"10 concurrent refreshes: {together * 1000:.0f} ms, {seats_calls} upstream poll(s)")
        finally:
            await engine.dispose()
            sandbox.terminate()
            sandbox.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--inmails", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--lookback-days", type=int, default=Settings().poll_initial_lookback_days)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.inmails, args.runs, args.lookback_days))

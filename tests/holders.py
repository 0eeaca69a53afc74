"""A process that takes background work's leases and then blocks, for tests to `kill -9`.

`python -m tests.holders poll|outbox <lease-clock ISO time> <customer id>` with the server's RSC_* settings
in the environment: `poll` starts the customer's LinkedIn poll (the test makes LinkedIn hang, so it holds
that customer's poll lease), `outbox` runs an outbox pass of the customer (it holds the claimed rows while
LinkedIn hangs). Its clock stands still at the given time, so the test knows when its leases run out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process read `settings` (secrets included)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSC_")}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        env[f"RSC_{name.upper()}"] = str(text).lower() if isinstance(text, bool) else str(text)
    return env


def spawn(work: str, settings: Settings, lease_now: datetime, customer_id: int) -> subprocess.Popen[bytes]:
    """Start a holder of the customer's `work` leases whose clock stands at `lease_now`; it waits on a
    hanging LinkedIn for as long as it lives."""
    patient = settings.model_copy(update={"linkedin_timeout_s": 3600.0, "linkedin_max_attempts": 1})
    return subprocess.Popen(
        [sys.executable, "-m", "tests.holders", work, lease_now.isoformat(), str(customer_id)],
        cwd=ROOT,
        env=settings_env(patient),
    )


def kill_9(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: the process gets no chance to release anything."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


async def _hold(work: str, now: datetime, customer_id: int) -> None:
    from app.services import build_services
    from models.db import create_engine, session_factory
    from resolvers.refresh import RefreshService
    from resolvers.sync.worker import OutboxWorker

    settings = Settings()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    async with aiohttp.ClientSession() as http:
        # The customer's own LinkedIn client, as the server builds it from the customer's row.
        tenant = await build_services(settings, sessions, http).tenants.get(customer_id)
        if work == "poll":
            poll = RefreshService(
                sessions,
                customer_id,
                tenant.linkedin,
                initial_lookback=timedelta(days=8),
                lease_clock=lambda: now,
            )
            await poll.refresh()
        else:
            await OutboxWorker(sessions, tenant, clock=lambda: now).run_once()


if __name__ == "__main__":
    asyncio.run(_hold(sys.argv[1], datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])))

"""A process that takes background work's leases and then blocks, for tests to `kill -9`.

`python -m tests.holders poll|outbox <lease-clock ISO time>` with the server's RSC_* settings in the
environment: `poll` starts a LinkedIn poll (the test makes LinkedIn hang, so it holds the poll lease),
`outbox` runs an outbox pass (it holds the claimed rows while LinkedIn hangs). Its clock stands still at
the given time, so the test knows when its leases run out.
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


def spawn(work: str, settings: Settings, lease_now: datetime) -> subprocess.Popen[bytes]:
    """Start a holder of `work`'s leases whose clock stands at `lease_now`; it waits on a hanging
    LinkedIn for as long as it lives."""
    patient = settings.model_copy(update={"linkedin_timeout_s": 3600.0, "linkedin_max_attempts": 1})
    return subprocess.Popen(
        [sys.executable, "-m", "tests.holders", work, lease_now.isoformat()],
        cwd=ROOT,
        env=settings_env(patient),
    )


def kill_9(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: the process gets no chance to release anything."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


async def _hold(work: str, now: datetime) -> None:
    from linkedin.client import LinkedInClient
    from models.db import create_engine, session_factory
    from resolvers.refresh import RefreshService
    from resolvers.sync.worker import OutboxWorker

    settings = Settings()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    async with aiohttp.ClientSession() as http:
        linkedin = LinkedInClient(http, settings.linkedin_config())
        if work == "poll":
            poll = RefreshService(
                sessions, linkedin, initial_lookback=timedelta(days=8), lease_clock=lambda: now
            )
            await poll.refresh()
        else:
            await OutboxWorker(sessions, linkedin, clock=lambda: now).run_once()


if __name__ == "__main__":
    asyncio.run(_hold(sys.argv[1], datetime.fromisoformat(sys.argv[2])))

"""What the PostgreSQL benches (bench/processes.py, bench/peer.py) share: the command line of their
seeded world, and how such a bench runs (on the server of --database-url or TEST_DATABASE_URL; skipped,
with the reason, when there is none or it is unreachable).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.engine import make_url


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser whose help is the bench module's docstring, as written."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def add_world_options(
    parser: argparse.ArgumentParser,
    *,
    requests: int,
    requests_help: str | None = None,
    messages_help: str | None = None,
) -> None:
    """--database-url, --candidates, --messages, --requests and --sample: the seeded world and its load."""
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL whose server gets the scratch database (default: TEST_DATABASE_URL)",
    )
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=100_000, help=messages_help)
    parser.add_argument("--requests", type=int, default=requests, help=requests_help)
    parser.add_argument(
        "--sample", type=int, default=200, help="distinct candidates the tab requests cycle over"
    )


def postgres_base(given: str | None) -> str | None:
    """The PostgreSQL URL to work beside: --database-url, else TEST_DATABASE_URL; None if neither is."""
    url = given or os.environ.get("TEST_DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


def run_on_postgres(
    name: str, database_url: str | None, bench: Callable[[str], Coroutine[Any, Any, None]]
) -> None:
    """Run `bench(base URL)` on the PostgreSQL server `database_url` names (else TEST_DATABASE_URL's);
    print why and return when there is none, or it refuses the connection."""
    # SIGTERM unwinds like Ctrl-C, so the server processes stop and the scratch database goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base = postgres_base(database_url)
    if base is None:
        print(f"{name} skipped: no PostgreSQL (set TEST_DATABASE_URL or pass --database-url)")
        return
    try:
        asyncio.run(bench(base))
    except OSError as exc:
        if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc):
            print(f"{name} skipped: PostgreSQL at {make_url(base).host} is unreachable ({exc})")
            return
        raise

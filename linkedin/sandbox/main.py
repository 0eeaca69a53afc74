"""Run the sandbox standalone with uvicorn (`python -m linkedin.sandbox`, `rscgraph sandbox`)."""

from __future__ import annotations

import argparse
import os

import uvicorn

from linkedin.sandbox.app import create_sandbox_app
from linkedin.sandbox.config import SandboxConfig

DEFAULT_PORT = 8100


def run(host: str, port: int, config: SandboxConfig | None = None, *, access_log: bool = True) -> None:
    """Serve the sandbox on host:port until interrupted; config defaults to `SandboxConfig.from_env()`."""
    app = create_sandbox_app(config or SandboxConfig.from_env())
    uvicorn.run(app, host=host, port=port, lifespan="on", log_level="info", access_log=access_log)


def main(argv: list[str] | None = None) -> None:
    """Parse `--host` / `--port` (defaults 127.0.0.1 and SANDBOX_PORT or 8100) and run."""
    parser = argparse.ArgumentParser(prog="python -m linkedin.sandbox", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    run(args.host, args.port)

"""Run any ASGI app on a real loopback port inside the current event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the host process's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The event loop belongs to the caller (a test, the demo); Ctrl+C is theirs to handle.
        yield


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve `app` on an ephemeral port and yield its base URL; stop the server on exit."""
    # Bind and listen before the server task starts so the port is connectable the moment we yield.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this; without it keep-alive calls stall ~40 ms on delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, 0))
    sock.listen(128)
    sock.setblocking(False)
    port = sock.getsockname()[1]
    # A bounded graceful shutdown: a request stuck upstream must not keep a test from finishing.
    # wsproto: the websocket protocol the served app's subscriptions are tested on (app/cli.py).
    config = uvicorn.Config(
        app, lifespan="on", log_level="warning", timeout_graceful_shutdown=5, ws="wsproto", access_log=False
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        try:
            await task
        finally:
            sock.close()

"""A request body trickled in slower than RSC_BODY_READ_TIMEOUT_S is answered 408, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
from sqlmodel import func, select
from yarl import URL

import models
from app.settings import Settings
from linkedin import push
from models.db import SessionFactory
from tests.conftest import Sandbox, Server, cost_extensions

TIMEOUT_S = 0.5
# Far more bytes than the trickle can send before the timeout: the server must cut it short.
DECLARED_LENGTH = 1000
# Generous for a loaded machine; a hang (the defect) never answers at all.
ANSWER_WITHIN_S = 10


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small body-read timeout, so the trickle needs only a few bytes to outlast it."""
    return settings.model_copy(update={"body_read_timeout_s": TIMEOUT_S, "export_interval_s": 0})


class _TrickleClient(asyncio.Protocol):
    """A raw HTTP/1.1 client connection that keeps whatever arrives, even if a reset follows."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.answered = asyncio.Event()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes) -> None:
        self.received += data
        self.answered.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()


async def trickle_post(
    server: Server, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """POST a body one byte per 0.1 s on a raw socket; the status, headers and body of the answer."""
    url = URL(server.url)
    loop = asyncio.get_running_loop()
    assert url.host is not None
    assert url.port is not None
    transport, client = await loop.create_connection(_TrickleClient, url.host, url.port)
    head = [f"POST {path} HTTP/1.1", f"Host: {url.host}", f"Content-Length: {DECLARED_LENGTH}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    transport.write(("\r\n".join(head) + "\r\n\r\n").encode())
    try:
        # The deliberate slowness of the client (not a wait for the server); it stops once answered.
        for _ in range(DECLARED_LENGTH):
            if client.answered.is_set() or transport.is_closing():
                break
            transport.write(b" ")
            await asyncio.sleep(0.1)
        # The answer says `connection: close`: the server closing the connection ends it.
        await asyncio.wait_for(client.closed.wait(), ANSWER_WITHIN_S)
    finally:
        transport.close()
    head_bytes, _, body = bytes(client.received).partition(b"\r\n\r\n")
    status_line, *header_lines = head_bytes.decode().split("\r\n")
    answer_headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        answer_headers[name.strip().lower()] = value.strip()
    assert len(body) == int(answer_headers["content-length"])
    return int(status_line.split()[1]), answer_headers, body


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_trickled_graphql_body_is_answered_408_with_a_graphql_error(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    caplog.set_level(logging.WARNING, logger="rscgraph.http")
    started = time.monotonic()
    # when
    status, headers, body = await trickle_post(
        server, "/graphql", {"Content-Type": "application/json", "Authorization": server.bearer()}
    )
    # then: answered once the timeout passed, long before the declared body could have arrived
    elapsed = time.monotonic() - started
    assert status == 408
    assert TIMEOUT_S <= elapsed < DECLARED_LENGTH * 0.1
    assert headers["connection"] == "close"
    assert json.loads(body) == {
        "errors": [
            {
                "message": f"The request body was not received within {TIMEOUT_S:g} s",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert [r.getMessage() for r in caplog.records if r.name == "rscgraph.http"] == [
        f"POST /graphql: request body not received within {TIMEOUT_S:.1f} s (client 127.0.0.1); answered 408"
    ]


async def test_a_trickled_webhook_body_is_answered_408_and_writes_nothing(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given: the signature header of a genuine notification (the body never completes)
    signature = push.signature(sandbox.config.client_secret, push.notification_body("slow-1"))
    headers = {"Content-Type": "application/json", push.SIGNATURE_HEADER: signature}
    # when
    status, _, body = await trickle_post(server, "/webhooks/linkedin/acme", headers)
    # then
    assert (status, json.loads(body)) == (
        408,
        {"error": f"The request body was not received within {TIMEOUT_S:g} s"},
    )
    async with sessions() as db:
        assert (await db.exec(select(func.count()).select_from(models.WebhookNotification))).one() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_body_sent_at_once_is_unaffected_by_the_timeout(server: Server) -> None:
    # when
    status, body = await server.graphql("{ __typename }")
    # then
    assert (status, body) == (200, {"data": {"__typename": "Query"}, "extensions": cost_extensions(0)})

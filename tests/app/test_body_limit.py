"""/graphql bodies over RSC_MAX_BODY_BYTES are answered 413 before they are read whole, over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import re

import pytest
from yarl import URL

from tests.conftest import Server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LIMIT = 1_000_000  # the default
ANSWER = {
    "errors": [
        {
            "message": f"The request body is larger than {LIMIT} bytes",
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]
}
CHUNK = 64 * 1024
HUNDRED_MB = 100 * 1000 * 1000
# Generous for a loaded machine; a server reading the whole body takes far longer, or never answers.
ANSWER_WITHIN_S = 30


async def _connect(server: Server) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    url = URL(server.url)
    assert url.host is not None
    assert url.port is not None
    return await asyncio.open_connection(url.host, url.port)


def _parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


async def test_a_declared_length_over_the_limit_is_answered_413_before_any_body_is_sent(
    server: Server,
) -> None:
    # given: headers only; the body never follows
    reader, writer = await _connect(server)
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {LIMIT + 1}"
    )
    writer.write(f"{head}\r\n\r\n".encode())
    await writer.drain()
    # when
    answer = await asyncio.wait_for(reader.read(), ANSWER_WITHIN_S)
    writer.close()
    # then: answered, and the connection closed
    status, headers, body = _parse(answer)
    assert status == 413
    assert headers["connection"] == "close"
    assert json.loads(body) == ANSWER


class _StreamingClient(asyncio.Protocol):
    """A raw HTTP/1.1 connection that keeps whatever arrives, even if a reset follows (the server
    closes with the rest of the body unread), and tells when the socket may take more."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.closed = asyncio.Event()
        self.writable = asyncio.Event()
        self.writable.set()

    def data_received(self, data: bytes) -> None:
        self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self.writable.set()

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()


async def test_a_100_mb_chunked_body_is_cut_off_past_the_limit_without_being_read(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    caplog.set_level(logging.WARNING, logger="rscgraph.http")
    url = URL(server.url)
    assert url.host is not None
    assert url.port is not None
    loop = asyncio.get_running_loop()
    transport, client = await loop.create_connection(_StreamingClient, url.host, url.port)
    head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
    transport.write(f"{head}\r\n\r\n".encode())
    chunk = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
    sent = 0

    async def stream() -> None:
        nonlocal sent
        # As fast as the server reads; stops once the server has closed the connection.
        while sent < HUNDRED_MB and not client.closed.is_set():
            await client.writable.wait()
            if client.closed.is_set():
                return
            transport.write(chunk)
            sent += CHUNK

    # when
    try:
        await asyncio.wait_for(stream(), ANSWER_WITHIN_S)
        await asyncio.wait_for(client.closed.wait(), ANSWER_WITHIN_S)
    finally:
        transport.close()
    # then: refused, the connection closed long before the 100 MB went, and the server stopped reading
    # just past the limit (at most one read of the socket more)
    status, headers, body = _parse(bytes(client.received))
    assert status == 413
    assert headers["connection"] == "close"
    assert json.loads(body) == ANSWER
    assert sent < HUNDRED_MB // 4
    [line] = [r.getMessage() for r in caplog.records if r.name == "rscgraph.http"]
    match = re.fullmatch(
        rf"POST /graphql: request body passed {LIMIT} bytes; stopped reading at (\d+) "
        r"\(client 127\.0\.0\.1\); answered 413",
        line,
    )
    assert match is not None, line
    assert LIMIT < int(match.group(1)) <= LIMIT + 1024 * 1024


async def test_a_chunked_body_under_the_limit_is_answered(server: Server) -> None:
    # given
    reader, writer = await _connect(server)
    payload = json.dumps({"query": "{ __typename }"}).encode()
    head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
    head += "\r\nConnection: close"
    writer.write(f"{head}\r\n\r\n".encode() + f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n")
    await writer.drain()
    # when
    answer = await asyncio.wait_for(reader.read(), ANSWER_WITHIN_S)
    writer.close()
    # then
    status, _, body = _parse(answer)
    assert status == 200
    assert json.loads(body)["data"] == {"__typename": "Query"}

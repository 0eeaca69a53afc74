"""/graphql bodies over RSC_MAX_BODY_BYTES are answered 413 before they are read whole, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket

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


async def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes, also what arrived before a reset."""
    loop = asyncio.get_running_loop()
    received = bytearray()
    while True:
        try:
            data = await loop.sock_recv(sock, 65536)
        except ConnectionError:
            return bytes(received)
        if not data:
            return bytes(received)
        received += data


async def test_a_100_mb_chunked_body_is_cut_off_past_the_limit_without_being_read(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a socket of our own, so a failed write (the server hung up) leaves what it sent readable
    caplog.set_level(logging.WARNING, logger="rscgraph.http")
    url = URL(server.url)
    assert url.host is not None
    assert url.port is not None
    loop = asyncio.get_running_loop()
    sock = socket.create_connection((url.host, url.port))
    sock.setblocking(False)
    answer = asyncio.create_task(_read_until_closed(sock))
    head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
    # Signed in: an anonymous request is refused (401) before its body is read at all.
    head += f"\r\nAuthorization: {server.bearer()}"
    chunk = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
    sent = 0

    async def stream() -> None:
        nonlocal sent
        await loop.sock_sendall(sock, f"{head}\r\n\r\n".encode())
        # As fast as the server reads; stops once the server has answered and hung up.
        while sent < HUNDRED_MB and not answer.done():
            await loop.sock_sendall(sock, chunk)
            sent += CHUNK

    # when
    try:
        with contextlib.suppress(ConnectionError):
            await asyncio.wait_for(stream(), ANSWER_WITHIN_S)
        received = await asyncio.wait_for(answer, ANSWER_WITHIN_S)
    finally:
        sock.close()
    # then: refused, the connection closed long before the 100 MB went, and the server stopped reading
    # just past the limit (at most one read of the socket more)
    status, headers, body = _parse(received)
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
    head += f"\r\nConnection: close\r\nAuthorization: {server.bearer()}"
    writer.write(f"{head}\r\n\r\n".encode() + f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n")
    await writer.drain()
    # when
    answer = await asyncio.wait_for(reader.read(), ANSWER_WITHIN_S)
    writer.close()
    # then
    status, _, body = _parse(answer)
    assert status == 200
    assert json.loads(body)["data"] == {"__typename": "Query"}

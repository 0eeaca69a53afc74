"""A graphql-transport-ws client for the live-update tests: the app on a loopback port, a websocket
signed in through `connection_init`, bounded waits for its messages."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from starlette.applications import Starlette

import models
from app.factory import create_app
from app.settings import Settings
from linkedin.sandbox.server import serve_asgi
from models.db import SessionFactory
from resolvers.activity_feed import ActivityFeed
from tests.conftest import dev_bearer
from tests.graph.tab_world import gid

# Every wait of these tests is bounded by this (seconds); none sleeps to synchronise.
WAIT_S = 10.0

ACTIVITY = """
subscription Activity($candidateId: ID!) {
  candidateActivity(candidateId: $candidateId) { kind at candidate { id firstName } }
}
"""


@dataclass
class LiveServer:
    """The app served over real HTTP, its feed (to see its subscriptions) and an HTTP client."""

    url: str
    app: Starlette
    http: aiohttp.ClientSession
    settings: Settings

    @property
    def feed(self) -> ActivityFeed:
        """The live-update feed of this app."""
        feed: ActivityFeed = self.app.state.activity
        return feed

    async def graphql(self, query: str, variables: dict[str, Any], authorization: str) -> dict[str, Any]:
        """POST a GraphQL request; the decoded answer."""
        body = {"query": query, "variables": variables}
        headers = {"Authorization": authorization}
        async with self.http.post(f"{self.url}/graphql", json=body, headers=headers) as response:
            answer: dict[str, Any] = await response.json(content_type=None)
            return answer

    @contextlib.asynccontextmanager
    async def socket(self, authorization: str) -> AsyncIterator[Socket]:
        """A graphql-transport-ws connection, acknowledged for `authorization`."""
        url = self.url.replace("http://", "ws://") + "/graphql"
        async with self.http.ws_connect(url, protocols=["graphql-transport-ws"]) as ws:
            socket = Socket(ws)
            await socket.send({"type": "connection_init", "payload": {"Authorization": authorization}})
            assert await socket.receive() == {"type": "connection_ack"}
            yield socket


class Socket:
    """One graphql-transport-ws connection."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any]) -> None:
        """Send one protocol message."""
        await self.ws.send_str(json.dumps(message))

    async def subscribe(self, operation_id: str, candidate_id: str, query: str = ACTIVITY) -> None:
        """Start `candidateActivity` for the candidate under `operation_id`."""
        payload = {"query": query, "variables": {"candidateId": candidate_id}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})

    async def receive(self, within_s: float = WAIT_S) -> dict[str, Any]:
        """The next protocol message (pings answered on the way); fails after `within_s` seconds."""
        while True:
            message = await self.ws.receive(timeout=within_s)
            assert message.type == aiohttp.WSMsgType.TEXT, f"the socket answered {message.type!r}"
            decoded: dict[str, Any] = json.loads(message.data)
            if decoded.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            return decoded


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """`create_app(settings)` on a loopback port."""
    app = create_app(settings)
    async with serve_asgi(app) as url, aiohttp.ClientSession() as http:
        yield LiveServer(url=url, app=app, http=http, settings=settings)


def bearer(settings: Settings, role: str = "admin", customer: str = "acme") -> str:
    """A development token's `Authorization` value for a viewer of `customer`."""
    return dev_bearer(settings, role, customer)


async def add_candidate(sessions: SessionFactory, customer_id: int, first_name: str) -> tuple[int, str]:
    """A candidate of the customer: its row id and global ID."""
    async with sessions() as db:
        row = models.Candidate(customer_id=customer_id, first_name=first_name, last_name="Lovelace")
        db.add(row)
        await db.commit()
        assert row.id is not None
        return row.id, gid("Candidate", row.id)


async def link(sessions: SessionFactory, customer_id: int, candidate_id: int, person_urn: str) -> None:
    """Link the candidate to a LinkedIn member."""
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate_id,
                person_urn=person_urn,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()

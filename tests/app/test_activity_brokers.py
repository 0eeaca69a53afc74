"""Live updates across processes: a subscription served by one app instance receives what another
instance (its own engine, feed and broker connections) stored, through PostgreSQL `LISTEN/NOTIFY` or
Redis pub/sub. PostgreSQL runs when TEST_DATABASE_URL is set, Redis when TEST_REDIS_URL is; without them
those tests skip and say why."""

from __future__ import annotations

import os

import asyncpg  # type: ignore[import-untyped]
import pytest

from app.activity_brokers import PostgresFeed, RedisFeed, asyncpg_dsn, build_activity_feed
from app.settings import Settings
from models.db import SessionFactory
from resolvers.activity_feed import (
    MAX_MESSAGE_BYTES,
    ActivityFeed,
    ActivityKind,
    decode_batch,
    encode_batches,
    events_for,
)
from tests.graph.live_support import WAIT_S, add_candidate, bearer, live_server

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
SKIP_REDIS = "Redis tests need TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"

ADD_NOTE = """
mutation Note($id: ID!) {
  addCandidateNote(input: {candidateId: $id, author: "Ben", body: "Called her"}) { userErrors { code } }
}
"""


async def _a_write_on_one_instance_reaches_a_subscriber_of_another(
    settings: Settings, sessions: SessionFactory, customer_id: int, broker: type[ActivityFeed]
) -> None:
    # given: two instances of the app; a recruiter follows Ada on the first
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    async with live_server(settings) as first, live_server(settings) as second:
        assert isinstance(first.feed, broker)
        assert isinstance(second.feed, broker)
        async with first.socket(bearer(settings, "recruiter")) as socket:
            await socket.subscribe("1", ada_id)
            assert await first.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
            # when: the second instance stores a note on her
            answer = await second.graphql(ADD_NOTE, {"id": ada_id}, bearer(settings))
            message = await socket.receive()
    # then
    assert answer["data"] == {"addCandidateNote": {"userErrors": []}}
    activity = message["payload"]["data"]["candidateActivity"]
    assert (message["id"], message["type"], activity["kind"]) == ("1", "next", "NOTE")
    assert activity["candidate"] == {"id": ada_id, "firstName": "Ada"}


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgresql_carries_an_event_from_one_instance_to_anothers_subscriber(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    await _a_write_on_one_instance_reaches_a_subscriber_of_another(
        settings, sessions, customer_id, PostgresFeed
    )


@pytest.mark.skipif(not TEST_REDIS_URL, reason=SKIP_REDIS)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_redis_carries_an_event_from_one_instance_to_anothers_subscriber(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    with_redis = settings.model_copy(update={"redis_url": TEST_REDIS_URL})
    await _a_write_on_one_instance_reaches_a_subscriber_of_another(
        with_redis, sessions, customer_id, RedisFeed
    )


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_event_of_another_customer_on_the_shared_channel_reaches_nobody_else(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: Ada's subscriber; the channel is the deployment's, shared by every customer
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    async with (
        live_server(settings) as first,
        live_server(settings) as second,
        first.socket(bearer(settings)) as socket,
    ):
        await socket.subscribe("1", ada_id)
        assert await first.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when: another customer's candidate with Ada's id has news, then Ada
        await second.feed.publish(events_for(customer_id + 1, [ada], ActivityKind.INMAIL))
        await second.feed.publish(events_for(customer_id, [ada], ActivityKind.MATCH))
        message = await socket.receive()
    # then: the first event Ada's subscriber gets is hers
    assert message["payload"]["data"]["candidateActivity"]["kind"] == "MATCH"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_broker_that_cannot_be_reached_loses_the_event_but_never_fails_the_write(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a PostgreSQL broker on a port nothing listens on
    feed = PostgresFeed("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    # when / then: publishing returns (the failure is logged)
    await feed.publish(events_for(customer_id, [1], ActivityKind.NOTE))
    await feed.aclose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_broker_follows_the_settings(settings: Settings) -> None:
    pg = settings.model_copy(update={"database_url": "postgresql+asyncpg://u:p@db:5432/ats"})
    redis = pg.model_copy(update={"redis_url": "redis://cache:6379/3"})
    feeds = [build_activity_feed(s) for s in (settings, pg, redis)]
    assert [type(f).__name__ for f in feeds] == ["ActivityFeed", "PostgresFeed", "RedisFeed"]
    assert isinstance(feeds[2], RedisFeed)
    assert feeds[2].channel == "rscgraph:activity:3"
    assert asyncpg_dsn("postgresql+asyncpg://u:p@db:5432/ats") == "postgresql://u:p@db:5432/ats"


def test_a_large_batch_is_split_into_messages_a_notify_can_carry() -> None:
    # given: 500 events (some 40,000 bytes)
    events = events_for(42, range(1, 501), ActivityKind.INMAIL)
    # when
    messages = encode_batches(events)
    # then
    assert len(messages) > 1
    assert all(len(m.encode()) <= MAX_MESSAGE_BYTES for m in messages)
    assert [e for m in messages for e in decode_batch(m)] == events


@pytest.mark.parametrize(
    "message",
    ["not json", '{"c": 1}', '[{"c": "1", "id": 2, "k": "NOTE", "at": "2026-01-01T00:00:00+00:00"}]', "[7]"],
)
def test_a_message_that_is_not_ours_is_ignored(message: str) -> None:
    assert decode_batch(message) == []


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_the_postgresql_listener_reconnects_after_its_connection_is_killed(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: Ada's subscriber on the first instance
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    async with (
        live_server(settings) as first,
        live_server(settings) as second,
        first.socket(bearer(settings)) as socket,
    ):
        feed = first.feed
        assert isinstance(feed, PostgresFeed)
        await socket.subscribe("1", ada_id)
        assert await feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when: PostgreSQL ends the listening connection (a restart, a failover, an operator)
        killer = await asyncpg.connect(asyncpg_dsn(settings.database_url))
        try:
            await killer.execute("SELECT pg_terminate_backend($1)", feed.listening_pid)
        finally:
            await killer.close()
        assert await feed.listener.wait_for_connections(2, within_s=WAIT_S)
        await second.feed.publish(events_for(customer_id, [ada], ActivityKind.INMAIL))
        message = await socket.receive()
    # then: the listener is back and the event arrives
    assert message["payload"]["data"]["candidateActivity"]["kind"] == "INMAIL"

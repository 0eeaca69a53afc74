"""Which broker carries live updates between processes (resolvers/activity_feed.py): Redis pub/sub when
RSC_REDIS_URL is set, else PostgreSQL `LISTEN/NOTIFY` when that is the database, else this process
alone (SQLite: one process serves and polls).

Every process publishes to the broker and hears everything on its channel, its own events included, so
a subscriber gets an event the same way whichever process stored it. A message is a JSON array of
events (customer id, candidate id, kind, time: no personal data). When the broker connection drops, the
listener reconnects with a growing pause (up to RECONNECT_MAX_S); events published meanwhile are lost
to this process's subscribers (they read the candidate again on their next event or refresh).

Channels: PostgreSQL's NOTIFY is scoped to one database, so the one channel `rscgraph_activity` is per
deployment by itself; Redis pub/sub is not scoped by database number, so its channel names the number
(`rscgraph:activity:<db>`), as deployments sharing a Redis server keep their rate-limit keys apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
from sqlalchemy.engine import make_url

from app.redis_connection import redis_client, redis_database
from app.settings import Settings
from resolvers.activity_feed import ActivityEvent, ActivityFeed, InProcessFeed, decode_batch, encode_batches

if TYPE_CHECKING:
    # Imported only with RSC_REDIS_URL set (see app/rate_limit_stores.py: redis loads OpenTelemetry).
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

log = logging.getLogger("rscgraph.activity")

PG_CHANNEL: Final = "rscgraph_activity"
REDIS_CHANNEL_PREFIX: Final = "rscgraph:activity"
RECONNECT_FIRST_S: Final = 0.5
RECONNECT_MAX_S: Final = 30.0
# How long connecting or publishing may take before it is given up (logged, never raised to a write).
BROKER_TIMEOUT_S: Final = 5.0


def asyncpg_dsn(database_url: str) -> str:
    """The plain `postgresql://` DSN asyncpg takes for a SQLAlchemy `postgresql+asyncpg://` URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


# Connects, listens, calls its argument once listening, and returns or raises when the connection ends.
ListenOnce = Callable[[Callable[[], None]], Awaitable[None]]


class _Reconnecting:
    """A listener task that (re)connects until stopped, pausing longer after each failure in a row."""

    def __init__(self, what: str, listen_once: ListenOnce) -> None:
        self._what = what
        self._listen_once = listen_once
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        # How many connections have listened so far, and an event set (and replaced) at each new one.
        self.connections = 0
        self._connected = asyncio.Event()

    async def start(self) -> None:
        """Listen in the background; returns once the first connection listens (or failed once)."""
        self._task = asyncio.create_task(self._run(), name=f"activity-{self._what}")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(BROKER_TIMEOUT_S):
                await self._ready.wait()

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def wait_for_connections(self, count: int, *, within_s: float) -> bool:
        """Wait (at most `within_s` seconds) until `count` connections have listened; whether they have.
        For tests and probes of reconnection."""
        try:
            async with asyncio.timeout(within_s):
                while self.connections < count:
                    await self._connected.wait()
        except TimeoutError:
            return False
        return True

    def _listening(self) -> None:
        self.connections += 1
        self._ready.set()
        self._connected.set()
        self._connected = asyncio.Event()

    async def _run(self) -> None:
        pause = RECONNECT_FIRST_S
        while True:
            before = self.connections
            try:
                await self._listen_once(self._listening)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any broker failure: log, wait, connect again
                log.warning(
                    "live updates: %s listener lost (%s); reconnecting in %g s", self._what, exc, pause
                )
            self._ready.set()  # start() waits for the first attempt, not for success
            if self.connections > before:
                pause = RECONNECT_FIRST_S  # it had listened: a new drop, not one failure more in a row
            await asyncio.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX_S)


class PostgresFeed(ActivityFeed):
    """Events through PostgreSQL `LISTEN/NOTIFY`: a connection of its own listens (asyncpg), and
    publishing sends `pg_notify` through a small pool."""

    name = "PostgreSQL LISTEN/NOTIFY"

    def __init__(self, database_url: str, channel: str = PG_CHANNEL) -> None:
        super().__init__()
        self._dsn = asyncpg_dsn(database_url)
        self.channel = channel
        self._pool: Any = None
        self._pool_lock = asyncio.Lock()
        self._listener = _Reconnecting("PostgreSQL", self._listen_once)
        # The server process of the listening connection (None until it listens).
        self.listening_pid: int | None = None

    async def start(self, *, listen: bool = True) -> None:
        """Listen on the channel (when asked); publishing connects on first use."""
        if listen:
            await self._listener.start()

    async def aclose(self) -> None:
        """Stop listening and close the publishing pool."""
        await self._listener.stop()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _send(self, events: Sequence[ActivityEvent]) -> None:
        # One bound for connecting and sending: the write that publishes waits no longer than this.
        async with asyncio.timeout(BROKER_TIMEOUT_S):
            pool = await self._publishing_pool()
            await pool.executemany(
                "SELECT pg_notify($1, $2)", [(self.channel, message) for message in encode_batches(events)]
            )

    async def _publishing_pool(self) -> Any:
        async with self._pool_lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=0, max_size=2)
            return self._pool

    @property
    def listener(self) -> _Reconnecting:
        """The listening side (its connection count shows reconnections)."""
        return self._listener

    async def _listen_once(self, listening: Callable[[], None]) -> None:
        async with asyncio.timeout(BROKER_TIMEOUT_S):
            connection = await asyncpg.connect(self._dsn)
        ended = asyncio.get_running_loop().create_future()

        def on_notify(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            self.hub.deliver(decode_batch(payload))

        def on_end(_connection: object) -> None:
            if not ended.done():
                ended.set_result(None)

        try:
            connection.add_termination_listener(on_end)
            await connection.add_listener(self.channel, on_notify)
            self.listening_pid = connection.get_server_pid()
            listening()
            await ended
            raise ConnectionError("the listening connection ended")
        finally:
            connection.terminate()


class RedisFeed(ActivityFeed):
    """Events through Redis pub/sub on the channel of the Redis database number."""

    name = "Redis pub/sub"

    def __init__(self, redis: Redis, *, owned: bool = False) -> None:
        super().__init__()
        # The process's one client (app/redis_connection.py); closed here only when `owned`.
        self._redis = redis
        self._owned = owned
        self.channel = f"{REDIS_CHANNEL_PREFIX}:{redis_database(redis)}"
        self._listener = _Reconnecting("Redis", self._listen_once)

    async def start(self, *, listen: bool = True) -> None:
        """Subscribe to the channel (when asked)."""
        if listen:
            await self._listener.start()

    async def aclose(self) -> None:
        """Unsubscribe, and close the client if it is this feed's own."""
        await self._listener.stop()
        if self._owned:
            await self._redis.aclose()

    async def _send(self, events: Sequence[ActivityEvent]) -> None:
        async with asyncio.timeout(BROKER_TIMEOUT_S):
            for message in encode_batches(events):
                await self._redis.publish(self.channel, message)

    async def _listen_once(self, listening: Callable[[], None]) -> None:
        pubsub: PubSub = self._redis.pubsub()
        try:
            async with asyncio.timeout(BROKER_TIMEOUT_S):
                await pubsub.subscribe(self.channel)
                # Subscribed once Redis confirms it: only then is nothing published from now on missed.
                while (await pubsub.get_message(timeout=BROKER_TIMEOUT_S)) is None:
                    pass
            listening()
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self.hub.deliver(decode_batch(message["data"]))
            raise ConnectionError("the subscription ended")
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped


def build_activity_feed(settings: Settings, redis: Redis | None = None) -> ActivityFeed:
    """The live-update feed the settings ask for (not connected yet: `start()` connects); with Redis
    configured, through `redis` (the process's client) or, without it, a client of its own."""
    feed: ActivityFeed
    if redis is not None:
        feed = RedisFeed(redis)
    elif settings.redis_url is not None:
        own = redis_client(settings)
        assert own is not None
        feed = RedisFeed(own, owned=True)
    elif make_url(settings.database_url).get_backend_name() == "postgresql":
        feed = PostgresFeed(settings.database_url)
    else:
        feed = InProcessFeed()
    log.info("live updates through %s", feed.name)
    return feed

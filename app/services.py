"""Building the shared domain services from settings."""

from __future__ import annotations

from app.settings import Settings
from linkedin.client import LinkedInClient
from models.db import SessionFactory
from resolvers.services import DomainConfig, Services


def domain_config(settings: Settings) -> DomainConfig:
    """The slice of settings the domain reads."""
    return DomainConfig(
        org_urn=settings.linkedin_org_urn,
        contract_urn=settings.linkedin_contract_urn,
        client_id=settings.linkedin_client_id,
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


def build_services(settings: Settings, sessions: SessionFactory, linkedin: LinkedInClient) -> Services:
    """Every long-lived service, wired once per process."""
    return Services(sessions=sessions, linkedin=linkedin, config=domain_config(settings))

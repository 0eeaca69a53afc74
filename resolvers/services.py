"""Long-lived domain services the app builds once and every request shares."""

from __future__ import annotations

from dataclasses import dataclass

from linkedin.client import LinkedInClient
from models.db import SessionFactory


@dataclass(frozen=True, slots=True)
class DomainConfig:
    """The settings the domain needs, without depending on the app's settings object."""

    org_urn: str
    contract_urn: str
    client_id: str
    widget_script_url: str
    recruiter_profile_url: str
    live_match_cache_s: float = 30.0
    poll_initial_lookback_days: int = 14


@dataclass(slots=True)
class Services:
    """What resolvers need beyond the request: sessions, the LinkedIn client, and shared services."""

    sessions: SessionFactory
    linkedin: LinkedInClient
    config: DomainConfig

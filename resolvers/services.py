"""Long-lived domain services the app builds once and every request shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from linkedin.config import HCM_WIDGET, PROFILE_EXTENSION_URL
from models.db import SessionFactory
from resolvers.activity_feed import ActivityFeed
from resolvers.sync.config import DEFAULT_BASE_URL, candidate_page_template
from resolvers.tenants import TenantDirectory

if TYPE_CHECKING:
    from resolvers.onboarding import Onboarding


@dataclass(frozen=True, slots=True)
class DomainConfig:
    """The settings the domain needs, without depending on the app's settings object (a customer's own
    LinkedIn instance is its `Tenant`)."""

    widget_script_url: str
    recruiter_profile_url: str
    # in.js's `extensions:` line for the profile plugin (`HcmWidget@<url>`), beside its script.
    widget_extension: str = f"{HCM_WIDGET}@{PROFILE_EXTENSION_URL}"
    live_match_cache_s: float = 30.0
    poll_initial_lookback_days: int = 365
    max_page_size: int = 100
    # How long a candidate tab waits for LinkedIn's live match before answering from the snapshot.
    live_match_timeout_s: float = 2.0
    # After LinkedIn failed a live-match fetch, tabs answer from snapshots this long without asking again.
    live_match_failure_backoff_s: float = 5.0
    # LinkedIn's limit on One-Click Exports per Recruiter seat per calendar month (UTC).
    exports_per_seat_per_month: int = 300
    # Where a candidate lives in the ATS (atsCandidate.externalProfileUrl); `{id}` is the candidate id.
    ats_candidate_url_template: str = candidate_page_template(DEFAULT_BASE_URL)
    # How long refreshLinkedInActivity waits for the poll before answering with what is stored.
    refresh_deadline_s: float = 5.0
    # Polled LinkedIn activity older than this is stale even when no poll failed (resolvers/activity.py).
    activity_max_age_s: float = 900.0


@dataclass(slots=True)
class Services:
    """What resolvers need beyond the request: sessions, the settings, and every customer's `Tenant`
    (its LinkedIn client, poll and live-match cache)."""

    sessions: SessionFactory
    config: DomainConfig
    tenants: TenantDirectory
    # Provisioning and registering customers (the partner app's client); None where nothing onboards.
    onboarding: Onboarding | None = None
    # Live updates: where writes announce what they stored, and subscriptions listen (in-process default).
    activity: ActivityFeed = field(default_factory=ActivityFeed)

    async def aclose(self) -> None:
        """End every customer's background poll and pending writes (at shutdown)."""
        await self.tenants.aclose()

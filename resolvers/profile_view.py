"""The LinkedIn Profile tab: the ATS identity, LinkedIn's live match and the last snapshot, merged."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import models
from models.ats import IdentityFields
from models.mirror import SnapshotFields
from resolvers.errors import ErrorKind
from resolvers.match_cache import LiveMatch
from resolvers.services import DomainConfig
from resolvers.sync.payloads import missing_fields
from resolvers.tenants import Tenant


@dataclass(frozen=True, slots=True)
class Freshness:
    """How current LinkedIn-backed data is: when LinkedIn last answered and why it is stale, if it is
    (`error` for a person, `error_code` when a LinkedIn failure is the reason)."""

    fetched_at: datetime | None
    stale: bool
    error: str | None
    error_code: ErrorKind | None = None


class WidgetUnavailable(enum.Enum):
    """Why LinkedIn's profile plugin cannot show a candidate."""

    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    NOT_SYNCED = "NOT_SYNCED"


# What the plugin's `data-widget-type` is for an ATS (shared/linkedin-rsc.md §3.8).
WIDGET_TYPE = "ATS"


@dataclass(frozen=True, slots=True)
class Widget:
    """What the frontend needs to embed LinkedIn's profile plugin for a candidate, and whether it can
    show them (LinkedIn finds the candidate by the id the sync sent, so only a synced one shows)."""

    api_key: str
    integration_context: str
    ats_candidate_id: str
    script_url: str
    extension: str
    widget_type: str
    available: bool
    unavailable_reason: str | None
    unavailable_code: WidgetUnavailable | None


@dataclass(frozen=True, slots=True)
class ProfileView:
    """Everything the LinkedIn Profile tab shows."""

    person_urn: str | None
    profile_url: str | None
    match_source: models.MatchSource | None
    matched_at: datetime | None
    algorithmic_matches: list[str]
    manual_match: str | None
    view_in_recruiter_url: str | None
    widget: Widget
    freshness: Freshness


def merge_profile(
    candidate: models.Candidate,
    identity: IdentityFields | None,
    snapshot: SnapshotFields | None,
    live: LiveMatch,
    config: DomainConfig,
    tenant: Tenant,
) -> ProfileView:
    """The tab's view of any candidate, matched or not (`person_urn` None when LinkedIn knows no
    member). The widget is the tenant's: its child app's client id and its organization.

    When the live fetch failed, the snapshot stands in and the freshness says why it is stale.
    """
    assert candidate.id is not None
    if live.error is None:
        algorithmic = list(live.match.matched_members) if live.match else []
        manual = live.match.manual_matched_member if live.match else None
        freshness = Freshness(fetched_at=live.fetched_at, stale=False, error=None)
        matched_member = live.match.best_member if live.match else None
    else:
        algorithmic = list(snapshot.algorithmic_matches) if snapshot else []
        manual = snapshot.manual_match if snapshot else None
        freshness = Freshness(
            fetched_at=snapshot.fetched_at if snapshot else None,
            stale=True,
            error=live.error,
            error_code=live.error_code or ErrorKind.LINKEDIN_UNAVAILABLE,
        )
        matched_member = manual or (algorithmic[0] if algorithmic else None)
    person_urn = identity.person_urn if identity else matched_member
    if person_urn is None and snapshot is not None:
        person_urn = snapshot.person_urn
    if identity is not None:
        match_source: models.MatchSource | None = identity.match_source
    elif manual is not None:
        match_source = models.MatchSource.MANUAL
    elif matched_member is not None:
        match_source = models.MatchSource.ALGORITHMIC
    else:
        match_source = None
    profile_url = identity.profile_url if identity and identity.profile_url else None
    if profile_url is None and snapshot is not None and snapshot.person_urn == person_urn:
        profile_url = snapshot.profile_url
    return ProfileView(
        person_urn=person_urn,
        profile_url=profile_url,
        match_source=match_source,
        matched_at=identity.matched_at if identity else None,
        algorithmic_matches=algorithmic,
        manual_match=manual,
        view_in_recruiter_url=recruiter_url(config, person_urn),
        widget=widget(candidate, live, config, tenant),
        freshness=freshness,
    )


def widget(candidate: models.Candidate, live: LiveMatch, config: DomainConfig, tenant: Tenant) -> Widget:
    """The plugin's configuration for the candidate, and why it cannot show them if it cannot: the
    candidate lacks what the sync needs, or LinkedIn (answering now) does not know the candidate yet.
    When LinkedIn cannot be asked, the plugin, which asks LinkedIn itself, is left to try."""
    assert candidate.id is not None
    missing = missing_fields(candidate)
    code: WidgetUnavailable | None = None
    reason: str | None = None
    if missing:
        code = WidgetUnavailable.NOT_ELIGIBLE
        reason = (
            "LinkedIn's profile plugin shows only candidates synced to LinkedIn, and this one cannot be "
            f"synced without {_in_words(missing)}."
        )
    elif live.error is None and live.match is None:
        code = WidgetUnavailable.NOT_SYNCED
        reason = (
            "LinkedIn does not have this candidate yet; the profile plugin shows them once the sync "
            "has sent them."
        )
    return Widget(
        api_key=tenant.client_id,
        integration_context=tenant.org_urn,
        ats_candidate_id=str(candidate.id),
        script_url=config.widget_script_url,
        extension=config.widget_extension,
        widget_type=WIDGET_TYPE,
        available=code is None,
        unavailable_reason=reason,
        unavailable_code=code,
    )


_FIELD_WORDS = {"first_name": "a first name", "last_name": "a last name", "email": "an email address"}


def _in_words(fields: list[str]) -> str:
    words = [_FIELD_WORDS.get(name, name.replace("_", " ")) for name in fields]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def recruiter_url(config: DomainConfig, person_urn: str | None) -> str | None:
    """Where LinkedIn Recruiter shows the member, if we know who it is."""
    if not person_urn:
        return None
    return f"{config.recruiter_profile_url.rstrip('/')}/{person_urn.rsplit(':', 1)[-1]}"

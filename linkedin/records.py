"""Typed, immutable records of what LinkedIn returns; the client never hands out raw JSON."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import SecretStr


class Direction(enum.Enum):
    """Who wrote an InMail relative to the recruiter seat that sees it."""

    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class Visibility(enum.Enum):
    """Who LinkedIn shows an InMail or prospect note to: the organization, the Recruiter project's
    members, or its author only."""

    PUBLIC = "PUBLIC"
    PROJECT = "PROJECT"
    PRIVATE = "PRIVATE"


@dataclass(frozen=True, slots=True)
class Seat:
    """A Recruiter seat and the member who holds it."""

    urn: str
    contract_urn: str
    seatholder_urn: str | None
    active: bool
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True, slots=True)
class ConversationEvent:
    """One InMail in a conversation, as seen by the viewer seat."""

    id: str
    conversation_urn: str
    viewer_seat_urn: str
    author_urn: str
    recipient_urns: tuple[str, ...]
    created_at: datetime
    subject: str | None
    body: str | None
    visibility: Visibility = Visibility.PUBLIC
    # The Recruiter project of a PROJECT-visible InMail.
    project_urn: str | None = None

    @property
    def direction(self) -> Direction:
        """OUTBOUND when the viewer seat wrote it, INBOUND otherwise."""
        return Direction.OUTBOUND if self.author_urn == self.viewer_seat_urn else Direction.INBOUND

    @property
    def member_urn(self) -> str | None:
        """The prospect: the author of an inbound message, the first recipient of an outbound one."""
        if self.direction is Direction.INBOUND:
            return self.author_urn
        return self.recipient_urns[0] if self.recipient_urns else None


@dataclass(frozen=True, slots=True)
class ProspectNote:
    """A Recruiter note about a prospect; `active=False` means it was deleted in Recruiter."""

    id: str
    owner_seat_urn: str
    member_urn: str
    body: str
    active: bool
    created_at: datetime
    last_modified_at: datetime
    visibility: Visibility = Visibility.PUBLIC
    project_urn: str | None = None


@dataclass(frozen=True, slots=True)
class MailStub:
    """Contact details a member shared when replying to an InMail."""

    id: str
    owner_seat_urn: str
    member_urn: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    title: str | None
    city: str | None
    profile_url: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CandidateMatch:
    """LinkedIn's member matches for one ATS candidate; the manual match wins."""

    ats_candidate_id: str
    matched_members: tuple[str, ...]
    manual_matched_member: str | None

    @property
    def best_member(self) -> str | None:
        """The manual match if any, else the first algorithmic match."""
        return self.manual_matched_member or (self.matched_members[0] if self.matched_members else None)


@dataclass(frozen=True, slots=True)
class PurgedExportedCandidate:
    """A member once exported to the ATS whose LinkedIn profile was since closed or purged [I shape]."""

    member_urn: str
    integration_context: str
    # CLOSED (the member closed their account) or PURGED (LinkedIn removed the profile); as LinkedIn says.
    reason: str
    purged_at: datetime


@dataclass(frozen=True, slots=True)
class ExportedCandidate:
    """A member a recruiter exported to an ATS job with One-Click Export."""

    request_id: str
    integration_context: str
    external_job_posting_id: str | None
    seat_urn: str | None
    exported_at: datetime | None
    member_urn: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    headline: str | None
    city: str | None
    profile_url: str | None


@dataclass(frozen=True, slots=True)
class BatchItemError:
    """LinkedIn's verdict on one key of a batch call that it refused."""

    status: int
    message: str
    service_error_code: int | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per-key outcome of a batch write: ids that succeeded and ids that failed, with why."""

    succeeded: frozenset[str] = frozenset()
    errors: dict[str, BatchItemError] = field(default_factory=dict)

    def merge(self, other: BatchResult) -> BatchResult:
        """The union of two chunks' results."""
        return BatchResult(self.succeeded | other.succeeded, {**self.errors, **other.errors})

    @property
    def ok(self) -> bool:
        """True when no key failed."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class TokenIntrospection:
    """What LinkedIn says about an access token."""

    active: bool
    status: str | None = None
    client_id: str | None = None
    authorized_at: datetime | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    scope: str | None = None
    auth_type: str | None = None


class JobPostingTaskStatus(enum.Enum):
    """Where LinkedIn is with an asynchronous job posting task."""

    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    PROCESSED = "PROCESSED"


@dataclass(frozen=True, slots=True)
class JobPostingTask:
    """The state of one simpleJobPostings task."""

    task_id: str
    status: JobPostingTaskStatus
    job_posting_id: str | None = None
    message: str | None = None


class IntegrationType(enum.Enum):
    """An atsIntegration type (§2.3); CSA_API is keyed by the contract URN, the others by the org URN."""

    APPLY_CONNECT = "APPLY_CONNECT"
    APPLY_WITH_LINKEDIN = "APPLY_WITH_LINKEDIN"
    CSA_API = "CSA_API"
    IN_ATS_INDICATOR = "IN_ATS_INDICATOR"
    ONE_CLICK_EXPORT = "ONE_CLICK_EXPORT"
    PROFILE_PLUGIN = "PROFILE_PLUGIN"
    RECOMMENDED_MATCHES = "RECOMMENDED_MATCHES"
    UNIFIED_SEARCH = "UNIFIED_SEARCH"

    @property
    def uses_contract(self) -> bool:
        """True when the integration's context is the contract URN rather than the org URN."""
        return self is IntegrationType.CSA_API


# The integrations Recruiter System Connect needs, in onboarding order.
RSC_INTEGRATIONS = (
    IntegrationType.ONE_CLICK_EXPORT,
    IntegrationType.IN_ATS_INDICATOR,
    IntegrationType.PROFILE_PLUGIN,
    IntegrationType.CSA_API,
)


class ConfigurationKey(enum.Enum):
    """An atsIntegration configuration key and the integration it belongs to (§2.3)."""

    CALLBACK_URL = "CALLBACK_URL"
    JOB_POSTING_VIEWERS = "JOB_POSTING_VIEWERS"
    APPLICATION_VIEWERS = "APPLICATION_VIEWERS"

    @property
    def integration_type(self) -> IntegrationType:
        """The integration whose configurations hold this key."""
        if self is ConfigurationKey.APPLICATION_VIEWERS:
            return IntegrationType.IN_ATS_INDICATOR
        return IntegrationType.ONE_CLICK_EXPORT


@dataclass(frozen=True, slots=True)
class ProvisionedApplication:
    """A customer (child) application the partner app provisioned, with its client credentials."""

    urn: str
    unique_foreign_id: str
    name: str
    client_id: str
    client_secret: SecretStr
    js_sdk_domains: tuple[str, ...] = ()
    callback_urls: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class AtsIntegration:
    """One integration of a customer as LinkedIn reports it; `enabled` once the customer turned it on."""

    integration_type: IntegrationType
    integration_context: str
    name: str | None
    status: str | None
    enabled: bool
    preauthorized: bool | None = None
    request_id: str | None = None

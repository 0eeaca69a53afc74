"""SQL tables and query functions. Imports nothing else from the project."""

from models.acl_groups import AclGroup, AclGroupJob, AclGroupUser
from models.api_keys import ApiKey
from models.ats import (
    Application,
    ApplicationStage,
    Candidate,
    CandidateSource,
    Job,
    JobAvailability,
    JobState,
    LinkedInIdentity,
    MatchSource,
    Note,
)
from models.audit_entries import AuditEntry
from models.base import utcnow
from models.customer_integrations import CustomerIntegration
from models.customers import Customer, ProjectVisibility
from models.integration import (
    ExportRequest,
    ExportStatus,
    Lease,
    OutboxEvent,
    OutboxOp,
    OutboxStatus,
    SyncEntity,
    SyncStatus,
    SyncWatermark,
    WebhookNotification,
)
from models.interview_feedback import InterviewFeedback, InterviewType
from models.linkedin_suggestions import LinkedInFill, LinkedInSource, LinkedInSuggestion
from models.mirror import (
    InMailDirection,
    InMailMessage,
    InMailThread,
    LinkedInNote,
    LinkedInProfile,
    LinkedInVisibility,
)
from models.offboarding import CustomerOffboarding, OffboardingItem
from models.rate_limit_buckets import RateLimitBucket
from models.scheduled_work import ScheduledWork
from models.seats import Seat, SeatMapping
from models.tombstones import MemberTombstone
from models.users import User, UserSource

__all__ = [
    "AclGroup",
    "AclGroupJob",
    "AclGroupUser",
    "ApiKey",
    "Application",
    "ApplicationStage",
    "AuditEntry",
    "Candidate",
    "CandidateSource",
    "Customer",
    "CustomerOffboarding",
    "CustomerIntegration",
    "ExportRequest",
    "ExportStatus",
    "InMailDirection",
    "InMailMessage",
    "InMailThread",
    "InterviewFeedback",
    "InterviewType",
    "Job",
    "JobAvailability",
    "JobState",
    "Lease",
    "LinkedInFill",
    "LinkedInIdentity",
    "LinkedInNote",
    "LinkedInProfile",
    "LinkedInSource",
    "LinkedInSuggestion",
    "LinkedInVisibility",
    "MatchSource",
    "MemberTombstone",
    "Note",
    "OffboardingItem",
    "OutboxEvent",
    "OutboxOp",
    "OutboxStatus",
    "ProjectVisibility",
    "RateLimitBucket",
    "ScheduledWork",
    "Seat",
    "SeatMapping",
    "SyncEntity",
    "SyncStatus",
    "SyncWatermark",
    "User",
    "UserSource",
    "WebhookNotification",
    "utcnow",
]

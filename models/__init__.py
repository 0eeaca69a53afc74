"""SQL tables and query functions. Imports nothing else from the project."""

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
    Recruiter,
)
from models.base import utcnow
from models.customer_integrations import CustomerIntegration
from models.customers import Customer
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
from models.linkedin_suggestions import LinkedInFill, LinkedInSource, LinkedInSuggestion
from models.mirror import (
    InMailDirection,
    InMailMessage,
    InMailThread,
    LinkedInNote,
    LinkedInProfile,
)
from models.scheduled_work import ScheduledWork

__all__ = [
    "Application",
    "ApplicationStage",
    "Candidate",
    "CandidateSource",
    "Customer",
    "CustomerIntegration",
    "ExportRequest",
    "ExportStatus",
    "InMailDirection",
    "InMailMessage",
    "InMailThread",
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
    "MatchSource",
    "Note",
    "OutboxEvent",
    "OutboxOp",
    "OutboxStatus",
    "Recruiter",
    "ScheduledWork",
    "SyncEntity",
    "SyncStatus",
    "SyncWatermark",
    "WebhookNotification",
    "utcnow",
]

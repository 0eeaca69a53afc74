"""The LinkedIn RSC client: it knows the LinkedIn wire and nothing else."""

from linkedin.auth import TokenProvider
from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from linkedin.errors import (
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInCredentialsRejected,
    LinkedInError,
    LinkedInHTTPError,
    LinkedInMalformedResponse,
    LinkedInNotFound,
    LinkedInRateLimited,
    LinkedInServerError,
    LinkedInTransportError,
    decode_response,
)
from linkedin.records import (
    BatchItemError,
    BatchResult,
    CandidateMatch,
    ConversationEvent,
    Direction,
    ExportedCandidate,
    JobPostingTask,
    JobPostingTaskStatus,
    MailStub,
    ProspectNote,
    Seat,
    TokenIntrospection,
)
from linkedin.retry import RetryPolicy

__all__ = [
    "BatchItemError",
    "BatchResult",
    "CandidateMatch",
    "ConversationEvent",
    "Direction",
    "ExportedCandidate",
    "JobPostingTask",
    "JobPostingTaskStatus",
    "LinkedInAuthError",
    "LinkedInBadRequest",
    "LinkedInClient",
    "LinkedInCredentialsRejected",
    "LinkedInConfig",
    "LinkedInError",
    "LinkedInHTTPError",
    "LinkedInMalformedResponse",
    "LinkedInNotFound",
    "LinkedInRateLimited",
    "LinkedInServerError",
    "LinkedInTransportError",
    "MailStub",
    "ProspectNote",
    "RetryPolicy",
    "Seat",
    "TokenIntrospection",
    "TokenProvider",
    "decode_response",
]

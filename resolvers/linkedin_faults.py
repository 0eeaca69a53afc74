"""Every LinkedIn failure as a short sentence for a recruiter plus a stable code: the one place that says it.

The typed exceptions of `linkedin/errors.py` carry URLs, hosts, statuses and exception names; those go
to the log. What a person reads (userErrors, `freshness.error`, the integration status) comes from
`describe` alone, so no Python repr or internal address ever reaches a response.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from linkedin.errors import (
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInCredentialsRejected,
    LinkedInHTTPError,
    LinkedInMalformedResponse,
    LinkedInNotFound,
    LinkedInRateLimited,
    LinkedInServerError,
    LinkedInTransportError,
)
from models.base import utcnow
from resolvers.errors import ErrorKind, LinkedInAuthFailed, LinkedInThrottled, LinkedInUnavailable

TIMED_OUT = "LinkedIn did not answer in time"
UNREACHABLE = "LinkedIn could not be reached"
TROUBLE = "LinkedIn is having a problem right now; try again in a few minutes"
UNREADABLE = "LinkedIn sent an answer that could not be read"
CREDENTIALS_REFUSED = "LinkedIn refused this customer's credentials; an administrator must update them"
ACCESS_REFUSED = "LinkedIn refused this customer access; an administrator must check the LinkedIn integration"
REQUEST_REFUSED = "LinkedIn refused the request"
UNKNOWN_RECORD = "LinkedIn does not know this record"
UNEXPECTED = "LinkedIn answered with an unexpected error"
NOT_ASKED = "LinkedIn could not be asked"
NOT_UPDATED = "LinkedIn activity could not be brought up to date"


@dataclass(frozen=True, slots=True)
class Fault:
    """A LinkedIn failure as a person reads it (`message`) and a program tells it apart (`code`)."""

    code: ErrorKind
    message: str


def rate_limited_until(exc: LinkedInRateLimited, now: datetime) -> datetime:
    """When LinkedIn lets the customer in again: after Retry-After, else at its daily reset (00:00 UTC)."""
    if exc.retry_after is not None:
        until = now + timedelta(seconds=exc.retry_after)
    else:
        until = (now.astimezone(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    # Rounded up to the minute: the time said is never one at which LinkedIn still refuses.
    seconds = until.timestamp()
    return datetime.fromtimestamp(math.ceil(seconds / 60) * 60, tz=UTC)


def describe(exc: BaseException, *, now: datetime | None = None) -> Fault:
    """The recruiter's sentence and the code for any failure of a LinkedIn call."""
    unavailable = ErrorKind.LINKEDIN_UNAVAILABLE
    if isinstance(exc, LinkedInCredentialsRejected):
        return Fault(ErrorKind.LINKEDIN_AUTH_FAILED, CREDENTIALS_REFUSED)
    if isinstance(exc, LinkedInAuthError):
        # 401 after a fresh token, or 403: this customer's app may not use the API it called.
        return Fault(ErrorKind.LINKEDIN_AUTH_FAILED, ACCESS_REFUSED)
    if isinstance(exc, LinkedInRateLimited):
        until = rate_limited_until(exc, now or utcnow())
        message = f"LinkedIn is rate-limiting this customer until {until:%H:%M} UTC"
        return Fault(ErrorKind.LINKEDIN_RATE_LIMITED, message)
    if isinstance(exc, LinkedInTransportError):
        return Fault(unavailable, TIMED_OUT if exc.timed_out else UNREACHABLE)
    if isinstance(exc, TimeoutError):
        return Fault(unavailable, TIMED_OUT)
    if isinstance(exc, LinkedInServerError):
        return Fault(unavailable, TROUBLE)
    if isinstance(exc, LinkedInMalformedResponse):
        return Fault(unavailable, UNREADABLE)
    if isinstance(exc, LinkedInBadRequest):
        return Fault(unavailable, REQUEST_REFUSED)
    if isinstance(exc, LinkedInNotFound):
        return Fault(unavailable, UNKNOWN_RECORD)
    if isinstance(exc, LinkedInHTTPError):
        return Fault(unavailable, UNEXPECTED)
    return Fault(unavailable, NOT_ASKED)


def domain_error(fault: Fault, *, prefix: str | None = None) -> LinkedInUnavailable:
    """The domain error (a userError or a coded top-level error) for a fault; `prefix` says what it
    means for the operation, e.g. "Stored here, but LinkedIn could not be told"."""
    message = f"{prefix}: {fault.message}" if prefix else fault.message
    if fault.code is ErrorKind.LINKEDIN_AUTH_FAILED:
        return LinkedInAuthFailed(message)
    if fault.code is ErrorKind.LINKEDIN_RATE_LIMITED:
        return LinkedInThrottled(message)
    return LinkedInUnavailable(message)


def unavailable(exc: BaseException, *, prefix: str | None = None) -> LinkedInUnavailable:
    """`domain_error(describe(exc))`: raise it `from exc`, so the log keeps the internals."""
    return domain_error(describe(exc), prefix=prefix)

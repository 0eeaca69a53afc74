"""The one mapping from LinkedIn failures to a recruiter's sentence and a stable code."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest

from linkedin.errors import (
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInCredentialsRejected,
    LinkedInError,
    LinkedInMalformedResponse,
    LinkedInNotFound,
    LinkedInRateLimited,
    LinkedInServerError,
    LinkedInTransportError,
)
from resolvers import linkedin_faults as faults
from resolvers.errors import ErrorKind, LinkedInAuthFailed, LinkedInThrottled, LinkedInUnavailable
from resolvers.linkedin_faults import Fault

NOW = datetime(2026, 12, 1, 14, 3, 20, tzinfo=UTC)
UNAVAILABLE = ErrorKind.LINKEDIN_UNAVAILABLE


def _transport(cause: BaseException) -> LinkedInTransportError:
    try:
        raise LinkedInTransportError(f"GET seatsV2 failed after 3 attempt(s): {cause!r}") from cause
    except LinkedInTransportError as exc:
        return exc


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (
            LinkedInCredentialsRejected(401, None, "Client authentication failed"),
            Fault(ErrorKind.LINKEDIN_AUTH_FAILED, faults.CREDENTIALS_REFUSED),
        ),
        (
            LinkedInAuthError(403, 100, "Not enough permissions"),
            Fault(ErrorKind.LINKEDIN_AUTH_FAILED, faults.ACCESS_REFUSED),
        ),
        (_transport(TimeoutError()), Fault(UNAVAILABLE, faults.TIMED_OUT)),
        (_transport(aiohttp.ClientConnectionError("refused")), Fault(UNAVAILABLE, faults.UNREACHABLE)),
        (LinkedInServerError(503), Fault(UNAVAILABLE, faults.TROUBLE)),
        (
            LinkedInMalformedResponse("LinkedIn answered 200 with a body that is not JSON"),
            Fault(UNAVAILABLE, faults.UNREADABLE),
        ),
        (LinkedInBadRequest(400, None, "bad field"), Fault(UNAVAILABLE, faults.REQUEST_REFUSED)),
        (LinkedInNotFound(404), Fault(UNAVAILABLE, faults.UNKNOWN_RECORD)),
        (LinkedInError("anything else"), Fault(UNAVAILABLE, faults.NOT_ASKED)),
    ],
    ids=["credentials", "forbidden", "timeout", "refused", "5xx", "malformed", "400", "404", "other"],
)
def test_each_linkedin_failure_has_its_sentence_and_code(error: LinkedInError, fault: Fault) -> None:
    assert faults.describe(error, now=NOW) == fault


def test_a_timeout_outside_the_client_did_not_answer_in_time() -> None:
    assert faults.describe(TimeoutError(), now=NOW) == Fault(UNAVAILABLE, faults.TIMED_OUT)


def test_a_429_with_retry_after_says_until_when_rounded_up_to_the_minute() -> None:
    error = LinkedInRateLimited(429, None, "throttled", retry_after=90)
    assert faults.describe(error, now=NOW) == Fault(
        ErrorKind.LINKEDIN_RATE_LIMITED, "LinkedIn is rate-limiting this customer until 14:05 UTC"
    )


def test_a_429_without_retry_after_lasts_until_linkedins_daily_reset() -> None:
    error = LinkedInRateLimited(429, None, "APPLICATION DAY limit reached")
    assert (
        faults.describe(error, now=NOW).message == "LinkedIn is rate-limiting this customer until 00:00 UTC"
    )


def test_the_words_never_carry_the_exceptions_text() -> None:
    error = _transport(aiohttp.ClientConnectionError("host='127.0.0.1', port=8500"))
    assert "127.0.0.1" not in faults.describe(error).message


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (LinkedInCredentialsRejected(401), LinkedInAuthFailed),
        (LinkedInRateLimited(429), LinkedInThrottled),
        (LinkedInServerError(500), LinkedInUnavailable),
    ],
    ids=["auth", "rate-limit", "outage"],
)
def test_the_domain_error_carries_the_faults_code(
    error: LinkedInError, kind: type[LinkedInUnavailable]
) -> None:
    domain = faults.unavailable(error, prefix="Stored here, but LinkedIn could not be told")
    assert type(domain) is kind
    assert domain.message.startswith("Stored here, but LinkedIn could not be told: LinkedIn ")

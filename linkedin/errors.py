"""Typed LinkedIn errors and the one pure function that maps an HTTP outcome to data or an error."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import orjson


class LinkedInError(Exception):
    """Base of every error the LinkedIn client raises."""


class LinkedInTransportError(LinkedInError):
    """LinkedIn could not be reached or did not answer in time (`timed_out` tells which).

    Its text names the URL and the underlying exception: it is for the log, never for a person.
    """

    @property
    def timed_out(self) -> bool:
        """True when LinkedIn was reached but did not answer in time (the cause is a timeout)."""
        return isinstance(self.__cause__, TimeoutError)


class LinkedInMalformedResponse(LinkedInError):
    """LinkedIn answered 2xx with a body that is not the JSON we expect."""


class LinkedInHTTPError(LinkedInError):
    """LinkedIn answered with a non-2xx status."""

    def __init__(
        self, status: int, service_error_code: int | None = None, message: str = "", body: Any = None
    ) -> None:
        super().__init__(
            f"LinkedIn answered {status}: {message}" if message else f"LinkedIn answered {status}"
        )
        self.status = status
        self.service_error_code = service_error_code
        self.message = message
        self.body = body


class LinkedInBadRequest(LinkedInHTTPError):
    """400/422: our bug or bad data; never retried."""


class LinkedInAuthError(LinkedInHTTPError):
    """401/403: bad credentials, or a token that is missing, expired or revoked."""


class LinkedInCredentialsRejected(LinkedInAuthError):
    """The token call refused the configured client id and secret (wrong, revoked or disabled app).

    Raised by the token call itself and, without asking LinkedIn again, by every call after it until
    the credentials change or the provider's backoff ends (`retry_at`, on its monotonic clock).
    """

    def __init__(
        self,
        status: int,
        service_error_code: int | None = None,
        message: str = "",
        body: Any = None,
        *,
        retry_at: float | None = None,
    ) -> None:
        super().__init__(status, service_error_code, message, body)
        self.retry_at = retry_at


class LinkedInNotFound(LinkedInHTTPError):
    """404: the entity does not exist on LinkedIn."""


class LinkedInRateLimited(LinkedInHTTPError):
    """429: a quota is spent (LinkedIn's limits are daily and reset at 00:00 UTC)."""

    def __init__(
        self,
        status: int,
        service_error_code: int | None = None,
        message: str = "",
        body: Any = None,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, service_error_code, message, body)
        self.retry_after = retry_after


class LinkedInServerError(LinkedInHTTPError):
    """5xx: LinkedIn's fault; retryable for idempotent calls."""


_BY_STATUS: dict[int, type[LinkedInHTTPError]] = {
    400: LinkedInBadRequest,
    401: LinkedInAuthError,
    403: LinkedInAuthError,
    404: LinkedInNotFound,
    422: LinkedInBadRequest,
}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # aiohttp's headers are case-insensitive, a plain dict is not: look both ways.
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


# LinkedIn's quotas reset daily: no Retry-After means more than a day (a larger one overflowed datetimes).
MAX_RETRY_AFTER_S = 86_400.0


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header given as delta-seconds; None when absent or not a number."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None  # `inf` and `nan` say nothing usable; a finite wait is capped at a day
    return min(seconds, MAX_RETRY_AFTER_S)


def _error_fields(data: Any) -> tuple[int | None, str]:
    if not isinstance(data, dict):
        return None, ""
    code = data.get("serviceErrorCode")
    message = data.get("message") or data.get("error_description") or data.get("error") or ""
    return (code if isinstance(code, int) and not isinstance(code, bool) else None), str(message)


def decode_response(status: int, headers: Mapping[str, str], body: bytes) -> Any:
    """Return the decoded JSON of a 2xx answer (None when empty), or raise the matching typed error."""
    if 200 <= status < 300:
        if not body.strip():
            return None
        try:
            # orjson: a first poll decodes ~10,000 InMails; it parses 2-3x faster than json and raises a
            # ValueError (orjson.JSONDecodeError) on what is not JSON, as json does.
            return orjson.loads(body)
        except ValueError as exc:
            raise LinkedInMalformedResponse(
                f"LinkedIn answered {status} with a body that is not JSON"
            ) from exc
    try:
        data: Any = json.loads(body) if body.strip() else None
    except ValueError:
        data = body.decode("utf-8", errors="replace")
    code, message = _error_fields(data)
    if status == 429:
        retry_after = parse_retry_after(_header(headers, "Retry-After"))
        raise LinkedInRateLimited(status, code, message, data, retry_after=retry_after)
    error = _BY_STATUS.get(status) or (LinkedInServerError if status >= 500 else LinkedInHTTPError)
    raise error(status, code, message, data)

"""LinkedIn push notifications: the signature, the GET challenge and the notification body (WIRE.md).

The notification body is an [I] shape (shared/linkedin-rsc.md §4); like `linkedin/wire.py` this module
is the one place that reads it, so a correction touches nothing else. The caller decodes the raw body
(bounded nesting, storable text: models.safe_input); this module checks the decoded value's shape.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

SIGNATURE_HEADER = "X-LI-Signature"
SIGNED_PREFIX = b"hmacsha256="
EXPORT_CANDIDATE_PROFILE = "EXPORT_CANDIDATE_PROFILE"
INTEGRATION_STATUS_CHANGE = "INTEGRATION_STATUS_CHANGE"


class MalformedNotification(ValueError):
    """The body is not a push notification we understand."""


@dataclass(frozen=True, slots=True)
class PushNotification:
    """A thin push: which event happened and the id to fetch its data with."""

    id: str
    type: str
    request_id: str
    expires_at: datetime | None
    # The customer the event is for, when the push names it (the follow-up answer always does).
    integration_context: str | None = None
    # The whole decoded body, kept as received for the record.
    payload: dict[str, Any] = field(default_factory=dict, compare=False)

    def expired(self, now: datetime) -> bool:
        """True when LinkedIn said the notification is no longer valid at `now`."""
        return self.expires_at is not None and self.expires_at <= now


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature(secret: str, body: bytes) -> str:
    """The `X-LI-Signature` value for a raw body: hex HMAC-SHA256 of `hmacsha256=` + body."""
    return _hmac_hex(secret, SIGNED_PREFIX + body)


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` signs exactly these raw bytes; compared in constant time."""
    if not header:
        return False
    expected = signature(secret, body).encode()
    return hmac.compare_digest(expected, header.strip().lower().encode("utf-8", errors="replace"))


def challenge_response(secret: str, challenge_code: str) -> dict[str, str]:
    """The JSON answer to `GET ?challengeCode=`: the code and its hex HMAC-SHA256."""
    return {
        "challengeCode": challenge_code,
        "challengeResponse": _hmac_hex(secret, challenge_code.encode()),
    }


# The columns a notification is recorded in (models.WebhookNotification, models.ExportRequest).
MAX_ID_LENGTH = 200
MAX_TYPE_LENGTH = 100


def _text(name: str, value: object, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise MalformedNotification(f"'{name}' must be a non-empty string of at most {max_length} characters")
    if value != value.strip():
        # Stored as an id and matched against trimmed ids later: one spelling only.
        raise MalformedNotification(f"'{name}' must not start or end with white space")
    return value


def parse_notification(data: object, *, now: datetime, max_age: timedelta) -> PushNotification:
    """Check a decoded notification `{"type", "id", "requestId"?, "expiresAt"?, "integrationContext"?}`
    (`expiresAt` in epoch ms).

    The caller decodes the body (bounded, safe text: models.safe_input); this checks its shape. An
    `expiresAt` more than `max_age` ahead is refused: replays are caught by id only that long.
    """
    if not isinstance(data, dict):
        raise MalformedNotification("the body is not a JSON object")
    kind = _text("type", data.get("type"), MAX_TYPE_LENGTH)
    ident = _text("id", data.get("id", data.get("requestId")), MAX_ID_LENGTH)
    request_id = _text("requestId", data.get("requestId", ident), MAX_ID_LENGTH)
    expires = data.get("expiresAt")
    if expires is not None and (not isinstance(expires, int) or isinstance(expires, bool) or expires <= 0):
        raise MalformedNotification("'expiresAt' must be epoch milliseconds")
    # Compared as integers: a far-off value (1e20) does not fit a datetime.
    if expires is not None and expires > (now + max_age).timestamp() * 1000:
        raise MalformedNotification(f"'expiresAt' is more than {max_age.total_seconds():.0f} s ahead")
    context = data.get("integrationContext")
    return PushNotification(
        id=ident,
        type=kind,
        request_id=request_id,
        expires_at=None if expires is None else datetime.fromtimestamp(expires / 1000, tz=UTC),
        integration_context=None if context is None else _text("integrationContext", context, MAX_ID_LENGTH),
        payload=data,
    )


def notification_body(
    notification_id: str,
    kind: str = EXPORT_CANDIDATE_PROFILE,
    *,
    expires_at_ms: int | None = None,
    integration_context: str | None = None,
) -> bytes:
    """A notification body as LinkedIn sends it (for tools and tests that play LinkedIn)."""
    payload: dict[str, object] = {"type": kind, "id": notification_id, "requestId": notification_id}
    if expires_at_ms is not None:
        payload["expiresAt"] = expires_at_ms
    if integration_context is not None:
        payload["integrationContext"] = integration_context
    return json.dumps(payload).encode()

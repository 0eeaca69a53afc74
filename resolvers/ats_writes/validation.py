"""Input checks for the ATS writes; each failure names the input field (as the API spells it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from resolvers.errors import DomainError, InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# LinkedIn's `/stages` rejects this placeholder value (linkedin-rsc.md §2.7).
_REJECTED_STAGE = "not available"

NAME_MAX = 100
EMAIL_MAX = 320
TITLE_MAX = 200
STAGE_MAX = 100
AUTHOR_MAX = 200
URL_MAX = 500


class InvalidFields(InvalidInput):
    """Several fields failed at once; `errors` holds one failure per field."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors), field=errors[0].field)
        self.errors = errors


class Checker:
    """Collects field failures so one answer names every bad field, then raises them together."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def fail(self, field: str, message: str) -> None:
        """Record that `field` is invalid."""
        self.errors.append(InvalidInput(message, field=field))

    def done(self) -> None:
        """Raise every recorded failure, if any."""
        if self.errors:
            raise InvalidFields(self.errors)

    def required_text(self, value: str | None, field: str, *, max_len: int, label: str) -> str:
        """`value` stripped; empty or too long is a failure."""
        text = (value or "").strip()
        if not text:
            self.fail(field, f"{label} must not be empty")
        elif len(text) > max_len:
            self.fail(field, f"{label} must be at most {max_len} characters")
        return text

    def optional_text(self, value: str | None, field: str, *, max_len: int, label: str) -> str | None:
        """`value` stripped, None when empty; too long is a failure."""
        text = (value or "").strip()
        if len(text) > max_len:
            self.fail(field, f"{label} must be at most {max_len} characters")
        return text or None

    def email(self, value: str | None, field: str = "email") -> str | None:
        """The address stripped and lower-cased, None when empty; malformed is a failure."""
        text = (value or "").strip().lower()
        if not text:
            return None
        if len(text) > EMAIL_MAX or not _EMAIL.match(text):
            self.fail(field, f"{value!r} is not a valid email address")
        return text

    def stage(self, value: str, field: str = "stage") -> str:
        """A free-text stage LinkedIn accepts: not empty and not `Not Available`."""
        text = self.required_text(value, field, max_len=STAGE_MAX, label="Stage")
        if text.casefold() == _REJECTED_STAGE:
            self.fail(field, "Stage must not be `Not Available` (LinkedIn rejects it)")
        return text

    def url(self, value: str | None, field: str) -> str | None:
        """An http(s) URL, None when empty."""
        text = self.optional_text(value, field, max_len=URL_MAX, label="URL")
        if text and not re.match(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", text):
            self.fail(field, f"{value!r} is not an http(s) URL")
        return text

    def moment(self, value: datetime | None, field: str) -> datetime:
        """An aware timestamp after 1970 (LinkedIn needs a positive epoch); absent means now."""
        if value is None:
            return datetime.now(UTC)
        if value.tzinfo is None:
            self.fail(field, "Time must include a timezone offset")
            return datetime.now(UTC)
        if value <= datetime(1970, 1, 1, tzinfo=UTC):
            self.fail(field, "Time must be after 1970-01-01")
            return datetime.now(UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:  # late on 9999-12-31 west of UTC: the UTC time is past year 9999
            self.fail(field, "Time must be before 9999-12-31 (UTC)")
            return datetime.now(UTC)

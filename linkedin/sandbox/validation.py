"""Per-record validation rules from the shared contract (§2.4, §2.6, §2.7, §3.1, §3.3); None means valid."""

from __future__ import annotations

from typing import Any

from linkedin.sandbox.restli import EMAIL

Json = dict[str, Any]


def _positive_ms(record: Json, name: str) -> str | None:
    value = record.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return f"'{name}' must be epoch milliseconds > 0"
    return None


def _text(record: Json, name: str, max_len: int | None = None) -> str | None:
    value = record.get(name)
    if not isinstance(value, str) or not value.strip():
        return f"'{name}' is required and must be a non-empty string"
    if max_len is not None and len(value) > max_len:
        return f"'{name}' must be at most {max_len} characters"
    return None


def _url(record: Json, name: str, required: bool) -> str | None:
    value = record.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return f"'{name}' must be an http(s) URL"
    return None


def _timestamps(record: Json) -> str | None:
    error = _positive_ms(record, "atsCreatedAt") or _positive_ms(record, "atsLastModifiedAt")
    if error:
        return error
    if record["atsLastModifiedAt"] < record["atsCreatedAt"]:
        return "'atsLastModifiedAt' must be >= 'atsCreatedAt'"
    return None


def _actor(record: Json, name: str) -> str | None:
    actor = record.get(name)
    if not isinstance(actor, dict) or _text(actor, "firstName") or _text(actor, "lastName"):
        return f"'{name}' must have a non-empty firstName and lastName"
    return None


def candidate(record: Json, has_manual_match: bool) -> str | None:
    """§3.1 atsCandidate."""
    for name in ("addresses", "phoneNumbers"):
        if not isinstance(record.get(name), list):
            return f"'{name}' is required (it may be an empty list)"
    error = _timestamps(record) or _text(record, "firstName") or _text(record, "lastName")
    error = error or _url(record, "externalProfileUrl", True) or _url(record, "linkedInProfileUrl", False)
    if error:
        return error
    emails = record.get("emailAddresses")
    if emails is None and (has_manual_match or record.get("manualMatchedMember")):
        return None
    if not isinstance(emails, list) or not emails:
        return "'emailAddresses' is required unless a member is attached"
    bad = [e for e in emails if not isinstance(e, str) or not EMAIL.match(e)]
    return f"Invalid email address {bad[0]!r}" if bad else None


def note(record: Json) -> str | None:
    """§2.6 / §2.7 note: atsCreatedAt, note text, author names."""
    return _positive_ms(record, "atsCreatedAt") or _text(record, "note") or _actor(record, "author")


def stage(record: Json) -> str | None:
    """§2.7 stage: atsCreatedAt > 0 and a stage of ≥1 char that is not "Not Available"."""
    error = _positive_ms(record, "atsCreatedAt") or _text(record, "stage")
    if error:
        return error
    if record["stage"].strip() == "Not Available":
        return "'stage' must not be 'Not Available'"
    return None


def feedback(record: Json) -> str | None:
    """§2.7 interview feedback."""
    error = _positive_ms(record, "atsCreatedAt") or _actor(record, "interviewer")
    if error:
        return error
    if record.get("interviewType") not in (None, "PHONE_SCREEN", "ONSITE"):
        return "'interviewType' must be PHONE_SCREEN or ONSITE"
    evaluations = record.get("evaluations", [])
    if not isinstance(evaluations, list) or any(
        not isinstance(e, dict) or not isinstance(e.get("attribute"), str) for e in evaluations
    ):
        return "'evaluations' must be a list of {attribute, result}"
    return None


def application(record: Json) -> str | None:
    """§3.3 atsApplication."""
    error = _timestamps(record)
    for name in ("atsJobPostingId", "atsJobPostingName", "firstName", "lastName"):
        error = error or _text(record, name)
    if error:
        return error
    email = record.get("candidateEmail")
    if not isinstance(email, str) or not EMAIL.match(email):
        return "'candidateEmail' must be an email address (X@X.X)"
    return None


_JOB_STATES = ("LISTED", "CLOSED")
_AVAILABILITY = ("PUBLIC", "PRIVATE_TO_ATS_INTEGRATION")
_OPERATIONS = ("CREATE", "UPDATE", "RENEW", "CLOSE")


def job(record: Json) -> str | None:
    """§2.4 simpleJobPostings element."""
    error = _text(record, "integrationContext") or _text(record, "externalJobPostingId")
    error = error or _text(record, "title", 200) or _text(record, "description")
    error = error or _url(record, "companyApplyUrl", True) or _positive_ms(record, "listedAt")
    if error:
        return error
    if _text(record, "location") and (_text(record, "countryCode") or _text(record, "postalCode")):
        return "'location' is required unless both 'countryCode' and 'postalCode' are given"
    if record.get("state") not in _JOB_STATES:
        return "'state' must be LISTED or CLOSED"
    if record.get("availability") not in (None, *_AVAILABILITY):
        return "'availability' must be PUBLIC or PRIVATE_TO_ATS_INTEGRATION"
    if record.get("jobPostingOperationType") not in (None, *_OPERATIONS):
        return "'jobPostingOperationType' must be CREATE, UPDATE, RENEW or CLOSE"
    return None

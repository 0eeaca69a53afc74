"""What became of one pushed record, from LinkedIn's per-key answer or the failure of the whole call."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from linkedin.errors import (
    LinkedInBadRequest,
    LinkedInCredentialsRejected,
    LinkedInError,
    LinkedInHTTPError,
    LinkedInNotFound,
    LinkedInRateLimited,
    LinkedInServerError,
)
from linkedin.records import BatchItemError, BatchResult
from resolvers import linkedin_faults


class Kind(enum.Enum):
    """The fate of a change after one pass."""

    SENT = "SENT"  # LinkedIn holds the record's latest state (or its deletion)
    PARKED = "PARKED"  # LinkedIn refused it for a reason retrying cannot fix
    SKIPPED = "SKIPPED"  # never sent, and why (e.g. a candidate without email)
    GONE = "GONE"  # the ATS record vanished before it was sent; its delete row follows
    RETRY = "RETRY"  # a transient failure: try again after a backoff
    AWAIT_TASK = "AWAIT_TASK"  # a job was submitted; LinkedIn's task will tell how it went


@dataclass(frozen=True, slots=True)
class Outcome:
    """The fate of one change and why."""

    kind: Kind
    reason: str | None = None
    task_id: str | None = None
    # LinkedIn said 429: the worker pauses rather than push more into a spent quota.
    throttled: bool = False


SENT = Outcome(Kind.SENT)
GONE = Outcome(Kind.GONE, "the record was deleted before it was sent")


def _describe(error: BatchItemError) -> str:
    return f"LinkedIn {error.status}: {error.message}" if error.message else f"LinkedIn {error.status}"


def of_item_error(error: BatchItemError, *, deleting: bool = False) -> Outcome:
    """A per-key error: 404 on a delete means already gone; 5xx/429 are retried; other 4xx are parked."""
    if deleting and error.status == 404:
        return SENT
    if error.status == 429:
        return Outcome(Kind.RETRY, _describe(error), throttled=True)
    if error.status >= 500 or error.status == 0:
        return Outcome(Kind.RETRY, _describe(error))
    return Outcome(Kind.PARKED, _describe(error))


def of_batch(ids: Iterable[str], result: BatchResult, *, deleting: bool = False) -> dict[str, Outcome]:
    """Per id of one batch call; an id LinkedIn did not answer for is retried."""
    out: dict[str, Outcome] = {}
    for ats_id in ids:
        if ats_id in result.errors:
            out[ats_id] = of_item_error(result.errors[ats_id], deleting=deleting)
        elif ats_id in result.succeeded:
            out[ats_id] = SENT
        else:
            out[ats_id] = Outcome(Kind.RETRY, "LinkedIn did not answer for this key")
    return out


def held_back(reason: str) -> Outcome:
    """Not sent, and not a failure of the record: LinkedIn refuses this customer's credentials.

    The rows wait as a job waits on its task (pending, attempts unchanged, so no retry budget burns
    while an administrator fixes the secret) and the worker pauses as on a 429 (`throttled`); until
    the credentials change the token provider fails fast, so LinkedIn is not called meanwhile.
    """
    return Outcome(Kind.AWAIT_TASK, reason, throttled=True)


def of_exception(exc: LinkedInError, *, deleting: bool = False, parent: str | None = None) -> Outcome:
    """A failure of the whole call, applied to every record in it.

    A 404 on a sub-collection means its parent is not on LinkedIn: for a delete that is success (the
    parent's deletion took its children along), for an upsert a wait for the parent.
    """
    if isinstance(exc, LinkedInCredentialsRejected):
        return held_back("not sent: LinkedIn refuses this customer's credentials")
    if isinstance(exc, LinkedInNotFound) and parent is not None:
        if deleting:
            return SENT
        return Outcome(Kind.RETRY, f"the {parent} is not on LinkedIn yet")
    if isinstance(exc, LinkedInBadRequest) or (
        isinstance(exc, LinkedInHTTPError)
        and not isinstance(exc, LinkedInServerError | LinkedInRateLimited)
        and exc.status not in (401, 403)
    ):
        return Outcome(Kind.PARKED, str(exc))
    # An HTTP answer's text is LinkedIn's own ("LinkedIn answered 503: ..."); a transport failure's
    # names hosts and exceptions, so the sync status shows the recruiter's words for it instead.
    reason = str(exc) if isinstance(exc, LinkedInHTTPError) else linkedin_faults.describe(exc).message
    return Outcome(Kind.RETRY, reason, throttled=isinstance(exc, LinkedInRateLimited))

"""How the outbox worker behaves: batch sizes, lease, backoff, and the ATS links it sends."""

from __future__ import annotations

from dataclasses import dataclass

# The ATS pages LinkedIn links to: the candidate page of the web app, and a job's page.
CANDIDATE_ROUTE = "/candidates/{id}"
JOB_ROUTE = "/jobs/{id}"
# Where the server listens by default (RSC_HOST, RSC_PORT); only library callers without settings use it.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def candidate_page_template(base_url: str) -> str:
    """The candidate page under `base_url`; `{id}` is the ATS candidate id."""
    return base_url.rstrip("/") + CANDIDATE_ROUTE


def job_page_template(base_url: str) -> str:
    """The job page under `base_url`; `{id}` is the ATS job id."""
    return base_url.rstrip("/") + JOB_ROUTE


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Tuning of the outbox worker; defaults suit production, tests shorten nothing but the clock."""

    # Links back into the ATS; `{id}` is the ATS record id. The server passes its settings' templates.
    candidate_url_template: str = candidate_page_template(DEFAULT_BASE_URL)
    job_url_template: str = job_page_template(DEFAULT_BASE_URL)
    # Rows claimed per pass; LinkedIn requests carry at most 100 records each regardless.
    claim_limit: int = 500
    # A claim outlives a crashed worker by at most this long; a live worker renews it every third of it.
    lease_s: float = 20.0
    backoff_base_s: float = 30.0
    backoff_cap_s: float = 3600.0
    # How long to wait before asking LinkedIn about a job posting task again.
    job_task_poll_s: float = 60.0
    # After a 429 the worker sends nothing for this long (LinkedIn's record limit is per minute).
    throttle_pause_s: float = 60.0

    def __post_init__(self) -> None:
        if self.claim_limit < 1:
            raise ValueError("claim_limit must be at least 1")
        if self.lease_s <= 0 or self.backoff_base_s <= 0 or self.backoff_cap_s < self.backoff_base_s:
            raise ValueError("lease and backoff must be positive, and the cap at least the base")

    def backoff_s(self, attempts: int) -> float:
        """Seconds before retrying a change that has now failed `attempts` times (capped exponential)."""
        return min(self.backoff_cap_s, self.backoff_base_s * 2.0 ** max(attempts - 1, 0))

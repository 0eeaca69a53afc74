"""The retry policy of the LinkedIn client: what is retried, how often and after how long."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linkedin.config import LinkedInConfig

Sleep = Callable[[float], Awaitable[None]]

# POST creates (simpleJobPostings, batch_partial_update) are never replayed: a lost answer may hide a success.
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})


def effective_method(method: str, method_override: str | None = None) -> str:
    """The method a request really performs: a tunnelled POST with X-HTTP-Method-Override: GET is a GET."""
    if method.upper() == "POST" and method_override:
        return method_override.upper()
    return method.upper()


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter, for idempotent calls and 5xx/transport failures only."""

    max_attempts: int = 3
    base_delay_s: float = 0.5
    cap_delay_s: float = 8.0
    jitter: bool = True
    retry_statuses: frozenset[int] = frozenset({500, 502, 503, 504})
    retry_methods: frozenset[str] = IDEMPOTENT_METHODS
    # LinkedIn's quotas are daily: only wait on a 429 when it tells us a short wait is enough.
    max_retry_after_s: float = 30.0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)
    sleep: Sleep = field(default=asyncio.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    @classmethod
    def from_config(cls, config: LinkedInConfig) -> RetryPolicy:
        """The attempts, backoff and longest Retry-After that `config` asks for."""
        return cls(
            max_attempts=config.max_attempts,
            base_delay_s=config.backoff_base_s,
            cap_delay_s=config.backoff_cap_s,
            max_retry_after_s=config.max_retry_after_s,
        )

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.cap_delay_s, self.base_delay_s * 2 ** max(attempt - 1, 0))
        return self.rng.uniform(0, ceiling) if self.jitter else ceiling

    def is_idempotent(self, method: str) -> bool:
        """True when `method` (already resolved through any override) may be replayed."""
        return method.upper() in self.retry_methods

    def can_retry(self, method: str, attempt: int) -> bool:
        """True when `method` may be replayed after failed attempt `attempt` (1-based)."""
        return self.is_idempotent(method) and attempt < self.max_attempts

    def retries_status(self, method: str, status: int, attempt: int) -> bool:
        """True when an HTTP `status` answer to attempt `attempt` should be retried."""
        return status in self.retry_statuses and self.can_retry(method, attempt)

    def rate_limit_delay(self, method: str, retry_after: float | None, attempt: int) -> float | None:
        """Seconds to wait before retrying a 429, or None to raise at once."""
        if retry_after is None or retry_after > self.max_retry_after_s:
            return None
        return retry_after if self.can_retry(method, attempt) else None

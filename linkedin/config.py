"""Settings of the LinkedIn client: where LinkedIn lives, who we are, how patient we are."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pydantic import SecretStr


@dataclass(frozen=True, slots=True)
class LinkedInConfig:
    """Everything the client needs to talk to one customer's LinkedIn integration."""

    api_base_url: str
    client_id: str
    client_secret: SecretStr
    org_urn: str
    contract_urn: str
    oauth_base_url: str = "https://www.linkedin.com/oauth/v2"
    # None speaks the unversioned /v2 surface; "YYYYMM" speaks /rest with protocol 2.0 keys.
    api_version: str | None = None
    request_timeout_s: float = 10.0
    # Longer URLs are tunnelled (POST + X-HTTP-Method-Override), as LinkedIn's official client does.
    max_url_length: int = 4000
    max_attempts: int = 3
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 8.0
    # Longest Retry-After we are willing to wait on a 429; longer (or absent) fails fast.
    max_retry_after_s: float = 30.0
    token_ttl_fallback_s: float = 1800.0
    token_refresh_margin_s: float = 60.0
    # After LinkedIn refused the credentials, calls fail fast this long unless the credentials change.
    auth_failure_backoff_s: float = 600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.request_timeout_s <= 0:
            raise ValueError("request_timeout_s must be positive")

    @property
    def versioned(self) -> bool:
        """True when the client speaks the versioned /rest surface (Rest.li protocol 2.0)."""
        return self.api_version is not None

    def for_app(
        self, client_id: str, client_secret: SecretStr, *, org_urn: str = "", contract_urn: str = ""
    ) -> LinkedInConfig:
        """The same hosts and patience for another application (the partner app, another customer's)."""
        return replace(
            self, client_id=client_id, client_secret=client_secret, org_urn=org_urn, contract_urn=contract_urn
        )

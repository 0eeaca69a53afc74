"""Sandbox settings: credentials, identities, limits, fault-free defaults and an injectable clock."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_DAILY_QUOTA = 100_000


def wall_clock_ms() -> int:
    """Epoch milliseconds from the wall clock."""
    return time.time_ns() // 1_000_000


@dataclass
class SandboxConfig:
    """Everything that shapes one sandbox instance; the defaults match the rscgraph demo settings."""

    client_id: str = "rscgraph-demo"
    client_secret: str = "demo-secret"
    parent_client_id: str = "rscgraph-parent"
    parent_client_secret: str = "parent-secret"
    org_urn: str = "urn:li:organization:1001"
    contract_urn: str = "urn:li:contract:2001"
    token_ttl_seconds: int = 1800
    seed: int = 7
    member_count: int = 240
    # Seats of the contract (the first four are the demo's named recruiters; the rest are numbered).
    seat_count: int = 4
    # Calls per UTC day per endpoint name; names not listed get DEFAULT_DAILY_QUOTA.
    daily_quotas: dict[str, int] = field(default_factory=dict)
    retry_after_seconds: int | None = None
    per_minute_records: int = 10_000
    max_batch: int = 100
    signing_key: Literal["child", "parent"] = "child"
    challenge: bool = False
    duplicate_delivery: bool = False
    delivery_retries: int = 3
    delivery_backoff_seconds: float = 0.5
    delivery_timeout_seconds: float = 5.0
    exports_per_seat_per_month: int = 300
    job_task_delay_ms: int = 2_000
    # First seat id of this app's world; child apps get their own range so seat URNs never collide.
    seat_base: int = 1001
    # Provisioning [I]: a second create with a known uniqueForeignId answers 409 (the docs' "conflict")
    # or, with "existing", 200 and the app already provisioned; either way no second app is made.
    provisioning_duplicate: Literal["conflict", "existing"] = "conflict"
    # [I] The URN of a provisioned app and the status strings of an atsIntegration.
    app_urn_prefix: str = "urn:li:developerApplication:"
    integration_status_pending: str = "PENDING"
    integration_status_enabled: str = "ENABLED"
    # LinkedIn loads its widgets only on a child app's validJsSdkDomains (RSC-105). On, the profile
    # plugin's frame refuses (and may be framed only by) a page whose origin the child app does not list;
    # off (the default), any page may embed it.
    plugin_checks_js_sdk_domains: bool = False
    now_ms: Callable[[], int] = wall_clock_ms

    def daily_quota(self, endpoint: str) -> int:
        """The daily call quota for one endpoint name."""
        return self.daily_quotas.get(endpoint, DEFAULT_DAILY_QUOTA)

    def signing_secret(self) -> str:
        """The client secret that signs push notifications and answers challenges."""
        return self.client_secret if self.signing_key == "child" else self.parent_client_secret

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SandboxConfig:
        """Build a config from SANDBOX_* variables (for standalone runs); unset ones keep defaults."""
        env = dict(os.environ) if environ is None else environ
        cfg = cls()
        for name in ("client_id", "client_secret", "parent_client_id", "parent_client_secret"):
            setattr(cfg, name, env.get(f"SANDBOX_{name.upper()}", getattr(cfg, name)))
        cfg.org_urn = env.get("SANDBOX_ORG_URN", cfg.org_urn)
        cfg.contract_urn = env.get("SANDBOX_CONTRACT_URN", cfg.contract_urn)
        for name in (
            "token_ttl_seconds",
            "seed",
            "member_count",
            "seat_count",
            "per_minute_records",
            "job_task_delay_ms",
        ):
            raw = env.get(f"SANDBOX_{name.upper()}")
            if raw is not None:
                setattr(cfg, name, int(raw))
        if (raw := env.get("SANDBOX_RETRY_AFTER_SECONDS")) is not None:
            cfg.retry_after_seconds = int(raw)
        if env.get("SANDBOX_SIGNING_KEY") == "parent":
            cfg.signing_key = "parent"
        cfg.challenge = env.get("SANDBOX_CHALLENGE", "").lower() in {"1", "true", "yes", "on"}
        cfg.duplicate_delivery = env.get("SANDBOX_DUPLICATE_DELIVERY", "").lower() in {
            "1",
            "true",
            "yes",
            "on",
        }
        cfg.plugin_checks_js_sdk_domains = env.get("SANDBOX_PLUGIN_CHECKS_JS_SDK_DOMAINS", "").lower() in {
            "1",
            "true",
            "yes",
            "on",
        }
        # SANDBOX_DAILY_QUOTAS="seatsV2=100,conversationEvents=500"
        for item in filter(None, env.get("SANDBOX_DAILY_QUOTAS", "").split(",")):
            name, _, value = item.partition("=")
            cfg.daily_quotas[name.strip()] = int(value)
        return cfg

"""Typed settings from the environment (prefix `RSC_`); secrets are `SecretStr` and never logged."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.limits import DEFAULT_MAX_QUERY_COST
from linkedin.config import LinkedInConfig, ProfilePluginConfig, profile_plugin, recruiter_profile_url
from resolvers.sync.config import candidate_page_template, job_page_template

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./rscgraph.db"
# The ATS Integration Configuration Plugin's extension (shared/linkedin-rsc.md §2.3, the sample app's
# URL), and the sandbox's offline stand-in of it.
LINKEDIN_PLUGIN_URL = "https://www.linkedin.com/recruiter/widget/ATSIntegration"
SANDBOX_PLUGIN_PATH = "/_plugin/atsIntegration"
# Only the first customer (the migration's and the demo's) is built from the RSC_LINKEDIN_* app settings.
FIRST_CUSTOMER = "seeds the first customer only (migration and demo); other customers live in the database"


def _is_origin(value: str) -> bool:
    """Whether `value` is scheme://host[:port] with an http(s) scheme (a trailing slash allowed)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.username is None
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
    )


class Settings(BaseSettings):
    """Everything the server reads from its environment. Defaults run the offline demo."""

    model_config = SettingsConfigDict(
        env_prefix="RSC_", env_file=".env", extra="ignore", populate_by_name=True
    )

    environment: str = Field(default="development", description="`development` shows error details")
    dev_customer: str | None = Field(
        default=None,
        description="development only: the customer GraphiQL's ready token is for (default: acme, else "
        "the oldest customer); ignored outside development",
    )
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    # PaaS platforms set PORT; RSC_PORT wins when both are set (AliasChoices tries them in order).
    port: int = Field(default=8000, ge=1, le=65535, validation_alias=AliasChoices("RSC_PORT", "PORT"))
    sandbox_port: int = Field(
        default=8100,
        ge=1,
        le=65535,
        validation_alias="SANDBOX_PORT",
        description="where `rscgraph sandbox` and the demo's sandbox listen",
    )

    linkedin_api_base_url: str = "http://127.0.0.1:8100"
    linkedin_oauth_base_url: str = "http://127.0.0.1:8100/oauth/v2"
    linkedin_api_version: str | None = Field(default=None, description="e.g. 202604 to use /rest")
    linkedin_client_id: str = Field(
        default="rscgraph-demo", description=f"a customer (child) app's client id; {FIRST_CUSTOMER}"
    )
    linkedin_client_secret: SecretStr = Field(
        default=SecretStr("demo-secret"), description=f"that child app's client secret; {FIRST_CUSTOMER}"
    )
    linkedin_org_urn: str = Field(
        default="urn:li:organization:1001", description=f"a customer's organization URN; {FIRST_CUSTOMER}"
    )
    linkedin_contract_urn: str = Field(
        default="urn:li:contract:2001", description=f"a customer's contract URN; {FIRST_CUSTOMER}"
    )
    # The defaults are the sandbox's partner app (linkedin/sandbox/config.py), as the child app's are.
    linkedin_partner_client_id: str = Field(
        default="rscgraph-parent",
        description="the vendor's partner (parent) app, which provisions customers' child apps",
    )
    linkedin_partner_client_secret: SecretStr = Field(
        default=SecretStr("parent-secret"), description="the partner (parent) app's client secret"
    )
    ats_name: str = Field(
        default="rscgraph",
        min_length=1,
        max_length=40,
        description="the ATS's name as customers see it on LinkedIn: child apps are named "
        '"<ATS> - <customer>", integrations "<ATS> - <customer> …"',
    )
    linkedin_timeout_s: float = Field(default=5.0, gt=0)
    linkedin_max_attempts: int = Field(default=3, ge=1, le=6)
    linkedin_widget_script_url: str | None = Field(
        default=None,
        description="the profile plugin's in.js; default: LinkedIn's when the API base URL is LinkedIn's, "
        "else the sandbox's at that URL",
    )
    linkedin_widget_extension_url: str | None = Field(
        default=None,
        description="the profile plugin's HcmWidget extension; default: as for the script",
    )
    linkedin_recruiter_url: str | None = Field(
        default=None,
        description='the base of "View in Recruiter" links; default: LinkedIn Recruiter\'s when the API base '
        "URL is LinkedIn's, else the sandbox's stand-in",
    )

    live_match_cache_s: float = Field(
        default=30.0, ge=0, description="how long live LinkedIn matches are reused"
    )
    live_match_timeout_s: float = Field(
        default=2.0, gt=0, description="how long a candidate tab waits for LinkedIn's live match"
    )
    live_match_failure_backoff_s: float = Field(
        default=5.0, ge=0, description="after a failed live-match fetch, how long tabs use snapshots only"
    )
    poll_interval_s: float = Field(default=0, ge=0, description="periodic LinkedIn poll; 0 turns it off")
    # A year, as Bullhorn reaches back; up to 366 so "12 months" holds across a leap day. A first poll
    # stores its newest window at once and fetches the rest a bounded stretch per poll, newest first.
    poll_initial_lookback_days: int = Field(
        default=365,
        ge=1,
        le=366,
        description="how far back a seat's first poll reaches (InMails, notes, stubs), fetched newest first",
    )
    refresh_deadline_s: float = Field(
        default=5.0,
        gt=0,
        description="how long refreshLinkedInActivity waits for LinkedIn before answering from storage",
    )
    outbox_interval_s: float = Field(default=0, ge=0, description="outbox worker period; 0 turns it off")
    # LinkedIn asks the ATS to read its closed-or-purged exported profiles at least every 30 days
    # (shared/linkedin-rsc.md §6.3): a longer interval is refused at start-up, never silently capped.
    purge_check_interval_days: int = Field(
        default=7,
        description="days between two reads of LinkedIn's closed-or-purged exported profiles (1-30)",
    )
    retention_interval_s: float = Field(
        default=86_400.0,
        ge=0,
        description="how often each customer's LinkedIn mirror retention runs; 0 turns it off",
    )
    offboarding_batch_size: int = Field(
        default=100, ge=1, le=100, description="records one offboarding step deletes on LinkedIn per call"
    )
    public_base_url: str | None = Field(
        default=None,
        description="the server's public origin (callback URLs, JS SDK domains, the ATS links sent to "
        "LinkedIn), e.g. https://ats.example.com; default: http://RSC_HOST:RSC_PORT",
    )
    # None follows the public origin (`candidate_url_template`); read the properties, not these.
    ats_candidate_url_template: str | None = Field(
        default=None,
        description="the ATS page of a candidate (sent to LinkedIn); default: under RSC_PUBLIC_BASE_URL",
    )
    ats_job_url_template: str | None = Field(
        default=None,
        description="the ATS page of a job (its default apply URL); default: under RSC_PUBLIC_BASE_URL",
    )
    secret_keys: SecretStr | None = Field(
        default=None,
        description="comma-separated Fernet keys, newest first, that encrypt customers' LinkedIn secrets; "
        "unset: a key generated in RSC_DATA_DIR (development only)",
    )
    data_dir: Path = Field(
        default=Path(".rscgraph"),
        description="local state, such as the development secret key (relative to the working directory)",
    )
    redis_url: str | None = Field(default=None, description="optional Redis, redis:// or rediss://")
    webhook_max_body_bytes: int = Field(default=64 * 1024, gt=0)
    webhook_signing_secret: SecretStr | None = Field(
        default=None,
        description="the secret LinkedIn signs pushes with, if not the child app's client secret",
    )
    # LinkedIn redelivers for up to 8 h [V] and the sandbox plays a 24 h expiry [I] (shared/linkedin-rsc.md
    # §4): a week covers both with room for clock skew, so no genuine push is refused for its expiry.
    webhook_max_age_s: float = Field(
        default=7 * 86_400,
        gt=0,
        le=365 * 86_400,
        description="how long a push notification id is remembered against replays (nothing purges ids "
        "sooner); an `expiresAt` further ahead is refused",
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        gt=0,
        description="the largest /graphql request body, in bytes (decimal: 1 MB = 1,000,000); a larger "
        "one is answered 413 before it is read whole",
    )
    rate_limit_per_minute: int = Field(
        default=600,
        ge=0,
        description="requests a minute per viewer (an API key, else a user of a customer), a token "
        "bucket holding a minute's worth; over it HTTP 429 with Retry-After; 0 turns it off",
    )
    body_read_timeout_s: float = Field(
        default=10.0, gt=0, description="how long a client may take to send a request body (then 408)"
    )
    export_interval_s: float = Field(
        default=30.0, ge=0, description="export worker sweep period (it also wakes per push); 0 turns it off"
    )
    run_jobs: bool = Field(
        default=False,
        description="whether `serve` runs the background jobs (poll, outbox, exports); `run` always does",
    )
    job_concurrency: int = Field(
        default=8,
        ge=1,
        description="units of background work (a customer's poll, outbox, exports) one process runs at once",
    )
    shutdown_grace_s: float = Field(
        default=10.0, ge=0, description="at shutdown, how long jobs in flight may finish before they stop"
    )

    auth_issuer: str | None = Field(
        default=None,
        description="the identity provider's issuer (`iss`), e.g. https://id.example.com/; unset: only the "
        "development signing key's tokens (development only)",
    )
    auth_audience: str = Field(
        default="rscgraph", min_length=1, description="the audience (`aud`) tokens must be issued for"
    )
    auth_jwks_url: str | None = Field(
        default=None,
        description="the identity provider's JWKS; default: the `jwks_uri` of "
        "{RSC_AUTH_ISSUER}/.well-known/openid-configuration",
    )
    auth_customer_claim: str = Field(
        default="customer", min_length=1, description="the claim holding the customer's key"
    )
    auth_roles_claim: str = Field(
        default="roles",
        min_length=1,
        description="the claim holding the roles (a list, or a space-separated string)",
    )
    auth_email_claim: str = Field(
        default="email", min_length=1, description="the claim naming the user (else the subject, `sub`)"
    )
    auth_leeway_s: float = Field(
        default=60.0, ge=0, le=300, description="clock skew allowed on `exp`, `nbf` and `iat`"
    )
    auth_jwks_timeout_s: float = Field(
        default=5.0,
        gt=0,
        le=30,
        description="how long fetching the JWKS (or the discovery document) may take",
    )
    auth_jwks_max_age_s: float = Field(
        default=3600.0, gt=0, description="how long fetched keys are used before they are fetched again"
    )
    auth_jwks_min_refetch_s: float = Field(
        default=30.0,
        ge=0,
        description="the least time between two JWKS fetches, however many unknown `kid`s arrive",
    )

    metrics_token: SecretStr | None = Field(
        default=None,
        description="bearer token that may read /metrics (an operator's credential may too)",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )

    @field_validator("purge_check_interval_days")
    @classmethod
    def _at_least_every_30_days(cls, value: int) -> int:
        if value < 1:
            raise ValueError("the purged-profile check needs an interval of at least 1 day")
        if value > 30:
            raise ValueError(
                "LinkedIn requires the purged-profile check at least every 30 days; set 30 or fewer"
            )
        return value

    @field_validator("public_base_url")
    @classmethod
    def _an_origin(cls, value: str | None) -> str | None:
        if value is not None and not _is_origin(value):
            raise ValueError(
                "must be an http(s) origin such as https://ats.example.com (scheme, host and optional "
                "port; no path, query or fragment)"
            )
        return None if value is None else value.rstrip("/")

    @field_validator(
        "auth_issuer",
        "auth_jwks_url",
        "linkedin_widget_script_url",
        "linkedin_widget_extension_url",
        "linkedin_recruiter_url",
    )
    @classmethod
    def _an_http_url(cls, value: str | None) -> str | None:
        parts = urlsplit(value or "")
        if value is not None and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError("must be an http(s) URL, e.g. https://id.example.com/")
        return value

    @field_validator("ats_name")
    @classmethod
    def _a_name_linkedin_takes(cls, value: str) -> str:
        # LinkedIn's Provisioning API refuses an app name that contains "LinkedIn" (§2.2).
        if not value.strip() or "linkedin" in value.lower():
            raise ValueError('must be a name that does not contain "LinkedIn" (LinkedIn refuses it)')
        return value.strip()

    @field_validator("redis_url")
    @classmethod
    def _a_redis_url(cls, value: str | None) -> str | None:
        parts = urlsplit(value or "")
        if value is not None and (parts.scheme not in ("redis", "rediss") or not parts.hostname):
            raise ValueError("must be a redis:// or rediss:// URL, e.g. redis://localhost:6379/0")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        origins = [item.strip() for item in value.split(",") if item.strip()]
        wrong = [origin for origin in origins if not _is_origin(origin)]
        if wrong:
            raise ValueError(
                f"{', '.join(wrong)}: each must be an http(s) origin such as https://ats.example.com "
                "(scheme, host and optional port; no path)"
            )
        # Kept as text (every setting round-trips through its environment variable), normalised.
        return ",".join(origin.rstrip("/") for origin in origins)

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        # `RSC_LOG_LEVEL=debug` is meant as DEBUG; anything else is refused by name at start-up.
        return value.upper() if isinstance(value, str) else value

    sandbox_access_log: bool = Field(
        default=False, description="`rscgraph run` shows the sandbox's access log"
    )
    access_log: bool = Field(
        default=False,
        description="uvicorn logs a line per HTTP request (`rscgraph run` and `serve`); off by default: "
        "it costs a log record per request and the request log already names failures",
    )
    otel_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP endpoint for traces (or OTEL_EXPORTER_OTLP_ENDPOINT); unset: no tracing",
    )

    max_query_cost: int = Field(
        default=DEFAULT_MAX_QUERY_COST,
        gt=0,
        description="the most a GraphQL request may cost, counted before it runs (objects it may return: "
        "page sizes, 10 per unpaged list, one per enrichment member, multiplied when nested); over it "
        "MAX_COST_EXCEEDED",
    )
    introspection: bool | None = Field(
        default=None,
        description="schema introspection and graphql-core's field suggestions in errors; default: on in "
        "development only",
    )
    graphiql: bool | None = Field(
        default=None, description="the GraphiQL console at GET /graphql; default: on in development only"
    )
    cors_origins: str = Field(
        default="",
        description="comma-separated origins (https://ats.example.com) whose browser pages may call "
        "/graphql; default: none",
    )

    max_query_depth: int = 12
    max_aliases: int = 30
    max_page_size: int = 100

    @property
    def is_development(self) -> bool:
        """Whether error details may be shown to clients."""
        return self.environment == "development"

    @property
    def dev_tokens(self) -> bool:
        """Whether the development signing key's tokens are made and accepted: in development with no
        identity provider (RSC_AUTH_ISSUER) configured."""
        return self.is_development and self.auth_issuer is None

    @property
    def cors_origin_list(self) -> list[str]:
        """The origins RSC_CORS_ORIGINS allows (none by default)."""
        return self.cors_origins.split(",") if self.cors_origins else []

    @property
    def introspection_on(self) -> bool:
        """Whether introspection and field suggestions are answered (RSC_INTROSPECTION, else development)."""
        return self.is_development if self.introspection is None else self.introspection

    @property
    def graphiql_on(self) -> bool:
        """Whether GET /graphql serves GraphiQL (RSC_GRAPHIQL, else development)."""
        return self.is_development if self.graphiql is None else self.graphiql

    @property
    def served_base_url(self) -> str:
        """The URL this server is reached at, from RSC_HOST and RSC_PORT (a wildcard bind means loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def public_origin(self) -> str:
        """The origin LinkedIn and browsers reach this server at (RSC_PUBLIC_BASE_URL, else the served
        URL), without a trailing slash."""
        return (self.public_base_url or self.served_base_url).rstrip("/")

    @property
    def candidate_url_template(self) -> str:
        """The candidate page LinkedIn links to (`externalProfileUrl`); `{id}` is the candidate id."""
        return self.ats_candidate_url_template or candidate_page_template(self.public_origin)

    @property
    def job_url_template(self) -> str:
        """A job's page, its apply URL on LinkedIn when it has none of its own; `{id}` is the job id."""
        return self.ats_job_url_template or job_page_template(self.public_origin)

    @property
    def linkedin_plugin_url(self) -> str:
        """LinkedIn's ATS Integration Configuration Plugin (a customer's `api_key` goes in its query):
        LinkedIn's widget when the API is LinkedIn's, else the stand-in page of the sandbox the API
        base URL names."""
        host = urlsplit(self.linkedin_api_base_url).hostname or ""
        if host == "linkedin.com" or host.endswith(".linkedin.com"):
            return LINKEDIN_PLUGIN_URL
        return f"{self.linkedin_api_base_url.rstrip('/')}{SANDBOX_PLUGIN_PATH}"

    @property
    def linkedin_profile_plugin(self) -> ProfilePluginConfig:
        """LinkedIn's profile plugin (in.js + HcmWidget): LinkedIn's own when the API is LinkedIn's, else
        the sandbox's stand-in at the API base URL; RSC_LINKEDIN_WIDGET_* override either."""
        return profile_plugin(
            self.linkedin_api_base_url,
            script_url=self.linkedin_widget_script_url,
            extension_url=self.linkedin_widget_extension_url,
        )

    @property
    def linkedin_recruiter_profile_url(self) -> str:
        """The base of "View in Recruiter" links (RSC_LINKEDIN_RECRUITER_URL, else following the API)."""
        return recruiter_profile_url(self.linkedin_api_base_url, self.linkedin_recruiter_url)

    def linkedin_config(self) -> LinkedInConfig:
        """The LinkedIn client's own configuration, built from these settings."""
        return LinkedInConfig(
            api_base_url=self.linkedin_api_base_url,
            oauth_base_url=self.linkedin_oauth_base_url,
            api_version=self.linkedin_api_version,
            client_id=self.linkedin_client_id,
            client_secret=self.linkedin_client_secret,
            org_urn=self.linkedin_org_urn,
            contract_urn=self.linkedin_contract_urn,
            request_timeout_s=self.linkedin_timeout_s,
            max_attempts=self.linkedin_max_attempts,
        )

    def linkedin_partner_config(self) -> LinkedInConfig:
        """The partner (parent) app's client configuration: the same hosts and patience, its credentials."""
        return self.linkedin_config().for_app(
            self.linkedin_partner_client_id, self.linkedin_partner_client_secret
        )

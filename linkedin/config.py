"""Settings of the LinkedIn client: where LinkedIn lives, who we are, how patient we are."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

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


# LinkedIn's profile plugin (shared/linkedin-rsc.md §3.8): in.js, configured with the customer app's
# `api_key` and the HcmWidget extension, renders `<script type="IN/HcmWidget">` tags as iframes.
HCM_WIDGET = "HcmWidget"
PROFILE_SCRIPT_URL = "https://platform.linkedin.com/xdoor/scripts/in.js"
PROFILE_EXTENSION_URL = "https://platform.linkedin.com/rsc/extensions/profile-widget"
# Where in.js puts the plugin's frames on LinkedIn [I: the frames' exact hosts are not documented].
PROFILE_FRAME_ORIGINS = ("https://www.linkedin.com", "https://platform.linkedin.com")
# The sandbox's offline stand-ins (linkedin/sandbox/profile_plugin.py serves them).
SANDBOX_PROFILE_SCRIPT_PATH = "/_plugin/profile/in.js"
SANDBOX_PROFILE_EXTENSION_PATH = "/_plugin/profile/extension.js"
# "View in Recruiter": LinkedIn Recruiter's member page, `<base>/<person id>`; the sandbox's stand-in.
RECRUITER_PROFILE_URL = "https://www.linkedin.com/talent/profile"
SANDBOX_RECRUITER_PATH = "/_plugin/profile/recruiter"


def is_linkedin_url(url: str) -> bool:
    """Whether the URL is on LinkedIn's own hosts (linkedin.com or a subdomain)."""
    host = (urlsplit(url).hostname or "").lower()
    return host == "linkedin.com" or host.endswith(".linkedin.com")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True, slots=True)
class ProfilePluginConfig:
    """Where the profile plugin's script and HcmWidget extension load from, and the origins a page that
    embeds it must allow in its Content-Security-Policy."""

    script_url: str
    extension_url: str
    frame_origins: tuple[str, ...]

    @property
    def extension(self) -> str:
        """The `extensions:` line of in.js's configuration (`HcmWidget@<url>`)."""
        return f"{HCM_WIDGET}@{self.extension_url}"

    @property
    def script_origins(self) -> tuple[str, ...]:
        """The origins the script and its extension load from."""
        return tuple(dict.fromkeys((_origin(self.script_url), _origin(self.extension_url))))

    def csp_sources(self) -> dict[str, tuple[str, ...]]:
        """Per CSP directive, the origins an embedding page adds: scripts, frames, and in.js's own calls."""
        everything = tuple(dict.fromkeys((*self.script_origins, *self.frame_origins)))
        return {"script-src": self.script_origins, "frame-src": everything, "connect-src": everything}


def profile_plugin(
    api_base_url: str, *, script_url: str | None = None, extension_url: str | None = None
) -> ProfilePluginConfig:
    """The profile plugin of the LinkedIn the API base URL names: LinkedIn's own when it is LinkedIn's,
    else the stand-in the sandbox at that URL serves. Explicit URLs win over either."""
    if is_linkedin_url(api_base_url):
        script = script_url or PROFILE_SCRIPT_URL
        extension = extension_url or PROFILE_EXTENSION_URL
    else:
        base = api_base_url.rstrip("/")
        script = script_url or f"{base}{SANDBOX_PROFILE_SCRIPT_PATH}"
        extension = extension_url or f"{base}{SANDBOX_PROFILE_EXTENSION_PATH}"
    on_linkedin = is_linkedin_url(script)
    frames = PROFILE_FRAME_ORIGINS if on_linkedin else (_origin(script),)
    return ProfilePluginConfig(script_url=script, extension_url=extension, frame_origins=frames)


def recruiter_profile_url(api_base_url: str, explicit: str | None = None) -> str:
    """The base of "View in Recruiter" links (`<base>/<person id>`): LinkedIn Recruiter's when the API is
    LinkedIn's, else the sandbox's stand-in page at that URL; an explicit URL wins."""
    if explicit:
        return explicit
    if is_linkedin_url(api_base_url):
        return RECRUITER_PROFILE_URL
    return f"{api_base_url.rstrip('/')}{SANDBOX_RECRUITER_PATH}"

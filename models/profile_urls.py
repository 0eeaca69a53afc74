"""The one home of the LinkedIn profile-URL rule: which strings are a member's public profile URL, their
canonical spelling, and the key a stored URL is indexed and matched by
(`linkedin_identity.profile_url_key`)."""

from __future__ import annotations

import re

# A member's public profile: linkedin.com/in/<vanity name>, any scheme, www or a country subdomain.
_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com/in/([A-Za-z0-9%_-]{1,100})/?(?:[?#].*)?$",
    re.IGNORECASE,
)
CANONICAL_PREFIX = "https://www.linkedin.com/in/"


def normalise_profile_url(url: str) -> str | None:
    """`https://www.linkedin.com/in/<name>` for any common spelling of a profile URL; None if not one."""
    match = _PROFILE_URL.match(url.strip())
    return f"{CANONICAL_PREFIX}{match.group(1)}" if match else None


def profile_url_key(url: str | None) -> str | None:
    """The key a profile URL is stored and looked up by: its canonical spelling with the name
    lower-cased (every spelling `profile_url_spellings` lists of one profile shares it); None if `url`
    is no profile URL."""
    canonical = normalise_profile_url(url or "")
    if canonical is None:
        return None
    return CANONICAL_PREFIX + canonical.removeprefix(CANONICAL_PREFIX).lower()


def profile_url_spellings(canonical: str) -> list[str]:
    """How a stored profile URL may spell `canonical` (scheme, `www.`, trailing slash, name case)."""
    name = canonical.removeprefix(CANONICAL_PREFIX)
    return [
        f"{scheme}{www}linkedin.com/in/{variant}{slash}"
        for variant in dict.fromkeys((name, name.lower()))
        for scheme in ("https://", "http://")
        for www in ("www.", "")
        for slash in ("", "/")
    ]

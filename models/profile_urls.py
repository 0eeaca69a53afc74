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


# A stored URL exactly as one of `profile_url_spellings` writes it: scheme, `www.`, name, slash.
_SPELLING = re.compile(r"^(https?)://(www\.)?linkedin\.com/in/([A-Za-z0-9%_-]{1,100})(/?)$")
# How many spellings `profile_url_spellings` lists for one name variant.
_PER_VARIANT = 8


def profile_name(url: str) -> str | None:
    """The member's name in a profile URL, as spelled there (`normalise_profile_url` without the
    prefix); None if `url` is no profile URL."""
    match = _PROFILE_URL.match(url.strip())
    return match.group(1) if match else None


def name_key(name: str) -> str:
    """`profile_url_key` of the profile URL whose name is `name` (one regex match fewer)."""
    return CANONICAL_PREFIX + name.lower()


def spelling_of(stored: str | None) -> tuple[str, int] | None:
    """A stored URL's name and its place among one name variant's spellings in
    `profile_url_spellings` (scheme, then `www.`, then slash); None if it is spelled none of those ways.
    Parsed once per stored URL, so matching it against each URL asked costs no string building."""
    match = _SPELLING.match(stored or "")
    if match is None:
        return None
    scheme, www, name, slash = match.groups()
    return name, (scheme == "http") * 4 + (not www) * 2 + bool(slash)


def spelling_rank(asked_name: str, stored: tuple[str, int]) -> int | None:
    """Where a stored spelling (`spelling_of`) stands in `profile_url_spellings` of the profile whose
    name is `asked_name`: its index there, so the lowest rank is the spelling that list names first;
    None if the list does not hold it."""
    name, place = stored
    if name == asked_name:
        return place
    if name == asked_name.lower():
        return _PER_VARIANT + place
    return None

"""`spelling_of` + `spelling_rank` order stored URLs exactly as `profile_url_spellings` lists them."""

from __future__ import annotations

import itertools

from models.profile_urls import (
    name_key,
    normalise_profile_url,
    profile_name,
    profile_url_key,
    profile_url_spellings,
    spelling_of,
    spelling_rank,
)

NAMES = ("ada-l", "Ada-L", "ADA-L", "Ada%C3%A9", "x_1")
# Stored URLs: every spelling of every name, and some no list holds.
STORED = [
    *(s for name in NAMES for s in profile_url_spellings(f"https://www.linkedin.com/in/{name}")),
    "https://de.linkedin.com/in/ada-l",
    "https://www.linkedin.com/in/ada-l?trk=1",
    "HTTPS://www.linkedin.com/in/ada-l",
    "https://www.linkedin.com/in/ada-l//",
    "https://www.linkedin.com/in/",
    "",
]


def _expected(asked_name: str, stored: str) -> int | None:
    spellings = profile_url_spellings(f"https://www.linkedin.com/in/{asked_name}")
    return spellings.index(stored) if stored in spellings else None


def _rank(asked_name: str, stored: str) -> int | None:
    spelling = spelling_of(stored)
    return spelling_rank(asked_name, spelling) if spelling is not None else None


def test_the_rank_of_a_stored_url_is_its_index_among_the_spellings_of_the_name_asked() -> None:
    for asked_name, stored in itertools.product(NAMES, STORED):
        assert _rank(asked_name, stored) == _expected(asked_name, stored), (asked_name, stored)


def test_the_name_and_its_key_agree_with_the_canonical_url_and_its_key() -> None:
    urls = [
        "http://linkedin.com/in/Ada-L/",
        "  https://de.linkedin.com/in/ada-l#about ",
        "www.linkedin.com/in/ADA-L?trk=search",
        "https://example.com/in/ada",
        "",
    ]
    for url in urls:
        name = profile_name(url)
        canonical = normalise_profile_url(url)
        assert (name is None) == (canonical is None), url
        if name is not None:
            assert canonical == f"https://www.linkedin.com/in/{name}"
            assert name_key(name) == profile_url_key(url)

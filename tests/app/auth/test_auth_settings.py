"""The RSC_AUTH_* settings: URLs are checked at start-up, and development tokens exist only in
development with no identity provider."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import Settings


@pytest.mark.parametrize("variable", ["auth_issuer", "auth_jwks_url"])
def test_an_issuer_or_jwks_that_is_not_an_http_url_is_refused(variable: str) -> None:
    with pytest.raises(ValidationError, match="must be an http"):
        Settings.model_validate({variable: "id.example.com"})


@pytest.mark.parametrize(
    ("environment", "issuer", "dev_tokens"),
    [
        ("development", None, True),
        ("development", "https://id.example.com/", False),
        ("production", None, False),
        ("production", "https://id.example.com/", False),
    ],
)
def test_development_tokens_only_in_development_without_an_issuer(
    environment: str, issuer: str | None, dev_tokens: bool
) -> None:
    assert Settings(environment=environment, auth_issuer=issuer).dev_tokens is dev_tokens


def test_the_clock_skew_is_bounded() -> None:
    with pytest.raises(ValidationError):
        Settings(auth_leeway_s=301)

"""Settings of the Customers issue read from the environment: the public origin and what follows it,
the partner app, the data folder and Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import Settings
from linkedin.sandbox.config import SandboxConfig


def test_the_public_origin_defaults_to_the_served_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RSC_PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("RSC_HOST", "0.0.0.0")
    monkeypatch.setenv("RSC_PORT", "9123")

    settings = Settings()

    assert settings.public_origin == "http://127.0.0.1:9123"
    assert settings.candidate_url_template == "http://127.0.0.1:9123/candidates/{id}"


def test_the_ats_links_follow_rsc_public_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSC_PUBLIC_BASE_URL", "https://ats.example.com/")

    settings = Settings()

    assert settings.public_origin == "https://ats.example.com"
    assert settings.candidate_url_template == "https://ats.example.com/candidates/{id}"
    assert settings.job_url_template == "https://ats.example.com/jobs/{id}"


def test_an_explicit_template_still_wins_over_the_public_origin() -> None:
    settings = Settings(
        public_base_url="https://ats.example.com", ats_candidate_url_template="https://cdn.example.com/c/{id}"
    )

    assert settings.candidate_url_template == "https://cdn.example.com/c/{id}"


@pytest.mark.parametrize(
    "value",
    [
        "https://ats.example.com/rscgraph",
        "https://ats.example.com?tenant=1",
        "https://ats.example.com/#top",
        "ftp://ats.example.com",
        "ats.example.com",
        "https://user@ats.example.com",
        "https://ats.example.com:port",
        "",
    ],
)
def test_a_public_base_url_that_is_not_an_http_origin_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RSC_PUBLIC_BASE_URL", value)

    with pytest.raises(ValidationError) as caught:
        Settings()

    assert [error["loc"] for error in caught.value.errors()] == [("public_base_url",)]
    assert "must be an http(s) origin such as https://ats.example.com" in str(caught.value)


def test_an_origin_with_a_port_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSC_PUBLIC_BASE_URL", "http://[::1]:8443")

    assert Settings().public_origin == "http://[::1]:8443"


def test_the_partner_app_defaults_to_the_sandboxs(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RSC_LINKEDIN_PARTNER_CLIENT_ID", "RSC_LINKEDIN_PARTNER_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    sandbox = SandboxConfig()

    partner = Settings().linkedin_partner_config()

    assert (partner.client_id, partner.client_secret.get_secret_value()) == (
        sandbox.parent_client_id,
        sandbox.parent_client_secret,
    )


def test_the_partner_app_comes_from_its_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSC_LINKEDIN_PARTNER_CLIENT_ID", "vendor-parent")
    monkeypatch.setenv("RSC_LINKEDIN_PARTNER_CLIENT_SECRET", "vendor-secret")
    monkeypatch.setenv("RSC_LINKEDIN_API_BASE_URL", "https://api.linkedin.com")

    partner = Settings().linkedin_partner_config()

    assert (partner.client_id, partner.client_secret.get_secret_value()) == ("vendor-parent", "vendor-secret")
    assert partner.api_base_url == "https://api.linkedin.com"
    assert (partner.org_urn, partner.contract_urn) == ("", "")


def test_the_data_dir_is_the_working_directorys_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RSC_DATA_DIR", raising=False)
    assert Settings().data_dir == Path(".rscgraph")

    monkeypatch.setenv("RSC_DATA_DIR", "/var/lib/rscgraph")
    assert Settings().data_dir == Path("/var/lib/rscgraph")


@pytest.mark.parametrize("value", ["redis://localhost:6379/0", "rediss://:pw@cache.example.com:6380"])
def test_a_redis_url_is_accepted(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RSC_REDIS_URL", value)

    assert Settings().redis_url == value


@pytest.mark.parametrize("value", ["http://localhost:6379", "localhost:6379", "redis://"])
def test_a_redis_url_of_another_scheme_or_without_a_host_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RSC_REDIS_URL", value)

    with pytest.raises(ValidationError, match="must be a redis:// or rediss:// URL"):
        Settings()

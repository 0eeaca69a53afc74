"""The provisioning and integration shapes in linkedin/wire.py: parsed strictly, [I] fields tolerated."""

from __future__ import annotations

from typing import Any

import pytest

from linkedin import ConfigurationKey, IntegrationType, LinkedInMalformedResponse, wire

APP: dict[str, Any] = {
    "key": "urn:li:developerApplication:7",
    "uniqueForeignId": "cust-7",
    "name": "Acme ATS - Globex",
    "validJsSdkDomains": ["https://ats.example.com"],
    "credentials": {"clientId": "child-7", "clientSecret": "s3cret"},
}


def test_a_provisioned_app_keeps_its_secret_out_of_its_repr() -> None:
    app = wire.parse_provisioned_application(APP)

    assert (app.urn, app.client_id, app.js_sdk_domains) == (
        "urn:li:developerApplication:7",
        "child-7",
        ("https://ats.example.com",),
    )
    assert app.client_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(app)


@pytest.mark.parametrize(
    "broken", [{"credentials": {"clientId": "x"}}, {"key": None}, {"validJsSdkDomains": "x"}]
)
def test_a_provisioned_app_without_its_fields_is_malformed(broken: dict[str, Any]) -> None:
    with pytest.raises(LinkedInMalformedResponse):
        wire.parse_provisioned_application({**APP, **broken})


def test_an_integration_is_enabled_only_by_the_enabled_status() -> None:
    base = {"integrationContext": "urn:li:contract:6", "integrationType": "CSA_API"}

    pending = wire.parse_integration({**base, "status": "PENDING", "integrationName": "n"})
    enabled = wire.parse_integration({**base, "status": wire.INTEGRATION_STATUS_ENABLED})

    assert (pending.integration_type, pending.enabled, pending.name) == (IntegrationType.CSA_API, False, "n")
    assert enabled.enabled
    with pytest.raises(LinkedInMalformedResponse):
        wire.parse_integration({**base, "integrationType": "NOT_A_TYPE"})


def test_integration_keys_names_and_configuration_homes() -> None:
    assert wire.integration_context(IntegrationType.CSA_API, "org", "contract") == "contract"
    assert wire.integration_context(IntegrationType.PROFILE_PLUGIN, "org", "contract") == "org"
    assert wire.integration_name("Globex", IntegrationType.ONE_CLICK_EXPORT) == (
        "Globex LinkedIn Recruiter One-Click Export Integration"
    )
    assert ConfigurationKey.APPLICATION_VIEWERS.integration_type is IntegrationType.IN_ATS_INDICATOR
    assert ConfigurationKey.JOB_POSTING_VIEWERS.integration_type is IntegrationType.ONE_CLICK_EXPORT
    assert wire.parse_config_value(wire.string_config("https://x")) == "https://x"

"""`linkedinIntegration.credentials`: the token call's last result, for the integration status page."""

from __future__ import annotations

from pydantic import SecretStr

from app.settings import Settings
from linkedin.client import LinkedInClient
from models.db import SessionFactory
from resolvers import linkedin_faults
from resolvers.services import Services
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.child_apps import add_child_customer
from tests.conftest import GraphQL, Sandbox
from tests.resolvers.refresh.support import upstream_calls

STATUS = "{ linkedinIntegration { credentials { valid checkedAt error errorCode } } }"


def _credentials(data: dict[str, object] | None) -> dict[str, object]:
    assert data is not None
    integration = data["linkedinIntegration"]
    assert isinstance(integration, dict)
    credentials = integration["credentials"]
    assert isinstance(credentials, dict)
    return credentials


async def test_accepted_credentials_are_valid(graphql: GraphQL, sandbox: Sandbox) -> None:
    # when
    result = await graphql(STATUS)
    # then
    assert result.errors is None
    credentials = _credentials(result.data)
    assert credentials["checkedAt"] is not None
    assert {k: v for k, v in credentials.items() if k != "checkedAt"} == {
        "valid": True,
        "error": None,
        "errorCode": None,
    }


async def test_refused_credentials_are_invalid_and_say_why(
    graphql: GraphQL, services: Services, linkedin: LinkedInClient, sandbox: Sandbox
) -> None:
    # given
    linkedin.tokens.use_credentials(linkedin.config.client_id, SecretStr("wrong"))
    # when
    result = await graphql(STATUS)
    # then
    assert result.errors is None
    credentials = _credentials(result.data)
    assert {k: v for k, v in credentials.items() if k != "checkedAt"} == {
        "valid": False,
        "error": linkedin_faults.CREDENTIALS_REFUSED,
        "errorCode": "LINKEDIN_AUTH_FAILED",
    }


async def test_the_status_of_refused_credentials_does_not_ask_linkedin_again(
    graphql: GraphQL, linkedin: LinkedInClient, sandbox: Sandbox
) -> None:
    # given
    linkedin.tokens.use_credentials(linkedin.config.client_id, SecretStr("wrong"))
    await graphql(STATUS)
    # when
    second = await graphql(STATUS)
    # then
    assert _credentials(second.data)["valid"] is False
    assert await upstream_calls(sandbox, "accessToken") == 1


async def test_the_status_reports_the_last_token_call_without_making_another(
    graphql: GraphQL, linkedin: LinkedInClient, sandbox: Sandbox
) -> None:
    # given: a call to LinkedIn already obtained a token
    await linkedin.seats()
    # when
    result = await graphql(STATUS)
    # then
    assert _credentials(result.data)["valid"] is True
    assert await upstream_calls(sandbox, "accessToken") == 1


async def test_a_token_endpoint_failing_otherwise_leaves_validity_unknown(
    graphql: GraphQL, sandbox: Sandbox
) -> None:
    # given
    await sandbox.admin("POST", "faults", {"endpoint": "accessToken", "status": 503, "count": None})
    # when
    result = await graphql(STATUS)
    # then
    assert {k: v for k, v in _credentials(result.data).items() if k != "checkedAt"} == {
        "valid": None,
        "error": linkedin_faults.TROUBLE,
        "errorCode": "LINKEDIN_UNAVAILABLE",
    }


async def test_each_customer_sees_its_own_app_and_its_own_credentials(
    graphql: GraphQL,
    services: Services,
    sessions: SessionFactory,
    settings: Settings,
    sandbox: Sandbox,
    tenant: Tenant,
    linkedin: LinkedInClient,
) -> None:
    # given: a second customer with its own child app; the first customer's secret is refused
    globex, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert globex.id is not None
    other = Viewer(await services.tenants.get(globex.id), user="ann@globex.test", roles=frozenset({"admin"}))
    linkedin.tokens.use_credentials(linkedin.config.client_id, SecretStr("wrong"))
    query = "{ linkedinIntegration { organizationUrn contractUrn clientId credentials { valid } } }"
    # when
    mine = await graphql(query)
    theirs = await graphql(query, as_viewer=other)
    # then
    assert mine.errors is None
    assert theirs.errors is None
    assert mine.data == {
        "linkedinIntegration": {
            "organizationUrn": tenant.org_urn,
            "contractUrn": tenant.contract_urn,
            "clientId": sandbox.config.client_id,
            "credentials": {"valid": False},
        }
    }
    assert theirs.data == {
        "linkedinIntegration": {
            "organizationUrn": app.org_urn,
            "contractUrn": app.contract_urn,
            "clientId": app.client_id,
            "credentials": {"valid": True},
        }
    }

"""Customers through GraphQL: `viewer.customer.linkedinIntegration` (the status page), the operators'
`customers`, and the onboarding mutations; no answer ever holds a client secret."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import func, select
from strawberry.types import ExecutionResult

import models
from resolvers.services import Services
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL, Sandbox
from tests.onboarding_support import Backfills, record_backfills

STATUS = """
{ viewer { user { email } roles customer { key name jobAvailability linkedinIntegration {
    organizationUrn contractUrn clientId clientSecretLastFour
    integrations { type name enabled state lastChangedAt }
    credentials { valid checkedAt error errorCode }
    initialSync { startedAt completedAt complete counts { entity sent failed } }
    configurationPlugin { url }
} } } }
"""
CUSTOMER = """id key name jobAvailability linkedinIntegration {
    organizationUrn contractUrn clientId clientSecretLastFour
    integrations { type name enabled state }
    initialSync { startedAt complete }
}"""
PROVISION = (
    "mutation($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) { customer { "
    + CUSTOMER
    + " } userErrors { field message code existingId } } }"
)
ADD = (
    "mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { "
    + CUSTOMER
    + " } userErrors { field message code existingId } } }"
)
SETTINGS = """mutation($input: UpdateCustomerSettingsInput!) {
  updateCustomerSettings(input: $input) { customer { key jobAvailability } userErrors { field code } } }"""
CUSTOMERS = "{ customers(first: 10) { totalCount edges { node { key linkedinIntegration { clientId } } } } }"


@pytest.fixture
def backfills(services: Services) -> Backfills:
    """Records the initial backfills onboarding starts."""
    return record_backfills(services)


@pytest.fixture
def operator(tenant: Tenant) -> Viewer:
    """One of the ATS vendor's operators (as the development viewer is)."""
    return Viewer(tenant, user="ops@vendor.test", roles=frozenset({"operator", "admin"}))


def data(result: ExecutionResult) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def secrets_of(sandbox: Sandbox) -> list[str]:
    """Every client secret the sandbox's apps have (the default app's and the provisioned ones)."""
    return [app["clientSecret"] for app in await sandbox.admin("GET", "apps")]


async def test_the_status_page_shows_the_viewers_customer_and_no_secret(
    graphql: GraphQL, sandbox: Sandbox
) -> None:
    answer = data(await graphql(STATUS))

    viewer = answer["viewer"]
    customer = viewer["customer"]
    integration = customer["linkedinIntegration"]
    assert (viewer["user"], viewer["roles"]) == ({"email": "ada@acme.test"}, ["ADMIN"])
    assert (customer["key"], customer["name"]) == ("acme", "Acme Staffing")
    assert customer["jobAvailability"] == "PRIVATE_TO_ATS_INTEGRATION"
    assert (integration["organizationUrn"], integration["contractUrn"], integration["clientId"]) == (
        sandbox.config.org_urn,
        sandbox.config.contract_urn,
        sandbox.config.client_id,
    )
    assert integration["clientSecretLastFour"] == "…"  # demo-secret is too short to show any of it
    # never onboarded: its four integrations are unnamed and off, no initial sync has started
    assert integration["integrations"] == [
        {"type": t, "name": None, "enabled": False, "state": None, "lastChangedAt": None}
        for t in ("ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN", "CSA_API")
    ]
    assert integration["initialSync"]["startedAt"] is None
    assert integration["initialSync"]["complete"] is False
    assert [c["entity"] for c in integration["initialSync"]["counts"]][:2] == ["JOB", "CANDIDATE"]
    assert integration["credentials"]["valid"] is True
    # the plugin is the sandbox's stand-in page for this app
    url = integration["configurationPlugin"]["url"]
    assert url == f"{sandbox.url}/_plugin/atsIntegration?api_key={sandbox.config.client_id}"
    async with sandbox.http.get(url) as page:
        assert page.status == 200
        assert sandbox.config.org_urn in await page.text()
    assert not any(secret in json.dumps(answer) for secret in await secrets_of(sandbox))


async def test_provisioning_through_graphql_makes_one_app_and_configures_it_once_the_urns_are_known(
    graphql: GraphQL, operator: Viewer, sandbox: Sandbox, backfills: Backfills
) -> None:
    variables = {"input": {"key": "globex", "name": "Globex Talent"}}
    first = data(await graphql(PROVISION, variables, as_viewer=operator))["provisionCustomer"]
    again = data(await graphql(PROVISION, variables, as_viewer=operator))["provisionCustomer"]

    children = [app for app in await sandbox.admin("GET", "apps") if not app["default"]]
    assert len(children) == 1
    child = children[0]
    assert (first["userErrors"], again["userErrors"]) == ([], [])
    assert first["customer"]["id"] == again["customer"]["id"]
    waiting = again["customer"]["linkedinIntegration"]
    assert (waiting["clientId"], waiting["organizationUrn"], waiting["contractUrn"]) == (
        child["clientId"],
        None,
        None,
    )
    assert waiting["clientSecretLastFour"] == "…" + child["clientSecret"][-4:]
    assert waiting["initialSync"] == {"startedAt": None, "complete": False}
    # when its admin pre-authorized in the plugin, provisioning continues with its URNs
    urns = await sandbox.admin("POST", f"apps/{child['clientId']}/integrations/preauthorize", {})
    variables["input"] |= {"organizationUrn": urns["organizationUrn"], "contractUrn": urns["contractUrn"]}
    done = data(await graphql(PROVISION, variables, as_viewer=operator))["provisionCustomer"]
    integration = done["customer"]["linkedinIntegration"]
    assert done["userErrors"] == []
    assert integration["organizationUrn"] == urns["organizationUrn"]
    assert [(i["type"], i["state"]) for i in integration["integrations"]] == [
        ("ONE_CLICK_EXPORT", "PENDING"),
        ("IN_ATS_INDICATOR", "PENDING"),
        ("PROFILE_PLUGIN", "PENDING"),
        ("CSA_API", "PENDING"),
    ]
    assert integration["integrations"][0]["name"] == (
        "rscgraph - Globex Talent LinkedIn Recruiter One-Click Export Integration"
    )
    assert integration["initialSync"]["startedAt"] is not None
    assert len(backfills.calls) == 1
    # and the operators' list holds both customers
    listed = data(await graphql(CUSTOMERS, as_viewer=operator))["customers"]
    assert listed["totalCount"] == 2
    assert [e["node"]["key"] for e in listed["edges"]] == ["acme", "globex"]
    answers = json.dumps([first, again, done, listed])
    assert not any(secret in answers for secret in await secrets_of(sandbox))


async def test_add_customer_with_a_taken_key_is_a_user_error_and_writes_nothing(
    graphql: GraphQL, operator: Viewer, sandbox: Sandbox, services: Services, backfills: Backfills
) -> None:
    variables = {
        "input": {
            "key": "acme",
            "name": "Acme Again",
            "clientId": "another-app",
            "clientSecret": "another-app-secret-value",
            "organizationUrn": "urn:li:organization:4242",
            "contractUrn": "urn:li:contract:4242",
        }
    }

    result = data(await graphql(ADD, variables, as_viewer=operator))["addCustomer"]

    assert result["customer"] is None
    [error] = result["userErrors"]
    assert (error["field"], error["code"]) == (["input", "key"], "DUPLICATE")
    assert error["existingId"] is not None
    async with services.sessions() as db:
        assert (await db.exec(select(func.count()).select_from(models.Customer))).one() == 1
        assert (await db.exec(select(func.count()).select_from(models.CustomerIntegration))).one() == 0
    assert backfills.calls == []
    assert "another-app-secret-value" not in json.dumps(result)


async def test_add_customer_registers_the_app_and_never_shows_its_secret(
    graphql: GraphQL, operator: Viewer, sandbox: Sandbox, backfills: Backfills
) -> None:
    # given a child app provisioned elsewhere (its credentials handed to the operator)
    token = await _partner_token(sandbox)
    async with sandbox.http.post(
        f"{sandbox.url}/v2/provisionedApplications",
        json={"uniqueForeignId": "elsewhere-1", "name": "Other ATS - Initech"},
        headers={"authorization": f"Bearer {token}"},
    ) as created:
        assert created.status == 201
        app = await created.json()
    urns = await sandbox.admin("POST", f"apps/{app['credentials']['clientId']}/integrations/preauthorize", {})
    secret = app["credentials"]["clientSecret"]
    variables = {
        "input": {
            "key": "initech",
            "name": "Initech",
            "clientId": app["credentials"]["clientId"],
            "clientSecret": secret,
            "organizationUrn": urns["organizationUrn"],
            "contractUrn": urns["contractUrn"],
            "jobAvailability": "PUBLIC",
        }
    }

    result = data(await graphql(ADD, variables, as_viewer=operator))["addCustomer"]

    assert result["userErrors"] == []
    customer = result["customer"]
    assert (customer["key"], customer["jobAvailability"]) == ("initech", "PUBLIC")
    assert customer["linkedinIntegration"]["clientSecretLastFour"] == "…" + secret[-4:]
    assert [i["state"] for i in customer["linkedinIntegration"]["integrations"]] == ["PENDING"] * 4
    assert secret not in json.dumps(result)


async def _partner_token(sandbox: Sandbox) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": sandbox.config.parent_client_id,
        "client_secret": sandbox.config.parent_client_secret,
    }
    async with sandbox.http.post(f"{sandbox.url}/oauth/v2/accessToken", data=form) as answer:
        return str((await answer.json())["access_token"])


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CUSTOMERS, None),
        (PROVISION, {"input": {"key": "globex", "name": "Globex"}}),
        (
            ADD,
            {
                "input": {
                    "key": "globex",
                    "name": "Globex",
                    "clientId": "x",
                    "clientSecret": "y",
                    "organizationUrn": "urn:li:organization:1",
                    "contractUrn": "urn:li:contract:1",
                }
            },
        ),
    ],
)
async def test_a_customers_user_may_not_list_or_onboard_customers(
    graphql: GraphQL, sandbox: Sandbox, document: str, variables: dict[str, Any] | None
) -> None:
    result = await graphql(document, variables)

    assert result.errors is not None
    assert [e.extensions for e in result.errors] == [{"code": "FORBIDDEN"}]
    assert [app for app in await sandbox.admin("GET", "apps") if not app["default"]] == []


async def test_another_customer_is_not_a_node_for_a_customers_user(
    graphql: GraphQL, operator: Viewer, sandbox: Sandbox, backfills: Backfills
) -> None:
    created = data(
        await graphql(PROVISION, {"input": {"key": "globex", "name": "Globex"}}, as_viewer=operator)
    )["provisionCustomer"]["customer"]
    query = "query($id: ID!) { node(id: $id) { ... on Customer { key } } }"

    refused = await graphql(query, {"id": created["id"]})
    seen = data(await graphql(query, {"id": created["id"]}, as_viewer=operator))

    assert refused.errors is not None
    assert refused.errors[0].extensions == {"code": "NOT_FOUND"}
    assert seen["node"] == {"key": "globex"}


async def test_update_customer_settings_makes_new_jobs_public(graphql: GraphQL, services: Services) -> None:
    result = data(await graphql(SETTINGS, {"input": {"jobAvailability": "PUBLIC"}}))["updateCustomerSettings"]

    assert result == {"customer": {"key": "acme", "jobAvailability": "PUBLIC"}, "userErrors": []}
    after = data(await graphql("{ viewer { customer { jobAvailability } } }"))
    assert after["viewer"]["customer"]["jobAvailability"] == "PUBLIC"


async def test_update_customer_settings_without_a_change_keeps_the_setting(graphql: GraphQL) -> None:
    await graphql(SETTINGS, {"input": {"jobAvailability": "PUBLIC"}})

    result = data(await graphql(SETTINGS, {"input": {}}))["updateCustomerSettings"]

    assert result["customer"]["jobAvailability"] == "PUBLIC"


async def test_an_invalid_input_is_refused_without_repeating_its_secret(
    graphql: GraphQL, operator: Viewer, sandbox: Sandbox
) -> None:
    # given an input graphql-core refuses (two required fields missing), which it quotes in its errors
    variables = {"input": {"key": "x", "name": "y", "clientId": "c", "clientSecret": "s3cret-in-transit"}}

    result = await graphql(ADD, variables, as_viewer=operator)

    assert result.errors is not None
    assert [e.extensions for e in result.errors] == [{"code": "BAD_USER_INPUT"}] * 2
    assert "required field 'organizationUrn'" in result.errors[0].message
    assert all("s3cret-in-transit" not in e.message for e in result.errors)
    assert "'clientSecret': '***'" in result.errors[0].message

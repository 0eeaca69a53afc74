"""Customers over real HTTP: the partner app provisions child apps; each onboards in its own world."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from linkedin import (
    RSC_INTEGRATIONS,
    ConfigurationKey,
    IntegrationType,
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInClient,
    LinkedInHTTPError,
    LinkedInPartnerClient,
    LinkedInRateLimited,
    ProvisionedApplication,
    RetryPolicy,
    push,
    wire,
)
from linkedin.sandbox.config import SandboxConfig
from tests.linkedin.conftest import Sandbox, Sleeps

CALLBACK = "https://ats.example.com/webhooks/linkedin/acme"


def _policy(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(max_attempts=3, base_delay_s=0.5, cap_delay_s=8, jitter=False, sleep=sleeps)


@pytest.fixture
def partner(
    sandbox: Sandbox, sandbox_config: SandboxConfig, http: aiohttp.ClientSession, sleeps: Sleeps
) -> LinkedInPartnerClient:
    """The partner (parent) app's client: its own config, token provider and token cache."""
    config = sandbox.config.for_app(
        sandbox_config.parent_client_id, SecretStr(sandbox_config.parent_client_secret)
    )
    return LinkedInPartnerClient(http, config, policy=_policy(sleeps))


@dataclass
class Customer:
    """A provisioned child app with a client speaking for it."""

    app: ProvisionedApplication
    org_urn: str
    contract_urn: str
    client: LinkedInClient


async def _admin_get(sandbox: Sandbox, path: str) -> Any:
    async with sandbox.admin.get(f"{sandbox.url}/_admin/{path}") as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def _customer(
    sandbox: Sandbox,
    partner: LinkedInPartnerClient,
    http: aiohttp.ClientSession,
    sleeps: Sleeps,
    foreign_id: str,
) -> Customer:
    app = await partner.provision_child_app(foreign_id, f"Acme ATS - {foreign_id}")
    # The org and contract come from the customer's pre-authorization in the plugin (here: the admin API).
    urns = await sandbox.post(f"apps/{app.client_id}/integrations/preauthorize", {})
    config = partner.child_config(app, org_urn=urns["organizationUrn"], contract_urn=urns["contractUrn"])
    return Customer(
        app,
        urns["organizationUrn"],
        urns["contractUrn"],
        LinkedInClient(http, config, policy=_policy(sleeps)),
    )


async def test_provisioning_twice_with_one_unique_foreign_id_makes_one_child_app(
    sandbox: Sandbox, partner: LinkedInPartnerClient
) -> None:
    first = await partner.provision_child_app(
        "cust-1", "Acme ATS - Globex", js_sdk_domains=["https://ats.example.com"]
    )
    again = await partner.provision_child_app("cust-1", "Acme ATS - Globex")
    with pytest.raises(LinkedInHTTPError) as raw_create:
        await partner.create_child_app("cust-1", "Acme ATS - Globex")
    other = await partner.provision_child_app("cust-2", "Acme ATS - Initech")

    assert raw_create.value.status == 409
    assert (again.urn, again.client_id) == (first.urn, first.client_id)
    assert again.client_secret.get_secret_value() == first.client_secret.get_secret_value()
    assert first.js_sdk_domains == ("https://ats.example.com",)
    assert other.client_id != first.client_id
    apps = await _admin_get(sandbox, "apps")
    children = [a for a in apps if not a["default"]]
    assert sorted(a["uniqueForeignId"] for a in children) == ["cust-1", "cust-2"]
    assert await partner.find_child_app("cust-404") is None


async def test_js_sdk_domains_are_replaced_and_bad_ones_refused(partner: LinkedInPartnerClient) -> None:
    app = await partner.provision_child_app("cust-1", "Acme ATS - Globex")

    await partner.set_js_sdk_domains(app.urn, ["https://ats.example.com", "http://localhost:8000"])
    with pytest.raises(LinkedInBadRequest):
        await partner.set_js_sdk_domains(app.urn, ["https://ats.example.com/"])

    found = await partner.find_child_app("cust-1")
    assert found is not None
    assert found.js_sdk_domains == ("https://ats.example.com", "http://localhost:8000")


async def test_partner_and_child_tokens_are_kept_to_their_own_apis(
    sandbox: Sandbox, partner: LinkedInPartnerClient, http: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    customer = await _customer(sandbox, partner, http, sleeps, "cust-1")
    partner_as_customer = LinkedInClient(
        http,
        partner.config.for_app(
            partner.config.client_id,
            partner.config.client_secret,
            org_urn=customer.org_urn,
            contract_urn=customer.contract_urn,
        ),
        policy=_policy(sleeps),
    )
    child_as_partner = LinkedInPartnerClient(http, customer.client.config, policy=_policy(sleeps))

    with pytest.raises(LinkedInAuthError) as partner_refused:
        await partner_as_customer.seats()
    with pytest.raises(LinkedInAuthError) as child_refused:
        await child_as_partner.find_child_app("cust-1")

    assert partner_refused.value.status == child_refused.value.status == 403
    # Each client holds its own token: one app's token is never sent for another.
    assert await partner.tokens.get() != await customer.client.tokens.get()


async def test_onboarding_names_four_integrations_and_sets_three_configs(
    sandbox: Sandbox, partner: LinkedInPartnerClient, http: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    customer = await _customer(sandbox, partner, http, sleeps, "cust-1")
    client = customer.client

    named = await client.name_integrations({t: wire.integration_name("Globex", t) for t in RSC_INTEGRATIONS})
    configured = await client.set_configurations(
        {
            ConfigurationKey.CALLBACK_URL: CALLBACK,
            ConfigurationKey.JOB_POSTING_VIEWERS: wire.ALL_PRODUCT_USERS,
            ConfigurationKey.APPLICATION_VIEWERS: wire.ALL_PRODUCT_USERS,
        }
    )

    assert named.ok
    assert named.succeeded == {t.value for t in RSC_INTEGRATIONS}
    assert configured.ok
    seen = await _admin_get(sandbox, f"apps/{customer.app.client_id}/integrations")
    by_type = {i["integrationType"]: i for i in seen["integrations"]}
    assert set(by_type) == {t.value for t in RSC_INTEGRATIONS}
    assert by_type["CSA_API"]["integrationContext"] == customer.contract_urn
    assert by_type["ONE_CLICK_EXPORT"]["integrationContext"] == customer.org_urn
    assert by_type["ONE_CLICK_EXPORT"]["integrationName"] == (
        "Globex LinkedIn Recruiter One-Click Export Integration"
    )
    configs = {
        dict(part.split("=", 1) for part in key.split("&"))["integrationType"]: set(values)
        for key, values in seen["configurations"].items()
    }
    assert configs == {
        "ONE_CLICK_EXPORT": {"CALLBACK_URL", "JOB_POSTING_VIEWERS"},
        "IN_ATS_INDICATOR": {"APPLICATION_VIEWERS"},
    }
    # Read back through the client as well; nothing is enabled until the customer does it.
    assert await client.configurations(
        IntegrationType.ONE_CLICK_EXPORT,
        [ConfigurationKey.CALLBACK_URL, ConfigurationKey.APPLICATION_VIEWERS],
    ) == {"CALLBACK_URL": CALLBACK}
    integrations = await client.integrations()
    assert set(integrations) == set(RSC_INTEGRATIONS)
    assert not any(i.enabled for i in integrations.values())


async def test_naming_an_integration_of_another_customer_fails_per_key(
    sandbox: Sandbox, partner: LinkedInPartnerClient, http: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    customer = await _customer(sandbox, partner, http, sleeps, "cust-1")
    wrong_org = LinkedInClient(
        http,
        partner.config.for_app(
            customer.app.client_id,
            customer.app.client_secret,
            org_urn="urn:li:organization:424242",
            contract_urn=customer.contract_urn,
        ),
        policy=_policy(sleeps),
    )

    result = await wrong_org.name_integrations(
        {IntegrationType.ONE_CLICK_EXPORT: "x", IntegrationType.CSA_API: "Globex data"}
    )

    assert result.succeeded == {"CSA_API"}
    assert result.errors["ONE_CLICK_EXPORT"].status == 403


async def test_a_child_apps_token_never_sees_another_childs_world(
    sandbox: Sandbox, partner: LinkedInPartnerClient, http: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    a = await _customer(sandbox, partner, http, sleeps, "cust-a")
    b = await _customer(sandbox, partner, http, sleeps, "cust-b")
    body = wire.candidate_to_wire(
        first_name="Ada",
        last_name="Lovelace",
        email_addresses=["ada@example.com"],
        created_at=wire.from_epoch_ms(1_700_000_000_000),
        last_modified_at=wire.from_epoch_ms(1_700_000_000_000),
        external_profile_url="https://ats.example.com/c/1",
    )
    assert (await b.client.upsert_candidates({"C1": body})).ok
    # A client of app A misconfigured with B's org and contract.
    a_with_b_urns = LinkedInClient(
        http,
        partner.config.for_app(
            a.app.client_id, a.app.client_secret, org_urn=b.org_urn, contract_urn=b.contract_urn
        ),
        policy=_policy(sleeps),
    )

    assert await a.client.candidate_matches(["C1"]) == {}
    assert "C1" in await b.client.candidate_matches(["C1"])
    with pytest.raises(LinkedInAuthError) as reading:
        await a_with_b_urns.candidate_matches(["C1"])
    with pytest.raises(LinkedInAuthError) as seats:
        await a_with_b_urns.seats()
    assert reading.value.status == seats.value.status == 403
    a_seats = {s.urn for s in await a.client.seats()}
    b_seats = {s.urn for s in await b.client.seats()}
    assert a_seats
    assert b_seats
    assert not a_seats & b_seats
    b_state = await _admin_get(sandbox, f"state?app={b.app.client_id}")
    a_state = await _admin_get(sandbox, f"state?app={a.app.client_id}")
    assert len(b_state["candidates"]) == 1
    assert a_state["candidates"] == []


@dataclass
class Receiver:
    """A tiny ATS webhook endpoint on a loopback port that queues what it receives."""

    url: str
    received: asyncio.Queue[tuple[bytes, str | None]] = field(default_factory=asyncio.Queue)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    app = web.Application()
    box: list[Receiver] = []

    async def hook(request: web.Request) -> web.Response:
        await box[0].received.put((await request.read(), request.headers.get(push.SIGNATURE_HEADER)))
        return web.Response(status=200)

    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    box.append(Receiver(f"http://127.0.0.1:{port}/hook"))
    try:
        yield box[0]
    finally:
        await runner.cleanup()


async def test_enabling_in_the_plugin_pushes_a_signed_status_change_to_the_apps_callback(
    sandbox: Sandbox,
    partner: LinkedInPartnerClient,
    http: aiohttp.ClientSession,
    sleeps: Sleeps,
    receiver: Receiver,
) -> None:
    a = await _customer(sandbox, partner, http, sleeps, "cust-a")
    b = await _customer(sandbox, partner, http, sleeps, "cust-b")
    await a.client.name_integrations({t: wire.integration_name("Globex", t) for t in RSC_INTEGRATIONS})
    await a.client.set_callback_url(receiver.url)

    page_url = f"{sandbox.url}/_plugin/atsIntegration"
    async with sandbox.admin.get(page_url, params={"api_key": a.app.client_id}) as resp:
        page = await resp.text()
        assert resp.status == 200
    assert 'value="enable"' in page
    assert a.org_urn in page
    form = [("api_key", a.app.client_id), ("action", "enable")]
    form += [("types", t.value) for t in RSC_INTEGRATIONS]
    async with sandbox.admin.post(page_url, data=form) as resp:
        assert resp.status == 200, await resp.text()

    raw, signature = await asyncio.wait_for(receiver.received.get(), 5)
    notification = json.loads(raw)
    assert notification["type"] == push.INTEGRATION_STATUS_CHANGE
    assert push.signature_valid(a.app.client_secret.get_secret_value(), raw, signature)
    assert not push.signature_valid(b.app.client_secret.get_secret_value(), raw, signature)
    changed = await a.client.integration_status_change(notification["id"])
    assert {i.integration_type for i in changed} == set(RSC_INTEGRATIONS)
    assert all(i.enabled for i in changed)
    assert all(i.enabled for i in (await a.client.integrations()).values())
    # B never enabled anything and has no callback: no push for B, and B cannot read A's change.
    assert receiver.received.empty()
    with pytest.raises(LinkedInHTTPError) as foreign:
        await b.client.integration_status_change(notification["id"])
    assert foreign.value.status == 404


async def test_admin_enable_does_the_same_as_the_plugin(
    sandbox: Sandbox,
    partner: LinkedInPartnerClient,
    http: aiohttp.ClientSession,
    sleeps: Sleeps,
    receiver: Receiver,
) -> None:
    a = await _customer(sandbox, partner, http, sleeps, "cust-a")
    await a.client.set_callback_url(receiver.url)

    answer = await sandbox.post(f"apps/{a.app.client_id}/integrations/enable", {"types": ["CSA_API"]})

    raw, signature = await asyncio.wait_for(receiver.received.get(), 5)
    assert json.loads(raw)["id"] == answer["requestId"]
    assert answer["delivery"]["state"] == "delivered"
    assert push.signature_valid(a.app.client_secret.get_secret_value(), raw, signature)
    enabled = await a.client.integrations([IntegrationType.CSA_API, IntegrationType.ONE_CLICK_EXPORT])
    assert enabled[IntegrationType.CSA_API].enabled
    assert not enabled[IntegrationType.ONE_CLICK_EXPORT].enabled


async def test_a_429_for_app_a_leaves_app_b_working(
    sandbox: Sandbox,
    partner: LinkedInPartnerClient,
    http: aiohttp.ClientSession,
    sleeps: Sleeps,
    linkedin_client: LinkedInClient,
) -> None:
    a = await _customer(sandbox, partner, http, sleeps, "cust-a")
    b = await _customer(sandbox, partner, http, sleeps, "cust-b")
    await sandbox.post(f"quotas?app={a.app.client_id}", {"quotas": {"seatsV2": 1}})

    assert await a.client.seats()
    with pytest.raises(LinkedInRateLimited):
        await a.client.seats()
    assert len(await b.client.seats()) == 4
    assert len(await b.client.seats()) == 4
    # The default demo app's budget is its own too.
    assert len(await linkedin_client.seats()) == 4


async def test_a_fault_armed_for_app_a_does_not_hit_app_b(
    sandbox: Sandbox, partner: LinkedInPartnerClient, http: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    a = await _customer(sandbox, partner, http, sleeps, "cust-a")
    b = await _customer(sandbox, partner, http, sleeps, "cust-b")
    await sandbox.post(f"faults?app={a.app.client_id}", {"endpoint": "*", "status": 429, "count": 1})

    assert len(await b.client.seats()) == 4
    with pytest.raises(LinkedInRateLimited):
        await a.client.seats()
    assert len(await a.client.seats()) == 4
    calls = await sandbox.calls("seatsV2")
    assert [c["status"] for c in calls if c["app"] == a.app.client_id] == [429, 200]
    assert [c["status"] for c in calls if c["app"] == b.app.client_id] == [200]

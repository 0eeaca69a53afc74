"""Provisioned child apps over raw HTTP: the Provisioning API, per-app worlds, knobs and integrations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.linkedin.sandbox.conftest import CONTRACT, ORG, Sandbox

CREATE = {
    "uniqueForeignId": "cust-1",
    "name": "Acme ATS - Globex",
    "validJsSdkDomains": ["https://a.example"],
}


async def _token(sandbox: Sandbox, client_id: str, secret: str) -> str:
    reply = await sandbox.call(
        "POST",
        "/oauth/v2/accessToken",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert reply.status == 200, reply.body
    token: str = reply.body["access_token"]
    return token


async def _parent(sandbox: Sandbox) -> str:
    return await _token(sandbox, "rscgraph-parent", "parent-secret")


async def _provision(sandbox: Sandbox, foreign_id: str = "cust-1") -> tuple[dict[str, Any], str]:
    reply = await sandbox.call(
        "POST",
        "/v2/provisionedApplications",
        token=await _parent(sandbox),
        json={**CREATE, "uniqueForeignId": foreign_id},
    )
    assert reply.status == 201, reply.body
    creds = reply.body["credentials"]
    return reply.body, await _token(sandbox, creds["clientId"], creds["clientSecret"])


async def test_a_second_create_with_the_same_foreign_id_conflicts_and_makes_no_app(sandbox: Sandbox) -> None:
    first, _ = await _provision(sandbox)
    parent = await _parent(sandbox)

    again = await sandbox.call("POST", "/v2/provisionedApplications", token=parent, json=CREATE)
    found = await sandbox.call(
        "GET",
        "/v2/provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=cust-1",
        token=parent,
    )

    assert again.status == 409
    assert [e["key"] for e in found.body["elements"]] == [first["key"]]
    assert found.body["elements"][0]["credentials"] == first["credentials"]
    assert len(sandbox.state.children) == 1


async def test_duplicate_mode_existing_answers_the_first_app(sandbox: Sandbox) -> None:
    sandbox.state.config.provisioning_duplicate = "existing"
    first, _ = await _provision(sandbox)

    again = await sandbox.call(
        "POST", "/v2/provisionedApplications", token=await _parent(sandbox), json=CREATE
    )

    assert again.status == 200
    assert again.body["key"] == first["key"]
    assert len(sandbox.state.children) == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "Acme ATS - Globex"}, "uniqueForeignId"),
        ({"uniqueForeignId": "c"}, "name"),
        ({"uniqueForeignId": "c", "name": "x" * 51}, "at most 50"),
        ({"uniqueForeignId": "c", "name": "Acme LinkedIn connector"}, "LinkedIn"),
        ({"uniqueForeignId": "c", "name": "Acme", "validJsSdkDomains": ["https://a.example/"]}, "validJsSdk"),
    ],
)
async def test_bad_provisioning_requests_are_400_and_make_no_app(
    sandbox: Sandbox, body: dict[str, Any], fragment: str
) -> None:
    reply = await sandbox.call("POST", "/v2/provisionedApplications", token=await _parent(sandbox), json=body)

    assert reply.status == 400
    assert fragment in reply.body["message"]
    assert sandbox.state.children == {}


async def test_only_the_partner_token_provisions_and_it_reads_no_world(sandbox: Sandbox) -> None:
    _, child = await _provision(sandbox)
    parent = await _parent(sandbox)

    by_child = await sandbox.call("POST", "/v2/provisionedApplications", token=child, json=CREATE)
    by_demo = await sandbox.call(
        "POST", "/v2/provisionedApplications", token=await sandbox.token(), json=CREATE
    )
    parent_reads = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=parent)

    assert by_child.status == by_demo.status == parent_reads.status == 403


async def test_js_sdk_domains_update_validates_before_writing(sandbox: Sandbox) -> None:
    app, _ = await _provision(sandbox)
    parent = await _parent(sandbox)
    path = f"/v2/provisionedApplications/{app['key']}"

    ok = await sandbox.call(
        "POST",
        path,
        token=parent,
        json={"patch": {"$set": {"validJsSdkDomains": ["https://b.example:8443"]}}},
    )
    bad = await sandbox.call(
        "POST",
        path,
        token=parent,
        json={"patch": {"$set": {"validJsSdkDomains": ["b.example"], "description": "new"}}},
    )
    unknown = await sandbox.call(
        "POST",
        "/v2/provisionedApplications/urn:li:developerApplication:9",
        token=parent,
        json={"patch": {"$set": {"validJsSdkDomains": []}}},
    )
    now = await sandbox.call("GET", path, token=parent)

    assert (ok.status, bad.status, unknown.status) == (204, 400, 404)
    assert now.body["validJsSdkDomains"] == ["https://b.example:8443"]
    assert now.body["description"] is None


async def test_each_child_app_has_its_own_world_and_the_demo_world_stays_default(sandbox: Sandbox) -> None:
    app, child = await _provision(sandbox)
    state = sandbox.state.children[app["credentials"]["clientId"]]

    own = await sandbox.call(
        "GET", f"/v2/seatsV2?q=attributes&start=0&contracts={state.config.contract_urn}", token=child
    )
    demo = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=await sandbox.token())
    foreign = await sandbox.call("GET", f"/v2/seatsV2?q=attributes&start=0&contracts={CONTRACT}", token=child)
    notes = await sandbox.call("GET", f"/v2/prospectNotes?q=criteria&contract={CONTRACT}", token=child)

    assert own.status == demo.status == 200
    assert {s["id"] for s in own.body["elements"]}.isdisjoint({s["id"] for s in demo.body["elements"]})
    assert {s["contract"] for s in own.body["elements"]} == {state.config.contract_urn}
    assert {s["contract"] for s in demo.body["elements"]} == {CONTRACT}
    assert foreign.status == notes.status == 403
    assert state.world.members[0].urn != sandbox.state.world.members[0].urn


async def test_a_child_token_cannot_write_under_the_demo_org(sandbox: Sandbox) -> None:
    _, child = await _provision(sandbox)
    key = f"atsCandidateId=C1&dataProvider=ATS&integrationContext={ORG}"

    reply = await sandbox.call(
        "PUT",
        f"/v2/atsCandidates?ids[0].atsCandidateId=C1&ids[0].dataProvider=ATS&ids[0].integrationContext={ORG}",
        token=child,
        json={"entities": {key: {"firstName": "Ada"}}},
        headers={"X-RestLi-Method": "batch_update"},
    )

    assert reply.status == 403
    assert sandbox.state.candidates == {}


async def test_admin_calls_target_an_app_with_the_app_parameter(sandbox: Sandbox) -> None:
    app, child = await _provision(sandbox)
    client_id = app["credentials"]["clientId"]

    await sandbox.admin("POST", f"/quotas?app={client_id}", {"quotas": {"seatsV2": 0}})
    child_reply = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=child)
    demo_reply = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=await sandbox.token())
    summary = await sandbox.admin("GET", f"/summary?app={client_id}")
    unknown = await sandbox.call("GET", "/_admin/summary?app=nobody")
    calls = await sandbox.admin("GET", f"/calls?app={client_id}")

    assert (child_reply.status, demo_reply.status, unknown.status) == (429, 200, 404)
    assert summary["app"] == client_id
    assert [c["status"] for c in calls] == [429]
    assert sandbox.state.config.daily_quotas == {}


async def test_revoking_one_apps_tokens_leaves_the_others(sandbox: Sandbox) -> None:
    app, child = await _provision(sandbox)
    demo = await sandbox.token()

    revoked = await sandbox.admin("POST", f"/tokens/revoke?app={app['credentials']['clientId']}")
    child_reply = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=child)
    demo_reply = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=demo)

    assert revoked == {"revoked": 1}
    assert (child_reply.status, demo_reply.status) == (401, 200)


async def test_integrations_are_named_per_key_and_read_back(sandbox: Sandbox) -> None:
    app, child = await _provision(sandbox)
    state = sandbox.state.children[app["credentials"]["clientId"]]
    org, contract = state.config.org_urn, state.config.contract_urn
    good = f"integrationContext={org}&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS"
    wrong_urn = f"integrationContext={org}&integrationType=CSA_API&tenantType=RECRUITER&dataProvider=ATS"
    query = (
        f"ids[0].integrationContext={org}&ids[0].integrationType=ONE_CLICK_EXPORT"
        f"&ids[0].tenantType=RECRUITER&ids[0].dataProvider=ATS"
    )

    named = await sandbox.call(
        "POST",
        f"/v2/atsIntegrations?{query}",
        token=child,
        headers={"X-RestLi-Method": "batch_partial_update"},
        json={
            "entities": {
                good: {"patch": {"$set": {"integrationName": "Globex One-Click Export"}}},
                wrong_urn: {"patch": {"$set": {"integrationName": "Globex data"}}},
            }
        },
    )
    read = await sandbox.call(
        "GET",
        f"/v2/atsIntegrations?{query}&ids[1].integrationContext={contract}&ids[1].integrationType=CSA_API"
        "&ids[1].tenantType=RECRUITER&ids[1].dataProvider=ATS",
        token=child,
    )

    assert named.status == 200
    assert set(named.body["results"]) == {good}
    assert "contract URN" in named.body["errors"][wrong_urn]["message"]
    (only,) = read.body["results"].values()
    assert only["integrationName"] == "Globex One-Click Export"
    assert only["status"] == "PENDING"
    assert [e["status"] for e in read.body["errors"].values()] == [404]


async def test_plugin_page_knows_only_provisioned_apps(sandbox: Sandbox) -> None:
    app, _ = await _provision(sandbox)
    client_id = app["credentials"]["clientId"]

    page = await sandbox.call("GET", f"/_plugin/atsIntegration?api_key={client_id}")
    unknown = await sandbox.call("GET", "/_plugin/atsIntegration?api_key=nobody")
    preauthorized = await sandbox.call(
        "POST",
        "/_plugin/atsIntegration",
        data={"api_key": client_id, "action": "preauthorize", "types": "PROFILE_PLUGIN"},
    )
    nothing = await sandbox.call("POST", "/_plugin/atsIntegration", data={"api_key": client_id})

    assert page.status == 200
    assert "Pre-authorize" in page.body
    assert unknown.status == 404
    assert preauthorized.status == 200
    assert "PROFILE_PLUGIN" in preauthorized.body
    assert nothing.status == 400
    integrations = sandbox.state.children[client_id].integrations
    assert [(dict(k)["integrationType"], i.preauthorized, i.enabled) for k, i in integrations.items()] == [
        ("PROFILE_PLUGIN", True, False)
    ]


async def test_enable_without_a_callback_url_records_no_delivery_target(sandbox: Sandbox) -> None:
    app, child = await _provision(sandbox)
    client_id = app["credentials"]["clientId"]

    answer = await sandbox.admin("POST", f"/apps/{client_id}/integrations/enable", {"types": ["CSA_API"]})
    change = await sandbox.call(
        "GET", f"/v2/atsIntegrations?q=request&requestId={answer['requestId']}", token=child
    )
    demo_view = await sandbox.call(
        "GET", f"/v2/atsIntegrations?q=request&requestId={answer['requestId']}", token=await sandbox.token()
    )
    bad_type = await sandbox.call(
        "POST", f"/_admin/apps/{client_id}/integrations/enable", json={"types": ["NOPE"]}
    )

    assert answer["delivery"]["state"] == "no_callback_url"
    assert [e["status"] for e in change.body["elements"]] == ["ENABLED"]
    assert demo_view.status == 404
    assert bad_type.status == 400


async def test_reset_forgets_child_apps(sandbox: Sandbox) -> None:
    _, child = await _provision(sandbox)

    await sandbox.admin("POST", "/reset", {})
    reply = await sandbox.call("GET", "/v2/seatsV2?q=attributes&start=0", token=child)

    assert sandbox.state.children == {}
    assert reply.status == 401

"""Onboarding against the sandbox over real HTTP: provisioning makes one child app per uniqueForeignId,
the integrations are named and configured on LinkedIn, a failure leaves nothing half-written or a state
a retry continues from, the status-change follow-up stores each integration's state, and the status
page knows when the initial sync is complete."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import func, select

import models
from app.settings import Settings
from models.db import SessionFactory
from resolvers import onboarding
from resolvers.errors import DomainError, ErrorKind
from resolvers.onboarding import AddRequest, ProvisionRequest
from resolvers.services import Services
from tests.conftest import Sandbox, add_customer
from tests.onboarding_support import Backfills, record_backfills

ACME_APP = "rscgraph - Acme Staffing"


@pytest.fixture
def backfills(services: Services) -> Backfills:
    """Records the initial backfills onboarding starts."""
    return record_backfills(services)


async def child_apps(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [app for app in await sandbox.admin("GET", "apps") if not app["default"]]


async def preauthorized_urns(sandbox: Sandbox, client_id: str) -> tuple[str, str]:
    """The customer pre-authorizes in the plugin; the ATS learns its org and contract (`onintegrate`)."""
    answer = await sandbox.admin("POST", f"apps/{client_id}/integrations/preauthorize", {})
    return answer["organizationUrn"], answer["contractUrn"]


async def count(sessions: SessionFactory, model: type[Any]) -> int:
    async with sessions() as db:
        return int((await db.exec(select(func.count()).select_from(model))).one())


def add_request(sandbox: Sandbox, **changes: Any) -> AddRequest:
    """Register the sandbox's default app as customer `acme`."""
    request = AddRequest(
        key="acme",
        name="Acme Staffing",
        client_id=sandbox.config.client_id,
        client_secret=SecretStr(sandbox.config.client_secret),
        org_urn=sandbox.config.org_urn,
        contract_urn=sandbox.config.contract_urn,
    )
    return dataclasses.replace(request, **changes)


async def test_provisioning_twice_with_one_unique_foreign_id_makes_one_child_app(
    services: Services, sandbox: Sandbox, settings: Settings, backfills: Backfills
) -> None:
    first = await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Staffing"))
    again = await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Staffing"))

    apps = await child_apps(sandbox)
    assert [(a["uniqueForeignId"], a["name"]) for a in apps] == [("rscgraph:acme", ACME_APP)]
    assert apps[0]["validJsSdkDomains"] == [settings.public_origin]
    assert (first.id, first.linkedin_client_id) == (again.id, apps[0]["clientId"])
    assert first.linkedin_app_urn == apps[0]["key"]
    assert await count(services.sessions, models.Customer) == 1
    # the secret is stored encrypted, never as given
    assert apps[0]["clientSecret"] not in again.linkedin_client_secret_encrypted
    box = services.tenants.box
    assert box.decrypt(again.linkedin_client_secret_encrypted).get_secret_value() == apps[0]["clientSecret"]
    # without the organization and contract nothing is configured and no sync starts yet
    assert (again.linkedin_org_urn, again.initial_sync_started_at) == ("", None)
    assert backfills.calls == []


async def test_onboarding_names_the_four_integrations_and_sets_the_three_configs(
    services: Services, sandbox: Sandbox, settings: Settings, backfills: Backfills
) -> None:
    # given a provisioned customer whose admin pre-authorized in the plugin
    row = await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Staffing"))
    org, contract = await preauthorized_urns(sandbox, row.linkedin_client_id)
    # when provisioning continues with its organization and contract
    done = await onboarding.provision_customer(
        services, ProvisionRequest(key="acme", name="Acme Staffing", org_urn=org, contract_urn=contract)
    )
    # then LinkedIn holds the four names and the three configurations
    held = await sandbox.admin("GET", f"apps/{row.linkedin_client_id}/integrations")
    names = {
        i["integrationType"]: (i["integrationContext"], i["integrationName"]) for i in held["integrations"]
    }
    assert names == {
        "ONE_CLICK_EXPORT": (org, "rscgraph - Acme Staffing LinkedIn Recruiter One-Click Export Integration"),
        "IN_ATS_INDICATOR": (org, "rscgraph - Acme Staffing LinkedIn Recruiter In-ATS Indicator Integration"),
        "PROFILE_PLUGIN": (org, "rscgraph - Acme Staffing LinkedIn Recruiter Profile Plugin Integration"),
        "CSA_API": (
            contract,
            "rscgraph - Acme Staffing LinkedIn Recruiter System Connect Data Integration",
        ),
    }
    configs = {
        (key.split("integrationType=")[1].split("&")[0], name): value["configurationValue"]["string"]
        for key, entries in held["configurations"].items()
        for name, value in entries.items()
    }
    assert configs == {
        ("ONE_CLICK_EXPORT", "CALLBACK_URL"): f"{settings.public_origin}/webhooks/linkedin/acme",
        ("ONE_CLICK_EXPORT", "JOB_POSTING_VIEWERS"): "ALL_PRODUCT_USERS",
        ("IN_ATS_INDICATOR", "APPLICATION_VIEWERS"): "ALL_PRODUCT_USERS",
    }
    # and the customer holds its URNs, its integrations as LinkedIn reported them, and its started sync
    assert (done.id, done.linkedin_org_urn, done.linkedin_contract_urn) == (row.id, org, contract)
    states = await onboarding.integrations(services, done.id or 0)
    assert [(s.type.value, s.enabled, s.state) for s in states] == [
        ("ONE_CLICK_EXPORT", False, "PENDING"),
        ("IN_ATS_INDICATOR", False, "PENDING"),
        ("PROFILE_PLUGIN", False, "PENDING"),
        ("CSA_API", False, "PENDING"),
    ]
    assert states[0].name == names["ONE_CLICK_EXPORT"][1]
    assert done.initial_sync_started_at is not None
    assert backfills.calls == [
        (done.id, done.initial_sync_started_at - timedelta(days=730), done.initial_sync_started_at)
    ]
    # and onboarding once more changes nothing and starts no second backfill
    await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Staffing"))
    assert len(backfills.calls) == 1
    assert len(await child_apps(sandbox)) == 1


async def test_add_customer_registers_an_existing_app_and_configures_it(
    services: Services, sandbox: Sandbox, settings: Settings, backfills: Backfills
) -> None:
    row = await onboarding.add_customer(services, add_request(sandbox))

    held = await sandbox.admin("GET", f"apps/{sandbox.config.client_id}/integrations")
    assert sorted(i["integrationType"] for i in held["integrations"]) == [
        "CSA_API",
        "IN_ATS_INDICATOR",
        "ONE_CLICK_EXPORT",
        "PROFILE_PLUGIN",
    ]
    assert len(held["configurations"]) == 2  # ONE_CLICK_EXPORT's two and IN_ATS_INDICATOR's one
    assert (row.key, row.unique_foreign_id, row.linkedin_app_urn) == ("acme", None, None)
    assert [call[0] for call in backfills.calls] == [row.id]
    tenant = await services.tenants.by_key("acme")
    assert (tenant.org_urn, tenant.client_id) == (sandbox.config.org_urn, sandbox.config.client_id)
    assert await tenant.linkedin.seats()  # the stored secret works


@pytest.mark.parametrize(
    ("changes", "field"),
    [({}, "key"), ({"key": "other", "org_urn": "urn:li:organization:9"}, "clientId")],
)
async def test_a_duplicate_key_or_client_id_is_a_user_error_and_writes_nothing(
    services: Services, sandbox: Sandbox, backfills: Backfills, changes: dict[str, Any], field: str
) -> None:
    # given the customer acme with the sandbox's app
    first = await onboarding.add_customer(services, add_request(sandbox))
    await sandbox.admin("DELETE", "calls")
    # when another registration repeats its key, or its client id
    with pytest.raises(DomainError) as refused:
        await onboarding.add_customer(services, add_request(sandbox, **changes))
    # then it names the field and the customer it repeats, and nothing was written or asked of LinkedIn
    assert (refused.value.kind, refused.value.field) == (ErrorKind.DUPLICATE, field)
    assert getattr(refused.value, "existing_id", None) == first.id
    assert await count(services.sessions, models.Customer) == 1
    assert await count(services.sessions, models.CustomerIntegration) == 4
    assert await sandbox.admin("GET", "calls") == []
    assert len(backfills.calls) == 1


async def test_refused_credentials_store_nothing_and_name_the_secret(
    services: Services, sandbox: Sandbox, backfills: Backfills
) -> None:
    with pytest.raises(DomainError) as refused:
        await onboarding.add_customer(services, add_request(sandbox, client_secret=SecretStr("wrong-secret")))

    assert (refused.value.kind, refused.value.field) == (ErrorKind.LINKEDIN_AUTH_FAILED, "clientSecret")
    assert "wrong-secret" not in refused.value.message
    assert await count(services.sessions, models.Customer) == 0
    assert await count(services.sessions, models.CustomerIntegration) == 0
    assert backfills.calls == []


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"key": "Acme Staffing"}, ["key"]),
        ({"key": "-acme"}, ["key"]),
        ({"org_urn": "urn:li:contract:1", "contract_urn": "acme"}, ["organizationUrn", "contractUrn"]),
        ({"name": " ", "client_id": "a b"}, ["name", "clientId"]),
    ],
)
async def test_invalid_input_names_every_bad_field_before_linkedin_is_asked(
    services: Services, sandbox: Sandbox, changes: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(DomainError) as refused:
        await onboarding.add_customer(services, add_request(sandbox, **changes))

    assert refused.value.kind is ErrorKind.INVALID
    assert [e.field for e in getattr(refused.value, "errors", [refused.value])] == fields
    assert await sandbox.admin("GET", "calls") == []


async def test_provisioning_a_key_added_by_hand_is_refused(
    services: Services, sandbox: Sandbox, backfills: Backfills
) -> None:
    await onboarding.add_customer(services, add_request(sandbox))

    with pytest.raises(DomainError) as refused:
        await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Again"))

    assert (refused.value.kind, refused.value.field) == (ErrorKind.DUPLICATE, "key")
    assert await child_apps(sandbox) == []


async def test_a_linkedin_failure_while_configuring_leaves_a_state_a_retry_continues_from(
    services: Services, sandbox: Sandbox, backfills: Backfills
) -> None:
    # given a provisioned customer whose LinkedIn fails while its integrations are named
    row = await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Staffing"))
    org, contract = await preauthorized_urns(sandbox, row.linkedin_client_id)
    fault = {"endpoint": "atsIntegrations", "status": 503, "count": 1}
    await sandbox.admin("POST", f"faults?app={row.linkedin_client_id}", fault)
    with_urns = ProvisionRequest(key="acme", name="Acme Staffing", org_urn=org, contract_urn=contract)
    with pytest.raises(DomainError) as failed:
        await onboarding.provision_customer(services, with_urns)
    # then the error says so, and the customer stays as it was: no URNs, integrations or sync
    assert failed.value.kind is ErrorKind.LINKEDIN_UNAVAILABLE
    assert "try again" in failed.value.message
    stored = await onboarding.customer_by_key(services, "acme")
    assert stored is not None
    assert (stored.linkedin_org_urn, stored.initial_sync_started_at) == ("", None)
    assert await count(services.sessions, models.CustomerIntegration) == 0
    # when it is tried again, it continues: the same app, configured, the sync started once
    done = await onboarding.provision_customer(services, with_urns)
    assert (done.id, done.linkedin_client_id, done.linkedin_org_urn) == (row.id, row.linkedin_client_id, org)
    assert await count(services.sessions, models.CustomerIntegration) == 4
    assert [call[0] for call in backfills.calls] == [row.id]
    assert len(await child_apps(sandbox)) == 1


async def test_a_status_change_follow_up_stores_each_integrations_state(
    services: Services, sandbox: Sandbox, backfills: Backfills
) -> None:
    # given an onboarded customer whose integrations LinkedIn reports pending
    row = await onboarding.add_customer(services, add_request(sandbox))
    tenant = await services.tenants.get(row.id or 0)
    before = {s.type.value: s for s in await onboarding.integrations(services, tenant.id)}
    # when its admin enables two of them in the plugin and LinkedIn pushes the change
    push = await sandbox.admin(
        "POST",
        f"apps/{sandbox.config.client_id}/integrations/enable",
        {"types": ["ONE_CLICK_EXPORT", "CSA_API"]},
    )
    change = await onboarding.record_integration_status_change(services, tenant, push["requestId"])
    # then the follow-up stored those two as enabled, and left the other two as they were
    assert sorted((s.type.value, s.enabled, s.state) for s in change.stored) == [
        ("CSA_API", True, "ENABLED"),
        ("ONE_CLICK_EXPORT", True, "ENABLED"),
    ]
    assert change.refused == []
    after = {s.type.value: s for s in await onboarding.integrations(services, tenant.id)}
    assert {t: (s.enabled, s.state) for t, s in after.items()} == {
        "ONE_CLICK_EXPORT": (True, "ENABLED"),
        "IN_ATS_INDICATOR": (False, "PENDING"),
        "PROFILE_PLUGIN": (False, "PENDING"),
        "CSA_API": (True, "ENABLED"),
    }
    changed_at = after["ONE_CLICK_EXPORT"].last_changed_at
    assert changed_at is not None
    assert before["ONE_CLICK_EXPORT"].last_changed_at is not None
    assert changed_at > before["ONE_CLICK_EXPORT"].last_changed_at
    assert after["IN_ATS_INDICATOR"].last_changed_at == before["IN_ATS_INDICATOR"].last_changed_at
    assert after["ONE_CLICK_EXPORT"].name == before["ONE_CLICK_EXPORT"].name


async def test_an_unknown_status_change_is_a_linkedin_error_and_stores_nothing(
    services: Services, sandbox: Sandbox, backfills: Backfills
) -> None:
    row = await onboarding.add_customer(services, add_request(sandbox))
    tenant = await services.tenants.get(row.id or 0)

    with pytest.raises(DomainError) as failed:
        await onboarding.record_integration_status_change(services, tenant, "no-such-request")

    assert failed.value.kind is ErrorKind.LINKEDIN_UNAVAILABLE
    assert [s.state for s in await onboarding.integrations(services, tenant.id)] == ["PENDING"] * 4


async def _outbox(sessions: SessionFactory, customer_id: int, status: str, created_at: datetime) -> None:
    async with sessions() as db:
        db.add(
            models.OutboxEvent(
                customer_id=customer_id,
                entity_type=models.SyncEntity.CANDIDATE,
                entity_id=1,
                op=models.OutboxOp.UPSERT,
                status=models.OutboxStatus(status),
                created_at=created_at,
                next_attempt_at=created_at,
            )
        )
        await db.commit()


async def _sync_status(sessions: SessionFactory, customer_id: int, rows: list[tuple[str, int, str]]) -> None:
    async with sessions() as db:
        for entity, entity_id, status in rows:
            db.add(
                models.SyncStatus(
                    customer_id=customer_id,
                    entity_type=models.SyncEntity(entity),
                    entity_id=entity_id,
                    status=models.OutboxStatus(status),
                )
            )
        await db.commit()


async def test_the_initial_sync_is_complete_once_the_customers_outbox_is_drained(
    services: Services, sandbox: Sandbox, settings: Settings, backfills: Backfills
) -> None:
    # given an onboarded customer with a pending row of its backfill, and another customer's pending row
    row = await onboarding.add_customer(services, add_request(sandbox))
    assert row.id is not None
    assert row.initial_sync_started_at is not None
    started = row.initial_sync_started_at
    other = await add_customer(
        services.sessions,
        settings,
        key="globex",
        name="Globex Talent",
        client_id="globex-app",
        client_secret="globex-secret",
        org_urn="urn:li:organization:77",
        contract_urn="urn:li:contract:88",
    )
    assert other.id is not None
    await _outbox(services.sessions, other.id, "PENDING", started)
    await _outbox(services.sessions, row.id, "PENDING", started)
    await _sync_status(
        services.sessions,
        row.id,
        [("CANDIDATE", 1, "SENT"), ("CANDIDATE", 2, "SENT"), ("CANDIDATE", 3, "PARKED"), ("JOB", 4, "SENT")],
    )
    # then it is not complete while the row is pending
    pending = await onboarding.initial_sync(services, row)
    assert (pending.started_at, pending.completed_at, pending.complete) == (started, None, False)
    # when the outbox is drained (a later change, enqueued after the start, does not hold it back)
    async with services.sessions() as db:
        await db.exec(sa.delete(models.OutboxEvent).where(models.OutboxEvent.customer_id == row.id))  # type: ignore[arg-type]
        await db.commit()
    await _outbox(services.sessions, row.id, "PENDING", started + timedelta(seconds=1))
    done = await onboarding.initial_sync(services, row)
    # then it is complete, with the moment recorded, and the counts per kind of record
    assert done.complete is True
    assert done.completed_at is not None
    assert done.completed_at >= started
    counts = {c.entity.value: (c.sent, c.failed) for c in done.counts}
    assert counts == {
        "JOB": (1, 0),
        "ENTITY_ACL": (0, 0),
        "ACL_ASSIGNEE": (0, 0),
        "CANDIDATE": (2, 1),
        "CANDIDATE_NOTE": (0, 0),
        "APPLICATION": (0, 0),
        "APPLICATION_NOTE": (0, 0),
        "APPLICATION_STAGE": (0, 0),
        "INTERVIEW_FEEDBACK": (0, 0),
    }
    stored = await onboarding.customer(services, row.id)
    assert stored is not None
    assert stored.initial_sync_completed_at == done.completed_at
    # and it stays complete, at that moment, whatever is enqueued later
    await _outbox(services.sessions, row.id, "PENDING", started)
    again = await onboarding.initial_sync(services, stored)
    assert (again.complete, again.completed_at) == (True, done.completed_at)


async def test_a_customer_not_yet_onboarded_has_no_initial_sync(services: Services, sandbox: Sandbox) -> None:
    row = await onboarding.provision_customer(services, ProvisionRequest(key="acme", name="Acme Staffing"))

    status = await onboarding.initial_sync(services, row)

    assert (status.started_at, status.completed_at, status.complete) == (None, None, False)


async def test_provisioning_the_app_of_a_customer_added_by_hand_is_refused_and_changes_nothing(
    services: Services, sandbox: Sandbox, settings: Settings, backfills: Backfills
) -> None:
    # given a child app provisioned earlier, registered by hand as customer initech
    assert services.onboarding is not None
    app = await services.onboarding.partner.provision_child_app("elsewhere-1", "Other ATS - Initech")
    org, contract = await preauthorized_urns(sandbox, app.client_id)
    request = add_request(
        sandbox, key="initech", client_id=app.client_id, client_secret=app.client_secret, org_urn=org
    )
    await onboarding.add_customer(services, dataclasses.replace(request, contract_urn=contract))
    # when another key is provisioned with that app's uniqueForeignId
    with pytest.raises(DomainError) as refused:
        await onboarding.provision_customer(
            services, ProvisionRequest(key="other", name="Other", unique_foreign_id="elsewhere-1")
        )
    # then it is refused, and the app still calls back to initech's URL
    assert (refused.value.kind, refused.value.field) == (ErrorKind.DUPLICATE, "uniqueForeignId")
    held = await sandbox.admin("GET", f"apps/{app.client_id}/integrations")
    callbacks = [
        v["CALLBACK_URL"]["configurationValue"]["string"]
        for v in held["configurations"].values()
        if "CALLBACK_URL" in v
    ]
    assert callbacks == [f"{settings.public_origin}/webhooks/linkedin/initech"]
    assert await count(services.sessions, models.Customer) == 1

"""The audit log: one entry per executed mutation (ids and non-PII facts only, in the right customer),
refused attempts too, an operator's onboarding in the new customer's log, the admins' `auditLog`
(newest first, by action, own customer only), and a failed audit write that fails nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

import models
from app.settings import Settings
from models.db import SessionFactory
from resolvers.audit import record_new_user_signed_in
from resolvers.services import Services
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL
from tests.graph.tab_world import gid
from tests.onboarding_support import record_backfills

CREATE_CANDIDATE = """
mutation($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { code } }
}
"""
UPDATE_CANDIDATE = """
mutation($input: UpdateCandidateInput!) {
  updateCandidate(input: $input) { candidate { id } userErrors { code } }
}
"""
ADD_NOTE = """
mutation($input: AddCandidateNoteInput!) { addCandidateNote(input: $input) { noteId userErrors { code } } }
"""
CREATE_USER = (
    "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }"
)
SET_ROLES = "mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { userErrors { code } } }"
AUDIT_LOG = """
query($action: String) {
  auditLog(action: $action) {
    totalCount
    edges { node { id actor action targets detail actorApiKeyId actorUser { email } } }
  }
}
"""
PROVISION = (
    "mutation($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) { customer { id } } }"
)


def _data(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    data: dict[str, Any] = result.data
    return data


async def _entries(sessions: SessionFactory) -> list[models.AuditEntry]:
    async with sessions() as db:
        statement = select(models.AuditEntry).order_by(col(models.AuditEntry.id))
        return list((await db.exec(statement)).all())


def _summary(entry: models.AuditEntry) -> tuple[int, str, str, list[str], dict[str, Any]]:
    return entry.customer_id, entry.actor, entry.action, (entry.target or "").split(","), entry.detail


async def test_each_mutation_is_recorded_with_ids_and_never_the_candidates_pii(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given / when: a candidate created, changed and noted
    person = {
        "firstName": "Grace",
        "lastName": "Hopper",
        "email": "grace.hopper@navy.example",
        "phone": "+1 555 0100",
    }
    created = _data(await graphql(CREATE_CANDIDATE, {"input": person}))["createCandidate"]
    candidate_id = created["candidate"]["id"]
    await graphql(
        UPDATE_CANDIDATE, {"input": {"id": candidate_id, "title": "Rear Admiral", "doNotContact": True}}
    )
    noted = _data(
        await graphql(
            ADD_NOTE, {"input": {"candidateId": candidate_id, "author": "Ada", "body": "Invented COBOL"}}
        )
    )["addCandidateNote"]
    # then
    entries = await _entries(sessions)
    assert [_summary(e) for e in entries] == [
        (
            customer_id,
            "ada@acme.test",
            "createCandidate",
            [candidate_id],
            {"outcome": "ok", "input": {"doNotContact": False}},
        ),
        (
            customer_id,
            "ada@acme.test",
            "updateCandidate",
            [candidate_id],
            {"outcome": "ok", "input": {"doNotContact": True}},
        ),
        (
            customer_id,
            "ada@acme.test",
            "addCandidateNote",
            [candidate_id, noted["noteId"]],
            {"outcome": "ok"},
        ),
    ]
    everything = json.dumps([[str(v) for v in e.model_dump().values()] for e in entries])
    for pii in ("Grace", "Hopper", "grace.hopper@navy.example", "555 0100", "Rear Admiral", "COBOL"):
        assert pii not in everything


async def test_user_errors_and_granted_roles_are_facts_of_the_entry(
    graphql: GraphQL, sessions: SessionFactory
) -> None:
    # given
    new = {"email": "kim@acme.test", "firstName": "Kim", "lastName": "Lee", "roles": ["ADMIN"]}
    user_id = _data(await graphql(CREATE_USER, {"input": new}))["createUser"]["user"]["id"]
    # when
    await graphql(SET_ROLES, {"input": {"userId": user_id, "roles": ["RECRUITER"]}})
    await graphql(SET_ROLES, {"input": {"userId": user_id, "roles": ["OPERATOR"]}})
    # then
    assert [(e.action, e.target, e.detail) for e in await _entries(sessions)] == [
        ("createUser", user_id, {"outcome": "ok", "input": {"roles": ["admin"]}}),
        (
            "setUserRoles",
            user_id,
            {"outcome": "userErrors", "userErrorCodes": ["CONFLICT"], "input": {"roles": ["recruiter"]}},
        ),
        (
            "setUserRoles",
            user_id,
            {"outcome": "userErrors", "userErrorCodes": ["INVALID"], "input": {"roles": ["operator"]}},
        ),
    ]
    assert "kim@acme.test" not in json.dumps([e.model_dump(mode="json") for e in await _entries(sessions)])


async def test_a_refused_mutation_is_recorded_with_its_code(
    graphql: GraphQL, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given
    recruiter = Viewer(tenant, user="rec@acme.test", roles=frozenset({"recruiter"}), user_id=None)
    target = gid("User", 5)
    # when
    refused = await graphql(SET_ROLES, {"input": {"userId": target, "roles": ["ADMIN"]}}, as_viewer=recruiter)
    # then
    assert [(e.extensions or {}).get("code") for e in refused.errors or []] == ["FORBIDDEN"]
    assert [_summary(e)[1:] for e in await _entries(sessions)] == [
        (
            "rec@acme.test",
            "setUserRoles",
            [target],
            {"outcome": "error", "code": "FORBIDDEN", "input": {"roles": ["admin"]}},
        )
    ]


async def test_an_api_keys_action_names_the_key(
    graphql: GraphQL, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given
    key = Viewer(tenant, user="api key 7", roles=frozenset({"admin"}), api_key_id=7)
    # when
    await graphql(
        CREATE_USER,
        {"input": {"email": "k@acme.test", "firstName": "K", "lastName": "L", "roles": []}},
        as_viewer=key,
    )
    log = _data(await graphql(AUDIT_LOG))["auditLog"]
    # then
    node = log["edges"][0]["node"]
    assert (node["actor"], node["actorApiKeyId"], node["actorUser"]) == ("api key 7", gid("ApiKey", 7), None)


async def test_an_operators_onboarding_is_in_the_new_customers_log(
    graphql: GraphQL, sessions: SessionFactory, services: Services, customer_id: int
) -> None:
    # given: an operator, who belongs to no customer
    record_backfills(services)
    operator = Viewer(None, user="ops@vendor.test", roles=frozenset({"operator"}))
    # when
    made = _data(await graphql(PROVISION, {"input": {"key": "globex", "name": "Globex"}}, as_viewer=operator))
    refused = await graphql(PROVISION, {"input": {"key": "Not A Key!", "name": "x"}}, as_viewer=operator)
    # then: the made customer's entry is in its log; the refused one named no customer and is not kept
    customer = made["provisionCustomer"]["customer"]["id"]
    assert refused.errors is None
    entries = await _entries(sessions)
    assert [(e.customer_id != customer_id, e.actor, e.action, e.target) for e in entries] == [
        (True, "ops@vendor.test", "provisionCustomer", customer)
    ]


async def test_the_audit_log_is_newest_first_by_action_and_only_the_customers_own(
    graphql: GraphQL, sessions: SessionFactory, settings: Settings, services: Services, tenant: Tenant
) -> None:
    # given: two of Acme's entries, and one of Globex's
    for email in ("a@acme.test", "b@acme.test"):
        await graphql(
            CREATE_USER, {"input": {"email": email, "firstName": "A", "lastName": "B", "roles": []}}
        )
    await graphql(SET_ROLES, {"input": {"userId": gid("User", 999), "roles": []}})
    globex = await services.tenants.get(await other_customer_id(sessions, settings))
    their_admin = Viewer(globex, user="admin@globex.test", roles=frozenset({"admin"}))
    await graphql(
        CREATE_USER,
        {"input": {"email": "g@globex.test", "firstName": "G", "lastName": "H", "roles": []}},
        as_viewer=their_admin,
    )
    # when
    ours = _data(await graphql(AUDIT_LOG))["auditLog"]
    creations = _data(await graphql(AUDIT_LOG, {"action": "createUser"}))["auditLog"]
    theirs = _data(await graphql(AUDIT_LOG, as_viewer=their_admin))["auditLog"]
    peek = await graphql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": ours["edges"][0]["node"]["id"]},
        as_viewer=their_admin,
    )
    recruiter = Viewer(tenant, user="rec@acme.test", roles=frozenset({"recruiter"}))
    forbidden = await graphql(AUDIT_LOG, as_viewer=recruiter)
    # then
    assert ours["totalCount"] == 3
    assert [e["node"]["action"] for e in ours["edges"]] == ["setUserRoles", "createUser", "createUser"]
    assert ours["edges"][0]["node"]["detail"] == {"outcome": "userErrors", "userErrorCodes": ["NOT_FOUND"]}
    assert creations["totalCount"] == 2
    assert [(e["node"]["actor"], e["node"]["action"]) for e in theirs["edges"]] == [
        ("admin@globex.test", "createUser")
    ]
    assert [(e.extensions or {}).get("code") for e in peek.errors or []] == ["NOT_FOUND"]
    assert [(e.extensions or {}).get("code") for e in forbidden.errors or []] == ["FORBIDDEN"]


async def test_a_failed_audit_write_fails_neither_the_mutation_nor_its_write(
    graphql: GraphQL,
    sessions: SessionFactory,
    engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given: the audit table is gone (its writes fail)
    async with engine.begin() as connection:
        await connection.execute(sa.text("ALTER TABLE audit_entry RENAME TO audit_entry_away"))
    try:
        # when
        result = await graphql(
            CREATE_USER, {"input": {"email": "k@acme.test", "firstName": "K", "lastName": "L", "roles": []}}
        )
        # then: the user exists, the answer is whole, and the log says what was lost
        assert result.errors is None
        assert result.data is not None
        assert result.data["createUser"]["userErrors"] == []
        async with sessions() as db:
            emails = (await db.exec(select(models.User.email))).all()
        assert list(emails) == ["k@acme.test"]
        assert [r.getMessage() for r in caplog.records if r.name == "rscgraph.audit"] == ["audit entry lost"]
    finally:
        async with engine.begin() as connection:
            await connection.execute(sa.text("ALTER TABLE audit_entry_away RENAME TO audit_entry"))


async def test_a_new_user_signing_in_is_recorded(sessions: SessionFactory, customer_id: int) -> None:
    # when
    kept = await record_new_user_signed_in(sessions, customer_id, user_id=12, actor="new@acme.test")
    # then
    assert kept is True
    assert [_summary(e) for e in await _entries(sessions)] == [
        (customer_id, "new@acme.test", "newUserSignedIn", [gid("User", 12)], {})
    ]

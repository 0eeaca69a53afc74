"""Admins' user mutations: createUser, updateUser, setUserRoles (what an admin may grant, the last-admin
guard, another customer's user ids), and who may list users."""

from __future__ import annotations

import asyncio
from typing import Any

from app.settings import Settings
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL
from tests.graph.tab_world import gid
from tests.users_support import add_user

CREATE = """
mutation($input: CreateUserInput!) {
  createUser(input: $input) {
    user { email firstName lastName name personUrn roles source seats { seatUrn } }
    userErrors { field message code existingId }
  }
}
"""
CREATE_ID = (
    "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }"
)
SET_ROLES = """
mutation($input: SetUserRolesInput!) {
  setUserRoles(input: $input) { user { email roles } userErrors { field message code } }
}
"""
UPDATE = """
mutation($input: UpdateUserInput!) {
  updateUser(input: $input) { user { firstName lastName personUrn } userErrors { field message code } }
}
"""
USERS = "{ users { totalCount edges { node { email roles } } } }"


def _new(email: str, roles: list[str], **more: Any) -> dict[str, Any]:
    return {"input": {"email": email, "firstName": "Kim", "lastName": "Lee", "roles": roles, **more}}


async def _create(graphql: GraphQL, email: str, roles: list[str]) -> str:
    result = await graphql(CREATE_ID, _new(email, roles))
    assert result.errors is None
    assert result.data is not None
    assert result.data["createUser"]["userErrors"] == []
    user_id: str = result.data["createUser"]["user"]["id"]
    return user_id


async def _set_roles(graphql: GraphQL, user_id: str, roles: list[str]) -> dict[str, Any]:
    result = await graphql(SET_ROLES, {"input": {"userId": user_id, "roles": roles}})
    assert result.errors is None
    assert result.data is not None
    payload: dict[str, Any] = result.data["setUserRoles"]
    return payload


async def test_an_admin_creates_a_user_with_the_roles_it_may_grant(graphql: GraphQL) -> None:
    # when
    result = await graphql(CREATE, _new(" Kim.Lee@Acme.Test ", ["RECRUITER", "INTEGRATION"]))
    # then
    assert result.errors is None
    assert result.data == {
        "createUser": {
            "user": {
                "email": "kim.lee@acme.test",
                "firstName": "Kim",
                "lastName": "Lee",
                "name": "Kim Lee",
                "personUrn": None,
                "roles": ["INTEGRATION", "RECRUITER"],
                "source": "ADMIN",
                "seats": [],
            },
            "userErrors": [],
        }
    }


async def test_an_admin_may_not_grant_operator(graphql: GraphQL) -> None:
    # given
    user_id = await _create(graphql, "kim@acme.test", ["RECRUITER"])
    # when
    created = await graphql(CREATE, _new("op@acme.test", ["OPERATOR"]))
    changed = await _set_roles(graphql, user_id, ["ADMIN", "OPERATOR"])
    # then
    refused = "An admin grants only admin, integration, recruiter; not operator"
    assert created.data is not None
    assert created.data["createUser"] == {
        "user": None,
        "userErrors": [
            {"field": ["input", "roles"], "message": refused, "code": "INVALID", "existingId": None}
        ],
    }
    assert changed == {
        "user": None,
        "userErrors": [{"field": ["input", "roles"], "message": refused, "code": "INVALID"}],
    }


async def test_an_admin_grants_admin_recruiter_and_integration(graphql: GraphQL) -> None:
    # given
    user_id = await _create(graphql, "kim@acme.test", ["RECRUITER"])
    # when
    payload = await _set_roles(graphql, user_id, ["INTEGRATION", "ADMIN", "ADMIN"])
    # then
    assert payload == {
        "user": {"email": "kim@acme.test", "roles": ["ADMIN", "INTEGRATION"]},
        "userErrors": [],
    }


async def test_the_customers_last_admin_cannot_be_demoted(graphql: GraphQL) -> None:
    # given: one admin
    first = await _create(graphql, "first@acme.test", ["ADMIN"])
    # when
    refused = await _set_roles(graphql, first, ["RECRUITER"])
    # then
    message = "This is the customer's last admin; make another user an admin first"
    assert refused == {
        "user": None,
        "userErrors": [{"field": ["input", "roles"], "message": message, "code": "CONFLICT"}],
    }


async def test_an_admin_is_demoted_once_another_admin_exists_and_then_that_one_is_the_last(
    graphql: GraphQL,
) -> None:
    # given: two admins
    first = await _create(graphql, "first@acme.test", ["ADMIN"])
    second = await _create(graphql, "second@acme.test", ["ADMIN", "RECRUITER"])
    # when
    demoted = await _set_roles(graphql, first, ["RECRUITER"])
    last = await _set_roles(graphql, second, [])
    # then
    assert demoted == {"user": {"email": "first@acme.test", "roles": ["RECRUITER"]}, "userErrors": []}
    assert [error["code"] for error in last["userErrors"]] == ["CONFLICT"]
    listed = await graphql(USERS)
    assert listed.data == {
        "users": {
            "totalCount": 2,
            "edges": [
                {"node": {"email": "first@acme.test", "roles": ["RECRUITER"]}},
                {"node": {"email": "second@acme.test", "roles": ["ADMIN", "RECRUITER"]}},
            ],
        }
    }


async def test_another_customers_user_id_is_not_found(
    graphql: GraphQL, sessions: SessionFactory, settings: Settings
) -> None:
    # given: a user of Globex
    globex = await other_customer_id(sessions, settings)
    async with sessions() as db:
        theirs = await add_user(db, globex, email="admin@globex.test", roles="admin")
        await db.commit()
    their_id = gid("User", theirs.id)
    # when
    roles = await _set_roles(graphql, their_id, ["RECRUITER"])
    updated = await graphql(UPDATE, {"input": {"id": their_id, "firstName": "Mallory"}})
    # then
    assert roles == {
        "user": None,
        "userErrors": [{"field": ["input", "userId"], "message": "No user has this id", "code": "NOT_FOUND"}],
    }
    assert updated.data == {
        "updateUser": {
            "user": None,
            "userErrors": [{"field": ["input", "id"], "message": "No user has this id", "code": "NOT_FOUND"}],
        }
    }
    async with sessions() as db:
        unchanged = await db.get(type(theirs), (globex, theirs.id))
    assert unchanged is not None
    assert (unchanged.first_name, unchanged.roles) == ("", "admin")


async def test_a_duplicate_email_or_person_urn_is_refused_naming_the_existing_user(graphql: GraphQL) -> None:
    # given
    existing = await _create(graphql, "kim@acme.test", ["RECRUITER"])
    urn = {"personUrn": "urn:li:person:kim1"}
    await graphql(CREATE, _new("other@acme.test", ["RECRUITER"], **urn))
    # when
    same_email = await graphql(CREATE, _new("KIM@acme.test", ["ADMIN"]))
    same_urn = await graphql(CREATE, _new("third@acme.test", ["ADMIN"], **urn))
    # then
    assert same_email.data is not None
    assert same_email.data["createUser"]["userErrors"] == [
        {
            "field": ["input", "email"],
            "message": "Another user has this email",
            "code": "DUPLICATE",
            "existingId": existing,
        }
    ]
    assert same_urn.data is not None
    assert [(e["field"], e["code"]) for e in same_urn.data["createUser"]["userErrors"]] == [
        (["input", "personUrn"], "DUPLICATE")
    ]


async def test_bad_fields_are_each_named(graphql: GraphQL) -> None:
    # when
    result = await graphql(
        CREATE,
        {
            "input": {
                "email": "not-an-email",
                "firstName": " ",
                "lastName": "Lee",
                "roles": [],
                "personUrn": "kim",
            }
        },
    )
    # then
    assert result.data is not None
    assert [(e["field"], e["code"]) for e in result.data["createUser"]["userErrors"]] == [
        (["input", "email"], "INVALID"),
        (["input", "firstName"], "INVALID"),
        (["input", "personUrn"], "INVALID"),
    ]


async def test_update_user_sets_and_clears_the_person_urn(graphql: GraphQL) -> None:
    # given
    user_id = await _create(graphql, "kim@acme.test", ["RECRUITER"])
    # when
    set_urn = await graphql(
        UPDATE, {"input": {"id": user_id, "personUrn": "urn:li:person:kim1", "lastName": "Park"}}
    )
    cleared = await graphql(UPDATE, {"input": {"id": user_id, "personUrn": None}})
    # then
    assert set_urn.data == {
        "updateUser": {
            "user": {"firstName": "Kim", "lastName": "Park", "personUrn": "urn:li:person:kim1"},
            "userErrors": [],
        }
    }
    assert cleared.data == {
        "updateUser": {"user": {"firstName": "Kim", "lastName": "Park", "personUrn": None}, "userErrors": []}
    }


async def test_only_admins_list_users_and_change_them(graphql: GraphQL, tenant: Tenant) -> None:
    # given
    user_id = await _create(graphql, "kim@acme.test", ["RECRUITER"])
    recruiter = Viewer(tenant, user="rec@acme.test", roles=frozenset({"recruiter"}))
    # when
    listed = await graphql(USERS, as_viewer=recruiter)
    changed = await graphql(
        SET_ROLES, {"input": {"userId": user_id, "roles": ["ADMIN"]}}, as_viewer=recruiter
    )
    legacy = await graphql("{ recruiters { totalCount } }", as_viewer=recruiter)
    # then
    assert [(e.extensions or {}).get("code") for e in listed.errors or []] == ["FORBIDDEN"]
    assert [(e.extensions or {}).get("code") for e in changed.errors or []] == ["FORBIDDEN"]
    assert legacy.errors is None
    assert legacy.data == {"recruiters": {"totalCount": 1}}


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(graphql: GraphQL) -> None:
    # given: two admins
    first = await _create(graphql, "first@acme.test", ["ADMIN"])
    second = await _create(graphql, "second@acme.test", ["ADMIN"])
    # when: each demotes the other at the same moment
    answers = await asyncio.gather(
        _set_roles(graphql, first, ["RECRUITER"]), _set_roles(graphql, second, ["RECRUITER"])
    )
    # then: one went through, the other met the guard
    assert sorted([e["code"] for e in a["userErrors"]] for a in answers) == [[], ["CONFLICT"]]
    listed = await graphql(USERS)
    assert listed.data is not None
    assert [e["node"]["roles"] for e in listed.data["users"]["edges"]].count(["ADMIN"]) == 1


async def test_two_admins_creating_the_same_user_at_once_make_one(graphql: GraphQL) -> None:
    # when
    answers = await asyncio.gather(
        graphql(CREATE_ID, _new("kim@acme.test", ["RECRUITER"])),
        graphql(CREATE_ID, _new("kim@acme.test", ["ADMIN"])),
    )
    # then
    assert all(a.errors is None and a.data is not None for a in answers)
    codes = sorted([e["code"] for e in a.data["createUser"]["userErrors"]] for a in answers if a.data)
    assert codes == [[], ["DUPLICATE"]]
    listed = await graphql(USERS)
    assert listed.data is not None
    assert listed.data["users"]["totalCount"] == 1


async def test_two_users_given_one_person_urn_at_once_get_it_once(graphql: GraphQL) -> None:
    # given
    kim = await _create(graphql, "kim@acme.test", ["RECRUITER"])
    lee = await _create(graphql, "lee@acme.test", ["RECRUITER"])
    urn = "urn:li:person:shared1"
    # when
    answers = await asyncio.gather(
        graphql(UPDATE, {"input": {"id": kim, "personUrn": urn}}),
        graphql(UPDATE, {"input": {"id": lee, "personUrn": urn}}),
    )
    # then
    codes = sorted([e["code"] for e in a.data["updateUser"]["userErrors"]] for a in answers if a.data)
    assert codes == [[], ["DUPLICATE"]]
    listed = await graphql("{ users { edges { node { personUrn } } } }")
    assert listed.data is not None
    assert sorted(str(e["node"]["personUrn"]) for e in listed.data["users"]["edges"]) == ["None", urn]

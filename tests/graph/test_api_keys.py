"""API keys end to end over HTTP: an admin makes one (shown once, stored as its hash), a service client
signs in with it as its one role, the admin lists and revokes it, and a revoked key stops at once."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

import models
from models.db import SessionFactory
from tests.child_apps import other_customer_id
from tests.conftest import Server

CREATE = """
mutation Create($name: String!, $role: Role!) {
  createApiKey(input: {name: $name, role: $role}) {
    key
    apiKey { id name role prefix lastUsedAt revokedAt }
    userErrors { field message code }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeApiKey(input: {id: $id}) { apiKey { id revokedAt } userErrors { field code } }
}
"""
KEYS = (
    "{ apiKeys(first: 10) { totalCount edges { node { name role prefix createdAt lastUsedAt revokedAt } } } }"
)
VIEWER = "{ viewer { customer { key } user { email name } roles } }"
BADGE = '{ linkedinMembers(personUrns: ["urn:li:person:nobody"]) { personUrn inAts } }'


async def create_key(
    server: Server, name: str = "search enrichment", role: str = "INTEGRATION"
) -> dict[str, Any]:
    status, body = await server.graphql(CREATE, {"name": name, "role": role})
    assert status == 200, body
    payload: dict[str, Any] = body["data"]["createApiKey"]
    return payload


async def test_an_admin_makes_a_key_that_signs_in_as_its_role(server: Server) -> None:
    # when
    created = await create_key(server)
    status, body = await server.graphql(VIEWER, authorization=f"Bearer {created['key']}")
    # then
    assert created["userErrors"] == []
    assert created["key"].startswith("rsk_acme_")
    assert created["key"].startswith(created["apiKey"]["prefix"])
    assert len(created["apiKey"]["prefix"]) == len("rsk_acme_") + 8
    assert (created["apiKey"]["name"], created["apiKey"]["role"]) == ("search enrichment", "INTEGRATION")
    assert (status, body["data"]["viewer"]) == (
        200,
        {
            "customer": {"key": "acme"},
            "user": {"email": None, "name": "search enrichment"},
            "roles": ["INTEGRATION"],
        },
    )


async def test_the_database_holds_the_keys_hash_and_never_the_key(
    server: Server, sessions: SessionFactory, customer_id: int
) -> None:
    # when
    created = await create_key(server)
    # then
    key = created["key"]
    async with sessions() as db:
        rows = (await db.exec(select(models.ApiKey).where(models.ApiKey.customer_id == customer_id))).all()
        connection = await db.connection()
        dumped = [tuple(row) for row in (await connection.execute(sa.text("SELECT * FROM api_key"))).all()]
    assert [(row.key_hash, row.role, row.name) for row in rows] == [
        (hashlib.sha256(key.encode()).hexdigest(), "integration", "search enrichment")
    ]
    secret = key.removeprefix("rsk_acme_")
    assert not any(isinstance(value, str) and secret in value for row in dumped for value in row)


async def test_an_integration_key_reads_the_badge_and_nothing_else(server: Server) -> None:
    # given
    key = (await create_key(server))["key"]
    # when
    badge = await server.graphql(BADGE, authorization=f"Bearer {key}")
    keys = await server.graphql(KEYS, authorization=f"Bearer {key}")
    # then
    assert (badge[0], badge[1]["data"]) == (
        200,
        {"linkedinMembers": [{"personUrn": "urn:li:person:nobody", "inAts": False}]},
    )
    assert keys[1]["data"] is None
    assert keys[1]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_revoked_key_stops_working_at_once(server: Server) -> None:
    # given
    created = await create_key(server)
    key = f"Bearer {created['key']}"
    assert (await server.graphql(BADGE, authorization=key))[0] == 200
    # when
    status, body = await server.graphql(REVOKE, {"id": created["apiKey"]["id"]})
    # then
    assert status == 200
    assert body["data"]["revokeApiKey"]["userErrors"] == []
    assert body["data"]["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    refused = await server.graphql(BADGE, authorization=key)
    assert refused == (
        401,
        {
            "errors": [
                {
                    "message": "The credential was not accepted: sign in again.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ]
        },
    )


async def test_the_keys_list_shows_no_secret_and_the_use_of_each_key(server: Server) -> None:
    # given
    used = await create_key(server, "enrichment")
    await create_key(server, "nightly script", "RECRUITER")
    await server.graphql(BADGE, authorization=f"Bearer {used['key']}")
    # when
    status, body = await server.graphql(KEYS)
    # then
    assert status == 200
    nodes = [edge["node"] for edge in body["data"]["apiKeys"]["edges"]]
    assert body["data"]["apiKeys"]["totalCount"] == 2
    assert [(n["name"], n["role"], n["revokedAt"]) for n in nodes] == [
        ("nightly script", "RECRUITER", None),
        ("enrichment", "INTEGRATION", None),
    ]
    assert [n["lastUsedAt"] is not None for n in nodes] == [False, True]
    assert all(n["prefix"].startswith("rsk_acme_") and len(n["prefix"]) == 17 for n in nodes)
    assert used["key"] not in str(body)


@pytest.mark.parametrize(
    ("name", "role", "field"),
    [
        ("admin key", "ADMIN", "role"),
        ("operator key", "OPERATOR", "role"),
        ("   ", "INTEGRATION", "name"),
        ("x" * 101, "INTEGRATION", "name"),
    ],
)
async def test_a_key_is_refused_for_a_role_it_may_not_carry_or_without_a_name(
    server: Server, name: str, role: str, field: str
) -> None:
    # when
    created = await create_key(server, name, role)
    # then
    assert (created["key"], created["apiKey"]) == (None, None)
    assert [(e["field"], e["code"]) for e in created["userErrors"]] == [(["input", field], "INVALID")]
    status, body = await server.graphql(KEYS)
    assert body["data"]["apiKeys"]["totalCount"] == 0


async def test_a_recruiter_may_not_make_list_or_revoke_keys(server: Server) -> None:
    # given
    created = await create_key(server)
    recruiter = server.bearer("recruiter")
    # when
    answers = [
        await server.graphql(CREATE, {"name": "mine", "role": "INTEGRATION"}, authorization=recruiter),
        await server.graphql(KEYS, authorization=recruiter),
        await server.graphql(REVOKE, {"id": created["apiKey"]["id"]}, authorization=recruiter),
    ]
    # then
    assert [body["errors"][0]["extensions"]["code"] for _, body in answers] == ["FORBIDDEN"] * 3


async def test_another_customers_key_id_is_not_found_and_its_key_names_its_own_customer(
    server: Server, sessions: SessionFactory
) -> None:
    # given: globex's admin makes a key
    await other_customer_id(sessions, server.settings)
    globex_admin = server.bearer("admin", customer="globex")
    status, body = await server.graphql(
        CREATE, {"name": "globex's", "role": "INTEGRATION"}, authorization=globex_admin
    )
    theirs = body["data"]["createApiKey"]
    # when: acme's admin revokes it by id, and its secret is presented under acme's name
    revoked = await server.graphql(REVOKE, {"id": theirs["apiKey"]["id"]})
    forged = theirs["key"].replace("rsk_globex_", "rsk_acme_")
    signed_in = await server.graphql(VIEWER, authorization=f"Bearer {forged}")
    own = await server.graphql(VIEWER, authorization=f"Bearer {theirs['key']}")
    # then
    assert revoked[1]["data"]["revokeApiKey"]["userErrors"] == [
        {"field": ["input", "id"], "code": "NOT_FOUND"}
    ]
    assert signed_in[0] == 401
    assert (own[0], own[1]["data"]["viewer"]["customer"]) == (200, {"key": "globex"})

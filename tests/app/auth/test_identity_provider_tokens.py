"""Sign-in with the identity provider's JWTs over real HTTP: the IdP's JWKS is served on a loopback port,
its keys made by `cryptography`; every kind of bad token is a 401 and a good one names its viewer."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from sqlmodel import select

import models
from app.settings import Settings
from models.db import SessionFactory
from tests.conftest import Server, serve_app
from tests.identity_provider import AUDIENCE, IdentityProvider, ec_key, rsa_key, serve_identity_provider

VIEWER = "{ viewer { customer { key } user { email name } roles } }"
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def idp() -> AsyncIterator[IdentityProvider]:
    """The ATS's identity provider with one RS256 key."""
    async with serve_identity_provider(rsa_key("key-1")) as provider:
        yield provider


@pytest.fixture
async def signed_in_server(
    settings: Settings, customer: models.Customer, idp: IdentityProvider
) -> AsyncIterator[Server]:
    """The app configured for the IdP (discovery from the issuer), the JWKS floor at 30 s."""
    configured = settings.model_copy(update={"auth_issuer": idp.issuer, "auth_audience": AUDIENCE})
    async with serve_app(configured) as server:
        yield server


async def ask(server: Server, token: str) -> tuple[int, dict[str, Any], str | None]:
    """POST the viewer query with `token`; the status, body and WWW-Authenticate header."""
    body = {"query": VIEWER}
    headers = {"Authorization": f"Bearer {token}"}
    async with server.anonymous.post(f"{server.url}/graphql", json=body, headers=headers) as response:
        return response.status, await response.json(), response.headers.get("www-authenticate")


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(claims: dict[str, Any]) -> str:
    """A token with `alg: none` and no signature."""
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def hs256_with_public_key(idp: IdentityProvider, claims: dict[str, Any]) -> str:
    """The classic confusion: HS256 "signed" with the IdP's public key (PEM) as the HMAC secret."""
    import hashlib
    import hmac

    pem = (
        idp.keys[0]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'key-1'})}.{_b64(claims)}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


BAD_TOKENS: dict[str, Callable[[IdentityProvider], str]] = {
    "expired": lambda idp: idp.token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
    "not yet valid": lambda idp: idp.token(nbf=int(time.time()) + 3600),
    "wrong audience": lambda idp: idp.token(aud="another-app"),
    "wrong issuer": lambda idp: idp.token(iss="https://evil.example.com"),
    "no expiry": lambda idp: idp.token(exp=None),
    "alg none": lambda idp: unsigned(idp.claims()),
    "HS256 signed with the public key": lambda idp: hs256_with_public_key(idp, idp.claims()),
    "signed by a foreign key under the IdP's kid": lambda idp: idp.token(rsa_key("key-1")),
    "signed by a foreign key of unknown kid": lambda idp: idp.token(ec_key("key-9")),
    "tampered claims": lambda idp: idp.token().replace(
        idp.token().split(".")[1], _b64(idp.claims(roles=["admin"]))
    ),
    "missing customer claim": lambda idp: idp.token(customer=None),
    "unknown customer": lambda idp: idp.token(customer="initech"),
    "not a JWT": lambda idp: "not-a-jwt",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_a_bad_token_is_refused_with_401_unauthenticated(
    signed_in_server: Server, idp: IdentityProvider, case: str
) -> None:
    # given
    token = BAD_TOKENS[case](idp)
    # when
    status, body, challenge = await ask(signed_in_server, token)
    # then
    assert (status, challenge) == (401, "Bearer")
    assert body == {
        "errors": [
            {
                "message": "The credential was not accepted: sign in again.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }


async def test_a_good_token_names_its_customer_user_and_roles(
    signed_in_server: Server, idp: IdentityProvider, sessions: SessionFactory, customer_id: int
) -> None:
    # when
    status, body, _ = await ask(signed_in_server, idp.token(roles=["recruiter", "admin", "janitor"]))
    # then
    assert status == 200
    assert {"data": body["data"]} == {
        "data": {
            "viewer": {
                "customer": {"key": "acme"},
                "user": {"email": "ada@acme.test", "name": "Ada Lovelace"},
                "roles": ["ADMIN", "RECRUITER"],
            }
        }
    }
    async with sessions() as db:
        users = (await db.exec(select(models.User).where(models.User.customer_id == customer_id))).all()
    assert [(u.email, u.subject, u.first_name, u.last_name, u.roles, u.source) for u in users] == [
        ("ada@acme.test", "idp|ada", "Ada", "Lovelace", "admin,recruiter", models.UserSource.TOKEN)
    ]


async def test_an_operator_token_has_no_customer_and_only_the_operator_role(
    signed_in_server: Server, idp: IdentityProvider
) -> None:
    # when
    token = idp.token(customer=None, roles=["operator", "admin"], email="olive@vendor.test", sub="idp|olive")
    status, body, _ = await ask(signed_in_server, token)
    # then
    assert (status, body["data"]["viewer"]["customer"], body["data"]["viewer"]["roles"]) == (
        200,
        None,
        ["OPERATOR"],
    )


async def test_a_customer_token_claiming_operator_is_not_an_operator(
    signed_in_server: Server, idp: IdentityProvider
) -> None:
    # when
    status, body, _ = await ask(signed_in_server, idp.token(roles=["operator", "recruiter"]))
    # then
    assert (status, body["data"]["viewer"]["roles"]) == (200, ["RECRUITER"])


async def test_an_es256_key_of_the_jwks_signs_in_too(signed_in_server: Server, idp: IdentityProvider) -> None:
    # given
    idp.keys.append(ec_key("key-ec"))
    # when
    status, _, _ = await ask(signed_in_server, idp.token(idp.keys[1]))
    # then
    assert status == 200


async def test_a_token_within_the_leeway_of_its_expiry_is_accepted(
    signed_in_server: Server, idp: IdentityProvider
) -> None:
    # given: expired 10 s ago, inside the default 60 s of clock skew
    token = idp.token(exp=int(time.time()) - 10)
    # when
    status, _, _ = await ask(signed_in_server, token)
    # then
    assert status == 200


async def test_a_rotated_key_is_fetched_on_its_unknown_kid_and_then_cached(
    settings: Settings, customer: models.Customer, idp: IdentityProvider
) -> None:
    # given: the server has the first key (no floor between fetches here: the rotation comes at once)
    configured = settings.model_copy(
        update={"auth_issuer": idp.issuer, "auth_audience": AUDIENCE, "auth_jwks_min_refetch_s": 0}
    )
    async with serve_app(configured) as server:
        assert (await ask(server, idp.token()))[0] == 200
        assert idp.jwks_fetches == 1
        # when: the IdP rotates to a new key and tokens of it arrive
        new = rsa_key("key-2")
        idp.keys = [new]
        first = await ask(server, idp.token(new))
        again = await ask(server, idp.token(new))
    # then
    assert (first[0], again[0]) == (200, 200)
    assert idp.jwks_fetches == 2


async def test_a_flood_of_unknown_kids_fetches_the_jwks_once_per_floor(
    signed_in_server: Server, idp: IdentityProvider
) -> None:
    # given
    assert (await ask(signed_in_server, idp.token()))[0] == 200
    # when: 20 tokens of made-up kids arrive within the floor (RSC_AUTH_JWKS_MIN_REFETCH_S = 30 s)
    statuses = [(await ask(signed_in_server, idp.token(rsa_key(f"made-up-{n}"))))[0] for n in range(20)]
    # then: the IdP was not asked again (tests/app/auth/test_jwks.py: once per floor after it)
    assert statuses == [401] * 20
    assert idp.jwks_fetches == 1


async def test_the_refusal_reason_is_logged_without_the_token(
    signed_in_server: Server, idp: IdentityProvider, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    caplog.set_level(logging.INFO, logger="rscgraph.auth")
    token = idp.token(aud="another-app")
    # when
    status, _, _ = await ask(signed_in_server, token)
    # then
    assert status == 401
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals == ["token refused: InvalidAudienceError: Audience doesn't match"]
    assert all(
        token not in r.getMessage() and token.split(".")[2] not in r.getMessage() for r in caplog.records
    )


async def test_the_development_key_is_not_accepted_once_an_issuer_is_configured(
    signed_in_server: Server,
) -> None:
    # when
    status, _, _ = await ask(signed_in_server, signed_in_server.bearer().removeprefix("Bearer "))
    # then
    assert status == 401


async def test_an_explicit_jwks_url_is_used_without_discovery(
    settings: Settings, customer: models.Customer, idp: IdentityProvider
) -> None:
    # given
    configured = settings.model_copy(
        update={"auth_issuer": idp.issuer, "auth_audience": AUDIENCE, "auth_jwks_url": f"{idp.issuer}/jwks"}
    )
    async with serve_app(configured) as server:
        # when
        status, _, _ = await ask(server, idp.token())
    # then
    assert status == 200
    assert idp.fetched == ["/jwks"]


async def test_a_token_without_a_roles_claim_acts_with_the_users_stored_roles(
    signed_in_server: Server, idp: IdentityProvider, sessions: SessionFactory, customer_id: int
) -> None:
    # given: an admin made Ada an admin before her first sign-in (README: without a roles claim the
    # stored roles are the user's roles)
    async with sessions() as db:
        db.add(models.User(customer_id=customer_id, email="ada@acme.test", roles="admin"))
        await db.commit()
    # when
    status, body, _ = await ask(signed_in_server, idp.token(roles=None))
    # then
    assert (status, body["data"]["viewer"]["roles"]) == (200, ["ADMIN"])
    async with sessions() as db:
        rows = (await db.exec(select(models.User.subject, models.User.roles))).all()
    assert list(rows) == [("idp|ada", "admin")]


@pytest.mark.parametrize("unverified", [False, "false", "False"])
async def test_an_email_the_identity_provider_has_not_verified_does_not_claim_an_admin_made_user(
    signed_in_server: Server,
    idp: IdentityProvider,
    sessions: SessionFactory,
    customer_id: int,
    unverified: object,
) -> None:
    # given: an admin made Ada an admin by email; someone registers her address at the IdP, unverified
    async with sessions() as db:
        db.add(models.User(customer_id=customer_id, email="ada@acme.test", roles="admin"))
        await db.commit()
    # when
    status, body, _ = await ask(signed_in_server, idp.token(roles=None, email_verified=unverified))
    # then: signed in as a user of its own, not as Ada, and Ada's row waits for her
    assert status == 200
    assert "ADMIN" not in body["data"]["viewer"]["roles"]
    assert body["data"]["viewer"]["user"]["email"] != "ada@acme.test"
    async with sessions() as db:
        rows = (await db.exec(select(models.User.email, models.User.subject, models.User.roles))).all()
    assert ("ada@acme.test", None, "admin") in list(rows)

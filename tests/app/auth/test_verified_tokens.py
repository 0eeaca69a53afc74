"""A token that passed verification is taken again unchecked only within VERIFIED_FOR_S and its own
expiry: a withdrawn key or a passed `exp` refuses it once that time is over."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from jwt import PyJWK

from app.auth.jwks import KeysUnavailable
from app.auth.tokens import VERIFIED_FOR_S, ClaimNames, InvalidToken, TokenVerifier
from tests.identity_provider import SigningKey, ec_key

ISSUER, AUDIENCE = "https://idp.test", "rscgraph"


class Keys:
    """A key source whose keys a test can withdraw."""

    def __init__(self, *keys: SigningKey) -> None:
        self.keys = {key.kid: PyJWK(key.public_jwk()) for key in keys}

    async def key_for(self, kid: str | None) -> PyJWK:
        if kid not in self.keys:
            raise KeysUnavailable(f"no key {kid!r}")
        return self.keys[kid]


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def token(key: SigningKey, **claims: Any) -> str:
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "idp|ada",
        "customer": "acme",
        "exp": int(time.time()) + 3600,
    }
    return jwt.encode({**body, **claims}, key.private, algorithm=key.algorithm, headers={"kid": key.kid})


@pytest.fixture
def key() -> SigningKey:
    return ec_key("key-1")


def verifier(keys: Keys, clock: Clock) -> TokenVerifier:
    return TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE, leeway_s=0, claims=ClaimNames(), clock=clock)


async def test_a_verified_token_is_taken_again_until_its_time_is_over_then_checked_anew(
    key: SigningKey,
) -> None:
    # given: a token verified once, then its key withdrawn by the identity provider
    keys, clock = Keys(key), Clock()
    tokens = verifier(keys, clock)
    bearer = token(key)
    assert (await tokens.verify(bearer)).subject == "idp|ada"
    keys.keys.clear()
    # when / then: within the time it is still the same identity, after it the withdrawn key refuses it
    clock.now += VERIFIED_FOR_S - 1
    assert (await tokens.verify(bearer)).customer_key == "acme"
    clock.now += 2
    with pytest.raises(InvalidToken, match="no key"):
        await tokens.verify(bearer)


async def test_a_verified_token_is_never_taken_past_its_expiry(key: SigningKey) -> None:
    # given: a token that expires in 20 s, verified, and its key then withdrawn
    keys, clock = Keys(key), Clock()
    tokens = verifier(keys, clock)
    bearer = token(key, exp=int(clock.now) + 20)
    await tokens.verify(bearer)
    keys.keys.clear()
    # when: past its expiry, though within VERIFIED_FOR_S of the check
    clock.now += 21
    # then: checked anew (and refused)
    with pytest.raises(InvalidToken):
        await tokens.verify(bearer)


async def test_a_refused_token_is_refused_every_time(key: SigningKey) -> None:
    # given: a token of another audience
    tokens = verifier(Keys(key), Clock())
    bearer = token(key, aud="another-app")
    # when / then
    for _ in range(2):
        with pytest.raises(InvalidToken, match="Audience"):
            await tokens.verify(bearer)


async def test_another_token_string_is_verified_on_its_own(key: SigningKey) -> None:
    # given: a verified token, and the same claims signed by a key the verifier does not know
    tokens = verifier(Keys(key), Clock())
    await tokens.verify(token(key))
    stranger = ec_key("key-1")
    # when / then
    with pytest.raises(InvalidToken, match="Signature"):
        await tokens.verify(token(stranger))

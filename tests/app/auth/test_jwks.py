"""The JWKS cache against an identity provider on a loopback port: cached keys, one re-fetch per floor
for unknown kids however many arrive, old keys kept through an outage, fetches bounded by a timeout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.auth.jwks import JwksCache, KeysUnavailable
from linkedin.sandbox.server import serve_asgi
from tests.identity_provider import IdentityProvider, rsa_key, serve_identity_provider


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def idp() -> AsyncIterator[IdentityProvider]:
    async with serve_identity_provider(rsa_key("key-1")) as provider:
        yield provider


def cache(http: aiohttp.ClientSession, idp: IdentityProvider, clock: Clock, **overrides: float) -> JwksCache:
    options = {"timeout_s": 2.0, "max_age_s": 3600.0, "min_refetch_s": 30.0, **overrides}
    return JwksCache(http, issuer=idp.issuer, jwks_url=None, clock=clock, **options)


async def test_keys_are_fetched_once_and_reused(http: aiohttp.ClientSession, idp: IdentityProvider) -> None:
    # given
    keys = cache(http, idp, Clock())
    # when
    found = [await keys.key_for("key-1") for _ in range(5)]
    # then
    assert {key.key_id for key in found} == {"key-1"}
    assert idp.fetched == ["/.well-known/openid-configuration", "/jwks"]


async def test_unknown_kids_refetch_once_per_floor(
    http: aiohttp.ClientSession, idp: IdentityProvider
) -> None:
    # given: keys fetched at t=1000
    clock = Clock()
    keys = cache(http, idp, clock)
    await keys.key_for("key-1")
    # when: 50 unknown kids within the floor, then 50 more just after it
    for n in range(50):
        with pytest.raises(KeysUnavailable):
            await keys.key_for(f"made-up-{n}")
    clock.now += 30.0
    for n in range(50):
        with pytest.raises(KeysUnavailable):
            await keys.key_for(f"made-up-again-{n}")
    # then
    assert idp.jwks_fetches == 2


async def test_concurrent_lookups_of_a_new_kid_share_one_fetch(
    http: aiohttp.ClientSession, idp: IdentityProvider
) -> None:
    # given: the IdP has rotated since the last fetch, 31 s ago
    clock = Clock()
    keys = cache(http, idp, clock)
    await keys.key_for("key-1")
    idp.keys.append(rsa_key("key-2"))
    clock.now += 31.0
    # when
    found = await asyncio.gather(*(keys.key_for("key-2") for _ in range(10)))
    # then
    assert {key.key_id for key in found} == {"key-2"}
    assert idp.jwks_fetches == 2


async def test_keys_past_their_age_are_fetched_again(
    http: aiohttp.ClientSession, idp: IdentityProvider
) -> None:
    # given
    clock = Clock()
    keys = cache(http, idp, clock, max_age_s=600.0)
    await keys.key_for("key-1")
    # when
    clock.now += 601.0
    await keys.key_for("key-1")
    # then
    assert idp.jwks_fetches == 2


async def test_an_outage_keeps_the_keys_already_fetched(http: aiohttp.ClientSession) -> None:
    # given: a JWKS that answers once, then 503
    answers = [200]

    async def jwks(request: Request) -> JSONResponse:
        status = answers.pop() if answers else 503
        return JSONResponse({"keys": [key.public_jwk()]} if status == 200 else {}, status_code=status)

    key = rsa_key("key-1")
    clock = Clock()
    async with serve_asgi(Starlette(routes=[Route("/jwks", jwks)])) as url:
        keys = JwksCache(
            http, issuer=url, jwks_url=f"{url}/jwks", timeout_s=2, max_age_s=60, min_refetch_s=0, clock=clock
        )
        await keys.key_for("key-1")
        # when: the keys are due for a fetch that fails
        clock.now += 61.0
        found = await keys.key_for("key-1")
    # then
    assert found.key_id == "key-1"


async def test_hmac_keys_of_a_jwks_are_never_used(http: aiohttp.ClientSession) -> None:
    # given: a JWKS holding an `oct` (symmetric) key and one RSA key
    rsa = rsa_key("key-rsa")

    async def jwks(request: Request) -> JSONResponse:
        oct_key = {"kty": "oct", "kid": "key-oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}
        return JSONResponse({"keys": [oct_key, rsa.public_jwk()]})

    async with serve_asgi(Starlette(routes=[Route("/jwks", jwks)])) as url:
        keys = JwksCache(http, issuer=url, jwks_url=f"{url}/jwks", timeout_s=2, max_age_s=60, min_refetch_s=0)
        # when / then
        assert (await keys.key_for("key-rsa")).algorithm_name == "RS256"
        with pytest.raises(KeysUnavailable):
            await keys.key_for("key-oct")


async def test_a_jwks_that_does_not_answer_is_given_up_after_the_timeout(http: aiohttp.ClientSession) -> None:
    # given: an IdP that never answers
    release = asyncio.Event()

    async def hang(request: Request) -> JSONResponse:
        await release.wait()
        return JSONResponse({})

    async with serve_asgi(Starlette(routes=[Route("/jwks", hang)])) as url:
        keys = JwksCache(
            http, issuer=url, jwks_url=f"{url}/jwks", timeout_s=0.3, max_age_s=60, min_refetch_s=0
        )
        try:
            # when / then: refused within the fetch timeout (the outer bound only guards the test)
            with pytest.raises(KeysUnavailable):
                await asyncio.wait_for(keys.key_for("key-1"), timeout=5)
        finally:
            release.set()


async def test_a_discovery_document_of_another_issuer_is_refused(http: aiohttp.ClientSession) -> None:
    # given
    async def discovery(request: Request) -> JSONResponse:
        return JSONResponse(
            {"issuer": "https://evil.example.com", "jwks_uri": "https://evil.example.com/jwks"}
        )

    app = Starlette(routes=[Route("/.well-known/openid-configuration", discovery)])
    async with serve_asgi(app) as url:
        keys = JwksCache(http, issuer=url, jwks_url=None, timeout_s=2, max_age_s=60, min_refetch_s=0)
        # when / then
        with pytest.raises(KeysUnavailable):
            await keys.key_for("key-1")

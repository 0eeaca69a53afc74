"""The identity provider's signing keys: its JWKS (or OIDC discovery's `jwks_uri`), fetched with the
process's aiohttp session, cached, and fetched again for an unknown `kid` at most once per floor."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError

from app.auth.algorithms import ASYMMETRIC

log = logging.getLogger("rscgraph.auth")
# A JWKS is a few kilobytes; anything far larger is not one.
MAX_DOCUMENT_BYTES = 512 * 1024
DISCOVERY_PATH = "/.well-known/openid-configuration"


class KeysUnavailable(Exception):
    """No key could be found for a token (unknown `kid`, or the identity provider did not answer)."""


def usable_keys(keys: Iterable[PyJWK]) -> dict[str | None, PyJWK]:
    """The asymmetric keys of a set by `kid`: an `oct` (HMAC) key or an unknown algorithm is never used."""
    return {key.key_id: key for key in keys if key.algorithm_name in ASYMMETRIC}


class StaticKeys:
    """A fixed key set (the development signing key's public half)."""

    def __init__(self, keys: Iterable[PyJWK]) -> None:
        self._keys = usable_keys(keys)

    async def key_for(self, kid: str | None) -> PyJWK:
        """The key named `kid`; `KeysUnavailable` if the set has none."""
        key = self._keys.get(kid)
        if key is None:
            raise KeysUnavailable(f"no key with kid {kid!r}")
        return key


class JwksCache:
    """The identity provider's keys, kept `max_age_s` and fetched again (single flight) for an unknown
    `kid`, but never twice within `min_refetch_s`: a flood of made-up kids costs the IdP one request per
    floor, not one per token."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        issuer: str,
        jwks_url: str | None,
        timeout_s: float,
        max_age_s: float,
        min_refetch_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._issuer = issuer
        self._jwks_url = jwks_url
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_age_s = max_age_s
        self._min_refetch_s = min_refetch_s
        self._clock = clock
        self._keys: dict[str | None, PyJWK] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._tried_at: float | None = None  # last attempt, successful or not
        self._lock = asyncio.Lock()
        self.fetches = 0  # how many times the JWKS was requested (tests and logs read it)

    async def key_for(self, kid: str | None) -> PyJWK:
        """The key named `kid` (a token without `kid` may use a set of one key); `KeysUnavailable` if
        neither the cached nor (when the floor allows) a freshly fetched set has it."""
        if self._fresh():
            key = self._find(kid)
            if key is not None:
                return key
        await self._refresh()
        key = self._find(kid)
        if key is None:
            raise KeysUnavailable(f"the JWKS has no usable key with kid {kid!r}")
        return key

    def _find(self, kid: str | None) -> PyJWK | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def _fresh(self) -> bool:
        return self._fetched_at is not None and self._clock() - self._fetched_at < self._max_age_s

    async def _refresh(self) -> None:
        attempted = self._tried_at
        async with self._lock:
            if self._tried_at != attempted:
                return  # another request fetched while this one waited: use its result
            if self._tried_at is not None and self._clock() - self._tried_at < self._min_refetch_s:
                return  # within the floor: answer from what we have
            self._tried_at = self._clock()
            try:
                keys = await self._fetch()
            except KeysUnavailable as exc:
                log.warning("could not fetch the identity provider's keys: %s", exc)
                return  # keep the old keys: an IdP outage must not sign everyone out at once
            self._keys = keys
            self._fetched_at = self._clock()

    async def _fetch(self) -> dict[str | None, PyJWK]:
        self.fetches += 1
        url = self._jwks_url or await self._discover()
        document = await self._get_json(url)
        try:
            keys = usable_keys(PyJWKSet.from_dict(document))
        except (PyJWKSetError, AttributeError) as exc:
            raise KeysUnavailable(f"{url} is not a usable JWKS ({exc})") from None
        if not keys:
            raise KeysUnavailable(f"{url} holds no asymmetric signing key")
        log.info("fetched %d signing key(s) from %s", len(keys), url)
        return keys

    async def _discover(self) -> str:
        url = self._issuer.rstrip("/") + DISCOVERY_PATH
        document = await self._get_json(url)
        jwks_uri = document.get("jwks_uri")
        # OIDC Discovery 1.0 §4.3: the document's issuer must be the one it was fetched for.
        if not isinstance(jwks_uri, str) or document.get("issuer") != self._issuer:
            raise KeysUnavailable(f"{url} names no jwks_uri for issuer {self._issuer}")
        self._jwks_url = jwks_uri
        return jwks_uri

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self._http.get(url, timeout=self._timeout, allow_redirects=False) as response:
                if response.status != 200:
                    raise KeysUnavailable(f"{url} answered HTTP {response.status}")
                body = await response.content.read(MAX_DOCUMENT_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise KeysUnavailable(f"{url}: {exc!r}") from None
        if len(body) > MAX_DOCUMENT_BYTES:
            raise KeysUnavailable(f"{url} answered more than {MAX_DOCUMENT_BYTES} bytes")
        try:
            document = json.loads(body)
        except ValueError:
            raise KeysUnavailable(f"{url} did not answer JSON") from None
        if not isinstance(document, dict):
            raise KeysUnavailable(f"{url} did not answer a JSON object")
        return document

"""OAuth 2.0 client-credentials tokens: fetched once, cached, renewed before expiry, invalidated on 401."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from linkedin import wire
from linkedin.config import LinkedInConfig
from linkedin.errors import LinkedInServerError, LinkedInTransportError, decode_response
from linkedin.observer import CallObserver, NoObserver
from linkedin.records import TokenIntrospection
from linkedin.retry import RetryPolicy

log = logging.getLogger("rscgraph.linkedin")


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires_at: float  # on the provider's monotonic clock


class TokenProvider:
    """Hands out a valid access token, asking LinkedIn for one at most once at a time."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        config: LinkedInConfig,
        *,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        observer: CallObserver | None = None,
    ) -> None:
        self._http = http
        self._config = config
        self._policy = policy or RetryPolicy.from_config(config)
        self._clock = clock
        self._observer: CallObserver = observer or NoObserver()
        self._token: _Token | None = None
        self._lock = asyncio.Lock()

    def _fresh(self) -> str | None:
        token = self._token
        if token is not None and self._clock() < token.expires_at - self._config.token_refresh_margin_s:
            return token.value
        return None

    async def get(self) -> str:
        """A token that stays valid for at least `token_refresh_margin_s`."""
        if (value := self._fresh()) is not None:
            return value
        async with self._lock:
            # Another task may have renewed it while we waited for the lock.
            if (value := self._fresh()) is not None:
                return value
            self._token = await self._fetch()
            return self._token.value

    def invalidate(self, token: str) -> None:
        """Forget `token` (LinkedIn refused it); a newer token fetched meanwhile is kept."""
        if self._token is not None and self._token.value == token:
            self._token = None

    async def _fetch(self) -> _Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret.get_secret_value(),
        }
        started = self._clock()
        data = await self._post_form("accessToken", form)
        value, expires_in = wire.parse_token(data)
        ttl = expires_in if expires_in is not None else self._config.token_ttl_fallback_s
        log.info("LinkedIn access token obtained, valid for %.0f s", ttl)
        self._observer.on_token_refresh()
        return _Token(value=value, expires_at=started + ttl)

    async def introspect(self, token: str) -> TokenIntrospection:
        """What LinkedIn says about `token` (active, status, expiry...)."""
        form = {
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret.get_secret_value(),
            "token": token,
        }
        return wire.parse_introspection(await self._post_form("introspectToken", form))

    async def _post_form(self, endpoint: str, form: dict[str, str]) -> Any:
        # Asking for a token (or about one) has no side effect worth fearing: retry it like a GET.
        url = f"{self._config.oauth_base_url.rstrip('/')}/{endpoint}"
        timeout = aiohttp.ClientTimeout(total=self._config.request_timeout_s)
        attempt = 0
        while True:
            attempt += 1
            try:
                headers = self._observer.headers()
                async with self._http.post(url, data=form, timeout=timeout, headers=headers) as resp:
                    body = await resp.read()
                    return decode_response(resp.status, resp.headers, body)
            except LinkedInServerError as exc:
                if not self._policy.retries_status("GET", exc.status, attempt):
                    raise
                wait = self._policy.delay(attempt)
                log.warning(
                    "LinkedIn %s: attempt %d got %d; retrying in %.2f s", endpoint, attempt, exc.status, wait
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                if not self._policy.can_retry("GET", attempt):
                    raise LinkedInTransportError(
                        f"POST {url} failed after {attempt} attempt(s): {exc!r}"
                    ) from exc
                wait = self._policy.delay(attempt)
                log.warning(
                    "LinkedIn %s: attempt %d failed (%r); retrying in %.2f s", endpoint, attempt, exc, wait
                )
            await self._policy.sleep(wait)

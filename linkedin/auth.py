"""OAuth 2.0 client-credentials tokens: fetched once, cached, renewed before expiry, invalidated on 401.

Credentials LinkedIn refuses are remembered: until they change (`use_credentials`) or
`auth_failure_backoff_s` passes, every call fails fast with `LinkedInCredentialsRejected` and LinkedIn is
not asked again, so workers do not hammer it with a secret that cannot work.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
from pydantic import SecretStr

from linkedin import wire
from linkedin.config import LinkedInConfig
from linkedin.errors import (
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInCredentialsRejected,
    LinkedInError,
    LinkedInHTTPError,
    LinkedInServerError,
    LinkedInTransportError,
    decode_response,
)
from linkedin.observer import CallObserver, NoObserver
from linkedin.records import TokenIntrospection
from linkedin.retry import RetryPolicy

log = logging.getLogger("rscgraph.linkedin")


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires_at: float  # on the provider's monotonic clock


@dataclass(frozen=True, slots=True)
class CredentialsCheck:
    """The last token call's result: `valid` is None when LinkedIn said nothing about the credentials
    (it failed or did not answer); `error` is why it failed, for the log and the status mapping."""

    valid: bool | None
    checked_at: datetime
    error: LinkedInError | None = None


@dataclass(frozen=True, slots=True)
class _Rejection:
    fingerprint: str
    until: float  # on the provider's monotonic clock
    error: LinkedInCredentialsRejected


def _fingerprint(client_id: str, client_secret: SecretStr) -> str:
    # Only compared with the fingerprint of later credentials; the secret itself is never kept twice.
    raw = f"{client_id}\0{client_secret.get_secret_value()}".encode()
    return hashlib.sha256(raw).hexdigest()


# OAuth 2.0 (RFC 6749 §5.2): a refused client is 401 invalid_client, some servers answer 400 with it.
_REJECTED_CLIENT = frozenset({"invalid_client", "unauthorized_client"})


def _refused_client(exc: LinkedInError) -> LinkedInCredentialsRejected | None:
    """The typed error when a token call's failure means LinkedIn refuses the client credentials."""
    refused = (isinstance(exc, LinkedInAuthError) and exc.status == 401) or (
        isinstance(exc, LinkedInBadRequest)
        and isinstance(exc.body, dict)
        and exc.body.get("error") in _REJECTED_CLIENT
    )
    if not refused or not isinstance(exc, LinkedInHTTPError):
        return None
    return LinkedInCredentialsRejected(exc.status, exc.service_error_code, exc.message, exc.body)


class TokenProvider:
    """Hands out a valid access token, asking LinkedIn for one at most once at a time."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        config: LinkedInConfig,
        *,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        observer: CallObserver | None = None,
    ) -> None:
        self._http = http
        self._config = config
        self._policy = policy or RetryPolicy.from_config(config)
        self._clock = clock
        self._wall_clock = wall_clock
        self._observer: CallObserver = observer or NoObserver()
        self._token: _Token | None = None
        self._lock = asyncio.Lock()
        self._rejection: _Rejection | None = None
        self._last_check: CredentialsCheck | None = None

    @property
    def last_check(self) -> CredentialsCheck | None:
        """The last token call's result; None before the first one."""
        return self._last_check

    def use_credentials(self, client_id: str, client_secret: SecretStr) -> None:
        """Speak with new credentials from now on; a token of the old ones is dropped."""
        self._config = replace(self._config, client_id=client_id, client_secret=client_secret)
        self._token = None

    def _check_rejection(self) -> None:
        rejection = self._rejection
        if rejection is None:
            return
        current = _fingerprint(self._config.client_id, self._config.client_secret)
        if rejection.fingerprint == current and self._clock() < rejection.until:
            # A new instance each time: re-raising one object would grow its traceback without end.
            error = rejection.error
            raise LinkedInCredentialsRejected(
                error.status, error.service_error_code, error.message, error.body, retry_at=error.retry_at
            )
        self._rejection = None

    def _fresh(self) -> str | None:
        token = self._token
        if token is not None and self._clock() < token.expires_at - self._config.token_refresh_margin_s:
            return token.value
        return None

    async def get(self) -> str:
        """A token that stays valid for at least `token_refresh_margin_s`."""
        if (value := self._fresh()) is not None:
            return value
        self._check_rejection()
        async with self._lock:
            # Another task may have renewed it (or had it refused) while we waited for the lock.
            if (value := self._fresh()) is not None:
                return value
            self._check_rejection()
            self._token = await self._checked_fetch()
            return self._token.value

    async def _checked_fetch(self) -> _Token:
        """`_fetch`, recording its result; refused credentials are remembered for the backoff."""
        fingerprint = _fingerprint(self._config.client_id, self._config.client_secret)
        try:
            token = await self._fetch()
        except LinkedInError as exc:
            rejected = _refused_client(exc)
            if rejected is None:
                self._last_check = CredentialsCheck(None, self._wall_clock(), exc)
                raise
            until = self._clock() + self._config.auth_failure_backoff_s
            rejected.retry_at = until
            self._rejection = _Rejection(fingerprint, until, rejected)
            self._last_check = CredentialsCheck(False, self._wall_clock(), rejected)
            log.error(
                "LinkedIn refused the client credentials of %s (%s); not asking again for %.0f s "
                "or until they change",
                self._config.client_id,
                exc,
                self._config.auth_failure_backoff_s,
            )
            raise rejected from exc
        self._last_check = CredentialsCheck(True, self._wall_clock())
        return token

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

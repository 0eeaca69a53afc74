"""Tokens over real HTTP: one request when cold, renewal after expiry, bad credentials, introspection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp
import pytest
from pydantic import SecretStr

from linkedin import (
    LinkedInAuthError,
    LinkedInClient,
    LinkedInCredentialsRejected,
    LinkedInServerError,
    TokenProvider,
)
from tests.linkedin.conftest import NOW_MS, Sandbox


async def test_ten_concurrent_calls_with_a_cold_cache_make_exactly_one_token_request(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # when
    results = await asyncio.gather(*(linkedin_client.seats() for _ in range(10)))
    # then
    assert [len(seats) for seats in results] == [4] * 10
    assert len(await sandbox.calls("accessToken")) == 1
    assert len(await sandbox.calls("seatsV2")) == 10


async def test_the_token_is_reused_across_calls(sandbox: Sandbox, linkedin_client: LinkedInClient) -> None:
    await linkedin_client.seats()
    await linkedin_client.seats()
    assert len(await sandbox.calls("accessToken")) == 1


async def test_an_expired_token_is_renewed_once_and_the_call_succeeds(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await linkedin_client.seats()
    await sandbox.post("tokens/expire", {})
    # when
    seats = await linkedin_client.seats()
    # then
    assert len(seats) == 4
    assert len(await sandbox.calls("accessToken")) == 2
    assert [c["status"] for c in await sandbox.calls("seatsV2")] == [200, 401, 200]


async def test_a_revoked_token_is_renewed_once_and_the_call_succeeds(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    await linkedin_client.seats()
    await sandbox.post("tokens/revoke", {})
    assert len(await linkedin_client.seats()) == 4
    assert len(await sandbox.calls("accessToken")) == 2


async def test_a_second_401_after_renewal_is_raised(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given: LinkedIn refuses every token for this endpoint
    await sandbox.fault("seatsV2", status=401, count=None)
    # when
    with pytest.raises(LinkedInAuthError) as caught:
        await linkedin_client.seats()
    # then
    assert caught.value.status == 401
    assert len(await sandbox.calls("seatsV2")) == 2
    assert len(await sandbox.calls("accessToken")) == 2


async def test_bad_credentials_raise_auth_error_without_calling_the_api(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(client_secret=SecretStr("wrong"))
    # when
    with pytest.raises(LinkedInAuthError) as caught:
        await client.seats()
    # then
    assert caught.value.status == 401
    assert caught.value.message == "Client authentication failed"
    assert len(await sandbox.calls("accessToken")) == 1
    assert await sandbox.calls("seatsV2") == []


async def test_a_token_is_renewed_before_it_expires_by_the_refresh_margin(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    # given: a provider whose clock we move; the sandbox issues 1800 s tokens
    now = [0.0]
    tokens = TokenProvider(http, sandbox.config, clock=lambda: now[0])
    first = await tokens.get()
    # when
    now[0] = 1800 - 61
    still = await tokens.get()
    now[0] = 1800 - 60
    renewed = await tokens.get()
    # then
    assert still == first
    assert renewed != first
    assert len(await sandbox.calls("accessToken")) == 2


async def test_invalidating_an_old_token_keeps_a_newer_one(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    tokens = TokenProvider(http, sandbox.config)
    current = await tokens.get()
    tokens.invalidate("some-older-token")
    assert await tokens.get() == current
    assert len(await sandbox.calls("accessToken")) == 1


async def test_introspection_reports_the_current_token_as_active(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # when
    info = await linkedin_client.introspect_token()
    # then
    assert info.active is True
    assert info.status == "active"
    assert info.client_id == "rscgraph-demo"
    assert info.auth_type == "2L"
    assert info.created_at == datetime.fromtimestamp(NOW_MS // 1000, tz=UTC)
    assert info.expires_at == datetime.fromtimestamp(NOW_MS // 1000 + 1800, tz=UTC)


async def test_introspection_of_an_unknown_token_is_inactive(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    info = await TokenProvider(http, sandbox.config).introspect("not-a-token")
    assert info.active is False
    assert info.status is None


def test_the_client_secret_never_shows_in_the_config_repr(sandbox: Sandbox) -> None:
    assert "demo-secret" not in repr(sandbox.config)


async def test_ten_concurrent_calls_after_expiry_renew_the_token_only_once(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await linkedin_client.seats()
    await sandbox.post("tokens/expire", {})
    # when
    results = await asyncio.gather(*(linkedin_client.seats() for _ in range(10)))
    # then
    assert [len(seats) for seats in results] == [4] * 10
    assert len(await sandbox.calls("accessToken")) == 2


# --- refused credentials: remembered, failed fast, tried again when they change or after the backoff ----


async def test_refused_credentials_fail_fast_without_asking_linkedin_again(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given: LinkedIn refused the credentials once
    client = make_client(client_secret=SecretStr("wrong"))
    with pytest.raises(LinkedInCredentialsRejected):
        await client.seats()
    # when
    with pytest.raises(LinkedInCredentialsRejected) as caught:
        await client.seats()
    # then
    assert caught.value.status == 401
    assert len(await sandbox.calls("accessToken")) == 1
    assert await sandbox.calls("seatsV2") == []


async def test_refused_credentials_are_tried_again_once_they_change(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(client_secret=SecretStr("wrong"))
    with pytest.raises(LinkedInCredentialsRejected):
        await client.seats()
    # when
    client.tokens.use_credentials(sandbox.config.client_id, sandbox.config.client_secret)
    seats = await client.seats()
    # then
    assert len(seats) == 4
    assert len(await sandbox.calls("accessToken")) == 2


async def test_refused_credentials_are_tried_again_after_the_backoff(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    # given: a provider whose clock we move, refused once
    now = [0.0]
    config = replace(sandbox.config, client_secret=SecretStr("wrong"), auth_failure_backoff_s=600)
    tokens = TokenProvider(http, config, clock=lambda: now[0])
    with pytest.raises(LinkedInCredentialsRejected):
        await tokens.get()
    # when
    now[0] = 599.0
    with pytest.raises(LinkedInCredentialsRejected):
        await tokens.get()
    calls_within_backoff = len(await sandbox.calls("accessToken"))
    now[0] = 600.0
    with pytest.raises(LinkedInCredentialsRejected):
        await tokens.get()
    # then
    assert calls_within_backoff == 1
    assert len(await sandbox.calls("accessToken")) == 2


async def test_ten_concurrent_calls_with_refused_credentials_make_one_token_request(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(client_secret=SecretStr("wrong"))
    # when
    results = await asyncio.gather(*(client.seats() for _ in range(10)), return_exceptions=True)
    # then
    assert all(isinstance(r, LinkedInCredentialsRejected) for r in results)
    assert len(await sandbox.calls("accessToken")) == 1


async def test_the_last_check_says_valid_after_a_token_was_issued(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    assert linkedin_client.tokens.last_check is None
    # when
    await linkedin_client.seats()
    # then
    check = linkedin_client.tokens.last_check
    assert check is not None
    assert (check.valid, check.error) == (True, None)


async def test_the_last_check_says_invalid_with_the_typed_error_after_a_refusal(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(client_secret=SecretStr("wrong"))
    # when
    with pytest.raises(LinkedInCredentialsRejected):
        await client.seats()
    # then
    check = client.tokens.last_check
    assert check is not None
    assert check.valid is False
    assert isinstance(check.error, LinkedInCredentialsRejected)


async def test_a_token_call_that_fails_otherwise_says_nothing_about_the_credentials(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given: the token endpoint fails with 503 on every attempt
    await sandbox.fault("accessToken", status=503, count=None)
    client = make_client()
    # when
    with pytest.raises(LinkedInServerError):
        await client.seats()
    # then: not remembered as a refusal; the next call asks LinkedIn again
    check = client.tokens.last_check
    assert check is not None
    assert check.valid is None
    before = len(await sandbox.calls("accessToken"))
    await sandbox.clear_faults()
    assert len(await client.seats()) == 4
    assert len(await sandbox.calls("accessToken")) == before + 1

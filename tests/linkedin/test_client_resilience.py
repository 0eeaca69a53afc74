"""The client over real HTTP against the sandbox: retries, rate limits, timeouts and malformed bodies."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from linkedin import (
    LinkedInBadRequest,
    LinkedInClient,
    LinkedInMalformedResponse,
    LinkedInRateLimited,
    LinkedInServerError,
    LinkedInTransportError,
)
from tests.linkedin.conftest import Sandbox, Sleeps


async def test_a_get_that_fails_503_twice_succeeds_on_the_third_attempt(
    sandbox: Sandbox, linkedin_client: LinkedInClient, sleeps: Sleeps
) -> None:
    # given
    await sandbox.fault("seatsV2", status=503, count=2)
    # when
    seats = await linkedin_client.seats()
    # then
    assert [s.urn for s in seats] == [
        "urn:li:seat:1001",
        "urn:li:seat:1002",
        "urn:li:seat:1003",
        "urn:li:seat:1004",
    ]
    assert [c["status"] for c in await sandbox.calls("seatsV2")] == [503, 503, 200]
    assert sleeps.delays == [0.5, 1.0]


async def test_a_get_that_keeps_failing_raises_the_server_error_after_max_attempts(
    sandbox: Sandbox, linkedin_client: LinkedInClient, sleeps: Sleeps
) -> None:
    # given
    await sandbox.fault("seatsV2", status=502, count=None)
    # when
    with pytest.raises(LinkedInServerError) as caught:
        await linkedin_client.seats()
    # then
    assert caught.value.status == 502
    assert caught.value.message == "Injected fault: HTTP 502"
    assert len(await sandbox.calls("seatsV2")) == 3
    assert sleeps.delays == [0.5, 1.0]


async def test_a_4xx_is_never_retried(
    sandbox: Sandbox, linkedin_client: LinkedInClient, sleeps: Sleeps
) -> None:
    # given
    await sandbox.fault("seatsV2", status=400, count=None)
    # when
    with pytest.raises(LinkedInBadRequest) as caught:
        await linkedin_client.seats()
    # then
    assert caught.value.message == "Injected fault: HTTP 400"
    assert len(await sandbox.calls("seatsV2")) == 1
    assert sleeps.delays == []


async def test_a_429_with_a_short_retry_after_is_retried_after_that_wait(
    sandbox: Sandbox, linkedin_client: LinkedInClient, sleeps: Sleeps
) -> None:
    # given
    await sandbox.fault("seatsV2", status=429, retry_after=2, count=1)
    # when
    seats = await linkedin_client.seats()
    # then
    assert len(seats) == 4
    assert [c["status"] for c in await sandbox.calls("seatsV2")] == [429, 200]
    assert sleeps.delays == [2.0]


async def test_a_429_without_retry_after_raises_rate_limited_at_once(
    sandbox: Sandbox, linkedin_client: LinkedInClient, sleeps: Sleeps
) -> None:
    # given
    await sandbox.fault("seatsV2", status=429, count=1)
    # when
    with pytest.raises(LinkedInRateLimited) as caught:
        await linkedin_client.seats()
    # then
    assert caught.value.retry_after is None
    assert len(await sandbox.calls("seatsV2")) == 1
    assert sleeps.delays == []


async def test_a_429_whose_retry_after_exceeds_the_maximum_raises_at_once(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient], sleeps: Sleeps
) -> None:
    # given
    client = make_client(max_retry_after_s=30.0)
    await sandbox.fault("seatsV2", status=429, retry_after=3600, count=1)
    # when
    with pytest.raises(LinkedInRateLimited) as caught:
        await client.seats()
    # then
    assert caught.value.retry_after == 3600.0
    assert len(await sandbox.calls("seatsV2")) == 1


async def test_a_spent_daily_quota_raises_rate_limited(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await sandbox.post("quotas", {"quotas": {"seatsV2": 0}})
    # when
    with pytest.raises(LinkedInRateLimited) as caught:
        await linkedin_client.seats()
    # then
    assert caught.value.message == "Resource level throttle seatsV2 APPLICATION DAY limit reached"


async def test_a_hanging_call_times_out_on_every_attempt_and_raises_transport_error(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient], sleeps: Sleeps
) -> None:
    # given
    client = make_client(request_timeout_s=0.2)
    await sandbox.fault("seatsV2", hang=True, count=None)
    # when
    with pytest.raises(LinkedInTransportError, match="after 3 attempt"):
        await client.seats()
    # then
    assert len(await sandbox.calls("seatsV2")) == 3
    assert sleeps.delays == [0.5, 1.0]


async def test_a_truncated_body_raises_malformed_response_without_retrying(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await sandbox.fault("seatsV2", malformed=True, count=1)
    # when
    with pytest.raises(LinkedInMalformedResponse):
        await linkedin_client.seats()
    # then
    assert len(await sandbox.calls("seatsV2")) == 1


async def test_an_unreachable_linkedin_raises_transport_error(
    make_client: Callable[..., LinkedInClient], sleeps: Sleeps
) -> None:
    # given: port 9 on loopback (discard) has no listener
    client = make_client(api_base_url="http://127.0.0.1:9")
    # when / then
    with pytest.raises(LinkedInTransportError):
        await client.seats()
    assert sleeps.delays == [0.5, 1.0]


async def test_each_retry_is_logged_with_its_attempt_and_status(
    sandbox: Sandbox, linkedin_client: LinkedInClient, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    await sandbox.fault("seatsV2", status=503, count=2)
    # when
    with caplog.at_level(logging.WARNING, logger="rscgraph.linkedin"):
        await linkedin_client.seats()
    # then
    assert [r.getMessage() for r in caplog.records if r.name == "rscgraph.linkedin"] == [
        "LinkedIn GET seatsV2: attempt 1 got 503; retrying in 0.50 s",
        "LinkedIn GET seatsV2: attempt 2 got 503; retrying in 1.00 s",
    ]


async def test_a_token_request_that_fails_with_503_is_retried(
    sandbox: Sandbox, linkedin_client: LinkedInClient, sleeps: Sleeps
) -> None:
    # given
    await sandbox.fault("accessToken", status=503, count=1)
    # when
    seats = await linkedin_client.seats()
    # then
    assert len(seats) == 4
    assert [c["status"] for c in await sandbox.calls("accessToken")] == [503, 200]
    assert sleeps.delays == [0.5]

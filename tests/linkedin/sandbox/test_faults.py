"""Quotas, fault knobs and the call log."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.linkedin.sandbox.conftest import Sandbox

SEATS = "/v2/seatsV2?q=attributes&start=0"


@pytest.fixture
async def token(sandbox: Sandbox) -> str:
    return await sandbox.token()


async def test_a_spent_daily_quota_answers_429_without_retry_after(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/quotas", {"endpoint": "seatsV2", "daily": 2})
    statuses = [(await sandbox.call("GET", SEATS, token=token)).status for _ in range(3)]
    last = await sandbox.call("GET", SEATS, token=token)
    assert statuses == [200, 200, 429]
    assert "Retry-After" not in last.headers


async def test_a_spent_quota_sends_retry_after_when_configured(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/quotas", {"endpoint": "seatsV2", "daily": 0, "retry_after": 60})
    reply = await sandbox.call("GET", SEATS, token=token)
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "60"
    assert reply.body["status"] == 429


async def test_a_status_fault_hits_the_next_count_calls_then_clears(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "seatsV2", "status": 503, "count": 2})
    statuses = [(await sandbox.call("GET", SEATS, token=token)).status for _ in range(3)]
    assert statuses == [503, 503, 200]


async def test_a_429_fault_carries_retry_after_when_set(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "*", "status": 429, "retry_after": 7})
    reply = await sandbox.call("GET", SEATS, token=token)
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "7"


async def test_a_fault_on_access_token_breaks_token_issue(sandbox: Sandbox) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "accessToken", "status": 500})
    form = {"grant_type": "client_credentials", "client_id": "rscgraph-demo", "client_secret": "demo-secret"}
    reply = await sandbox.call("POST", "/oauth/v2/accessToken", data=form)
    assert reply.status == 500
    assert reply.body["message"] == "Injected fault: HTTP 500"


async def test_a_malformed_fault_returns_200_with_a_truncated_body(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "seatsV2", "malformed": True})
    reply = await sandbox.call("GET", SEATS, token=token)
    assert reply.status == 200
    assert reply.body == '{"elements": [{"id": "evt-0'


async def test_a_latency_fault_delays_then_answers_normally(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "seatsV2", "latency_ms": 50})
    loop = asyncio.get_running_loop()
    started = loop.time()
    reply = await sandbox.call("GET", SEATS, token=token)
    assert reply.status == 200
    assert loop.time() - started >= 0.05


async def test_a_hang_fault_holds_the_call_until_the_client_gives_up(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "seatsV2", "hang": True})
    with pytest.raises(asyncio.TimeoutError):
        await sandbox.call("GET", SEATS, token=token, timeout=aiohttp.ClientTimeout(total=0.3))
    # The sandbox is still responsive once the fault is used up
    assert (await sandbox.call("GET", SEATS, token=token)).status == 200


async def test_clearing_faults_releases_a_hanging_call(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/faults", {"endpoint": "seatsV2", "hang": True})
    hanging = asyncio.create_task(sandbox.call("GET", SEATS, token=token))
    await asyncio.wait_for(sandbox.state.hang_started.wait(), 10)
    await sandbox.admin("DELETE", "/faults")
    assert (await asyncio.wait_for(hanging, 10)).status == 503


async def test_error_rate_faults_are_reproducible_with_the_seed(sandbox: Sandbox, token: str) -> None:
    async def run() -> list[int]:
        await sandbox.admin("POST", "/reset", {})
        fresh = await sandbox.token()
        await sandbox.admin(
            "POST", "/faults", {"endpoint": "seatsV2", "status": 502, "count": None, "error_rate": 0.5}
        )
        return [(await sandbox.call("GET", SEATS, token=fresh)).status for _ in range(12)]

    first, second = await run(), await run()
    assert first == second
    assert set(first) == {200, 502}


async def test_the_call_log_counts_upstream_calls_and_can_be_cleared(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("DELETE", "/calls")
    await sandbox.call("GET", SEATS, token=token)
    await sandbox.call("GET", "/v2/seatsV2?q=attributes", token=token)
    log = await sandbox.admin("GET", "/calls")
    assert [(c["method"], c["path"], c["endpoint"], c["status"]) for c in log] == [
        ("GET", "/v2/seatsV2", "seatsV2", 200),
        ("GET", "/v2/seatsV2", "seatsV2", 400),
    ]
    assert log[0]["query"] == "q=attributes&start=0"


async def test_waiting_for_a_hang_answers_once_a_call_hangs(sandbox: Sandbox, token: str) -> None:
    # given
    await sandbox.admin("POST", "/faults", {"endpoint": "seatsV2", "hang": True})
    hanging = asyncio.create_task(sandbox.call("GET", SEATS, token=token))
    # when
    answer = await sandbox.admin("GET", "/hangs/wait")
    # then
    assert answer == {"hanging": True}
    await sandbox.admin("DELETE", "/faults")
    assert (await asyncio.wait_for(hanging, 10)).status == 503


async def test_waiting_for_a_hang_says_so_when_none_comes(sandbox: Sandbox) -> None:
    assert await sandbox.admin("GET", "/hangs/wait?timeout=0.05") == {"hanging": False}

"""One-Click Export: callback configuration, signed delivery, retries, duplicates, exportedCandidates."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.server import serve_asgi
from tests.linkedin.sandbox.conftest import NOW, ORG, Sandbox

INTEGRATION = (
    f"integrationContext={ORG}&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS"
)


@dataclass
class Receiver:
    """A fake ATS callback endpoint that fails its first `failures` posts."""

    url: str = ""
    failures: int = 0
    posts: list[tuple[bytes, str]] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()

    async def hook(request: Request) -> Response:
        if request.method == "GET":
            code = request.query_params["challengeCode"]
            rec.challenges.append(code)
            answer = hmac.new(b"demo-secret", code.encode(), hashlib.sha256).hexdigest()
            return JSONResponse({"challengeCode": code, "challengeResponse": answer})
        rec.posts.append((await request.body(), request.headers["x-li-signature"]))
        if rec.failures:
            rec.failures -= 1
            return Response(status_code=500)
        return Response(status_code=200)

    async with serve_asgi(Starlette(routes=[Route("/hook", hook, methods=["GET", "POST"])])) as base:
        rec.url = base + "/hook"
        yield rec


async def _configure(sandbox: Sandbox, url: str) -> None:
    token = await sandbox.token()
    reply = await sandbox.call(
        "PUT",
        f"/v2/atsIntegrations/{INTEGRATION}/configurations?ids=CALLBACK_URL",
        token=token,
        json={"entities": {"CALLBACK_URL": {"configurationValue": {"string": url}}}},
        headers={"x-restli-method": "batch_update"},
    )
    assert reply.body == {"results": {"CALLBACK_URL": {"status": 204}}, "errors": {}}


async def _export(sandbox: Sandbox) -> dict[str, object]:
    member = sandbox.state.world.members[5].urn
    body = {"seat": "urn:li:seat:1001", "member": member, "externalJobPostingId": "J12"}
    result: dict[str, object] = await sandbox.admin("POST", "/exports", body)
    return result


async def test_an_export_posts_a_notification_signed_with_the_child_secret(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    # Given a configured callback URL
    await _configure(sandbox, receiver.url)
    # When a recruiter exports a member
    result = await _export(sandbox)
    # Then one signed notification arrives and names the request
    [(raw, signature)] = receiver.posts
    expected = hmac.new(b"demo-secret", b"hmacsha256=" + raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    body = json.loads(raw)
    assert body == {
        "type": "EXPORT_CANDIDATE_PROFILE",
        "id": result["requestId"],
        "requestId": result["requestId"],
        "expiresAt": NOW + 24 * 3_600_000,
    }
    assert result["delivery"]["state"] == "delivered"  # type: ignore[index]


async def test_the_exported_candidate_is_readable_by_request_id(sandbox: Sandbox, receiver: Receiver) -> None:
    await _configure(sandbox, receiver.url)
    result = await _export(sandbox)
    token = await sandbox.token()
    reply = await sandbox.call(
        "GET", f"/v2/exportedCandidates?q=request&requestId={result['requestId']}", token=token
    )
    [element] = reply.body["elements"]
    member = sandbox.state.world.members[5]
    assert element["integrationContext"] == ORG
    assert element["externalJobPostingId"] == "J12"
    assert element["seat"] == "urn:li:seat:1001"
    assert element["candidate"]["member"] == member.urn
    assert element["candidate"]["emailAddress"] == member.email
    unknown = await sandbox.call("GET", "/v2/exportedCandidates?q=request&requestId=nope", token=token)
    assert unknown.status == 404


async def test_a_failed_delivery_is_retried_until_acknowledged(sandbox: Sandbox, receiver: Receiver) -> None:
    # Given a receiver that fails twice
    await _configure(sandbox, receiver.url)
    receiver.failures = 2
    # When an export is made and background retries finish
    result = await _export(sandbox)
    deliveries = await sandbox.admin("GET", "/deliveries?wait=1")
    # Then the first attempt failed and the third succeeded
    assert result["delivery"]["state"] == "pending"  # type: ignore[index]
    [delivery] = deliveries["deliveries"]
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]
    assert delivery["state"] == "delivered"
    assert len({raw for raw, _ in receiver.posts}) == 1


async def test_duplicate_delivery_sends_the_same_notification_twice(
    sandbox: Sandbox, receiver: Receiver, config: SandboxConfig
) -> None:
    config.duplicate_delivery = True
    await _configure(sandbox, receiver.url)
    await _export(sandbox)
    await sandbox.admin("GET", "/deliveries?wait=1")
    assert len(receiver.posts) == 2
    assert receiver.posts[0] == receiver.posts[1]


async def test_the_challenge_is_sent_once_before_the_first_delivery(
    sandbox: Sandbox, receiver: Receiver, config: SandboxConfig
) -> None:
    config.challenge = True
    await _configure(sandbox, receiver.url)
    await _export(sandbox)
    await _export(sandbox)
    assert len(receiver.challenges) == 1
    assert len(receiver.posts) == 2


async def test_exports_stop_at_the_monthly_seat_limit(sandbox: Sandbox, config: SandboxConfig) -> None:
    config.exports_per_seat_per_month = 1
    await _export(sandbox)
    member = sandbox.state.world.members[6].urn
    reply = await sandbox.call(
        "POST",
        "/_admin/exports",
        json={"seat": "urn:li:seat:1001", "member": member, "externalJobPostingId": "J1"},
    )
    assert reply.status == 429
    assert reply.body["message"] == "Seat urn:li:seat:1001 reached 1 exports this month"


async def test_an_export_without_a_callback_url_is_stored_but_not_delivered(sandbox: Sandbox) -> None:
    result = await _export(sandbox)
    assert result["delivery"]["state"] == "no_callback_url"  # type: ignore[index]
    assert result["requestId"] in sandbox.state.exports

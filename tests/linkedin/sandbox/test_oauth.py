"""Token issue, expiry, revocation and introspection."""

from __future__ import annotations

from tests.linkedin.sandbox.conftest import NOW, Clock, Sandbox

SEATS = "/v2/seatsV2?q=attributes&start=0"


async def _introspect(sandbox: Sandbox, token: str) -> dict[str, object]:
    form = {"client_id": "rscgraph-demo", "client_secret": "demo-secret", "token": token}
    reply = await sandbox.call("POST", "/oauth/v2/introspectToken", data=form)
    assert reply.status == 200
    body: dict[str, object] = reply.body
    return body


async def test_valid_client_credentials_get_a_token_with_the_configured_ttl(sandbox: Sandbox) -> None:
    # Given the demo client credentials
    form = {"grant_type": "client_credentials", "client_id": "rscgraph-demo", "client_secret": "demo-secret"}
    # When a token is requested
    reply = await sandbox.call("POST", "/oauth/v2/accessToken", data=form)
    # Then it is issued for 1800 s
    assert reply.status == 200
    assert reply.body["expires_in"] == 1800
    assert isinstance(reply.body["access_token"], str)


async def test_bad_client_secret_is_rejected_with_invalid_client(sandbox: Sandbox) -> None:
    form = {"grant_type": "client_credentials", "client_id": "rscgraph-demo", "client_secret": "nope"}
    reply = await sandbox.call("POST", "/oauth/v2/accessToken", data=form)
    assert reply.status == 401
    assert reply.body == {"error": "invalid_client", "error_description": "Client authentication failed"}


async def test_a_call_without_a_token_gets_401_with_the_linkedin_error_body(sandbox: Sandbox) -> None:
    reply = await sandbox.call("GET", SEATS)
    assert reply.status == 401
    assert reply.body == {"status": 401, "serviceErrorCode": 401, "message": "Empty oauth2_access_token"}


async def test_a_token_expires_after_its_ttl_on_the_injected_clock(sandbox: Sandbox, clock: Clock) -> None:
    # Given a token that worked
    token = await sandbox.token()
    assert (await sandbox.call("GET", SEATS, token=token)).status == 200
    # When the clock passes its TTL
    clock.advance(1800 * 1000)
    reply = await sandbox.call("GET", SEATS, token=token)
    # Then it is refused as expired
    assert reply.status == 401
    assert reply.body["message"] == "Expired access token"
    assert (await _introspect(sandbox, token))["status"] == "expired"


async def test_admin_expire_and_revoke_invalidate_issued_tokens(sandbox: Sandbox) -> None:
    first = await sandbox.token()
    await sandbox.admin("POST", "/tokens/expire")
    assert (await sandbox.call("GET", SEATS, token=first)).body["message"] == "Expired access token"
    second = await sandbox.token()
    await sandbox.admin("POST", "/tokens/revoke")
    reply = await sandbox.call("GET", SEATS, token=second)
    assert reply.status == 401
    assert (await _introspect(sandbox, second))["status"] == "revoked"


async def test_introspection_reports_an_active_token_in_seconds(sandbox: Sandbox) -> None:
    token = await sandbox.token()
    body = await _introspect(sandbox, token)
    assert body == {
        "active": True,
        "status": "active",
        "client_id": "rscgraph-demo",
        "authorized_at": NOW // 1000,
        "created_at": NOW // 1000,
        "expires_at": NOW // 1000 + 1800,
        "scope": "",
        "auth_type": "2L",
    }


async def test_introspecting_an_unknown_token_says_inactive(sandbox: Sandbox) -> None:
    assert await _introspect(sandbox, "not-a-token") == {"active": False}

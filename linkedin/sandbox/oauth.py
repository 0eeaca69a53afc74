"""OAuth 2.0 client credentials: issue and introspect 2-legged tokens."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.state import SandboxState, Token


async def _form(request: Request) -> dict[str, str]:
    # Form bodies are always urlencoded here; parsing them ourselves avoids a multipart dependency.
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


_INVALID_CLIENT = {"error": "invalid_client", "error_description": "Client authentication failed"}


def _client_ok(state: SandboxState, client_id: object, client_secret: object) -> bool:
    known = state.secrets()
    return isinstance(client_id, str) and client_id in known and known[client_id] == client_secret


async def access_token(request: Request, state: SandboxState) -> Response:
    """POST /oauth/v2/accessToken (form): a fresh bearer token for valid client credentials."""
    form = await _form(request)
    if form.get("grant_type") != "client_credentials":
        return JSONResponse(
            {"error": "unsupported_grant_type", "error_description": "Only client_credentials is supported"},
            400,
        )
    client_id = form.get("client_id")
    if not _client_ok(state, client_id, form.get("client_secret")):
        return JSONResponse(_INVALID_CLIENT, 401)
    now = state.config.now_ms()
    ttl = state.config.token_ttl_seconds
    token = "AQV" + secrets.token_urlsafe(24)
    state.tokens[token] = Token(str(client_id), now, now + ttl * 1000)
    return JSONResponse({"access_token": token, "expires_in": ttl})


async def introspect_token(request: Request, state: SandboxState) -> Response:
    """POST /oauth/v2/introspectToken (form): the token's status, seconds-based timestamps."""
    form = await _form(request)
    if not _client_ok(state, form.get("client_id"), form.get("client_secret")):
        return JSONResponse(_INVALID_CLIENT, 401)
    token = state.tokens.get(str(form.get("token", "")))
    if token is None:
        return JSONResponse({"active": False})
    now = state.config.now_ms()
    status = "revoked" if token.revoked else "expired" if now >= token.expires_ms else "active"
    return JSONResponse(
        {
            "active": status == "active",
            "status": status,
            "client_id": token.client_id,
            "authorized_at": token.created_ms // 1000,
            "created_at": token.created_ms // 1000,
            "expires_at": token.expires_ms // 1000,
            "scope": "",
            "auth_type": "2L",
        }
    )

"""The gate every LinkedIn endpoint passes: call log, faults, version header, bearer token, quotas."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response

from linkedin.sandbox.restli import RestliError, error_response
from linkedin.sandbox.state import Fault, SandboxState
from linkedin.sandbox.world import DAY_MS

Handler = Callable[[Request, SandboxState], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]

# Endpoints only the partner (parent) app may call; every other endpoint refuses the partner's token.
PARTNER_ONLY = frozenset({"provisionedApplications"})
_CONTEXT_URN = re.compile(r"urn:li:(?:organization|contract):\d+")

# A 200 whose body stops mid-JSON, as a proxy cutting a response would produce.
MALFORMED_BODY = b'{"elements": [{"id": "evt-0'


def sandbox_state(request: Request) -> SandboxState:
    """The sandbox state of the app serving this request."""
    state: SandboxState = request.app.state.sandbox
    return state


def endpoint(name: str, handler: Handler, *, auth: bool = True) -> Endpoint:
    """Wrap a handler as the LinkedIn endpoint `name` (the name faults, quotas and the call log use)."""

    async def serve(request: Request) -> Response:
        root = sandbox_state(request)
        entry: dict[str, object] = {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "endpoint": name,
            "status": None,
            "tunnelled": bool(getattr(request.state, "tunnelled", False)),
            # The caller's X-Request-ID, so tests can follow a request into the calls it caused.
            "requestId": request.headers.get("x-request-id"),
            # The client id of the bearer token, so a test can tell one app's calls from another's.
            "app": bearer_client(request, root),
        }
        root.calls.append(entry)
        response = await _gate(request, root, name, handler, auth)
        entry["status"] = response.status_code
        return response

    return serve


def bearer_client(request: Request, root: SandboxState) -> str | None:
    """The client id of the request's bearer token when the sandbox issued it (valid or not)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    token = root.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
    return None if token is None else token.client_id


async def _gate(request: Request, root: SandboxState, name: str, handler: Handler, auth: bool) -> Response:
    client = bearer_client(request, root)
    partner = client is not None and client == root.config.parent_client_id
    # Faults, quotas and the world are the calling app's; the partner app's calls use the root's knobs.
    state = (None if partner else root.app_state(client)) or root
    fault = _take_fault(state, name)
    if fault is not None:
        faulted = await _apply_fault(request, state, fault)
        if faulted is not None:
            return faulted
    if request.url.path.startswith("/rest/") and not request.headers.get("linkedin-version"):
        return error_response(400, "Missing required header 'LinkedIn-Version'")
    if auth:
        denied = _check_token(request, root) or await _check_access(request, state, name, partner)
        if denied is not None:
            return denied
    config = state.config
    day_key = (name, config.now_ms() // DAY_MS)
    state.usage[day_key] = state.usage.get(day_key, 0) + 1
    if state.usage[day_key] > config.daily_quota(name):
        headers = (
            {} if config.retry_after_seconds is None else {"Retry-After": str(config.retry_after_seconds)}
        )
        return error_response(429, f"Resource level throttle {name} APPLICATION DAY limit reached", headers)
    try:
        return await handler(request, state)
    except RestliError as exc:
        return error_response(exc.status, exc.message)


async def _check_access(request: Request, state: SandboxState, name: str, partner: bool) -> Response | None:
    """403 when the token's app may not call this endpoint or names another app's org or contract."""
    if (name in PARTNER_ONLY) != partner:
        return error_response(403, f"Not enough permissions to access: {request.method} /{name}")
    if partner:
        return None
    # An app sees only its own customer: any org or contract URN of another app's world is refused,
    # wherever the call carries it (path key, query or body); URNs no app owns stay allowed.
    text = unquote(request.url.path) + " " + unquote(request.url.query) + " "
    text += (await request.body()).decode("utf-8", "replace")
    for urn in set(_CONTEXT_URN.findall(text)):
        owner = state.owner_of(urn)
        if owner is not None and owner is not state:
            return error_response(403, f"Not enough permissions to access {urn}")
    return None


def _take_fault(state: SandboxState, name: str) -> Fault | None:
    key = name if name in state.faults else "*" if "*" in state.faults else None
    if key is None:
        return None
    fault = state.faults[key]
    if fault.error_rate and state.rng.random() >= fault.error_rate:
        return None
    if fault.count is not None:
        fault.count -= 1
        if fault.count <= 0:
            del state.faults[key]
    return fault


async def _apply_fault(request: Request, state: SandboxState, fault: Fault) -> Response | None:
    if fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault.hang:
        await _hang(request, state)
        return error_response(503, "Sandbox released a hanging request")
    if fault.malformed:
        return Response(MALFORMED_BODY, status_code=200, media_type="application/json")
    if fault.status:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        return error_response(fault.status, f"Injected fault: HTTP {fault.status}", headers)
    return None


async def _hang(request: Request, state: SandboxState) -> None:
    """Block until the client disconnects or the sandbox is reset or shut down."""

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    state.hang_started.set()
    waiters = [asyncio.ensure_future(disconnected()), asyncio.ensure_future(state.release.wait())]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _check_token(request: Request, state: SandboxState) -> Response | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return error_response(401, "Empty oauth2_access_token")
    token = state.tokens.get(value.strip())
    if token is None:
        return error_response(401, "Invalid access token")
    if token.revoked:
        return error_response(401, "The token used in the request has been revoked by the user")
    if state.config.now_ms() >= token.expires_ms:
        return error_response(401, "Expired access token")
    return None

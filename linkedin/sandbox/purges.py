"""Closed or purged exported profiles: the `atsPurgedExportedCandidates` finder and the admin action
that closes or purges a member's exported profile (so tests and the demo can make one)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.restli import RestliError, int_param, json_body, page, required
from linkedin.sandbox.state import SandboxState

Json = dict[str, Any]
REASONS = ("CLOSED", "PURGED")


async def purged_exported_candidates(request: Request, state: SandboxState) -> Response:
    """GET atsPurgedExportedCandidates?q=integrationContext&integrationContext=<org>[&purgedAfter=ms]: the
    app's members closed or purged, oldest first (shape [I], linkedin/WIRE.md)."""
    params = request.query_params
    if params.get("q") != "integrationContext":
        raise RestliError(400, "Unsupported or missing finder 'q'; expected q=integrationContext")
    context = required(params, "integrationContext")
    after = int_param(params, "purgedAfter", -1)
    elements = sorted(
        (p for p in state.purged.values() if p["integrationContext"] == context and p["purgedAt"] > after),
        key=lambda p: (p["purgedAt"], p["member"]),
    )
    return JSONResponse(page(params, elements))


async def admin_purge(request: Request, state: SandboxState) -> Json:
    """Admin: the member closed their account (or LinkedIn purged the profile): LinkedIn lists them among
    the app's purged exported candidates from now on. Body: {"member": urn, "reason": "CLOSED"}."""
    body = await json_body(request)
    member = str(body.get("member", ""))
    if not member.startswith("urn:li:person:"):
        raise RestliError(400, "'member' must be a person URN")
    reason = body.get("reason", "CLOSED")
    if reason not in REASONS:
        raise RestliError(400, f"Unknown reason {reason!r}; expected one of {list(REASONS)}")
    entry = {
        "member": member,
        "integrationContext": str(body.get("integrationContext") or state.config.org_urn),
        "reason": reason,
        "purgedAt": state.config.now_ms(),
    }
    state.purged[member] = entry
    return entry

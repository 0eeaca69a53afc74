"""Recruiter data the ATS pulls: seats, InMail history, prospect notes, mail stubs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.restli import RestliError, int_param, page, page_of, required
from linkedin.sandbox.state import SandboxState
from linkedin.sandbox.views import event_json, note_json, seat_json, stub_json
from linkedin.sandbox.world import HOUR_MS

MAX_WINDOW_MS = 12 * HOUR_MS


def _finder(request: Request, expected: str) -> None:
    if request.query_params.get("q") != expected:
        raise RestliError(400, f"Unsupported or missing finder 'q'; expected q={expected}")


def _window(start: int, end: int) -> None:
    if end < start:
        raise RestliError(400, "Time range end is before its start")
    if end - start > MAX_WINDOW_MS:
        raise RestliError(400, "Time range must not exceed 12 hours")


async def seats(request: Request, state: SandboxState) -> Response:
    """GET seatsV2?q=attributes: the contract's seats; `start` is mandatory."""
    _finder(request, "attributes")
    params = request.query_params
    contracts = params.getlist("contracts")
    contract = state.config.contract_urn
    elements = (
        [seat_json(s, contract) for s in state.world.seats] if not contracts or contract in contracts else []
    )
    return JSONResponse(page(params, elements, start_required=True))


async def conversation_events(request: Request, state: SandboxState) -> Response:
    """GET conversationEvents?q=criteria: the viewer seat's InMails in a ≤12 h window [start, end)."""
    _finder(request, "criteria")
    params = request.query_params
    viewer = required(params, "viewer")
    if not viewer.startswith("urn:li:seat:"):
        raise RestliError(400, f"Invalid viewer {viewer!r}; expected a seat URN")
    start = int_param(params, "timeRange.start")
    end = int_param(params, "timeRange.end")
    _window(start, end)
    # An event whose visibility its author changed is returned again in the window of the change, so an
    # incremental poll sees the change (WIRE.md). The index finds the window; only the page is rendered.
    events = state.event_index.window(state.world.events, viewer, start, end)
    return JSONResponse(page_of(params, events, event_json))


async def prospect_notes(request: Request, state: SandboxState) -> Response:
    """GET prospectNotes?q=criteria: notes by lastModified in [cutoffDate, beforeDate], both inclusive."""
    _finder(request, "criteria")
    params = request.query_params
    contract = required(params, "contract")
    owners = set(params.getlist("owners"))
    cutoff = int_param(params, "cutoffDate", -1)
    before = int_param(params, "beforeDate", -1)
    if cutoff >= 0 and before >= 0:
        _window(cutoff, before)
    notes = (
        []
        if contract != state.config.contract_urn
        else [
            n
            for n in state.world.notes
            if (not owners or n.owner in owners)
            and (cutoff < 0 or n.last_modified_ms >= cutoff)
            and (before < 0 or n.last_modified_ms <= before)
        ]
    )
    notes.sort(key=lambda n: (n.last_modified_ms, n.id))
    return JSONResponse(page(params, [note_json(n, contract) for n in notes]))


async def mail_stubs(request: Request, state: SandboxState) -> Response:
    """GET mailStubs?q=contract: contact details members shared, created in [start, end)."""
    _finder(request, "contract")
    params = request.query_params
    contract = required(params, "contract")
    owners = set(params.getlist("owners"))
    start = int_param(params, "createdDateStart", -1)
    end = int_param(params, "createdDateEnd", -1)
    stubs = (
        []
        if contract != state.config.contract_urn
        else [
            s
            for s in state.world.stubs
            if (not owners or s.owner in owners)
            and (start < 0 or s.created_ms >= start)
            and (end < 0 or s.created_ms < end)
        ]
    )
    stubs.sort(key=lambda s: (s.created_ms, s.id))
    return JSONResponse(page(params, [stub_json(s, state.world, contract) for s in stubs]))

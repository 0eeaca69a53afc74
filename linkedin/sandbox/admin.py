"""The `/_admin` API: act as LinkedIn (recruiters, members); reset, tokens, quotas, faults, call log."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, fields
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from linkedin.sandbox import acls, exports, integrations, provisioning, purges
from linkedin.sandbox.dispatch import sandbox_state
from linkedin.sandbox.member_profiles import seat_projects
from linkedin.sandbox.restli import RestliError, error_response, json_body, key_string
from linkedin.sandbox.state import Fault, SandboxState, Token
from linkedin.sandbox.views import event_json, member_json, note_json, seat_json, stub_json
from linkedin.sandbox.world import ConversationEvent, MailStub, Member, ProspectNote, Seat

Json = dict[str, Any]
AdminHandler = Callable[[Request, SandboxState], Awaitable[Json | list[Json]]]


def admin(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an admin handler: JSON out, RestliError → error body."""

    async def serve(request: Request) -> Response:
        try:
            return JSONResponse(await handler(request, _target(request)))
        except RestliError as exc:
            return error_response(exc.status, exc.message)

    return serve


def _target(request: Request) -> SandboxState:
    """The app an admin call acts on: `?app=<client id>`, else the default (demo) app."""
    client_id = request.query_params.get("app")
    state = sandbox_state(request).app_state(client_id)
    if state is None:
        raise RestliError(404, f"Unknown application {client_id!r}")
    return state


def _app_tokens(state: SandboxState) -> list[Token]:
    # The default app's calls act on every token (as before child apps existed); a child's on its own.
    if state.root is state:
        return list(state.tokens.values())
    return [t for t in state.tokens.values() if t.client_id == state.client_id]


def _seat(state: SandboxState, body: Json) -> Seat:
    seat = state.world.seat(body.get("seat", ""))
    if seat is None:
        raise RestliError(404, f"Unknown seat {body.get('seat')!r}")
    return seat


def _member(state: SandboxState, body: Json) -> Member:
    member = state.world.member(str(body.get("member", "")))
    if member is None:
        raise RestliError(404, f"Unknown member {body.get('member')!r}")
    return member


_VISIBILITIES = ("PUBLIC", "PROJECT", "PRIVATE")


def _visibility(body: Json, default: tuple[str, str | None]) -> tuple[str, str | None]:
    """The `visibility` (and `project`, needed when PROJECT) an admin call gives, else `default`."""
    if "visibility" not in body:
        return default
    visibility = body["visibility"]
    if visibility not in _VISIBILITIES:
        raise RestliError(400, f"Unknown visibility {visibility!r}; expected one of {list(_VISIBILITIES)}")
    if visibility != "PROJECT":
        return visibility, None
    project = body.get("project")
    if not isinstance(project, str) or not project:
        raise RestliError(400, "A PROJECT visibility needs its 'project' URN")
    return visibility, project


async def reset(request: Request, state: SandboxState) -> Json:
    """Rebuild the world (optionally from a new seed) and clear everything else."""
    body = await json_body(request)
    state.reset(seed=body.get("seed"))
    return await summary(request, state)


async def summary(request: Request, state: SandboxState) -> Json:
    """Counts of everything the sandbox holds."""
    w = state.world
    return {
        "seed": state.config.seed,
        "seats": len(w.seats),
        "members": len(w.members),
        "events": len(w.events),
        "notes": len(w.notes),
        "mailStubs": len(w.stubs),
        "tokens": len(state.tokens),
        "candidates": len(state.candidates),
        "applications": len(state.applications),
        "jobs": len(state.jobs),
        "exports": len(state.exports),
        "calls": len(state.calls),
        "faults": {k: asdict(v) for k, v in state.faults.items()},
        "app": state.client_id,
        "childApps": len(state.root.children),
    }


async def world(request: Request, state: SandboxState) -> Json:
    """Seats and members, so a demo seeder can create matching ATS records."""
    contract = state.config.contract_urn
    return {
        "orgUrn": state.config.org_urn,
        "contractUrn": contract,
        "seats": [{**seat_json(s, contract), "urn": s.urn} for s in state.world.seats],
        "members": [
            {
                **member_json(m),
                "headline": state.world.profiles[m.urn].headline,
                "location": state.world.profiles[m.urn].location,
            }
            for m in state.world.members
        ],
    }


async def send_inmail(request: Request, state: SandboxState) -> Json:
    """A recruiter seat sends an InMail to a member; continues their thread when one exists."""
    body = await json_body(request)
    seat, member = _seat(state, body), _member(state, body)
    visibility, project = _visibility(body, ("PUBLIC", None))
    event = record_inmail(
        state,
        seat,
        member,
        str(body.get("subject", "Opportunity")),
        str(body.get("body", f"Hi {member.first_name}, are you open to a chat?")),
        visibility,
        project,
    )
    return event_json(event)


def record_inmail(
    state: SandboxState,
    seat: Seat,
    member: Member,
    subject: str,
    text: str,
    visibility: str = "PUBLIC",
    project: str | None = None,
) -> ConversationEvent:
    """The seat's InMail to the member, now, in their thread if they have one (else a new thread)."""
    thread = (
        _thread(state, seat.urn, member.urn) or f"urn:li:messagingThread:2-{state.rng.getrandbits(48):012x}"
    )
    event = ConversationEvent(
        state.next_id("evt"),
        thread,
        seat.urn,
        seat.urn,
        [member.urn],
        state.config.now_ms(),
        subject,
        text,
        visibility,
        project,
    )
    state.world.events.append(event)
    return event


async def reply(request: Request, state: SandboxState) -> Json:
    """A member replies to a seat's InMail thread."""
    body = await json_body(request)
    seat, member = _seat(state, body), _member(state, body)
    thread = _thread(state, seat.urn, member.urn)
    if thread is None:
        raise RestliError(409, f"{member.urn} has no InMail thread with {seat.urn}")
    # A reply keeps the visibility of the conversation's last InMail unless the call says otherwise.
    last = [e for e in state.world.events if e.conversation == thread][-1]
    visibility, project = _visibility(body, (last.visibility, last.project))
    event = ConversationEvent(
        state.next_id("evt"),
        thread,
        seat.urn,
        member.urn,
        [seat.urn],
        state.config.now_ms(),
        str(body.get("subject", "RE: Opportunity")),
        str(body.get("body", f"Thanks {seat.first_name}, happy to talk.")),
        visibility,
        project,
    )
    state.world.events.append(event)
    return event_json(event)


async def add_seat(request: Request, state: SandboxState) -> Json:
    """The customer buys a seat: `{firstName, lastName, seatholder?}` (a new person URN by default)."""
    body = await json_body(request)
    state.world.last_seat_id += 1
    seat_id = state.world.last_seat_id
    holder = str(body.get("seatholder") or f"urn:li:person:seat{seat_id}")
    seat = Seat(
        id=seat_id,
        urn=f"urn:li:seat:{seat_id}",
        seatholder=holder,
        first_name=str(body.get("firstName", "Seat")),
        last_name=str(body.get("lastName", f"Holder {seat_id}")),
    )
    state.world.seats.append(seat)
    state.world.projects += seat_projects(seat.id, seat.urn, seat.first_name)
    return {**seat_json(seat, state.config.contract_urn), "urn": seat.urn}


def _seat_in_path(state: SandboxState, request: Request) -> Seat:
    seat = state.world.seat(request.path_params["seat"])
    if seat is None:
        raise RestliError(404, f"Unknown seat {request.path_params['seat']!r}")
    return seat


async def change_seat(request: Request, state: SandboxState) -> Json:
    """The seat passes to another member (`seatholder`) or is switched off (`active`)."""
    body = await json_body(request)
    seat = _seat_in_path(state, request)
    if "seatholder" in body:
        seat.seatholder = str(body["seatholder"])
    if "active" in body:
        seat.active = bool(body["active"])
    return {**seat_json(seat, state.config.contract_urn), "urn": seat.urn}


async def remove_seat(request: Request, state: SandboxState) -> Json:
    """The contract drops the seat: seatsV2 no longer lists it (its InMails and notes stay)."""
    seat = _seat_in_path(state, request)
    state.world.seats.remove(seat)
    return {"urn": seat.urn}


async def change_inmail_visibility(request: Request, state: SandboxState) -> Json:
    """The author changes an InMail's visibility (`visibility`, `project`); the finder returns the event
    again in the window of the change."""
    body = await json_body(request)
    event_id = request.path_params["event_id"]
    event = next((e for e in state.world.events if e.id == event_id), None)
    if event is None:
        raise RestliError(404, f"Unknown InMail {event_id!r}")
    if "visibility" not in body:
        raise RestliError(400, "Missing 'visibility'")
    event.visibility, event.project = _visibility(body, (event.visibility, event.project))
    event.modified_ms = state.config.now_ms()
    state.event_index.changed()
    return event_json(event)


def _thread(state: SandboxState, seat: str, member: str) -> str | None:
    for event in state.world.events:
        if event.viewer == seat and member in (event.author, *event.recipients):
            return event.conversation
    return None


async def share_contact(request: Request, state: SandboxState) -> Json:
    """A member shares contact details with a seat: a new mail stub."""
    body = await json_body(request)
    seat, member = _seat(state, body), _member(state, body)
    stub = MailStub(state.next_id("stub"), seat.urn, member.urn, state.config.now_ms())
    state.world.stubs.append(stub)
    return stub_json(stub, state.world, state.config.contract_urn)


async def write_note(request: Request, state: SandboxState) -> Json:
    """A recruiter writes a prospect note."""
    body = await json_body(request)
    seat, member = _seat(state, body), _member(state, body)
    now = state.config.now_ms()
    visibility, project = _visibility(body, ("PUBLIC", None))
    note = ProspectNote(
        state.next_id("note"),
        seat.urn,
        member.urn,
        str(body.get("note", "")),
        True,
        now,
        now,
        visibility,
        project,
    )
    state.world.notes.append(note)
    return note_json(note, state.config.contract_urn)


def _note(state: SandboxState, request: Request) -> ProspectNote:
    note_id = request.path_params["note_id"]
    note = next((n for n in state.world.notes if n.id == note_id), None)
    if note is None:
        raise RestliError(404, f"Unknown note {note_id!r}")
    return note


async def edit_note(request: Request, state: SandboxState) -> Json:
    """A recruiter edits a note: new text and/or visibility, lastModified = now."""
    body = await json_body(request)
    note = _note(state, request)
    note.note = str(body.get("note", note.note))
    note.visibility, note.project = _visibility(body, (note.visibility, note.project))
    note.last_modified_ms = state.config.now_ms()
    return note_json(note, state.config.contract_urn)


async def delete_note(request: Request, state: SandboxState) -> Json:
    """A recruiter deletes a note: active=false, lastModified = now."""
    note = _note(state, request)
    note.active = False
    note.last_modified_ms = state.config.now_ms()
    return note_json(note, state.config.contract_urn)


async def expire_tokens(request: Request, state: SandboxState) -> Json:
    """Make every issued token expired as of now."""
    now = state.config.now_ms()
    tokens = _app_tokens(state)
    for token in tokens:
        token.expires_ms = min(token.expires_ms, now)
    return {"expired": len(tokens)}


async def revoke_tokens(request: Request, state: SandboxState) -> Json:
    """Revoke every issued token."""
    tokens = _app_tokens(state)
    for token in tokens:
        token.revoked = True
    return {"revoked": len(tokens)}


async def set_quotas(request: Request, state: SandboxState) -> Json:
    """Set daily quotas (`{"quotas": {name: n}}`), `retry_after` (null = none), `per_minute_records`."""
    body = await json_body(request)
    cfg = state.config
    quotas = body.get("quotas", {})
    if "endpoint" in body:
        quotas = {**quotas, str(body["endpoint"]): body.get("daily")}
    for name, value in quotas.items():
        cfg.daily_quotas[str(name)] = int(value)
    if "retry_after" in body:
        cfg.retry_after_seconds = None if body["retry_after"] is None else int(body["retry_after"])
    if "per_minute_records" in body:
        cfg.per_minute_records = int(body["per_minute_records"])
    if body.get("reset_usage"):
        state.usage.clear()
        state.record_usage.clear()
    return {
        "daily_quotas": cfg.daily_quotas,
        "retry_after": cfg.retry_after_seconds,
        "per_minute_records": cfg.per_minute_records,
    }


_FAULT_FIELDS = {f.name for f in fields(Fault)}


async def set_fault(request: Request, state: SandboxState) -> Json:
    """Arm a fault for an endpoint name (or `*`)."""
    body = await json_body(request)
    name = str(body.get("endpoint", "*"))
    unknown = set(body) - _FAULT_FIELDS - {"endpoint"}
    if unknown:
        raise RestliError(400, f"Unknown fault fields: {sorted(unknown)}")
    fault = Fault(**{k: v for k, v in body.items() if k in _FAULT_FIELDS})
    state.faults[name] = fault
    return {"endpoint": name, **asdict(fault)}


async def list_faults(request: Request, state: SandboxState) -> Json:
    """The armed faults."""
    return {k: asdict(v) for k, v in state.faults.items()}


async def clear_faults(request: Request, state: SandboxState) -> Json:
    """Disarm all faults and release hanging requests."""
    state.faults.clear()
    state.release_hung()
    return {}


async def wait_for_hang(request: Request, state: SandboxState) -> Json:
    """Answer once a request is hanging on a `hang` fault (at most `timeout` seconds, default 10)."""
    timeout = float(request.query_params.get("timeout", "10"))
    try:
        await asyncio.wait_for(state.hang_started.wait(), timeout)
    except TimeoutError:
        return {"hanging": False}
    return {"hanging": True}


async def calls(request: Request, state: SandboxState) -> list[Json]:
    """The log of received LinkedIn calls (method, path, query, endpoint, status, app); `?app=` filters."""
    if request.query_params.get("app") is None:
        return list(state.calls)
    return [c for c in state.calls if c.get("app") == state.client_id]


async def clear_calls(request: Request, state: SandboxState) -> Json:
    """Forget the call log."""
    state.calls.clear()
    return {}


async def pushed_state(request: Request, state: SandboxState) -> Json:
    """What the ATS pushed: candidates with matches, jobs and tasks, applications with sub-collections."""
    return {
        "candidates": [
            {
                "key": key_string(c.key),
                "body": c.body,
                "matchedMembers": c.matched,
                "manualMatchedMember": c.manual,
                "notes": c.notes,
            }
            for c in state.candidates.values()
        ],
        "jobs": list(state.jobs.values()),
        "tasks": [
            {
                "id": t.id,
                "externalJobPostingId": t.job.get("externalJobPostingId"),
                "fails": t.fails,
                "createdAt": t.created_ms,
            }
            for t in state.tasks.values()
        ],
        "applications": [
            {
                "key": key_string(a.key),
                "body": a.body,
                "stages": a.stages,
                "notes": a.notes,
                "interviewFeedback": a.feedback,
            }
            for a in state.applications.values()
        ],
        "configurations": {key_string(k): v for k, v in state.configurations.items()},
        "entityAcls": [key_string(k) for k in sorted(state.entity_acls)],
        "aclAssignees": [key_string(k) for k in sorted(state.acl_assignees)],
        "exports": list(state.exports.values()),
        "purged": list(state.purged.values()),
        "deleteCalls": state.delete_calls,
    }


async def projects(request: Request, state: SandboxState) -> list[Json]:
    """Every seat's Recruiter projects with the members saved to them (`?seat=` one seat's)."""
    seat_ref = request.query_params.get("seat")
    seat = state.world.seat(seat_ref) if seat_ref else None
    if seat_ref and seat is None:
        raise RestliError(404, f"Unknown seat {seat_ref!r}")
    return [
        {
            "urn": p.urn,
            "name": p.name,
            "seat": p.seat,
            "members": [{"member": urn, "savedAt": at} for urn, at in p.members.items()],
        }
        for p in state.world.projects
        if seat is None or p.seat == seat.urn
    ]


async def apps(request: Request, state: SandboxState) -> list[Json]:
    """Every app: the default demo app first, then the provisioned child apps."""
    root = state.root
    out: list[Json] = []
    for app in (root, *root.children.values()):
        out.append(
            {
                "clientId": app.client_id,
                "clientSecret": app.config.client_secret,
                "orgUrn": app.config.org_urn,
                "contractUrn": app.config.contract_urn,
                "default": app is root,
                **({} if app.app is None else provisioning.app_json(app)),
                "integrations": [integrations.integration_json(app, i) for i in app.integrations.values()],
            }
        )
    return out


ROUTES = [
    Route("/_admin/apps", admin(apps), methods=["GET"]),
    Route("/_admin/apps/{client_id}/integrations", admin(integrations.admin_integrations), methods=["GET"]),
    Route(
        "/_admin/apps/{client_id}/integrations/preauthorize",
        admin(integrations.admin_preauthorize),
        methods=["POST"],
    ),
    Route("/_admin/apps/{client_id}/integrations/enable", admin(integrations.admin_enable), methods=["POST"]),
    Route("/_admin/state", admin(pushed_state), methods=["GET"]),
    Route("/_admin/projects", admin(projects), methods=["GET"]),
    Route("/_admin/exports", admin(exports.admin_export), methods=["POST"]),
    Route("/_admin/purges", admin(purges.admin_purge), methods=["POST"]),
    Route("/_admin/exportJobs", admin(acls.admin_export_jobs), methods=["GET"]),
    Route("/_admin/inAts", admin(acls.admin_in_ats), methods=["GET"]),
    Route("/_admin/deliveries", admin(exports.admin_deliveries), methods=["GET"]),
    Route("/_admin/reset", admin(reset), methods=["POST"]),
    Route("/_admin/summary", admin(summary), methods=["GET"]),
    Route("/_admin/world", admin(world), methods=["GET"]),
    Route("/_admin/seats", admin(add_seat), methods=["POST"]),
    Route("/_admin/seats/{seat}", admin(change_seat), methods=["PATCH"]),
    Route("/_admin/seats/{seat}", admin(remove_seat), methods=["DELETE"]),
    Route("/_admin/inmails", admin(send_inmail), methods=["POST"]),
    Route("/_admin/inmails/{event_id}", admin(change_inmail_visibility), methods=["PATCH"]),
    Route("/_admin/replies", admin(reply), methods=["POST"]),
    Route("/_admin/mailStubs", admin(share_contact), methods=["POST"]),
    Route("/_admin/notes", admin(write_note), methods=["POST"]),
    Route("/_admin/notes/{note_id}", admin(edit_note), methods=["PATCH", "PUT"]),
    Route("/_admin/notes/{note_id}", admin(delete_note), methods=["DELETE"]),
    Route("/_admin/tokens/expire", admin(expire_tokens), methods=["POST"]),
    Route("/_admin/tokens/revoke", admin(revoke_tokens), methods=["POST"]),
    Route("/_admin/quotas", admin(set_quotas), methods=["POST"]),
    Route("/_admin/faults", admin(set_fault), methods=["POST"]),
    Route("/_admin/faults", admin(list_faults), methods=["GET"]),
    Route("/_admin/faults", admin(clear_faults), methods=["DELETE"]),
    Route("/_admin/hangs/wait", admin(wait_for_hang), methods=["GET"]),
    Route("/_admin/calls", admin(calls), methods=["GET"]),
    Route("/_admin/calls", admin(clear_calls), methods=["DELETE"]),
]

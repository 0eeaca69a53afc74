"""The profile plugin (Enhanced Profile Widget) offline: in.js, the HcmWidget extension, and its frame.

The frame is server-rendered HTML with plain forms (no build step, no CDN): signed out it shows the
sign-in (TC9) with a seat picker; signed in it shows the member the ATS candidate matches (profile,
notes and InMails as that seat may see them) with Save to project, Send InMail and View in Recruiter, or
for an unmatched candidate LinkedIn's manual match (TC8). Every action changes the app's world, so the
ATS sees it through the normal APIs (conversationEvents, atsCandidates' manualMatchedMember).

The sign-in is the plugin's own, as LinkedIn's session is: a token per seat, kept in a cookie of this
origin and carried in the frame's URL and forms (so it also works where the browser withholds the cookie
from a cross-site frame). Every action form must carry the token: the cookie alone is not enough, which
keeps another site from posting actions in the seat's name.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from linkedin.sandbox.admin import record_inmail
from linkedin.sandbox.candidates import KEY_FIELDS
from linkedin.sandbox.dispatch import sandbox_state
from linkedin.sandbox.member_profiles import MemberProfile, Position
from linkedin.sandbox.restli import canonical
from linkedin.sandbox.state import Candidate, SandboxState
from linkedin.sandbox.world import ConversationEvent, Member, Seat

PREFIX = "/_plugin/profile"
_ASSETS = Path(__file__).with_name("plugin")
SCRIPTS = ("in.js", "extension.js", "frame.js")
MAX_SUBJECT = 200
MAX_BODY = 1900
MAX_PICKS = 20
# Any page may embed the frame unless the config checks validJsSdkDomains (then only those may).
FRAME_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
)


@dataclass(frozen=True)
class Context:
    """What the embedding page told the plugin (the tag's data attributes), carried through every form."""

    api_key: str
    ats_candidate_id: str
    integration_context: str
    widget_type: str
    show_unlink: bool
    origin: str
    session: str

    @classmethod
    def read(cls, values: dict[str, str]) -> Context:
        """The context from query or form values."""
        origin = values.get("origin", "")
        parts = urlsplit(origin)
        # Only a bare origin is a postMessage target; anything else tells the parent nothing.
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            origin = ""
        return cls(
            api_key=values.get("api_key", ""),
            ats_candidate_id=values.get("atsCandidateId", ""),
            integration_context=values.get("integrationContext", ""),
            widget_type=values.get("widgetType", ""),
            show_unlink=values.get("showUnlinkUrl", "false") == "true",
            origin=origin.rstrip("/"),
            session=values.get("session", ""),
        )

    def params(self, **extra: str) -> dict[str, str]:
        """The context as query parameters (plus `extra`)."""
        values = {
            "api_key": self.api_key,
            "atsCandidateId": self.ats_candidate_id,
            "integrationContext": self.integration_context,
            "widgetType": self.widget_type,
            "showUnlinkUrl": "true" if self.show_unlink else "false",
            "origin": self.origin,
            "session": self.session,
        }
        return {k: v for k, v in {**values, **extra}.items() if v}

    def frame_url(self, **extra: str) -> str:
        """The frame's URL for this context."""
        return f"{PREFIX}/frame?{urlencode(self.params(**extra))}"

    def hidden(self) -> str:
        """The context as hidden form fields."""
        return "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in self.params().items()
        )


def _cookie(state: SandboxState) -> str:
    return f"li_sandbox_session_{state.client_id}".replace("-", "_")


def _e(value: object) -> str:
    return html.escape(str(value))


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%d %b %Y")


def _page(
    title: str, body: str, *, status: int = 200, attrs: str = "", ancestors: tuple[str, ...] = ()
) -> HTMLResponse:
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>"
        f'<body{attrs}>{body}<script src="{PREFIX}/frame.js"></script></body></html>'
    )
    response = HTMLResponse(page, status)
    response.headers["content-security-policy"] = FRAME_CSP.format(ancestors=" ".join(ancestors) or "*")
    response.headers["cache-control"] = "no-store"
    return response


def _error(message: str, status: int) -> HTMLResponse:
    return _page("LinkedIn", f'<p class=error data-testid="plugin-error">{_e(message)}</p>', status=status)


# --- resolving what the page asked for --------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """The app the api_key names, the seat signed in (if any) and the candidate LinkedIn holds (if any)."""

    state: SandboxState
    ctx: Context
    seat: Seat | None
    candidate: Candidate | None


def _resolve(request: Request, values: dict[str, str]) -> Resolved | HTMLResponse:
    ctx = Context.read(values)
    state = sandbox_state(request).app_state(ctx.api_key) if ctx.api_key else None
    if state is None:
        return _error("This api_key is not a LinkedIn application.", 404)
    if ctx.widget_type != "ATS":
        return _error(f"Unknown widget type {ctx.widget_type!r}: the profile plugin takes ATS.", 400)
    if ctx.integration_context != state.config.org_urn:
        return _error("The integrationContext does not belong to this api_key's organization.", 403)
    if not ctx.ats_candidate_id:
        return _error("No ATS candidate id was given (data-ats-candidate-id).", 400)
    domains = sdk_domains(state)
    if domains and ctx.origin.lower() not in domains:
        return _error("This page is not on one of the application's JS SDK domains (validJsSdkDomains).", 403)
    token = ctx.session or request.cookies.get(_cookie(state), "")
    seat_urn = state.plugin_sessions.get(token)
    seat = state.world.seat(seat_urn) if seat_urn else None
    if seat is None or not seat.active:
        seat, token = None, ""
    key = canonical(
        (("atsCandidateId", ctx.ats_candidate_id), ("integrationContext", ctx.integration_context)),
        KEY_FIELDS,
    )
    return Resolved(state, replace(ctx, session=token), seat, state.candidates.get(key))


def sdk_domains(state: SandboxState) -> tuple[str, ...]:
    """The origins that may embed the app's plugin when the config checks them (else none: any may)."""
    if not state.config.plugin_checks_js_sdk_domains or state.app is None:
        return ()
    return tuple(d.rstrip("/").lower() for d in state.app.js_sdk_domains)


async def _form(request: Request) -> dict[str, str]:
    pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return dict(pairs)


# --- the frame ----------------------------------------------------------------------------------------


async def frame(request: Request) -> Response:
    """GET the plugin's frame for the page's context (query: the tag's attributes, `session`)."""
    values = dict(request.query_params)
    found = _resolve(request, values)
    if isinstance(found, HTMLResponse):
        return found
    attrs = f' data-parent-origin="{_e(found.ctx.origin)}"' if found.ctx.origin else ""
    if found.seat is None:
        return _signed_out(found, attrs)
    # The page hears of a link or unlink only while it is what LinkedIn holds (a crafted URL claims none).
    manual = found.candidate.manual if found.candidate is not None else None
    if values.get("linked") and values["linked"] == manual:
        attrs += f' data-linked-member="{_e(manual)}"'
    if values.get("unlinked") and found.candidate is not None and manual is None:
        attrs += f' data-unlinked-member="{_e(values["unlinked"])}"'
    header = _header(found.ctx, found.seat)
    if found.candidate is None:
        body = (
            '<p data-testid="plugin-not-synced">LinkedIn has no candidate '
            f"{_e(found.ctx.ats_candidate_id)} from this ATS yet: it shows here once the ATS has "
            "synced it.</p>"
        )
        return _page("LinkedIn", header + body, attrs=attrs, ancestors=sdk_domains(found.state))
    member_urn = found.candidate.manual or next(iter(found.candidate.matched), None)
    member = found.state.world.member(member_urn) if member_urn else None
    if member is None:
        picker = _match_picker(found, values.get("q", ""))
        return _page("LinkedIn", header + picker, attrs=attrs, ancestors=sdk_domains(found.state))
    return _page(
        f"{member.first_name} {member.last_name}",
        header + _profile(found, member, values),
        attrs=attrs,
        ancestors=sdk_domains(found.state),
    )


def _signed_out(found: Resolved, attrs: str) -> HTMLResponse:
    seats = "".join(
        f'<option value="{_e(s.urn)}">{_e(s.first_name)} {_e(s.last_name)} (seat {s.id})</option>'
        for s in found.state.world.seats
        if s.active
    )
    body = (
        '<section data-testid="plugin-signed-out"><h1>Sign in to LinkedIn Recruiter</h1>'
        "<p>Sign in to see this candidate's LinkedIn profile, notes and InMails.</p>"
        f'<form method=post action="{PREFIX}/signin">{found.ctx.hidden()}'
        '<label>Recruiter seat <select name=seat data-testid="signin-seat-picker">'
        f"{seats}</select></label> "
        '<button type=submit data-testid="signin-submit">Sign in</button></form></section>'
    )
    return _page("Sign in to LinkedIn", body, attrs=attrs, ancestors=sdk_domains(found.state))


def _header(ctx: Context, seat: Seat) -> str:
    return (
        '<header><span data-testid="plugin-signed-in-as">Signed in as '
        f"{_e(seat.first_name)} {_e(seat.last_name)} (seat {seat.id})</span>"
        f'<form method=post action="{PREFIX}/signout" class=inline>{ctx.hidden()}'
        '<button type=submit data-testid="signout-submit">Sign out</button></form></header>'
    )


def _match_picker(found: Resolved, query: str) -> str:
    assert found.candidate is not None
    world = found.state.world
    words = query.lower().split()
    if words:
        picks = [m for m in world.members if all(w in _searchable(m) for w in words)]
    else:
        body = found.candidate.body
        first, last = str(body.get("firstName", "")).lower(), str(body.get("lastName", "")).lower()
        # LinkedIn's suggestions: members of the candidate's first or last name, else anyone.
        picks = [m for m in world.members if m.first_name.lower() == first or m.last_name.lower() == last]
        picks = picks or world.members
    options = "".join(
        f'<option value="{_e(m.urn)}">{_e(m.first_name)} {_e(m.last_name)} · '
        f"{_e(world.profiles[m.urn].headline)} · {_e(m.city)}</option>"
        for m in picks[:MAX_PICKS]
    )
    search = (
        f'<form method=get action="{PREFIX}/frame">{found.ctx.hidden()}'
        f'<input name=q value="{_e(query)}" placeholder="Name, email or title" '
        'data-testid="match-search"> <button type=submit data-testid="match-search-submit">Search'
        "</button></form>"
    )
    pick = (
        f'<form method=post action="{PREFIX}/link">{found.ctx.hidden()}'
        f'<select name=member size=8 required data-testid="match-member-picker">{options}</select><br>'
        '<button type=submit data-testid="match-submit">Link this member</button></form>'
        if options
        else '<p data-testid="match-no-members">No member matches that search.</p>'
    )
    return (
        '<section data-testid="plugin-manual-match"><h1>Find this candidate on LinkedIn</h1>'
        "<p>LinkedIn matched no member to this candidate. Search for the member and link them.</p>"
        f"{search}{pick}</section>"
    )


def _searchable(member: Member) -> str:
    return f"{member.first_name} {member.last_name} {member.email} {member.title} {member.city}".lower()


def _positions(positions: list[Position], testid: str) -> str:
    items = "".join(
        f"<li><b>{_e(p.title)}</b> · {_e(p.company)} · {p.start_year}–{p.end_year or 'Present'}</li>"
        for p in positions
    )
    return f'<ul data-testid="{testid}">{items}</ul>'


def _profile_card(member: Member, profile: MemberProfile) -> str:
    initials = f"{member.first_name[:1]}{member.last_name[:1]}"
    education = "".join(
        f"<li><b>{_e(ed.school)}</b> · {_e(ed.degree)}, {_e(ed.field_of_study)} · "
        f"{ed.start_year}–{ed.end_year}</li>"
        for ed in profile.education
    )
    skills = "".join(f'<li data-testid="profile-skill">{_e(skill)}</li>' for skill in profile.skills)
    return (
        f'<section class=card><div class=photo data-testid="profile-photo" aria-label="Photo">{_e(initials)}'
        f'</div><h1 data-testid="profile-name">{_e(member.first_name)} {_e(member.last_name)}</h1>'
        f'<p data-testid="profile-headline">{_e(profile.headline)}</p>'
        f'<p data-testid="profile-location" class=muted>{_e(profile.location)}</p></section>'
        f"<h2>Current</h2>{_positions(profile.current, 'profile-current-positions')}"
        f"<h2>Past</h2>{_positions(profile.past, 'profile-past-positions')}"
        f'<h2>Education</h2><ul data-testid="profile-education">{education}</ul>'
        f'<h2>Skills</h2><ul class=skills data-testid="profile-skills">{skills}</ul>'
    )


def _visible(visibility: str, project: str | None, author: str, seat: str, projects: set[str]) -> bool:
    """LinkedIn's rule: PUBLIC to everyone, PRIVATE to its author, PROJECT to the project's seats too."""
    return visibility == "PUBLIC" or author == seat or (visibility == "PROJECT" and project in projects)


def _profile(found: Resolved, member: Member, values: dict[str, str]) -> str:
    state, seat, ctx = found.state, found.seat, found.ctx
    assert seat is not None
    assert found.candidate is not None
    world = state.world
    own = world.projects_of(seat.urn)
    own_urns = {p.urn for p in own}
    names = {s.urn: f"{s.first_name} {s.last_name}" for s in world.seats}
    notes = [
        n
        for n in world.notes
        if n.member == member.urn
        and n.active
        and _visible(n.visibility, n.project, n.owner, seat.urn, own_urns)
    ]
    notes.sort(key=lambda n: n.last_modified_ms, reverse=True)
    note_items = "".join(
        f'<li data-testid="plugin-note" data-note-id="{_e(n.id)}">{_e(n.note)} '
        f"<div class=muted>{_e(names.get(n.owner, n.owner))} · {_day(n.last_modified_ms)}"
        f"{' · private' if n.visibility == 'PRIVATE' else ''}</div></li>"
        for n in notes
    )
    # The plugin shows each conversation by its first message only.
    firsts: dict[str, ConversationEvent] = {}
    for event in sorted(world.events, key=lambda e: e.created_ms):
        if member.urn in (event.author, *event.recipients) and event.conversation not in firsts:
            firsts[event.conversation] = event
    inmails = [
        e
        for e in world.events
        if firsts.get(e.conversation) is e and _visible(e.visibility, e.project, e.viewer, seat.urn, own_urns)
    ]
    inmails.sort(key=lambda e: e.created_ms, reverse=True)
    inmail_items = "".join(
        f'<li data-testid="plugin-inmail" data-event-id="{_e(e.id)}"><b>{_e(e.subject)}</b> '
        f"<div>{_e(e.body)}</div> <div class=muted>{_e(names.get(e.viewer, e.viewer))} · "
        f"{_day(e.created_ms)}</div></li>"
        for e in inmails
    )
    saved = [p for p in own if member.urn in p.members]
    unsaved = [p for p in own if member.urn not in p.members]
    saved_items = "".join(f'<li data-testid="saved-project">{_e(p.name)}</li>' for p in saved)
    flash = ""
    if values.get("saved"):
        name = next((p.name for p in own if p.urn == values["saved"]), values["saved"])
        flash += f'<p class=ok data-testid="save-confirmation">Saved to {_e(name)}.</p>'
    if values.get("sent"):
        flash += f'<p class=ok data-testid="inmail-sent">InMail sent to {_e(member.first_name)}.</p>'
    if values.get("problem"):
        flash += f'<p class=error data-testid="plugin-action-error">{_e(values["problem"])}</p>'
    save_form = (
        f'<form method=post action="{PREFIX}/save">{ctx.hidden()}'
        f'<input type=hidden name=member value="{_e(member.urn)}">'
        '<select name=project data-testid="save-project-picker">'
        + "".join(f'<option value="{_e(p.urn)}">{_e(p.name)}</option>' for p in unsaved)
        + '</select> <button type=submit data-testid="save-to-project">Save to project</button></form>'
        if unsaved
        else ""
    )
    inmail_form = (
        f'<form method=post action="{PREFIX}/inmail" class=compose>{ctx.hidden()}'
        f'<input type=hidden name=member value="{_e(member.urn)}">'
        f'<input name=subject required maxlength={MAX_SUBJECT} placeholder="Subject" '
        'data-testid="inmail-subject">'
        f'<textarea name=body required maxlength={MAX_BODY} rows=4 placeholder="Write your InMail" '
        'data-testid="inmail-body"></textarea>'
        '<label>Visible to <select name=visibility data-testid="inmail-visibility">'
        '<option value="PUBLIC">Everyone in the organization</option>'
        '<option value="PRIVATE">Only me</option>'
        + "".join(f'<option value="PROJECT:{_e(p.urn)}">Members of {_e(p.name)}</option>' for p in own)
        + '</select></label> <button type=submit data-testid="inmail-send">Send InMail</button></form>'
    )
    recruiter = f"{PREFIX}/recruiter/{member.urn.rsplit(':', 1)[-1]}"
    unlink = (
        f'<form method=post action="{PREFIX}/unlink" class=inline>{ctx.hidden()}'
        '<button type=submit data-testid="unlink-submit">Unlink this member</button></form>'
        if ctx.show_unlink and found.candidate.manual == member.urn
        else ""
    )
    return (
        f"{flash}{_profile_card(member, world.profiles[member.urn])}"
        f'<nav class=actions><a href="{_e(recruiter)}" target=_blank rel=noopener '
        f'data-testid="view-in-recruiter">View in Recruiter</a> {unlink}</nav>'
        f'<h2>Projects</h2><ul data-testid="saved-projects">{saved_items or _NONE_YET}</ul>{save_form}'
        f'<h2>Notes</h2><ul data-testid="plugin-notes">{note_items or _NONE_YET}</ul>'
        f'<h2>InMails</h2><ul data-testid="plugin-inmails">{inmail_items or _NONE_YET}</ul>'
        f"<h2>Send InMail</h2>{inmail_form}"
    )


_NONE_YET = "<li class=muted>None yet.</li>"


# --- actions ------------------------------------------------------------------------------------------


async def sign_in(request: Request) -> Response:
    """POST: sign in to the plugin as a seat of the app (form `seat`); sets the session cookie."""
    values = await _form(request)
    found = _resolve(request, {**values, "session": ""})
    if isinstance(found, HTMLResponse):
        return found
    seat = found.state.world.seat(values.get("seat", ""))
    if seat is None or not seat.active:
        return _error("Choose an active Recruiter seat of this organization.", 400)
    token = secrets.token_urlsafe(18)
    found.state.plugin_sessions[token] = seat.urn
    response = RedirectResponse(replace(found.ctx, session=token).frame_url(), 303)
    response.set_cookie(_cookie(found.state), token, httponly=True, samesite="lax", path=PREFIX)
    return response


async def sign_out(request: Request) -> Response:
    """POST: end the plugin's session."""
    values = await _form(request)
    found = _resolve(request, values)
    if isinstance(found, HTMLResponse):
        return found
    found.state.plugin_sessions.pop(values.get("session", ""), None)
    response = RedirectResponse(replace(found.ctx, session="").frame_url(), 303)
    response.delete_cookie(_cookie(found.state), path=PREFIX)
    return response


async def _acting(request: Request) -> tuple[Resolved, dict[str, str]] | HTMLResponse:
    """The signed-in seat's action: the form must carry the session token (not only the cookie)."""
    values = await _form(request)
    found = _resolve(request, values)
    if isinstance(found, HTMLResponse):
        return found
    if found.seat is None or values.get("session") != found.ctx.session:
        return _error("Sign in to LinkedIn first.", 401)
    if found.candidate is None:
        return _error("LinkedIn has no such candidate from this ATS yet.", 404)
    return found, values


def _member_of(found: Resolved, values: dict[str, str]) -> Member | None:
    return found.state.world.member(values.get("member", ""))


async def save(request: Request) -> Response:
    """POST: save the member to one of the seat's projects (form `member`, `project`)."""
    acting = await _acting(request)
    if isinstance(acting, HTMLResponse):
        return acting
    found, values = acting
    assert found.seat is not None
    member = _member_of(found, values)
    project = next(
        (p for p in found.state.world.projects_of(found.seat.urn) if p.urn == values.get("project")), None
    )
    if member is None or project is None:
        return _error("Choose one of your projects and a member.", 400)
    project.members.setdefault(member.urn, found.state.config.now_ms())
    return RedirectResponse(found.ctx.frame_url(saved=project.urn), 303)


async def send_inmail(request: Request) -> Response:
    """POST: the signed-in seat sends the member an InMail (form `member`, `subject`, `body`)."""
    acting = await _acting(request)
    if isinstance(acting, HTMLResponse):
        return acting
    found, values = acting
    assert found.seat is not None
    member = _member_of(found, values)
    subject, text = values.get("subject", "").strip(), values.get("body", "").strip()
    if member is None:
        return _error("Unknown member.", 400)
    if not subject or not text or len(subject) > MAX_SUBJECT or len(text) > MAX_BODY:
        problem = f"An InMail needs a subject (at most {MAX_SUBJECT}) and a message (at most {MAX_BODY})."
        return RedirectResponse(found.ctx.frame_url(problem=problem), 303)
    # PUBLIC, PRIVATE, or PROJECT:<one of the seat's projects> (the author's choice, as in Recruiter).
    chosen = values.get("visibility", "PUBLIC")
    visibility, _, project = chosen.partition(":")
    own = {p.urn for p in found.state.world.projects_of(found.seat.urn)}
    if visibility not in ("PUBLIC", "PRIVATE", "PROJECT") or (visibility == "PROJECT") != (project in own):
        return RedirectResponse(found.ctx.frame_url(problem=f"Unknown visibility {chosen!r}."), 303)
    event = record_inmail(
        found.state,
        found.seat,
        member,
        subject,
        text,
        visibility,
        project if visibility == "PROJECT" else None,
    )
    return RedirectResponse(found.ctx.frame_url(sent=event.id), 303)


async def link(request: Request) -> Response:
    """POST: LinkedIn's manual match: the candidate's manualMatchedMember becomes the chosen member."""
    acting = await _acting(request)
    if isinstance(acting, HTMLResponse):
        return acting
    found, values = acting
    assert found.candidate is not None
    member = _member_of(found, values)
    if member is None:
        return _error("Choose a member to link.", 400)
    found.candidate.manual = member.urn
    return RedirectResponse(found.ctx.frame_url(linked=member.urn), 303)


async def unlink(request: Request) -> Response:
    """POST: remove the candidate's manual match."""
    acting = await _acting(request)
    if isinstance(acting, HTMLResponse):
        return acting
    found, _ = acting
    assert found.candidate is not None
    member, found.candidate.manual = found.candidate.manual, None
    return RedirectResponse(found.ctx.frame_url(unlinked=member or ""), 303)


async def recruiter(request: Request) -> Response:
    """GET the member in (the sandbox's stand-in of) LinkedIn Recruiter, by person id, in whichever
    app's world holds them (a "View in Recruiter" link names no app)."""
    root = sandbox_state(request).root
    urn = f"urn:li:person:{request.path_params['member_id']}"
    for state in (root, *root.children.values()):
        member = state.world.member(urn)
        if member is not None:
            card = _profile_card(member, state.world.profiles[member.urn])
            return _page(
                "LinkedIn Recruiter",
                f'<p class=muted data-testid="recruiter-page">LinkedIn Recruiter</p>{card}',
            )
    return _error("No such member.", 404)


def _script(name: str) -> Callable[[Request], Awaitable[Response]]:
    """GET one of the plugin's scripts (plain files beside this module, read once)."""
    text = (_ASSETS / name).read_text()

    async def serve(request: Request) -> Response:
        return Response(text, media_type="application/javascript", headers={"cache-control": "no-cache"})

    return serve


_STYLE = (
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;padding:12px;color:#1d2226;background:#fff}"
    "header{display:flex;justify-content:space-between;align-items:center;color:#666;margin-bottom:8px}"
    ".inline{display:inline}.muted{color:#666;font-size:12px}.error{color:#b00020}.ok{color:#057642}"
    ".card{display:grid;grid-template-columns:64px 1fr;column-gap:12px}"
    ".card p,.card h1{grid-column:2;margin:2px 0}"
    "nav.actions{margin:10px 0}"
    ".photo{grid-row:1/4;width:64px;height:64px;border-radius:50%;background:#0a66c2;color:#fff;"
    "display:flex;align-items:center;justify-content:center;font-size:22px}h1{font-size:20px}"
    "h2{font-size:15px;margin:14px 0 4px}ul{margin:0;padding-left:18px}.skills li{display:inline;"
    "margin-right:8px}.compose input,.compose textarea{display:block;width:100%;margin:4px 0}"
    "button{background:#0a66c2;color:#fff;border:0;border-radius:14px;padding:4px 12px;cursor:pointer}"
)

ROUTES = [
    *(Route(f"{PREFIX}/{name}", _script(name), methods=["GET"]) for name in SCRIPTS),
    Route(f"{PREFIX}/frame", frame, methods=["GET"]),
    Route(f"{PREFIX}/signin", sign_in, methods=["POST"]),
    Route(f"{PREFIX}/signout", sign_out, methods=["POST"]),
    Route(f"{PREFIX}/save", save, methods=["POST"]),
    Route(f"{PREFIX}/inmail", send_inmail, methods=["POST"]),
    Route(f"{PREFIX}/link", link, methods=["POST"]),
    Route(f"{PREFIX}/unlink", unlink, methods=["POST"]),
    Route(f"{PREFIX}/recruiter/{{member_id}}", recruiter, methods=["GET"]),
]

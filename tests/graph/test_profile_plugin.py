"""The sandbox's offline profile plugin, over real HTTP: what it shows a signed-in seat, its sign-in,
and its actions reaching the ATS (InMail through a refresh, the manual match through the tab)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from strawberry import relay

import models
from app.settings import Settings
from linkedin import LinkedInClient
from linkedin.sandbox.world import World, build_world
from models.db import SessionFactory
from tests.conftest import GraphQL, Sandbox
from tests.graph.test_linkedin_profile_live import sync_to_linkedin

SEAT_A, SEAT_B = "urn:li:seat:1001", "urn:li:seat:1002"


class PageIds(HTMLParser):
    """The text inside each element with a data-testid, every value of the options under it, and the
    attributes of each such element (first of each id)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.text: dict[str, list[str]] = {}
        self.options: dict[str, list[str]] = {}
        self.attrs: dict[str, dict[str, str]] = {}
        self.body: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = values
        if tag in ("input", "br", "meta"):
            testid = values.get("data-testid")
            if testid:
                self.attrs.setdefault(testid, values)
            return
        testid = values.get("data-testid")
        if testid:
            self.text.setdefault(testid, []).append("")
            self.attrs.setdefault(testid, values)
        if tag == "option":
            for open_tag, open_id in self._open:
                if open_tag == "select" and open_id:
                    self.options.setdefault(open_id, []).append(values.get("value", ""))
        self._open.append((tag, testid))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _, testid in self._open:
            if testid:
                self.text[testid][-1] += data

    def one(self, testid: str) -> str:
        """The text of the one element with that id."""
        [text] = self.text[testid]
        return " ".join(text.split())

    def all(self, testid: str) -> list[str]:
        """The texts of every element with that id."""
        return [" ".join(t.split()) for t in self.text.get(testid, [])]


@dataclass
class Plugin:
    """The plugin as the page embeds it for one ATS candidate, driven over HTTP like a browser would."""

    sandbox: Sandbox
    browser: aiohttp.ClientSession
    candidate_id: int
    session: str = ""
    context: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.context = {
            "api_key": self.sandbox.config.client_id,
            "atsCandidateId": str(self.candidate_id),
            "integrationContext": self.sandbox.config.org_urn,
            "widgetType": "ATS",
            "origin": "http://ats.example",
        }

    def _values(self, **extra: str) -> dict[str, str]:
        return {**self.context, **({"session": self.session} if self.session else {}), **extra}

    async def page(self, **extra: str) -> tuple[int, PageIds]:
        """GET the frame; its status and its test ids."""
        url = f"{self.sandbox.url}/_plugin/profile/frame?{urlencode(self._values(**extra))}"
        async with self.browser.get(url) as response:
            return response.status, PageIds(await response.text())

    async def post(self, action: str, *, with_session: bool = True, **form: str) -> tuple[int, str]:
        """POST one of the frame's forms (without following the redirect): status and Location."""
        values = self._values(**form) if with_session else {**self.context, **form}
        async with self.browser.post(
            f"{self.sandbox.url}/_plugin/profile/{action}", data=values, allow_redirects=False
        ) as response:
            return response.status, response.headers.get("location", "")

    async def sign_in(self, seat: str) -> None:
        """Sign in to the plugin as that seat (keeps the session the redirect names)."""
        status, location = await self.post("signin", with_session=False, seat=seat)
        assert status == 303, location
        self.session = parse_qs(urlsplit(location).query)["session"][0]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A first poll reaching back one day (the world's InMails are all within a week, the plugin's are
    new), and a refresh deadline long enough for it on a loaded machine."""
    return settings.model_copy(update={"poll_initial_lookback_days": 1, "refresh_deadline_s": 30.0})


@pytest.fixture
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    """A client that keeps cookies as a browser does (also those of an IP host such as 127.0.0.1)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


@pytest.fixture
def world(sandbox: Sandbox) -> World:
    """The sandbox's world as it was built (same seed, so the same members and profiles)."""
    return build_world(sandbox.config)


@pytest.fixture
async def matched_plugin(
    sandbox: Sandbox, browser: aiohttp.ClientSession, world: World, linkedin: LinkedInClient
) -> Plugin:
    """The plugin for candidate 41, synced with member 0's email (LinkedIn matches member 0)."""
    await sync_to_linkedin(linkedin, [41], [world.members[0].email])
    return Plugin(sandbox, browser, 41)


async def test_signed_out_the_plugin_shows_the_sign_in_with_a_picker_of_the_organizations_seats(
    matched_plugin: Plugin, world: World
) -> None:
    # when
    status, page = await matched_plugin.page()
    # then: TC9, and nothing of the member
    assert status == 200
    assert "Sign in" in page.one("plugin-signed-out")
    assert page.options["signin-seat-picker"] == [s.urn for s in world.seats]
    assert "profile-name" not in page.text


async def test_signed_in_the_plugin_renders_the_matched_members_profile(
    matched_plugin: Plugin, world: World
) -> None:
    # given
    member = world.members[0]
    profile = world.profiles[member.urn]
    await matched_plugin.sign_in(SEAT_A)
    # when
    status, page = await matched_plugin.page()
    # then
    assert status == 200
    assert page.one("plugin-signed-in-as") == "Signed in as Ada Recruiter (seat 1001)"
    assert page.one("profile-name") == f"{member.first_name} {member.last_name}"
    assert page.one("profile-headline") == profile.headline
    assert page.one("profile-location") == profile.location
    assert page.one("profile-photo") == f"{member.first_name[0]}{member.last_name[0]}"
    assert page.one("profile-current-positions").startswith(
        f"{member.title} · {profile.positions[0].company}"
    )
    assert page.one("profile-past-positions").count("·") == 2 * len(profile.past)
    assert profile.education[0].school in page.one("profile-education")
    assert page.all("profile-skill") == profile.skills
    recruiter = page.attrs["view-in-recruiter"]["href"]
    assert recruiter == f"/_plugin/profile/recruiter/{member.urn.rsplit(':', 1)[-1]}"


async def test_the_plugin_shows_the_first_message_of_each_conversation(
    matched_plugin: Plugin, world: World
) -> None:
    # given: member 0 has one conversation with each of seats A and B, each with a reply
    member = world.members[0].urn
    conversations = {e.conversation for e in world.events if member in (e.author, *e.recipients)}
    firsts = [
        min((e for e in world.events if e.conversation == c), key=lambda e: e.created_ms)
        for c in conversations
    ]
    await matched_plugin.sign_in(SEAT_A)
    # when
    _, page = await matched_plugin.page()
    # then
    shown = page.all("plugin-inmail")
    assert len(firsts) == len(shown) == 2
    names = {SEAT_A: "Ada Recruiter", SEAT_B: "Ben Sourcer"}
    for first in firsts:
        opening = f"{first.subject} {first.body} {names[first.viewer]} · "
        assert sum(text.startswith(opening) for text in shown) == 1
    assert all("Thanks" not in text for text in shown)


async def test_a_private_note_shows_only_to_its_author_seat(
    matched_plugin: Plugin, sandbox: Sandbox, world: World
) -> None:
    # given: seat B writes a private and a public note about the member
    member = world.members[0].urn
    note = {"seat": SEAT_B, "member": member}
    await sandbox.admin("POST", "notes", {**note, "note": "Only Ben sees this", "visibility": "PRIVATE"})
    await sandbox.admin("POST", "notes", {**note, "note": "Everyone sees this"})
    # when
    await matched_plugin.sign_in(SEAT_A)
    _, seen_by_a = await matched_plugin.page()
    await matched_plugin.sign_in(SEAT_B)
    _, seen_by_b = await matched_plugin.page()
    # then
    notes_of_a = [text.split(" Ben Sourcer")[0] for text in seen_by_a.all("plugin-note")]
    notes_of_b = [text.split(" Ben Sourcer")[0] for text in seen_by_b.all("plugin-note")]
    assert "Everyone sees this" in notes_of_a
    assert "Only Ben sees this" not in notes_of_a
    assert {"Everyone sees this", "Only Ben sees this"} <= set(notes_of_b)


async def test_save_to_project_shows_in_the_plugin_and_in_the_admin_api(
    matched_plugin: Plugin, sandbox: Sandbox, world: World
) -> None:
    # given
    member = world.members[0].urn
    await matched_plugin.sign_in(SEAT_A)
    _, before = await matched_plugin.page()
    project = before.options["save-project-picker"][0]
    # when
    status, location = await matched_plugin.post("save", member=member, project=project)
    # then
    assert status == 303
    _, after = await matched_plugin.page(**{"saved": parse_qs(urlsplit(location).query)["saved"][0]})
    assert after.one("save-confirmation") == "Saved to Ada's pipeline."
    assert after.all("saved-project") == ["Ada's pipeline"]
    assert project not in after.options["save-project-picker"]
    projects = await sandbox.admin("GET", f"projects?seat={SEAT_A}")
    saved = {p["urn"]: [m["member"] for m in p["members"]] for p in projects}
    assert saved == {project: [member], project[:-1] + "2": []}


async def test_an_action_carrying_only_the_cookie_is_refused(
    matched_plugin: Plugin, sandbox: Sandbox, world: World
) -> None:
    # given: signed in (the cookie is in the client's jar), but a form without the session token
    await matched_plugin.sign_in(SEAT_A)
    project = f"urn:li:hireProject:{1001}1"
    # when
    status, _ = await matched_plugin.post(
        "save", with_session=False, member=world.members[0].urn, project=project
    )
    # then
    assert status == 401
    projects = await sandbox.admin("GET", f"projects?seat={SEAT_A}")
    assert all(p["members"] == [] for p in projects)


async def test_the_sign_in_cookie_keeps_the_seat_signed_in_when_the_page_is_loaded_again(
    matched_plugin: Plugin,
) -> None:
    # given
    await matched_plugin.sign_in(SEAT_B)
    matched_plugin.session = ""  # a fresh frame URL, as in.js builds on the next page load
    # when
    _, page = await matched_plugin.page()
    # then
    assert page.one("plugin-signed-in-as") == "Signed in as Ben Sourcer (seat 1002)"


async def test_a_candidate_linkedin_does_not_have_is_named_in_the_plugin(
    sandbox: Sandbox, browser: aiohttp.ClientSession
) -> None:
    # given
    plugin = Plugin(sandbox, browser, 999)
    await plugin.sign_in(SEAT_A)
    # when
    status, page = await plugin.page()
    # then
    assert status == 200
    assert page.one("plugin-not-synced").startswith("LinkedIn has no candidate 999 from this ATS yet")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "nobody"}, 404),
        ({"integrationContext": "urn:li:organization:4242"}, 403),
        ({"widgetType": "JOB"}, 400),
    ],
    ids=["unknown-api-key", "foreign-organization", "wrong-widget-type"],
)
async def test_a_frame_of_a_wrong_configuration_says_what_is_wrong(
    sandbox: Sandbox, browser: aiohttp.ClientSession, change: dict[str, str], status: int
) -> None:
    # given
    plugin = Plugin(sandbox, browser, 41)
    plugin.context.update(change)
    # when
    answered, page = await plugin.page()
    # then
    assert answered == status
    assert page.one("plugin-error")


@pytest.mark.parametrize("script", ["in.js", "extension.js", "frame.js"])
async def test_the_plugins_scripts_are_served_as_javascript(
    sandbox: Sandbox, browser: aiohttp.ClientSession, script: str
) -> None:
    # when
    async with browser.get(f"{sandbox.url}/_plugin/profile/{script}") as response:
        # then
        assert response.status == 200
        assert response.content_type == "application/javascript"
        assert "use strict" in await response.text()


# --- the ATS sees what the plugin did ----------------------------------------------------------------

REFRESH = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) {
    candidate { inmailThreads { seatUrn messages { direction subject body } } }
    userErrors { code }
  }
}
"""

TAB = """
query Tab($id: ID!) {
  candidate(id: $id) { linkedinProfile { personUrn manualMatch matchSource widget { available } } }
}
"""


async def _candidate(
    sessions: SessionFactory, customer_id: int, email: str, member_urn: str | None = None
) -> int:
    async with sessions() as db:
        row = models.Candidate(customer_id=customer_id, first_name="Pat", last_name="Doe", email=email)
        db.add(row)
        await db.flush()
        assert row.id is not None
        if member_urn is not None:
            db.add(
                models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=row.id,
                    person_urn=member_urn,
                    match_source=models.MatchSource.EXPORT,
                )
            )
        await db.commit()
        return row.id


def _gid(candidate_id: int) -> str:
    return str(relay.GlobalID("Candidate", str(candidate_id)))


async def test_an_inmail_sent_in_the_plugin_reaches_the_ats_inmail_tab_on_refresh(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    browser: aiohttp.ClientSession,
    linkedin: LinkedInClient,
    world: World,
) -> None:
    # given: a candidate linked to member 200 (no InMail history), synced; seat B signed in to the plugin
    member = world.members[200]
    candidate_id = await _candidate(sessions, customer_id, member.email, member.urn)
    await sync_to_linkedin(linkedin, [candidate_id], [member.email])
    plugin = Plugin(sandbox, browser, candidate_id)
    await plugin.sign_in(SEAT_B)
    # when
    status, location = await plugin.post(
        "inmail", member=member.urn, subject="Backend role", body="Hi, fancy a chat?"
    )
    result = await graphql(REFRESH, {"id": _gid(candidate_id)})
    # then
    assert status == 303
    _, page = await plugin.page(sent=parse_qs(urlsplit(location).query)["sent"][0])
    assert page.one("inmail-sent") == f"InMail sent to {member.first_name}."
    assert result.errors is None
    assert result.data is not None
    payload = result.data["refreshLinkedInActivity"]
    assert payload["userErrors"] == []
    assert payload["candidate"]["inmailThreads"] == [
        {
            "seatUrn": SEAT_B,
            "messages": [{"direction": "OUTBOUND", "subject": "Backend role", "body": "Hi, fancy a chat?"}],
        }
    ]


async def test_an_empty_inmail_is_not_sent_and_the_plugin_says_why(
    matched_plugin: Plugin, sandbox: Sandbox, world: World
) -> None:
    # given
    await matched_plugin.sign_in(SEAT_A)
    before = (await sandbox.admin("GET", "summary"))["events"]
    # when
    status, location = await matched_plugin.post(
        "inmail", member=world.members[0].urn, subject="Hi", body="   "
    )
    # then
    assert status == 303
    _, page = await matched_plugin.page(problem=parse_qs(urlsplit(location).query)["problem"][0])
    assert page.one("plugin-action-error").startswith("An InMail needs a subject")
    assert (await sandbox.admin("GET", "summary"))["events"] == before


async def test_a_manual_match_in_the_plugin_makes_the_ats_tab_show_the_member(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    browser: aiohttp.ClientSession,
    linkedin: LinkedInClient,
    world: World,
) -> None:
    # given: a synced candidate LinkedIn matches to nobody; seat A signed in to the plugin
    member = world.members[210]
    candidate_id = await _candidate(sessions, customer_id, "pat.doe@elsewhere.example")
    await sync_to_linkedin(linkedin, [candidate_id], ["pat.doe@elsewhere.example"])
    plugin = Plugin(sandbox, browser, candidate_id)
    await plugin.sign_in(SEAT_A)
    _, picker = await plugin.page(q=f"{member.first_name} {member.last_name}")
    assert "Search for the member" in picker.one("plugin-manual-match")
    assert member.urn in picker.options["match-member-picker"]
    # when
    status, location = await plugin.post("link", member=member.urn)
    tab = await graphql(TAB, {"id": _gid(candidate_id)})
    # then: the frame tells the page (onlink), LinkedIn reports the manual match, the ATS tab shows it
    assert status == 303
    linked = parse_qs(urlsplit(location).query)["linked"][0]
    _, page = await plugin.page(linked=linked)
    assert page.body["data-linked-member"] == member.urn
    assert page.body["data-parent-origin"] == "http://ats.example"
    assert page.one("profile-name") == f"{member.first_name} {member.last_name}"
    state = await sandbox.admin("GET", "state")
    [pushed] = [c for c in state["candidates"] if f"atsCandidateId={candidate_id}" in c["key"]]
    assert pushed["manualMatchedMember"] == member.urn
    assert tab.errors is None
    assert tab.data == {
        "candidate": {
            "linkedinProfile": {
                "personUrn": member.urn,
                "manualMatch": member.urn,
                "matchSource": "MANUAL",
                "widget": {"available": True},
            }
        }
    }


async def test_unlinking_a_manual_match_in_the_plugin_removes_it_and_tells_the_page(
    sandbox: Sandbox, browser: aiohttp.ClientSession, linkedin: LinkedInClient, world: World
) -> None:
    # given: a candidate LinkedIn matches to nobody, linked by hand in a plugin that shows the unlink
    await sync_to_linkedin(linkedin, [77], ["nobody77@elsewhere.example"])
    plugin = Plugin(sandbox, browser, 77)
    plugin.context["showUnlinkUrl"] = "true"
    await plugin.sign_in(SEAT_A)
    member = world.members[5].urn
    await plugin.post("link", member=member)
    _, linked = await plugin.page()
    assert linked.one("unlink-submit") == "Unlink this member"
    # when
    status, location = await plugin.post("unlink")
    # then
    assert status == 303
    _, page = await plugin.page(unlinked=parse_qs(urlsplit(location).query)["unlinked"][0])
    assert page.body["data-unlinked-member"] == member
    assert "plugin-manual-match" in page.text
    state = await sandbox.admin("GET", "state")
    [pushed] = [c for c in state["candidates"] if "atsCandidateId=77" in c["key"]]
    assert pushed["manualMatchedMember"] is None


async def test_signing_out_of_the_plugin_shows_the_sign_in_again_and_ends_the_session(
    matched_plugin: Plugin, world: World
) -> None:
    # given
    await matched_plugin.sign_in(SEAT_A)
    session = matched_plugin.session
    # when
    status, _ = await matched_plugin.post("signout")
    # then: neither the cookie nor the old token signs in any more
    assert status == 303
    matched_plugin.session = ""
    _, page = await matched_plugin.page()
    assert "plugin-signed-out" in page.text
    matched_plugin.session = session
    _, with_old_token = await matched_plugin.page()
    assert "plugin-signed-out" in with_old_token.text
    refused, _ = await matched_plugin.post(
        "save", member=world.members[0].urn, project="urn:li:hireProject:10011"
    )
    assert refused == 401


async def test_view_in_recruiter_from_the_ats_tab_opens_the_sandboxs_recruiter_page(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    browser: aiohttp.ClientSession,
    world: World,
) -> None:
    # given: a candidate linked to member 3
    member = world.members[3]
    candidate_id = await _candidate(sessions, customer_id, member.email, member.urn)
    tab = await graphql(
        "query($id: ID!) { candidate(id: $id) { linkedinProfile { viewInRecruiterUrl } } }",
        {"id": _gid(candidate_id)},
    )
    assert tab.data is not None
    url = tab.data["candidate"]["linkedinProfile"]["viewInRecruiterUrl"]
    # when
    async with browser.get(url) as response:
        page = PageIds(await response.text())
    # then
    assert url.startswith(f"{sandbox.url}/_plugin/profile/recruiter/")
    assert response.status == 200
    assert page.one("profile-name") == f"{member.first_name} {member.last_name}"


async def test_the_frame_runs_no_inline_script_and_its_policy_allows_none(
    matched_plugin: Plugin, sandbox: Sandbox, browser: aiohttp.ClientSession
) -> None:
    # given
    await matched_plugin.sign_in(SEAT_A)
    url = f"{sandbox.url}/_plugin/profile/frame?{urlencode(matched_plugin._values())}"
    # when
    async with browser.get(url) as response:
        page = await response.text()
        policy = response.headers["content-security-policy"]
    # then: every script is a file of the sandbox's origin, which is all the policy lets run
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts == [(' src="/_plugin/profile/frame.js"', "")]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


async def test_a_private_inmail_sent_in_the_plugin_shows_only_to_its_author_seat(
    sandbox: Sandbox, browser: aiohttp.ClientSession, linkedin: LinkedInClient, world: World
) -> None:
    # given: member 200 has no conversation yet; seat B is signed in
    member = world.members[200]
    await sync_to_linkedin(linkedin, [55], [member.email])
    plugin = Plugin(sandbox, browser, 55)
    await plugin.sign_in(SEAT_B)
    _, before = await plugin.page()
    assert before.options["inmail-visibility"][:2] == ["PUBLIC", "PRIVATE"]
    # when: B's first InMail to them is private
    status, _ = await plugin.post(
        "inmail", member=member.urn, subject="Private one", body="Just us", visibility="PRIVATE"
    )
    # then
    assert status == 303
    _, seen_by_b = await plugin.page()
    await plugin.sign_in(SEAT_A)
    _, seen_by_a = await plugin.page()
    assert [t.split(" Ben Sourcer")[0] for t in seen_by_b.all("plugin-inmail")] == ["Private one Just us"]
    assert seen_by_a.all("plugin-inmail") == []


async def test_an_inmail_of_an_unknown_visibility_is_not_sent(
    matched_plugin: Plugin, sandbox: Sandbox, world: World
) -> None:
    # given
    await matched_plugin.sign_in(SEAT_A)
    before = (await sandbox.admin("GET", "summary"))["events"]
    # when: a project of another seat
    status, location = await matched_plugin.post(
        "inmail",
        member=world.members[0].urn,
        subject="Hi",
        body="Hello",
        visibility="PROJECT:urn:li:hireProject:10021",
    )
    # then
    assert status == 303
    assert parse_qs(urlsplit(location).query)["problem"] == [
        "Unknown visibility 'PROJECT:urn:li:hireProject:10021'."
    ]
    assert (await sandbox.admin("GET", "summary"))["events"] == before


async def test_a_frame_url_claiming_a_link_linkedin_does_not_hold_tells_the_page_nothing(
    matched_plugin: Plugin, world: World
) -> None:
    # given: candidate 41 is matched algorithmically, linked by hand to no one
    await matched_plugin.sign_in(SEAT_A)
    # when
    _, page = await matched_plugin.page(linked=world.members[9].urn)
    # then
    assert "data-linked-member" not in page.body
    assert page.body["data-parent-origin"] == "http://ats.example"

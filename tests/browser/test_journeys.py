"""The candidate page in a real browser (Debian's Chromium through playwright-core): what a recruiter and
an admin do on it, one journey per test, each asserted on what the page showed."""

from __future__ import annotations

import importlib.util

import pytest

from graph.schema import schema
from tests.browser.conftest import DemoSite, Journey

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_a_recruiter_signs_in_pages_beyond_fifty_and_finds_a_candidate_by_name(
    demo_site: DemoSite, journey: Journey
) -> None:
    # given: acme's candidates, and one of them by email
    _, data = await demo_site.server.graphql(
        "{ candidates(first: 1) { totalCount edges { node { firstName lastName email } } } }",
        authorization=demo_site.server.bearer("admin", "acme", "admin@acme.demo"),
    )
    total = data["data"]["candidates"]["totalCount"]
    wanted = data["data"]["candidates"]["edges"][0]["node"]
    assert total > 50
    # when
    seen = await journey("signInSearchAndPage", demo_site.input(search=wanted["email"]))
    # then
    assert seen["signedInAs"].startswith("Acme Staffing · ")
    assert seen["signedInAs"].endswith("(recruiter)")
    assert (seen["firstPage"], seen["secondPage"], seen["thirdPage"]) == (
        f"1–25 of {total}",
        f"26–50 of {total}",
        f"51–{min(75, total)} of {total}",
    )
    # and the search went out once, after the typing stopped
    assert seen["searchRequests"] == [wanted["email"]]
    name = f"{wanted['firstName']} {wanted['lastName']}"
    assert [row.splitlines()[0] for row in seen["rows"]] == [name]
    assert seen["name"] == name
    assert [row.splitlines()[0] for row in seen["selected"]] == [name]
    assert "/candidates/" in seen["url"]
    assert (seen["pageErrors"], seen["consoleErrors"]) == ([], [])


async def test_a_recruiter_opens_a_candidate_from_the_linkedin_link_and_sees_threads_and_notes(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when: the recruiter follows the ATS link LinkedIn has (/candidates/{ATS id})
    seen = await journey("threadsAndNotes", demo_site.input())
    # then: one thread per recruiter, named as the ATS users behind the seats, and the notes apart
    seats = demo_site.seats
    assert sorted(seen["recruiters"]) == sorted(f"{s['firstName']} {s['lastName']}" for s in seats[:2])
    assert seen["messages"] >= 2
    assert sorted(seen["notes"]) == ["Prefers remote", "Strong Go background; open to staff roles"]
    assert seen["stale"] == 0
    # and the header in words
    assert seen["source"] in {
        "Added in the ATS",
        "Exported from LinkedIn Recruiter",
        "Replied to a LinkedIn InMail",
    }
    assert seen["eligibility"] == "Sent to LinkedIn Recruiter"
    assert seen["url"].endswith(f"/candidates/{demo_site.input()['candidateAtsId']}?tab=inmail")
    assert seen["pageErrors"] == []


async def test_refresh_shows_an_inmail_sent_on_linkedin_since_the_page_opened(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when: Ada sends an InMail on LinkedIn while the tab is open, and the recruiter presses Refresh
    seen = await journey("refreshAfterAnInMail", demo_site.input(subject="Coffee next week?"))
    # then
    assert seen["after"] == seen["before"] + 1
    assert seen["status"].startswith("Up to date with LinkedIn as of ")
    assert seen["button"] == "Refresh from LinkedIn"
    assert seen["pageErrors"] == []


async def test_a_linkedin_outage_shows_as_a_stale_banner_and_the_error_in_words(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when: LinkedIn answers 503 to everything and the recruiter presses Refresh
    seen = await journey("linkedinOutageShowsStale", demo_site.input())
    # then: what is stored stays on screen, the banner says it may be old and why, and nothing spins
    assert seen["staleBefore"] == 0
    assert seen["threadsStillShown"] >= 1
    assert seen["banner"].startswith("InMails and notes may be out of date.")
    assert "Showing what was stored up to " in seen["banner"]
    assert "LinkedIn" in seen["status"]
    assert "503" not in seen["status"]
    assert seen["button"] == "Refresh from LinkedIn"


async def test_an_admin_sees_the_integration_status_the_configuration_plugin_and_sync_diagnostics(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when
    seen = await journey("adminIntegrationPage", demo_site.input())
    # then
    assert set(seen["integrations"]) >= {"ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN", "CSA_API"}
    assert "CANDIDATE" in seen["syncEntities"]
    assert seen["pluginHeading"] == "LinkedIn ATS Integration Configuration (sandbox stand-in)"
    assert seen["url"].endswith("/candidates?view=integration")
    assert (seen["pageErrors"], seen["consoleErrors"]) == ([], [])


async def test_a_recruiter_has_no_integration_page(demo_site: DemoSite, journey: Journey) -> None:
    # when
    seen = await journey("recruiterSeesNoIntegrationLink", demo_site.input())
    # then
    assert (seen["navLinks"], seen["integrationViews"]) == (0, 0)


async def test_a_sign_in_the_server_no_longer_accepts_asks_to_sign_in_again_in_words(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when
    seen = await journey("expiredSignInAsksAgain", demo_site.input())
    # then
    assert seen["message"] == "Your sign-in was not accepted (it may have expired): sign in again."
    assert (seen["signInShown"], seen["token"]) == (1, None)


def _has_profile_plugin() -> bool:
    return importlib.util.find_spec("linkedin.sandbox.profile_plugin") is not None


def _has_live_updates() -> bool:
    subscriptions = schema._schema.subscription_type
    return subscriptions is not None and "candidateActivity" in subscriptions.fields


needs_plugin = pytest.mark.skipif(
    not _has_profile_plugin(), reason="the sandbox's profile plugin (branch widget) is not merged yet"
)
needs_live = pytest.mark.skipif(
    not _has_live_updates(), reason="the candidateActivity subscription (branch live) is not merged yet"
)


@needs_plugin
async def test_save_to_project_and_send_inmail_in_the_plugin_reach_linkedin_and_the_inmail_tab(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when: the recruiter, signed in to LinkedIn in the plugin as their seat, saves the candidate to a
    # project and sends an InMail from the plugin
    seen = await journey(
        "pluginSavesToProjectAndSendsAnInMail", demo_site.input(subject="Sent from the plugin")
    )
    # then: the plugin shows the member and the saved project, LinkedIn holds it for that seat
    member = demo_site.members[0]
    assert seen["profileName"] == f"{member['firstName']} {member['lastName']}"
    assert seen["project"] in seen["savedInPlugin"]
    saved = [p for p in seen["projects"] if p["name"] == seen["project"]]
    assert [p["seat"] for p in saved] == [demo_site.seats[0]["urn"]]
    assert [m["member"] for m in saved[0]["members"]] == [member["urn"]]
    # and the InMail reached the ATS's InMail tab in the seat's thread, named as its ATS user
    seat = demo_site.seats[0]
    assert seen["inmailThreadRecruiter"] == f"{seat['firstName']} {seat['lastName']}"
    assert seen["pageErrors"] == []


@needs_plugin
async def test_a_recruiter_links_an_unmatched_candidate_in_the_plugin_and_the_link_stays(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when
    seen = await journey("pluginLinksAnUnmatchedCandidate", demo_site.input())
    # then: the page stored the member the plugin picked, and shows it after a reload
    assert seen["before"] == "false"
    assert seen["match"].startswith("Linked to a LinkedIn member, linked by hand")
    assert seen["afterReload"] == seen["match"]
    _, data = await demo_site.server.graphql(
        "query($id: ID!) { candidate(id: $id) { linkedinProfile { personUrn matchSource } } }",
        {"id": demo_site.unmatched_id},
        authorization=demo_site.server.bearer("admin", "acme", "admin@acme.demo"),
    )
    assert data["data"]["candidate"]["linkedinProfile"] == {
        "personUrn": demo_site.free_member["urn"],
        "matchSource": "MANUAL",
    }
    assert seen["pageErrors"] == []


@needs_live
async def test_an_inmail_arrives_on_the_open_tab_without_pressing_anything(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when: an InMail is sent on LinkedIn and stored by a poll the page did not start
    seen = await journey("anInMailArrivesLive", demo_site.input(subject="Arrived by itself"))
    # then
    assert seen["after"] == seen["before"] + seen["attempts"]
    assert seen["liveLast"] == "INMAIL"
    assert (seen["refreshesFromThePage"], seen["refreshState"]) == (0, "idle")
    assert seen["pageErrors"] == []


async def test_a_failed_request_is_said_in_words_and_nothing_keeps_spinning(
    demo_site: DemoSite, journey: Journey
) -> None:
    # when: the refresh's request is cut, then the recruiter opens an id that is no candidate of theirs
    seen = await journey("requestErrorsInWords", demo_site.input())
    # then
    assert (
        seen["refresh"]
        == "The refresh failed: Could not reach the server. Check your connection and try again."
    )
    assert seen["button"] is True
    assert seen["missing"] == "This candidate does not exist, or is not yours to see."

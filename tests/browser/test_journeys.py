"""The candidate page in a real browser (Debian's Chromium through playwright-core): what a recruiter and
an admin do on it, one journey per test, each asserted on what the page showed."""

from __future__ import annotations

import pytest

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
    assert seen["signInShown"] == 1

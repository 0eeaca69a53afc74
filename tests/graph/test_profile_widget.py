"""The profile plugin's configuration (`linkedinProfile.widget`): complete for matched, unmatched and
never-synced candidates, and pointing at LinkedIn's plugin or the sandbox's as the API base URL does."""

from __future__ import annotations

from typing import Any

import pytest

import models
from app.security_headers import page_csp
from app.settings import Settings
from linkedin import LinkedInClient
from linkedin.config import PROFILE_EXTENSION_URL, PROFILE_SCRIPT_URL, profile_plugin
from models.db import SessionFactory
from tests.conftest import GraphQL, Sandbox
from tests.graph.tab_world import gid
from tests.graph.test_linkedin_profile_live import add_candidate, sync_to_linkedin, world_member

WIDGET_QUERY = """
query Widget($id: ID!) {
  candidate(id: $id) {
    linkedinProfile {
      personUrn
      widget {
        scriptUrl extension widgetType apiKey integrationContext atsCandidateId
        available unavailableReason unavailableCode
      }
    }
  }
}
"""


async def widget_of(graphql: GraphQL, candidate_id: int) -> tuple[str | None, dict[str, Any]]:
    """The candidate's person URN and widget configuration."""
    result = await graphql(WIDGET_QUERY, {"id": gid("Candidate", candidate_id)})
    assert result.errors is None
    assert result.data is not None
    profile = result.data["candidate"]["linkedinProfile"]
    return profile["personUrn"], profile["widget"]


def expected_widget(settings: Settings, customer: models.Customer, candidate_id: int) -> dict[str, Any]:
    """What every candidate's widget says, whatever its match: the sandbox's plugin, the customer's app."""
    return {
        "scriptUrl": f"{settings.linkedin_api_base_url}/_plugin/profile/in.js",
        "extension": f"HcmWidget@{settings.linkedin_api_base_url}/_plugin/profile/extension.js",
        "widgetType": "ATS",
        "apiKey": customer.linkedin_client_id,
        "integrationContext": customer.linkedin_org_urn,
        "atsCandidateId": str(candidate_id),
    }


async def test_a_matched_candidates_widget_is_complete_and_available(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    customer: models.Customer,
    sandbox: Sandbox,
    linkedin: LinkedInClient,
    settings: Settings,
) -> None:
    # given: a synced candidate LinkedIn matches to a member
    member = await world_member(sandbox)
    candidate_id = await add_candidate(sessions, customer_id, member["emailAddress"])
    await sync_to_linkedin(linkedin, [candidate_id], [member["emailAddress"]])
    # when
    person_urn, widget = await widget_of(graphql, candidate_id)
    # then
    assert person_urn == member["member"]
    assert widget == {
        **expected_widget(settings, customer, candidate_id),
        "available": True,
        "unavailableReason": None,
        "unavailableCode": None,
    }


async def test_an_unmatched_synced_candidate_has_a_complete_available_widget_and_no_member(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    customer: models.Customer,
    linkedin: LinkedInClient,
    settings: Settings,
) -> None:
    # given: a synced candidate no member matches (the plugin then offers the manual match)
    candidate_id = await add_candidate(sessions, customer_id, "nobody@example.com")
    await sync_to_linkedin(linkedin, [candidate_id], ["nobody@example.com"])
    # when
    person_urn, widget = await widget_of(graphql, candidate_id)
    # then
    assert person_urn is None
    assert widget == {
        **expected_widget(settings, customer, candidate_id),
        "available": True,
        "unavailableReason": None,
        "unavailableCode": None,
    }


async def test_a_candidate_not_yet_pushed_has_a_complete_widget_that_says_linkedin_lacks_it(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    customer: models.Customer,
    settings: Settings,
) -> None:
    # given: an eligible candidate the sync has not sent yet
    candidate_id = await add_candidate(sessions, customer_id, "later@example.com")
    # when
    person_urn, widget = await widget_of(graphql, candidate_id)
    # then
    assert person_urn is None
    assert widget == {
        **expected_widget(settings, customer, candidate_id),
        "available": False,
        "unavailableReason": "LinkedIn does not have this candidate yet; the profile plugin shows them "
        "once the sync has sent them.",
        "unavailableCode": "NOT_SYNCED",
    }


async def test_a_candidate_without_email_has_a_complete_widget_that_says_what_it_lacks(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    customer: models.Customer,
    settings: Settings,
) -> None:
    # given: a candidate the sync never sends (no email, no last name)
    async with sessions() as session:
        row = models.Candidate(customer_id=customer_id, first_name="Ada")
        session.add(row)
        await session.commit()
        assert row.id is not None
        candidate_id = row.id
    # when
    person_urn, widget = await widget_of(graphql, candidate_id)
    # then
    assert person_urn is None
    assert widget == {
        **expected_widget(settings, customer, candidate_id),
        "available": False,
        "unavailableReason": "LinkedIn's profile plugin shows only candidates synced to LinkedIn, and "
        "this one cannot be synced without a last name and an email address.",
        "unavailableCode": "NOT_ELIGIBLE",
    }


async def test_when_linkedin_cannot_be_asked_the_widget_is_left_to_try(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: LinkedIn failing every match lookup (the plugin asks LinkedIn itself, so it may still show)
    candidate_id = await add_candidate(sessions, customer_id, "ada@example.com")
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 500})
    # when
    _, widget = await widget_of(graphql, candidate_id)
    # then
    assert (widget["available"], widget["unavailableCode"]) == (True, None)


@pytest.mark.parametrize(
    "api_base_url", ["https://api.linkedin.com", "https://api.linkedin.com/", "https://API.LinkedIn.com"]
)
def test_against_linkedin_the_config_loads_linkedins_own_plugin(api_base_url: str) -> None:
    # when
    plugin = Settings(linkedin_api_base_url=api_base_url).linkedin_profile_plugin
    # then
    assert (plugin.script_url, plugin.extension) == (PROFILE_SCRIPT_URL, f"HcmWidget@{PROFILE_EXTENSION_URL}")
    assert plugin.csp_sources()["script-src"] == ("https://platform.linkedin.com",)
    assert "https://www.linkedin.com" in plugin.csp_sources()["frame-src"]


def test_against_the_sandbox_the_config_loads_the_sandboxs_plugin_and_csp_names_its_origin() -> None:
    # when
    plugin = profile_plugin("http://127.0.0.1:8100/")
    # then
    assert plugin.script_url == "http://127.0.0.1:8100/_plugin/profile/in.js"
    assert plugin.extension == "HcmWidget@http://127.0.0.1:8100/_plugin/profile/extension.js"
    assert plugin.csp_sources() == {
        "script-src": ("http://127.0.0.1:8100",),
        "frame-src": ("http://127.0.0.1:8100",),
        "connect-src": ("http://127.0.0.1:8100",),
    }


def test_explicit_plugin_urls_win_over_the_api_base_url() -> None:
    # when
    settings = Settings(
        linkedin_api_base_url="http://127.0.0.1:8100",
        linkedin_widget_script_url="https://cdn.example.com/in.js",
        linkedin_widget_extension_url="https://cdn.example.com/hcm",
    )
    # then
    plugin = settings.linkedin_profile_plugin
    assert (plugin.script_url, plugin.extension) == (
        "https://cdn.example.com/in.js",
        "HcmWidget@https://cdn.example.com/hcm",
    )


def test_a_widget_url_that_is_not_http_is_refused() -> None:
    # when / then
    with pytest.raises(ValueError, match="must be an http"):
        Settings(linkedin_widget_script_url="javascript:alert(1)")


def test_a_page_embedding_the_plugin_allows_its_origins_and_still_frames_nothing_else() -> None:
    # given
    plugin = profile_plugin("http://127.0.0.1:8100")
    # when
    policy = page_csp("<html><script>go()</script></html>", extra=plugin.csp_sources())
    # then
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"].endswith(" http://127.0.0.1:8100")
    assert directives["script-src"].startswith("'self' 'sha256-")
    assert directives["frame-src"] == "'self' http://127.0.0.1:8100"
    assert directives["connect-src"] == "'self' http://127.0.0.1:8100"
    assert directives["frame-ancestors"] == "'none'"


def test_a_page_that_embeds_nothing_keeps_its_policy() -> None:
    # when
    policy = page_csp("<html></html>", extra={})
    # then
    assert policy == page_csp("<html></html>")
    assert "frame-src" not in policy


@pytest.mark.parametrize(
    ("api_base_url", "explicit", "expected"),
    [
        ("https://api.linkedin.com", None, "https://www.linkedin.com/talent/profile"),
        ("http://127.0.0.1:8100", None, "http://127.0.0.1:8100/_plugin/profile/recruiter"),
        ("http://127.0.0.1:8100", "https://recruiter.example/p", "https://recruiter.example/p"),
    ],
    ids=["linkedin", "sandbox", "explicit"],
)
def test_view_in_recruiter_links_follow_the_api_base_url(
    api_base_url: str, explicit: str | None, expected: str
) -> None:
    # when
    settings = Settings(linkedin_api_base_url=api_base_url, linkedin_recruiter_url=explicit)
    # then
    assert settings.linkedin_recruiter_profile_url == expected

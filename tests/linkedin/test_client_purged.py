"""LinkedIn's closed-or-purged exported candidates (atsPurgedExportedCandidates, shape [I]) over real
HTTP: every page read, the customer's organization only, the versioned surface, a malformed element."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest

from linkedin import LinkedInClient
from linkedin.errors import LinkedInMalformedResponse
from linkedin.wire import parse_purged_exported_candidate
from tests.linkedin.conftest import NOW_MS, Sandbox


async def test_every_purged_member_of_the_organization_is_read_across_pages(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given: three members closed or purged for this organization, one for another
    for n, reason in enumerate(["CLOSED", "PURGED", "CLOSED"]):
        await sandbox.post("purges", {"member": f"urn:li:person:gone-{n}", "reason": reason})
    await sandbox.post(
        "purges", {"member": "urn:li:person:elsewhere", "integrationContext": "urn:li:organization:4242"}
    )
    client = make_client(api_version="202604")
    # when
    purged = [p async for p in client.purged_exported_candidates(page_size=2)]
    # then
    assert sorted((p.member_urn, p.reason) for p in purged) == [
        ("urn:li:person:gone-0", "CLOSED"),
        ("urn:li:person:gone-1", "PURGED"),
        ("urn:li:person:gone-2", "CLOSED"),
    ]
    assert {p.purged_at for p in purged} == {datetime.fromtimestamp(NOW_MS / 1000, tz=UTC)}
    calls = await sandbox.calls("atsPurgedExportedCandidates")
    assert [(c["path"], c["status"]) for c in calls] == [("/rest/atsPurgedExportedCandidates", 200)] * 2
    assert parse_qs(calls[0]["query"])["integrationContext"] == [sandbox.config.org_urn]


def test_an_element_without_its_member_or_time_is_malformed() -> None:
    with pytest.raises(LinkedInMalformedResponse):
        parse_purged_exported_candidate({"integrationContext": "urn:li:organization:1", "purgedAt": 1})
    with pytest.raises(LinkedInMalformedResponse):
        parse_purged_exported_candidate(
            {"member": "urn:li:person:P", "integrationContext": "urn:li:organization:1"}
        )


async def test_the_endpoint_needs_a_token_and_its_finder_like_its_siblings(sandbox: Sandbox) -> None:
    url = f"{sandbox.url}/v2/atsPurgedExportedCandidates"
    form = {
        "grant_type": "client_credentials",
        "client_id": sandbox.config.client_id,
        "client_secret": sandbox.config.client_secret.get_secret_value(),
    }
    async with sandbox.admin.post(f"{sandbox.url}/oauth/v2/accessToken", data=form) as resp:
        token = (await resp.json())["access_token"]
    finder = {"q": "integrationContext", "integrationContext": sandbox.config.org_urn}
    async with sandbox.admin.get(url, params=finder) as anonymous:
        assert anonymous.status == 401
    headers = {"Authorization": f"Bearer {token}"}
    async with sandbox.admin.get(url, params={**finder, "q": "all"}, headers=headers) as wrong:
        assert wrong.status == 400
    async with sandbox.admin.get(url, params=finder, headers=headers) as mine:
        assert mine.status == 200
        assert (await mine.json())["elements"] == []

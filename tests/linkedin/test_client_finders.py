"""Finders over real HTTP: paging, time windows, filters and the versioned /rest surface."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from linkedin import Direction, LinkedInClient
from tests.linkedin.conftest import NOW_MS, Sandbox

NOW = datetime.fromtimestamp(NOW_MS / 1000, tz=UTC)


def _query(call: dict[str, Any]) -> dict[str, list[str]]:
    return parse_qs(call["query"])


async def _members(sandbox: Sandbox, n: int) -> list[str]:
    async with sandbox.admin.get(f"{sandbox.url}/_admin/world") as resp:
        world = await resp.json()
    return [m["urn"] for m in world["members"][:n]]


async def test_seats_are_read_across_pages_until_a_short_page(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # when
    seats = await linkedin_client.seats(page_size=3)
    # then
    assert [s.urn for s in seats] == [
        "urn:li:seat:1001",
        "urn:li:seat:1002",
        "urn:li:seat:1003",
        "urn:li:seat:1004",
    ]
    assert seats[0].first_name == "Ada"
    calls = await sandbox.calls("seatsV2")
    assert [(_query(c)["start"], _query(c)["count"]) for c in calls] == [(["0"], ["3"]), (["3"], ["3"])]
    assert _query(calls[0])["contracts"] == ["urn:li:contract:2001"]


async def test_a_full_last_page_costs_one_more_empty_page(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    seats = await linkedin_client.seats(page_size=2)
    assert len(seats) == 4
    assert [_query(c)["start"] for c in await sandbox.calls("seatsV2")] == [["0"], ["2"], ["4"]]


async def test_conversation_events_are_paged_and_typed(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given: five InMails from seat 1001 at the sandbox's now, and one reply
    members = await _members(sandbox, 5)
    for member in members:
        await sandbox.post("inmails", {"seat": "urn:li:seat:1001", "member": member, "subject": "Role"})
    await sandbox.post("replies", {"seat": "urn:li:seat:1001", "member": members[0], "body": "Sure"})
    # when
    events = [
        e
        async for e in linkedin_client.conversation_events(
            "urn:li:seat:1001", NOW, NOW + timedelta(hours=1), 2
        )
    ]
    # then
    assert [e.member_urn for e in events] == [*members, members[0]]
    assert [e.direction for e in events] == [Direction.OUTBOUND] * 5 + [Direction.INBOUND]
    assert {e.created_at for e in events} == {NOW}
    assert events[5].body == "Sure"
    assert events[5].conversation_urn == events[0].conversation_urn
    calls = await sandbox.calls("conversationEvents")
    assert [_query(c)["start"] for c in calls] == [["0"], ["2"], ["4"], ["6"]]
    assert _query(calls[0])["timeRange.start"] == [str(NOW_MS)]
    assert _query(calls[0])["timeRange.end"] == [str(NOW_MS + 3_600_000)]


async def test_a_window_over_twelve_hours_is_refused_before_any_call(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    with pytest.raises(ValueError, match="12 h"):
        linkedin_client.conversation_events(
            "urn:li:seat:1001", NOW, NOW + timedelta(hours=12, milliseconds=1)
        )
    assert await sandbox.calls("conversationEvents") == []


def test_a_prospect_notes_window_over_twelve_hours_is_refused(linkedin_client: LinkedInClient) -> None:
    with pytest.raises(ValueError, match="12 h"):
        linkedin_client.prospect_notes(["urn:li:seat:1001"], NOW - timedelta(hours=13), NOW)


def test_a_window_that_ends_before_it_starts_is_refused(linkedin_client: LinkedInClient) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        linkedin_client.conversation_events("urn:li:seat:1001", NOW, NOW - timedelta(seconds=1))


async def test_a_window_of_exactly_twelve_hours_is_accepted(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    events = [
        e
        async for e in linkedin_client.conversation_events("urn:li:seat:1001", NOW, NOW + timedelta(hours=12))
    ]
    assert events == []
    assert [c["status"] for c in await sandbox.calls("conversationEvents")] == [200]


async def test_prospect_notes_of_the_given_owners_come_with_deletions(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    member = (await _members(sandbox, 1))[0]
    kept = await sandbox.post("notes", {"seat": "urn:li:seat:1001", "member": member, "note": "Great Go"})
    deleted = await sandbox.post("notes", {"seat": "urn:li:seat:1001", "member": member, "note": "Old"})
    await sandbox.post("notes", {"seat": "urn:li:seat:1002", "member": member, "note": "Other seat"})
    async with sandbox.admin.delete(f"{sandbox.url}/_admin/notes/{deleted['id']}") as resp:
        assert resp.status == 200
    # when
    notes = [
        n
        async for n in linkedin_client.prospect_notes(["urn:li:seat:1001"], NOW - timedelta(seconds=30), NOW)
    ]
    # then
    assert [(n.id, n.body, n.active) for n in notes] == [
        (kept["id"], "Great Go", True),
        (deleted["id"], "Old", False),
    ]
    assert {(n.owner_seat_urn, n.member_urn, n.last_modified_at) for n in notes} == {
        ("urn:li:seat:1001", member, NOW)
    }
    query = _query((await sandbox.calls("prospectNotes"))[0])
    assert query["contract"] == ["urn:li:contract:2001"]
    assert query["owners"] == ["urn:li:seat:1001"]
    assert (query["cutoffDate"], query["beforeDate"]) == ([str(NOW_MS - 30_000)], [str(NOW_MS)])


async def test_mail_stubs_since_a_start_carry_the_shared_contact_details(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    member = (await _members(sandbox, 1))[0]
    shared = await sandbox.post("mailStubs", {"seat": "urn:li:seat:1002", "member": member})
    # when
    stubs = [s async for s in linkedin_client.mail_stubs(["urn:li:seat:1002"], NOW, None)]
    # then
    assert [(s.id, s.member_urn, s.owner_seat_urn, s.created_at) for s in stubs] == [
        (shared["id"], member, "urn:li:seat:1002", NOW)
    ]
    assert (stubs[0].first_name, stubs[0].email) == (shared["firstName"], shared["emailAddress"])
    query = _query((await sandbox.calls("mailStubs"))[0])
    assert query["createdDateStart"] == [str(NOW_MS)]
    assert "createdDateEnd" not in query


async def test_all_time_mail_stubs_of_every_seat(sandbox: Sandbox, linkedin_client: LinkedInClient) -> None:
    seats = [s.urn for s in await linkedin_client.seats()]
    stubs = [s async for s in linkedin_client.mail_stubs(seats, None, None, page_size=100)]
    assert len(stubs) == len({s.id for s in stubs})
    assert {s.owner_seat_urn for s in stubs} <= set(seats)
    assert len(stubs) >= 2


async def test_the_versioned_client_calls_rest_with_the_version_header(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(api_version="202604")
    # when
    seats = await client.seats()
    # then: the sandbox answers 400 on /rest without LinkedIn-Version
    assert len(seats) == 4
    assert [(c["path"], c["status"]) for c in await sandbox.calls("seatsV2")] == [("/rest/seatsV2", 200)]

"""Seats, InMail history, prospect notes and mail stubs: params, windows, paging, admin-made events."""

from __future__ import annotations

import pytest

from tests.linkedin.sandbox.conftest import CONTRACT, HOUR, NOW, Sandbox

_WINDOW = f"&timeRange.start={NOW}&timeRange.end={NOW + 1}"


@pytest.fixture
async def token(sandbox: Sandbox) -> str:
    return await sandbox.token()


async def test_seats_are_listed_for_the_contract(sandbox: Sandbox, token: str) -> None:
    reply = await sandbox.call("GET", f"/v2/seatsV2?q=attributes&contracts={CONTRACT}&start=0", token=token)
    assert reply.status == 200
    assert reply.body["paging"] == {"start": 0, "count": 10, "total": 4}
    first = reply.body["elements"][0]
    assert first["id"] == 1001
    assert first["contract"] == CONTRACT
    assert first["seatholder"].startswith("urn:li:person:")


async def test_seats_without_start_are_refused_with_400(sandbox: Sandbox, token: str) -> None:
    reply = await sandbox.call("GET", "/v2/seatsV2?q=attributes", token=token)
    assert reply.status == 400
    assert reply.body == {
        "status": 400,
        "serviceErrorCode": 400,
        "message": "Missing required parameter 'start'",
    }


async def test_conversation_events_need_a_viewer(sandbox: Sandbox, token: str) -> None:
    reply = await sandbox.call(
        "GET",
        f"/v2/conversationEvents?q=criteria&timeRange.start={NOW - HOUR}&timeRange.end={NOW}",
        token=token,
    )
    assert reply.status == 400
    assert reply.body["message"] == "Missing required parameter 'viewer'"


async def test_a_window_over_12_hours_is_refused_with_400(sandbox: Sandbox, token: str) -> None:
    path = (
        "/v2/conversationEvents?q=criteria&viewer=urn:li:seat:1001"
        f"&timeRange.start={NOW - 12 * HOUR - 1}&timeRange.end={NOW}"
    )
    reply = await sandbox.call("GET", path, token=token)
    assert reply.status == 400
    assert reply.body["message"] == "Time range must not exceed 12 hours"


async def test_admin_inmail_and_reply_show_up_in_the_viewers_window_in_order(
    sandbox: Sandbox, token: str
) -> None:
    # Given a member and a seat
    world = await sandbox.admin("GET", "/world")
    member = world["members"][150]["urn"]
    # When the recruiter sends an InMail and the member replies
    sent = await sandbox.admin(
        "POST", "/inmails", {"seat": "urn:li:seat:1003", "member": member, "subject": "Hi"}
    )
    replied = await sandbox.admin("POST", "/replies", {"seat": "urn:li:seat:1003", "member": member})
    path = f"/v2/conversationEvents?q=criteria&viewer=urn:li:seat:1003{_WINDOW}"
    reply = await sandbox.call("GET", path, token=token)
    # Then both events are returned, outbound then inbound, in one thread
    assert [e["id"] for e in reply.body["elements"]] == [sent["id"], replied["id"]]
    assert sent["author"] == "urn:li:seat:1003"
    assert sent["recipients"] == [member]
    assert replied["author"] == member
    assert replied["conversation"] == sent["conversation"]
    assert sent["created"] == {"time": NOW}


async def test_conversation_events_page_with_start_and_count(sandbox: Sandbox, token: str) -> None:
    # Given five InMails from one seat at the same instant
    world = await sandbox.admin("GET", "/world")
    for member in world["members"][200:205]:
        await sandbox.admin("POST", "/inmails", {"seat": "urn:li:seat:1004", "member": member["urn"]})
    base = f"/v2/conversationEvents?q=criteria&viewer=urn:li:seat:1004{_WINDOW}"
    # When they are read two at a time
    pages = [await sandbox.call("GET", f"{base}&start={s}&count=2", token=token) for s in (0, 2, 4)]
    # Then the pages hold 2, 2 and 1 elements
    assert [len(p.body["elements"]) for p in pages] == [2, 2, 1]
    assert pages[2].body["paging"] == {"start": 4, "count": 2, "total": 5}


async def test_world_has_a_member_who_exchanged_inmails_with_two_recruiters(sandbox: Sandbox) -> None:
    events = sandbox.state.world.events
    member = sandbox.state.world.members[0].urn
    seats_talking = {e.viewer for e in events if member in (e.author, *e.recipients)}
    replied = {e.viewer for e in events if e.author == member}
    assert len(seats_talking) >= 2
    assert replied == seats_talking


async def test_prospect_notes_filter_on_last_modified_and_show_edits_and_deletes(
    sandbox: Sandbox, token: str
) -> None:
    # Given a note written, edited and deleted by the admin at NOW
    member = sandbox.state.world.members[3].urn
    note = await sandbox.admin(
        "POST", "/notes", {"seat": "urn:li:seat:1001", "member": member, "note": "Good"}
    )
    await sandbox.admin("PATCH", f"/notes/{note['id']}", {"note": "Very good"})
    await sandbox.admin("DELETE", f"/notes/{note['id']}")
    # When the notes modified exactly at NOW are read
    path = f"/v2/prospectNotes?q=criteria&contract={CONTRACT}&owners=urn:li:seat:1001"
    path += f"&cutoffDate={NOW}&beforeDate={NOW}"
    reply = await sandbox.call("GET", path, token=token)
    # Then the note is there, edited and inactive
    assert reply.status == 200
    assert [(n["id"], n["note"], n["active"]) for n in reply.body["elements"]] == [
        (note["id"], "Very good", False)
    ]


async def test_prospect_notes_need_a_contract(sandbox: Sandbox, token: str) -> None:
    reply = await sandbox.call("GET", "/v2/prospectNotes?q=criteria", token=token)
    assert reply.status == 400
    assert reply.body["message"] == "Missing required parameter 'contract'"


async def test_shared_contact_details_become_a_mail_stub(sandbox: Sandbox, token: str) -> None:
    member = sandbox.state.world.members[7]
    await sandbox.admin("POST", "/mailStubs", {"seat": "urn:li:seat:1002", "member": member.urn})
    path = f"/v2/mailStubs?q=contract&contract={CONTRACT}&createdDateStart={NOW}&createdDateEnd={NOW + 1}"
    reply = await sandbox.call("GET", path, token=token)
    [stub] = reply.body["elements"]
    assert stub["member"] == member.urn
    assert stub["emailAddress"] == member.email
    assert stub["owner"] == "urn:li:seat:1002"
    assert stub["created"] == {"time": NOW}


async def test_rest_paths_require_the_linkedin_version_header(sandbox: Sandbox, token: str) -> None:
    without = await sandbox.call("GET", "/rest/seatsV2?q=attributes&start=0", token=token)
    with_header = await sandbox.call(
        "GET", "/rest/seatsV2?q=attributes&start=0", token=token, headers={"LinkedIn-Version": "202604"}
    )
    assert without.status == 400
    assert without.body["message"] == "Missing required header 'LinkedIn-Version'"
    assert with_header.status == 200


async def test_the_same_seed_builds_the_same_world(sandbox: Sandbox) -> None:
    first = await sandbox.admin("GET", "/world")
    await sandbox.admin("POST", "/reset", {})
    assert await sandbox.admin("GET", "/world") == first
    assert len(first["members"]) == 240

"""The sandbox's InMail and note visibility: the demo world's mix, admin-set values, and a change of an
InMail's visibility returned again in the window of the change."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.linkedin.sandbox.conftest import CONTRACT, HOUR, NOW, Sandbox


@pytest.fixture
async def token(sandbox: Sandbox) -> str:
    return await sandbox.token()


async def test_most_of_the_worlds_inmails_and_notes_are_public_and_a_few_private_or_project(
    sandbox: Sandbox,
) -> None:
    world = sandbox.state.world
    events = Counter(e.visibility for e in world.events)
    notes = Counter(n.visibility for n in world.notes)
    assert events["PUBLIC"] > 2 * (events["PRIVATE"] + events["PROJECT"])
    assert events["PRIVATE"] > 0
    assert events["PROJECT"] > 0
    assert notes["PUBLIC"] > notes["PRIVATE"] + notes["PROJECT"]
    assert notes["PRIVATE"] > 0
    assert notes["PROJECT"] > 0
    assert all((item.project is not None) == (item.visibility == "PROJECT") for item in world.events)
    assert all((item.project is not None) == (item.visibility == "PROJECT") for item in world.notes)


async def test_member_zeros_two_recruiter_threads_are_organization_visible(sandbox: Sandbox) -> None:
    member = sandbox.state.world.members[0].urn
    theirs = [e for e in sandbox.state.world.events if member in (e.author, *e.recipients)]
    assert len({e.viewer for e in theirs}) == 2
    assert {e.visibility for e in theirs} == {"PUBLIC"}


async def test_an_inmail_carries_its_visibility_and_a_project_one_its_project(
    sandbox: Sandbox, token: str
) -> None:
    # Given a PROJECT InMail and a member's reply to it
    member = sandbox.state.world.members[150].urn
    project = "urn:li:hireProject:42"
    body = {"seat": "urn:li:seat:1003", "member": member, "visibility": "PROJECT", "project": project}
    sent = await sandbox.admin("POST", "/inmails", body)
    await sandbox.admin("POST", "/replies", {"seat": "urn:li:seat:1003", "member": member})
    # When the seat's window is read
    path = "/v2/conversationEvents?q=criteria&viewer=urn:li:seat:1003"
    reply = await sandbox.call("GET", f"{path}&timeRange.start={NOW}&timeRange.end={NOW + 1}", token=token)
    # Then both carry the visibility (the reply keeps its conversation's) and the project
    assert [(e["id"] == sent["id"], e["visibility"], e["project"]) for e in reply.body["elements"]] == [
        (True, "PROJECT", project),
        (False, "PROJECT", project),
    ]


async def test_a_public_item_has_no_project_field(sandbox: Sandbox, token: str) -> None:
    member = sandbox.state.world.members[151].urn
    note = await sandbox.admin("POST", "/notes", {"seat": "urn:li:seat:1001", "member": member, "note": "x"})
    assert note["visibility"] == "PUBLIC"
    assert "project" not in note


async def test_an_unknown_or_projectless_visibility_is_refused(sandbox: Sandbox) -> None:
    member = sandbox.state.world.members[152].urn
    body = {"seat": "urn:li:seat:1001", "member": member, "note": "x"}
    unknown = await sandbox.call("POST", "/_admin/notes", json={**body, "visibility": "SECRET"})
    projectless = await sandbox.call("POST", "/_admin/notes", json={**body, "visibility": "PROJECT"})
    assert (unknown.status, projectless.status) == (400, 400)


async def test_an_inmail_whose_visibility_changed_is_returned_again_in_the_window_of_the_change(
    sandbox: Sandbox, token: str
) -> None:
    # Given an InMail of an hour ago, made PRIVATE by its author now
    old = next(e for e in sandbox.state.world.events if e.viewer == "urn:li:seat:1002" and e.created_ms < NOW)
    changed = await sandbox.admin("PATCH", f"/inmails/{old.id}", {"visibility": "PRIVATE"})
    # When the window holding now is read
    path = "/v2/conversationEvents?q=criteria&viewer=urn:li:seat:1002"
    reply = await sandbox.call("GET", f"{path}&timeRange.start={NOW}&timeRange.end={NOW + HOUR}", token=token)
    # Then the InMail is in it, with its creation time and new visibility
    assert changed["visibility"] == "PRIVATE"
    assert [(e["id"], e["created"]["time"], e["visibility"]) for e in reply.body["elements"]] == [
        (old.id, old.created_ms, "PRIVATE")
    ]


async def test_a_notes_visibility_is_changed_by_an_edit(sandbox: Sandbox, token: str) -> None:
    member = sandbox.state.world.members[153].urn
    note = await sandbox.admin("POST", "/notes", {"seat": "urn:li:seat:1001", "member": member, "note": "x"})
    await sandbox.admin("PATCH", f"/notes/{note['id']}", {"visibility": "PRIVATE"})
    path = f"/v2/prospectNotes?q=criteria&contract={CONTRACT}&owners=urn:li:seat:1001"
    reply = await sandbox.call("GET", f"{path}&cutoffDate={NOW}&beforeDate={NOW}", token=token)
    assert [(n["id"], n["note"], n["visibility"]) for n in reply.body["elements"]] == [
        (note["id"], "x", "PRIVATE")
    ]

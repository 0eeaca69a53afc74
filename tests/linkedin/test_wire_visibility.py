"""Reading an InMail's or note's visibility [I]: missing is PUBLIC, PROJECT names its project, an
unknown value is PRIVATE (the side that shows least) and is logged once."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from linkedin import wire
from linkedin.records import Visibility

EVENT: dict[str, Any] = {
    "id": "evt-1",
    "conversation": "urn:li:messagingThread:2-abc",
    "viewer": "urn:li:seat:S",
    "author": "urn:li:seat:S",
    "recipients": ["urn:li:person:P"],
    "created": {"time": 1764000000000},
    "subject": "Role",
    "body": "Hi",
}
NOTE: dict[str, Any] = {
    "id": "note-1",
    "owner": "urn:li:seat:S",
    "member": "urn:li:person:P",
    "note": "Strong",
    "active": True,
    "created": {"time": 1764000000000},
    "lastModified": {"time": 1764000000000},
}


def test_an_item_without_a_visibility_is_public() -> None:
    event, note = wire.parse_conversation_event(EVENT), wire.parse_prospect_note(NOTE)
    assert (event.visibility, event.project_urn) == (Visibility.PUBLIC, None)
    assert (note.visibility, note.project_urn) == (Visibility.PUBLIC, None)


def test_a_project_item_names_its_project_and_others_drop_a_stray_project() -> None:
    project = wire.parse_prospect_note({**NOTE, "visibility": "PROJECT", "project": "urn:li:hireProject:7"})
    private = wire.parse_conversation_event({**EVENT, "visibility": "PRIVATE", "project": "urn:li:x:1"})
    assert (project.visibility, project.project_urn) == (Visibility.PROJECT, "urn:li:hireProject:7")
    assert (private.visibility, private.project_urn) == (Visibility.PRIVATE, None)


@pytest.mark.parametrize("value", ["CONNECTIONS", 3, ["PUBLIC"]])
def test_an_unknown_visibility_is_treated_as_private_and_logged_once(
    value: object, caplog: pytest.LogCaptureFixture
) -> None:
    wire._unknown_visibilities.clear()
    with caplog.at_level(logging.WARNING, logger="rscgraph.linkedin.wire"):
        first = wire.parse_conversation_event({**EVENT, "visibility": value})
        second = wire.parse_prospect_note({**NOTE, "visibility": value})
    assert (first.visibility, second.visibility) == (Visibility.PRIVATE, Visibility.PRIVATE)
    assert [r.getMessage() for r in caplog.records] == [
        f"conversation event: unknown visibility {value!r}, treated as PRIVATE (logged once)"
    ]

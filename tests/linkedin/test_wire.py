"""wire.py: LinkedIn JSON (recorded samples) to typed records, and request bodies from typed arguments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from linkedin import restli, wire
from linkedin.errors import LinkedInMalformedResponse
from linkedin.records import (
    BatchItemError,
    BatchResult,
    CandidateMatch,
    Direction,
    JobPostingTask,
    JobPostingTaskStatus,
    MailStub,
    ProspectNote,
    Seat,
)

SAMPLES = Path(__file__).parent / "samples"
T0 = datetime(2025, 11, 24, 16, 0, tzinfo=UTC)  # 1764000000000 ms


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def test_seats_parse_into_seat_urns_from_numeric_or_string_ids() -> None:
    seats = [wire.parse_seat(e) for e in wire.elements(sample("seats_page.json"))]
    assert seats == [
        Seat("urn:li:seat:1001", "urn:li:contract:2001", "urn:li:person:ada", True, "Ada", "Lovelace"),
        Seat("urn:li:seat:1002", "urn:li:contract:2001", None, False, None, None),
    ]


def test_an_event_written_by_the_viewer_is_outbound_to_its_first_recipient() -> None:
    event = wire.parse_conversation_event(wire.elements(sample("conversation_events_page.json"))[0])
    assert event.id == "evt-000123"
    assert event.created_at == T0
    assert event.recipient_urns == ("urn:li:person:P",)
    assert event.direction is Direction.OUTBOUND
    assert event.member_urn == "urn:li:person:P"


def test_an_event_written_by_the_member_is_inbound_from_its_author() -> None:
    event = wire.parse_conversation_event(wire.elements(sample("conversation_events_page.json"))[1])
    assert event.direction is Direction.INBOUND
    assert event.member_urn == "urn:li:person:P"
    assert event.subject == "RE: Staff engineer role"


def test_a_prospect_note_keeps_its_active_flag_and_both_times() -> None:
    note = wire.parse_prospect_note(wire.elements(sample("prospect_notes_page.json"))[0])
    assert note == ProspectNote(
        id="note-42",
        owner_seat_urn="urn:li:seat:1001",
        member_urn="urn:li:person:P",
        body="Strong Go background",
        active=False,
        created_at=T0,
        last_modified_at=datetime(2025, 11, 24, 17, 0, tzinfo=UTC),
    )


def test_a_mail_stub_maps_every_contact_field() -> None:
    stub = wire.parse_mail_stub(wire.elements(sample("mail_stubs_page.json"))[0])
    assert stub == MailStub(
        id="stub-7",
        owner_seat_urn="urn:li:seat:1001",
        member_urn="urn:li:person:P",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        phone="+1 555 0100",
        title="Staff Engineer",
        city="Providence",
        profile_url="https://www.linkedin.com/in/ada-lovelace",
        created_at=T0,
    )


def test_an_exported_candidate_flattens_the_candidate_profile() -> None:
    exported = wire.parse_exported_candidate(wire.elements(sample("exported_candidates.json"))[0])
    assert (exported.request_id, exported.integration_context, exported.external_job_posting_id) == (
        "R1",
        "urn:li:organization:1001",
        "J12",
    )
    assert (exported.seat_urn, exported.exported_at, exported.member_urn) == (
        "urn:li:seat:1001",
        T0,
        "urn:li:person:P",
    )
    assert (exported.first_name, exported.email, exported.headline) == (
        "Ada",
        "ada@example.com",
        "Staff Engineer",
    )


def test_candidate_matches_parse_with_the_manual_match_winning() -> None:
    results, errors = wire.batch_get_maps(sample("candidates_batch_get.json"))
    matches = {
        restli.parse_key(k)["atsCandidateId"]: wire.parse_candidate_match(
            restli.parse_key(k)["atsCandidateId"], v
        )
        for k, v in results.items()
    }
    assert matches == {
        "C1": CandidateMatch("C1", ("urn:li:person:P1", "urn:li:person:P2"), "urn:li:person:P9"),
        "C2": CandidateMatch("C2", (), None),
    }
    assert matches["C1"].best_member == "urn:li:person:P9"
    assert [restli.parse_key(k)["atsCandidateId"] for k in errors] == ["C3"]


def test_a_batch_update_answer_splits_successes_and_per_key_errors() -> None:
    result = wire.parse_batch_result(
        sample("candidates_batch_update.json"), lambda k: restli.parse_key(k)["atsCandidateId"]
    )
    assert result == BatchResult(
        succeeded=frozenset({"C1", "C2"}),
        errors={"C3": BatchItemError(status=400, message="firstName is required", service_error_code=100)},
    )
    assert not result.ok


def test_a_batch_create_answer_lists_task_ids_and_errors_in_request_order() -> None:
    assert wire.parse_batch_create(sample("job_postings_batch_create.json")) == [
        "task-1",
        BatchItemError(status=400, message="title is required", service_error_code=100),
    ]


def test_job_posting_tasks_parse_their_status() -> None:
    results, _ = wire.batch_get_maps(sample("job_posting_tasks.json"))
    tasks = [wire.parse_job_posting_task(k, v) for k, v in results.items()]
    assert tasks == [
        JobPostingTask("task-1", JobPostingTaskStatus.SUCCEEDED, "987654", None),
        JobPostingTask("task-2", JobPostingTaskStatus.FAILED, None, "companyApplyUrl is invalid"),
        JobPostingTask("task-3", JobPostingTaskStatus.IN_PROGRESS, None, None),
    ]


def test_introspection_times_are_epoch_seconds() -> None:
    info = wire.parse_introspection(sample("introspection_active.json"))
    assert info.active is True
    assert info.status == "active"
    assert info.created_at == T0
    assert info.expires_at == datetime(2025, 11, 24, 16, 30, tzinfo=UTC)
    assert info.auth_type == "2L"


def test_an_inactive_introspection_has_only_the_flag() -> None:
    info = wire.parse_introspection({"active": False})
    assert (info.active, info.status, info.expires_at) == (False, None, None)


@pytest.mark.parametrize(
    "broken",
    [
        {"id": "e", "conversation": "c", "viewer": "v", "author": "a", "recipients": []},  # no created
        {
            "id": "e",
            "conversation": "c",
            "viewer": "v",
            "author": "a",
            "recipients": [],
            "created": {"time": "x"},
        },
        {
            "id": "e",
            "conversation": "c",
            "viewer": "v",
            "author": 5.5,
            "recipients": [],
            "created": {"time": 1},
        },
        {
            "id": "e",
            "conversation": "c",
            "viewer": "v",
            "author": "a",
            "recipients": "p",
            "created": {"time": 1},
        },
        ["not", "an", "object"],
    ],
)
def test_a_missing_or_ill_typed_field_raises_malformed_response(broken: object) -> None:
    with pytest.raises(LinkedInMalformedResponse):
        wire.parse_conversation_event(broken)


def test_a_page_without_an_elements_list_is_malformed() -> None:
    with pytest.raises(LinkedInMalformedResponse):
        wire.elements({"paging": {}})


def test_a_token_answer_needs_an_access_token() -> None:
    assert wire.parse_token({"access_token": "AQV1", "expires_in": 1800}) == ("AQV1", 1800.0)
    assert wire.parse_token({"access_token": "AQV1"}) == ("AQV1", None)
    with pytest.raises(LinkedInMalformedResponse):
        wire.parse_token({"expires_in": 1800})


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        wire.to_epoch_ms(datetime(2025, 1, 1))


def test_the_candidate_body_always_sends_addresses_and_phone_numbers() -> None:
    body = wire.candidate_to_wire(
        first_name="Ada",
        last_name="Lovelace",
        email_addresses=["ada@example.com"],
        created_at=T0,
        last_modified_at=T0,
        external_profile_url="https://ats.example.com/candidates/C1",
    )
    assert body == {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "emailAddresses": ["ada@example.com"],
        "phoneNumbers": [],
        "addresses": [],
        "atsCreatedAt": 1764000000000,
        "atsLastModifiedAt": 1764000000000,
        "externalProfileUrl": "https://ats.example.com/candidates/C1",
    }


def test_the_candidate_body_carries_optional_fields_when_given() -> None:
    body = wire.candidate_to_wire(
        first_name="Ada",
        last_name="Lovelace",
        email_addresses=[],
        created_at=T0,
        last_modified_at=T0,
        external_profile_url="https://ats.example.com/c/1",
        phone_numbers=["+1 555 0100"],
        addresses=[wire.address_to_wire(city="Providence", geographic_area="RI", country="us")],
        current_company_name="Analytical Engines",
        current_job_title="Staff Engineer",
        do_not_contact=True,
    )
    assert body["phoneNumbers"] == [{"number": "+1 555 0100"}]
    assert body["addresses"] == [{"city": "Providence", "geographicArea": "RI", "country": "us"}]
    assert (body["currentCompanyName"], body["currentJobTitle"], body["doNotContact"]) == (
        "Analytical Engines",
        "Staff Engineer",
        True,
    )


def test_a_job_is_private_to_the_integration_unless_public() -> None:
    body = wire.job_to_wire(
        external_job_posting_id="J12",
        integration_context="urn:li:organization:1001",
        title="Staff Engineer",
        description="Build things",
        company_apply_url="https://ats.example.com/jobs/J12",
        listed_at=T0,
        location="Providence,RI",
    )
    assert body == {
        "integrationContext": "urn:li:organization:1001",
        "externalJobPostingId": "J12",
        "title": "Staff Engineer",
        "description": "Build things",
        "location": "Providence,RI",
        "state": "LISTED",
        "companyApplyUrl": "https://ats.example.com/jobs/J12",
        "listedAt": 1764000000000,
        "availability": "PRIVATE_TO_ATS_INTEGRATION",
        "jobPostingOperationType": "CREATE",
    }


def test_an_application_body_sends_every_field_because_put_replaces() -> None:
    body = wire.application_to_wire(
        ats_candidate_id="C1",
        ats_job_posting_id="J12",
        ats_job_posting_name="Staff Engineer",
        candidate_email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
        created_at=T0,
        last_modified_at=T0,
    )
    assert body["source"] is None
    assert body["dispositionReason"] is None
    assert body["atsJobPostingId"] == "J12"


def test_note_stage_and_manual_match_bodies() -> None:
    assert wire.note_to_wire(
        created_at=T0, note="Good call", author_first_name="Grace", author_last_name="Hopper"
    ) == {
        "atsCreatedAt": 1764000000000,
        "note": "Good call",
        "author": {"firstName": "Grace", "lastName": "Hopper"},
    }
    assert wire.stage_to_wire(created_at=T0, stage="Phone screen") == {
        "atsCreatedAt": 1764000000000,
        "stage": "Phone screen",
    }
    assert wire.manual_match_patch("urn:li:person:P") == {
        "patch": {"$set": {"manualMatchedMember": "urn:li:person:P"}}
    }
    assert wire.manual_match_patch(None) == {"patch": {"$delete": ["manualMatchedMember"]}}


def test_versioned_application_keys_drop_the_data_provider() -> None:
    assert wire.application_key("A1", "urn:li:organization:1", versioned=True) == {
        "atsJobApplicationId": "A1",
        "integrationContext": "urn:li:organization:1",
    }
    assert wire.application_key("A1", "urn:li:organization:1", versioned=False)["dataProvider"] == "ATS"

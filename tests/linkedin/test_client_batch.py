"""Batch calls over real HTTP: candidate sync and matches, notes, jobs, applications, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest

from linkedin import (
    BatchItemError,
    CandidateMatch,
    JobPostingTaskStatus,
    LinkedInClient,
    LinkedInNotFound,
    LinkedInServerError,
    wire,
)
from linkedin.sandbox.config import SandboxConfig
from tests.linkedin.conftest import NOW_MS, Sandbox

NOW = datetime.fromtimestamp(NOW_MS / 1000, tz=UTC)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Job tasks settle at once so their final state is visible on the frozen clock."""
    return SandboxConfig(now_ms=lambda: NOW_MS, job_task_delay_ms=0)


def candidate(email: str = "someone@example.com", first_name: str = "Ada") -> dict[str, Any]:
    return wire.candidate_to_wire(
        first_name=first_name,
        last_name="Lovelace",
        email_addresses=[email],
        created_at=NOW - timedelta(days=1),
        last_modified_at=NOW,
        external_profile_url="https://ats.example.com/candidates/1",
    )


def application(candidate_id: str) -> dict[str, Any]:
    return wire.application_to_wire(
        ats_candidate_id=candidate_id,
        ats_job_posting_id="J1",
        ats_job_posting_name="Staff Engineer",
        candidate_email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
        created_at=NOW - timedelta(days=1),
        last_modified_at=NOW,
    )


def job(external_id: str, title: str = "Staff Engineer") -> dict[str, Any]:
    return wire.job_to_wire(
        external_job_posting_id=external_id,
        integration_context="urn:li:organization:1001",
        title=title,
        description="Build engines",
        company_apply_url=f"https://ats.example.com/jobs/{external_id}",
        listed_at=NOW,
        location="Providence,RI",
    )


async def _member(sandbox: Sandbox, index: int = 0) -> dict[str, Any]:
    async with sandbox.admin.get(f"{sandbox.url}/_admin/world") as resp:
        member: dict[str, Any] = (await resp.json())["members"][index]
    return member


async def test_upserting_candidates_reports_successes_and_per_key_errors(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    bad = {**candidate(), "firstName": ""}
    # when
    result = await linkedin_client.upsert_candidates({"C1": candidate(), "C2": candidate(), "C3": bad})
    # then
    assert result.succeeded == frozenset({"C1", "C2"})
    assert result.errors == {
        "C3": BatchItemError(400, "'firstName' is required and must be a non-empty string", 100)
    }
    (call,) = await sandbox.calls("atsCandidates")
    assert (call["method"], call["status"]) == ("PUT", 200)


async def test_candidate_matches_come_back_per_id_and_unknown_ids_are_absent(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given: C1 carries a member's email, so LinkedIn matches it
    member = await _member(sandbox)
    await linkedin_client.upsert_candidates({"C1": candidate(member["emailAddress"]), "C2": candidate()})
    # when
    matches = await linkedin_client.candidate_matches(["C1", "C2", "never-synced"])
    # then
    assert matches == {
        "C1": CandidateMatch("C1", (member["member"],), None),
        "C2": CandidateMatch("C2", (), None),
    }


async def test_a_manual_match_is_set_then_removed(sandbox: Sandbox, linkedin_client: LinkedInClient) -> None:
    # given
    await linkedin_client.upsert_candidates({"C1": candidate()})
    # when
    set_result = await linkedin_client.set_manual_match("C1", "urn:li:person:abc")
    after_set = await linkedin_client.candidate_matches(["C1"])
    await linkedin_client.set_manual_match("C1", None)
    after_delete = await linkedin_client.candidate_matches(["C1"])
    # then
    assert set_result.succeeded == frozenset({"C1"})
    assert after_set["C1"].manual_matched_member == "urn:li:person:abc"
    assert after_delete["C1"].manual_matched_member is None
    posts = [c for c in await sandbox.calls("atsCandidates") if c["method"] == "POST"]
    assert [c["status"] for c in posts] == [200, 200]


async def test_a_manual_match_on_an_unsynced_candidate_is_a_per_key_404(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    result = await linkedin_client.set_manual_match("nobody", "urn:li:person:abc")
    assert result.succeeded == frozenset()
    assert result.errors["nobody"].status == 404


async def test_more_than_100_candidates_are_sent_in_chunks_of_100(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    ids = [f"C{i:03d}" for i in range(250)]
    # when
    result = await linkedin_client.upsert_candidates({i: candidate() for i in ids})
    # then
    assert result.succeeded == frozenset(ids)
    assert result.errors == {}
    calls = await sandbox.calls("atsCandidates")
    assert [sum(1 for k, _ in parse_qsl(c["query"]) if k.endswith(".atsCandidateId")) for c in calls] == [
        100,
        100,
        50,
    ]


async def test_matches_for_more_than_100_ids_are_fetched_in_chunks_of_100(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given: URLs are never tunnelled, so every chunk shows as a GET with its ids in the query
    client = make_client(max_url_length=1_000_000)
    ids = [f"C{i:03d}" for i in range(250)]
    await client.upsert_candidates({i: candidate() for i in ids})
    # when
    matches = await client.candidate_matches([*ids, "unknown"])
    # then
    assert sorted(matches) == ids
    reads = [c for c in await sandbox.calls("atsCandidates") if c["method"] == "GET"]
    assert [sum(1 for k, _ in parse_qsl(c["query"]) if k.endswith(".atsCandidateId")) for c in reads] == [
        100,
        100,
        51,
    ]
    assert [c["status"] for c in reads] == [200, 200, 200]


async def test_a_batch_get_longer_than_4000_characters_is_tunnelled_as_a_post(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    ids = [f"C{i:03d}" for i in range(100)]
    await linkedin_client.upsert_candidates({i: candidate() for i in ids})
    # when
    matches = await linkedin_client.candidate_matches(ids)
    # then
    assert sorted(matches) == ids
    reads = [c for c in await sandbox.calls("atsCandidates") if c["tunnelled"]]
    assert [(c["method"], c["status"]) for c in reads] == [("GET", 200)]
    assert sum(1 for k, _ in parse_qsl(reads[0]["query"]) if k.endswith(".atsCandidateId")) == 100


async def test_deleting_candidates_reports_unknown_ids_as_404(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    await linkedin_client.upsert_candidates({"C1": candidate()})
    result = await linkedin_client.delete_candidates(["C1", "C9"])
    assert result.succeeded == frozenset({"C1"})
    assert result.errors["C9"].status == 404
    assert await linkedin_client.candidate_matches(["C1"]) == {}


async def test_candidate_notes_are_upserted_and_deleted_under_the_candidate_key(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await linkedin_client.upsert_candidates({"C1": candidate()})
    note = wire.note_to_wire(
        created_at=NOW, note="Great call", author_first_name="Grace", author_last_name="Hopper"
    )
    # when
    upserted = await linkedin_client.upsert_candidate_notes("C1", {"N1": note, "N2": {**note, "note": ""}})
    deleted = await linkedin_client.delete_candidate_notes("C1", ["N1", "N3"])
    # then
    assert upserted.succeeded == frozenset({"N1"})
    assert upserted.errors["N2"].status == 400
    assert deleted.succeeded == frozenset({"N1"})
    assert deleted.errors["N3"].status == 404
    paths = {c["path"] for c in await sandbox.calls("atsCandidateNotes")}
    assert paths == {
        "/v2/atsCandidates/atsCandidateId=C1&dataProvider=ATS&integrationContext=urn:li:organization:1001/notes"
    }


async def test_job_postings_give_task_ids_whose_state_can_be_read(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    jobs = [job("J1"), {**job("J2"), "title": ""}, job("J3", title="Doomed [fail]")]
    # when
    created = await linkedin_client.create_job_postings(jobs)
    task_ids = [t for t in created if isinstance(t, str)]
    tasks = await linkedin_client.job_posting_tasks([*task_ids, "task-unknown"])
    # then
    assert len(task_ids) == 2
    assert isinstance(created[1], BatchItemError)
    assert created[1].status == 400
    assert [tasks[t].status for t in task_ids] == [
        JobPostingTaskStatus.SUCCEEDED,
        JobPostingTaskStatus.FAILED,
    ]
    assert tasks[task_ids[0]].job_posting_id is not None
    assert "task-unknown" not in tasks


async def test_a_job_posting_create_that_fails_with_503_is_not_retried(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await sandbox.fault("simpleJobPostings", status=503, count=1)
    # when
    with pytest.raises(LinkedInServerError):
        await linkedin_client.create_job_postings([job("J1")])
    # then
    assert [c["status"] for c in await sandbox.calls("simpleJobPostings")] == [503]


async def test_applications_with_stages_and_notes_round_trip(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    await linkedin_client.upsert_candidates({"C1": candidate()})
    stage = wire.stage_to_wire(created_at=NOW, stage="Phone screen")
    note = wire.note_to_wire(
        created_at=NOW, note="Solid", author_first_name="Grace", author_last_name="Hopper"
    )
    # when
    apps = await linkedin_client.upsert_applications({"A1": application("C1")})
    stages = await linkedin_client.upsert_application_stages(
        "A1", {"S1": stage, "S2": {**stage, "stage": "Not Available"}}
    )
    notes = await linkedin_client.upsert_application_notes("A1", {"N1": note})
    removed_stages = await linkedin_client.delete_application_stages("A1", ["S1"])
    removed_notes = await linkedin_client.delete_application_notes("A1", ["N1"])
    removed = await linkedin_client.delete_applications(["A1"])
    # then
    assert apps.succeeded == frozenset({"A1"})
    assert stages.succeeded == frozenset({"S1"})
    assert stages.errors["S2"].message == "'stage' must not be 'Not Available'"
    assert notes.succeeded == frozenset({"N1"})
    assert (removed_stages.succeeded, removed_notes.succeeded) == (frozenset({"S1"}), frozenset({"N1"}))
    assert removed.succeeded == frozenset({"A1"})


async def test_the_versioned_client_sends_application_keys_without_data_provider(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(api_version="202604")
    # when
    result = await client.upsert_applications({"A1": application("C1")})
    # then
    assert result.succeeded == frozenset({"A1"})
    (call,) = await sandbox.calls("atsApplications")
    assert call["path"] == "/rest/atsApplications"
    assert (
        call["query"]
        == "ids=List((atsJobApplicationId:A1,integrationContext:urn%3Ali%3Aorganization%3A1001))"
    )


async def test_an_exported_candidate_is_read_by_request_id(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    member = await _member(sandbox, 3)
    export = await sandbox.post("exports", {"seat": "urn:li:seat:1002", "member": member["member"],
                                            "externalJobPostingId": "J7"})  # fmt: skip
    # when
    exported = await linkedin_client.exported_candidate(export["requestId"])
    # then
    assert (exported.request_id, exported.integration_context) == (
        export["requestId"],
        "urn:li:organization:1001",
    )
    assert (exported.external_job_posting_id, exported.seat_urn, exported.exported_at) == (
        "J7",
        "urn:li:seat:1002",
        NOW,
    )
    assert (exported.member_urn, exported.email) == (member["member"], member["emailAddress"])


async def test_an_unknown_export_request_raises_not_found(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    with pytest.raises(LinkedInNotFound):
        await linkedin_client.exported_candidate("no-such-request")


async def test_the_callback_url_is_registered_on_the_one_click_export_integration(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # when
    await linkedin_client.set_callback_url("https://ats.example.com/webhooks/linkedin")
    # then
    (call,) = await sandbox.calls("atsIntegrations")
    assert call["path"] == (
        "/v2/atsIntegrations/integrationContext=urn:li:organization:1001&integrationType=ONE_CLICK_EXPORT"
        "&tenantType=RECRUITER&dataProvider=ATS/configurations"
    )
    assert (call["query"], call["status"]) == ("ids=CALLBACK_URL", 200)


async def test_deleting_more_than_100_candidates_tunnels_each_long_chunk(
    sandbox: Sandbox, linkedin_client: LinkedInClient
) -> None:
    # given
    ids = [f"C{i:03d}" for i in range(150)]
    await linkedin_client.upsert_candidates({i: candidate() for i in ids})
    # when
    result = await linkedin_client.delete_candidates(ids)
    # then
    assert result.succeeded == frozenset(ids)
    deletes = [c for c in await sandbox.calls("atsCandidates") if c["method"] == "DELETE"]
    assert [(c["tunnelled"], c["status"]) for c in deletes] == [(True, 200), (True, 200)]


async def test_the_versioned_client_round_trips_a_candidate_and_its_notes(
    sandbox: Sandbox, make_client: Callable[..., LinkedInClient]
) -> None:
    # given
    client = make_client(api_version="202604")
    member = await _member(sandbox)
    note = wire.note_to_wire(
        created_at=NOW, note="Great call", author_first_name="Grace", author_last_name="Hopper"
    )
    # when
    upserted = await client.upsert_candidates({"C1": candidate(member["emailAddress"])})
    notes = await client.upsert_candidate_notes("C1", {"N1": note})
    matches = await client.candidate_matches(["C1"])
    # then
    assert upserted.succeeded == frozenset({"C1"})
    assert notes.succeeded == frozenset({"N1"})
    assert matches == {"C1": CandidateMatch("C1", (member["member"],), None)}

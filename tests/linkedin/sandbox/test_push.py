"""Candidates, notes, jobs and applications pushed by the ATS: per-key validation, limits, matching."""

from __future__ import annotations

from typing import Any

import pytest

from tests.linkedin.sandbox.conftest import NOW, ORG, Clock, Sandbox

PUT = {"x-restli-method": "batch_update"}


def _key(cid: str) -> str:
    return f"atsCandidateId={cid}&dataProvider=ATS&integrationContext={ORG}"


def _ids(*cids: str) -> str:
    return "&".join(
        f"ids[{i}].atsCandidateId={c}&ids[{i}].dataProvider=ATS&ids[{i}].integrationContext={ORG}"
        for i, c in enumerate(cids)
    )


def _candidate(**overrides: Any) -> dict[str, Any]:
    body = {
        "addresses": [],
        "phoneNumbers": [],
        "atsCreatedAt": NOW - 1000,
        "atsLastModifiedAt": NOW,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "emailAddresses": ["ada@example.org"],
        "externalProfileUrl": "https://ats.example.com/candidates/C1",
    }
    return {**body, **overrides}


@pytest.fixture
async def token(sandbox: Sandbox) -> str:
    return await sandbox.token()


async def test_one_invalid_candidate_fails_alone_and_its_batch_mates_succeed(
    sandbox: Sandbox, token: str
) -> None:
    # Given one good candidate and one with a bad email
    entities = {_key("C1"): _candidate(), _key("C2"): _candidate(emailAddresses=["not-an-email"])}
    # When both are pushed in one batch
    reply = await sandbox.call(
        "PUT", f"/v2/atsCandidates?{_ids('C1', 'C2')}", token=token, json={"entities": entities}, headers=PUT
    )
    # Then only the bad one has an error
    assert reply.status == 200
    assert reply.body == {
        "results": {_key("C1"): {"status": 204}},
        "errors": {
            _key("C2"): {
                "status": 400,
                "serviceErrorCode": 100,
                "message": "Invalid email address 'not-an-email'",
            }
        },
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"addresses": None}, "'addresses' is required (it may be an empty list)"),
        ({"atsCreatedAt": 0}, "'atsCreatedAt' must be epoch milliseconds > 0"),
        ({"atsLastModifiedAt": NOW - 2000}, "'atsLastModifiedAt' must be >= 'atsCreatedAt'"),
        ({"firstName": ""}, "'firstName' is required and must be a non-empty string"),
        ({"externalProfileUrl": "ats/C1"}, "'externalProfileUrl' must be an http(s) URL"),
    ],
)
async def test_candidate_fields_are_validated_per_section_3_1(
    sandbox: Sandbox, token: str, override: dict[str, Any], message: str
) -> None:
    reply = await sandbox.call(
        "PUT",
        "/v2/atsCandidates",
        token=token,
        json={"entities": {_key("C9"): _candidate(**override)}},
        headers=PUT,
    )
    assert reply.body["errors"][_key("C9")]["message"] == message


async def test_a_batch_over_100_records_is_refused_with_400(sandbox: Sandbox, token: str) -> None:
    entities = {_key(f"C{i}"): _candidate() for i in range(101)}
    reply = await sandbox.call(
        "PUT", "/v2/atsCandidates", token=token, json={"entities": entities}, headers=PUT
    )
    assert reply.status == 400
    assert reply.body["message"] == "Batch of 101 records exceeds the limit of 100"


async def test_the_per_minute_record_limit_answers_429(sandbox: Sandbox, token: str) -> None:
    await sandbox.admin("POST", "/quotas", {"per_minute_records": 2})
    entities = {_key(f"C{i}"): _candidate() for i in range(3)}
    reply = await sandbox.call(
        "PUT", "/v2/atsCandidates", token=token, json={"entities": entities}, headers=PUT
    )
    assert reply.status == 429


async def test_a_candidate_matching_a_member_email_gets_that_member(sandbox: Sandbox, token: str) -> None:
    # Given a candidate whose email is a world member's and another whose profile URL is
    first, second = sandbox.state.world.members[10], sandbox.state.world.members[11]
    entities = {
        _key("C1"): _candidate(emailAddresses=[first.email]),
        _key("C2"): _candidate(linkedInProfileUrl=f"http://linkedin.com/in/{second.slug}/"),
        _key("C3"): _candidate(),
    }
    await sandbox.call("PUT", "/v2/atsCandidates", token=token, json={"entities": entities}, headers=PUT)
    # When the matches are read
    reply = await sandbox.call(
        "GET",
        f"/v2/atsCandidates?{_ids('C1', 'C2', 'C3', 'C4')}&fields=matchedMembers,manualMatchedMember",
        token=token,
    )
    # Then each matched candidate carries its member, and the never-synced key is a 404
    assert reply.body["results"] == {
        _key("C1"): {"matchedMembers": [first.urn]},
        _key("C2"): {"matchedMembers": [second.urn]},
        _key("C3"): {"matchedMembers": []},
    }
    assert reply.body["errors"][_key("C4")]["status"] == 404


async def test_manual_match_is_set_and_deleted_by_partial_update(sandbox: Sandbox, token: str) -> None:
    await sandbox.call(
        "PUT", "/v2/atsCandidates", token=token, json={"entities": {_key("C1"): _candidate()}}, headers=PUT
    )
    patch = {"x-restli-method": "batch_partial_update"}
    set_body = {"entities": {_key("C1"): {"patch": {"$set": {"manualMatchedMember": "urn:li:person:X1"}}}}}
    await sandbox.call("POST", f"/v2/atsCandidates?{_ids('C1')}", token=token, json=set_body, headers=patch)
    after_set = await sandbox.call("GET", f"/v2/atsCandidates?{_ids('C1')}", token=token)
    delete_body = {"entities": {_key("C1"): {"patch": {"$delete": ["manualMatchedMember"]}}}}
    await sandbox.call(
        "POST", f"/v2/atsCandidates?{_ids('C1')}", token=token, json=delete_body, headers=patch
    )
    after_delete = await sandbox.call("GET", f"/v2/atsCandidates?{_ids('C1')}", token=token)
    assert after_set.body["results"][_key("C1")]["manualMatchedMember"] == "urn:li:person:X1"
    assert "manualMatchedMember" not in after_delete.body["results"][_key("C1")]


async def test_a_bad_compound_key_is_a_400(sandbox: Sandbox, token: str) -> None:
    reply = await sandbox.call("GET", "/v2/atsCandidates?ids[0].atsCandidateId=C1", token=token)
    assert reply.status == 400
    assert reply.body["message"] == "Invalid key: missing integrationContext"


def _job(**overrides: Any) -> dict[str, Any]:
    job = {
        "integrationContext": ORG,
        "externalJobPostingId": "J1",
        "title": "Staff Engineer",
        "description": "Build things",
        "location": "Providence,RI",
        "state": "LISTED",
        "companyApplyUrl": "https://ats.example.com/jobs/J1",
        "listedAt": NOW,
    }
    return {**job, **overrides}


async def test_job_tasks_move_from_in_progress_to_their_outcome_on_the_clock(
    sandbox: Sandbox, token: str, clock: Clock
) -> None:
    # Given a valid job, a job that will fail, and an invalid job
    body = {"elements": [_job(), _job(externalJobPostingId="J2", title="Bad [fail]"), _job(state="OPEN")]}
    created = await sandbox.call(
        "POST", "/v2/simpleJobPostings", token=token, json=body, headers={"x-restli-method": "batch_create"}
    )
    ok, failing, invalid = created.body["elements"]
    assert invalid == {"status": 400, "message": "'state' must be LISTED or CLOSED"}
    path = f"/v2/simpleJobPostingTasks?ids={ok['id']}&ids={failing['id']}"
    # When the tasks are read before and after the configured delay
    before = await sandbox.call("GET", path, token=token)
    clock.advance(5_000)
    after = await sandbox.call("GET", path, token=token)
    # Then they were in progress, then one succeeded and one failed
    assert [r["status"] for r in before.body["results"].values()] == ["IN_PROGRESS", "IN_PROGRESS"]
    assert after.body["results"][ok["id"]]["status"] == "SUCCEEDED"
    assert after.body["results"][ok["id"]]["jobPostingId"].startswith("urn:li:jobPosting:")
    assert after.body["results"][failing["id"]]["status"] == "FAILED"


def _app_key(aid: str) -> str:
    return f"atsJobApplicationId={aid}&dataProvider=ATS&integrationContext={ORG}"


async def test_application_stages_are_validated_and_deleting_the_application_cascades(
    sandbox: Sandbox, token: str
) -> None:
    # Given a synced application
    application = {
        "atsCreatedAt": NOW,
        "atsLastModifiedAt": NOW,
        "atsJobPostingId": "J1",
        "atsJobPostingName": "Staff Engineer",
        "candidateEmail": "ada@example.org",
        "firstName": "Ada",
        "lastName": "Lovelace",
    }
    await sandbox.call(
        "PUT",
        "/v2/atsApplications",
        token=token,
        json={"entities": {_app_key("A1"): application}},
        headers=PUT,
    )
    # When stages are pushed, one of them "Not Available"
    stages = {
        "S1": {"atsCreatedAt": NOW, "stage": "Phone screen"},
        "S2": {"atsCreatedAt": NOW, "stage": "Not Available"},
    }
    reply = await sandbox.call(
        "PUT",
        f"/v2/atsApplications/{_app_key('A1')}/stages?ids=S1&ids=S2",
        token=token,
        json={"entities": stages},
        headers=PUT,
    )
    # Then only the valid stage is held
    assert reply.body["results"] == {"S1": {"status": 204}}
    assert reply.body["errors"]["S2"]["message"] == "'stage' must not be 'Not Available'"
    state = await sandbox.admin("GET", "/state")
    assert state["applications"][0]["stages"] == {"S1": {"atsCreatedAt": NOW, "stage": "Phone screen"}}
    # And deleting the application removes it with its stages
    ids = f"ids[0].atsJobApplicationId=A1&ids[0].dataProvider=ATS&ids[0].integrationContext={ORG}"
    deleted = await sandbox.call("DELETE", f"/v2/atsApplications?{ids}", token=token)
    assert deleted.body == {"results": {_app_key("A1"): {"status": 204}}, "errors": {}}
    assert (await sandbox.admin("GET", "/state"))["applications"] == []
    orphan = await sandbox.call(
        "PUT",
        f"/v2/atsApplications/{_app_key('A1')}/stages?ids=S1",
        token=token,
        json={"entities": {"S1": stages["S1"]}},
        headers=PUT,
    )
    assert orphan.status == 404

"""atsEntityAcls and atsEntityAclAssignees in the sandbox: batch upsert with empty bodies per key,
delete, the q=criteria finders, LinkedIn's batch limit and per-key errors, and the export drop-down
that follows them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.linkedin.sandbox.conftest import ORG, Sandbox

PERSON = "urn:li:person:acl-test"


def _acl_ids(pairs: list[tuple[str, str]]) -> str:
    parts = []
    for i, (acl, job) in enumerate(pairs):
        parts += [
            f"ids[{i}].atsEntityAclId={acl}",
            f"ids[{i}].dataProvider=ATS",
            f"ids[{i}].integrationContext={ORG}",
            f"ids[{i}].atsEntityId={job}",
            f"ids[{i}].atsEntityType=JOB_POSTING",
        ]
    return "&".join(parts)


def _acl_key(acl: str, job: str, entity_type: str = "JOB_POSTING") -> str:
    # Field order differs from the URL's, as in LinkedIn's own example.
    return (
        f"dataProvider=ATS&integrationContext={ORG}&atsEntityType={entity_type}"
        f"&atsEntityId={job}&atsEntityAclId={acl}"
    )


def _assignee_key(acl: str, person: str) -> str:
    return (
        f"atsEntityAclId={acl}&integrationContext={ORG}&dataProvider=ATS"
        f"&assignee={person}&atsEntityType=JOB_POSTING"
    )


async def _put(sandbox: Sandbox, token: str, resource: str, entities: dict[str, object]) -> tuple[int, Any]:
    reply = await sandbox.call(
        "PUT",
        f"/v2/{resource}?ids[0].atsEntityAclId=x",
        token=token,
        json={"entities": entities},
        headers={"x-restli-method": "batch_update"},
    )
    return reply.status, reply.body


async def test_acls_are_put_with_empty_bodies_found_by_entity_and_deleted(sandbox: Sandbox) -> None:
    # given
    token = await sandbox.token()
    # when
    status, body = await _put(
        sandbox, token, "atsEntityAcls", {_acl_key("7", "J1"): {}, _acl_key("8", "J1"): {}}
    )
    found = await sandbox.call(
        "GET",
        f"/v2/atsEntityAcls?q=criteria&atsEntityId=J1&atsEntityType=JOB_POSTING&dataProvider=ATS"
        f"&integrationContext={quote(ORG)}&start=0&count=100",
        token=token,
    )
    removed = await sandbox.call(
        "DELETE", f"/v2/atsEntityAcls?{_acl_ids([('7', 'J1'), ('9', 'J1')])}", token=token
    )
    after = await sandbox.call(
        "GET",
        f"/v2/atsEntityAcls?q=criteria&atsEntityId=J1&atsEntityType=JOB_POSTING&integrationContext={quote(ORG)}",
        token=token,
    )
    # then
    assert status == 200
    assert body == {
        "results": {_acl_key("7", "J1"): {"status": 204}, _acl_key("8", "J1"): {"status": 204}},
        "errors": {},
    }
    assert sorted(e["atsEntityAclId"] for e in found.body["elements"]) == ["7", "8"]
    assert removed.status == 200
    assert list(removed.body["results"]) == [_acl_ids([("7", "J1")]).replace("ids[0].", "")]
    assert [e["status"] for e in removed.body["errors"].values()] == [404]
    assert [e["atsEntityAclId"] for e in after.body["elements"]] == ["8"]


async def test_a_body_or_an_entity_type_other_than_job_posting_fails_for_its_key_only(
    sandbox: Sandbox,
) -> None:
    # given
    token = await sandbox.token()
    # when
    status, body = await _put(
        sandbox,
        token,
        "atsEntityAcls",
        {_acl_key("1", "J1"): {}, _acl_key("2", "J1"): {"note": "x"}, _acl_key("3", "C1", "CANDIDATE"): {}},
    )
    # then
    assert status == 200
    assert list(body["results"]) == [_acl_key("1", "J1")]
    errors = body["errors"]
    assert {k: v["status"] for k, v in errors.items()} == {
        _acl_key("2", "J1"): 400,
        _acl_key("3", "C1", "CANDIDATE"): 400,
    }


async def test_more_than_100_keys_in_one_batch_is_refused_whole(sandbox: Sandbox) -> None:
    # given
    token = await sandbox.token()
    # when
    status, body = await _put(
        sandbox, token, "atsEntityAclAssignees", {_assignee_key(str(i), PERSON): {} for i in range(101)}
    )
    # then
    assert status == 400
    assert body["message"] == "Batch of 101 records exceeds the limit of 100"
    assert sandbox.state.acl_assignees == set()


async def test_the_export_drop_down_shows_a_secured_job_to_its_assignees_only(sandbox: Sandbox) -> None:
    # given: two listed jobs, J1 secured by ACL 7, unsecured jobs shown to all product users
    token = await sandbox.token()
    for job in ("J1", "J2"):
        sandbox.state.jobs[(ORG, job)] = {
            "externalJobPostingId": job,
            "title": f"Job {job}",
            "state": "LISTED",
        }
    integration = (
        f"integrationContext={ORG}&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS"
    )
    await sandbox.call(
        "PUT",
        f"/v2/atsIntegrations/{integration}/configurations?ids=JOB_POSTING_VIEWERS",
        token=token,
        json={"entities": {"JOB_POSTING_VIEWERS": {"configurationValue": {"string": "ALL_PRODUCT_USERS"}}}},
        headers={"x-restli-method": "batch_update"},
    )
    await _put(sandbox, token, "atsEntityAcls", {_acl_key("7", "J1"): {}})
    await _put(sandbox, token, "atsEntityAclAssignees", {_assignee_key("7", PERSON): {}})
    # when
    assignee = await sandbox.admin("GET", f"/exportJobs?person={PERSON}")
    other = await sandbox.admin("GET", "/exportJobs?person=urn:li:person:someone-else")
    # then
    assert [j["externalJobPostingId"] for j in assignee["jobs"]] == ["J1", "J2"]
    assert [j["externalJobPostingId"] for j in other["jobs"]] == ["J2"]


async def test_without_the_viewers_configuration_a_job_without_acls_is_hidden(sandbox: Sandbox) -> None:
    # given
    sandbox.state.jobs[(ORG, "J2")] = {"externalJobPostingId": "J2", "title": "Job J2", "state": "LISTED"}
    # when
    listed = await sandbox.admin("GET", f"/exportJobs?person={PERSON}")
    # then
    assert listed["jobs"] == []

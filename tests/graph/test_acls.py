"""Secured groups through the API: an admin secures jobs; a recruiter outside the job's groups sees
neither the job nor its applications (anywhere they could show, and not in writes), one inside does,
admins do; a service client sees unsecured jobs only; LinkedIn's 10-groups-per-user rule holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select
from strawberry import relay

import models
from linkedin.sandbox.world import build_world
from models.acl_groups import MAX_GROUPS_PER_USER
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL, Sandbox
from tests.graph.acl_support import (
    APPLY,
    CREATE_CANDIDATE,
    CREATE_GROUP,
    SET_JOB_GROUPS,
    SET_USERS,
    create_group,
    create_job,
    new_user,
    ok,
    payload_of,
)

MOVE = """
mutation($input: MoveApplicationStageInput!) {
  moveApplicationStage(input: $input) { application { id } userErrors { field code } }
}
"""
SEEN = """
query($candidate: ID!, $job: ID!) {
  jobs { totalCount edges { node { title } } }
  candidate(id: $candidate) { applications { job { title } } }
  byJob: candidates(filter: {appliedToJob: $job}) { totalCount }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
MEMBERS = """
query($urns: [String!]) {
  linkedinMembers(personUrns: $urns) { inAts pastApplicant applications { job { title } } }
}
"""
MEMBER_URN = "urn:li:person:acl-member"


def recruiter(tenant: Tenant, user_id: int) -> Viewer:
    """A signed-in recruiter of the test customer."""
    return Viewer(tenant, user=f"user {user_id}", roles=frozenset({"recruiter"}), user_id=user_id)


@dataclass(frozen=True)
class Secured:
    """A secured and an open job, a candidate (a LinkedIn member) applied to both, the group's user and
    a recruiter outside it."""

    insider: Viewer
    outsider: Viewer
    secret: str
    public: str
    candidate: str
    secret_application: str
    group: str


@pytest.fixture
async def secured(graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant) -> Secured:
    """The secured world, built through the admin API."""
    insider_id, insider_gid = await new_user(sessions, customer_id, "in@acme.test")
    outsider_id, _ = await new_user(sessions, customer_id, "out@acme.test")
    secret = await create_job(graphql, "Secret")
    public = await create_job(graphql, "Public")
    created = await ok(
        graphql, CREATE_CANDIDATE, {"firstName": "Ada", "lastName": "L", "email": "ada@x.test"}
    )
    candidate = created["candidate"]["id"]
    applications = {}
    for title, job in (("Secret", secret), ("Public", public)):
        applied = await ok(graphql, APPLY, {"candidateId": candidate, "jobId": job})
        applications[title] = applied["application"]["id"]
    group = await create_group(graphql, "Execs")
    await ok(graphql, SET_USERS, {"groupId": group, "userIds": [insider_gid]})
    await ok(graphql, SET_JOB_GROUPS, {"jobId": secret, "groupIds": [group]})
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=int(_row_id(candidate)),
                person_urn=MEMBER_URN,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
    return Secured(
        insider=recruiter(tenant, insider_id),
        outsider=recruiter(tenant, outsider_id),
        secret=secret,
        public=public,
        candidate=candidate,
        secret_application=applications["Secret"],
        group=group,
    )


def _row_id(global_id: str) -> str:
    return relay.GlobalID.from_id(global_id).node_id


async def _seen(graphql: GraphQL, world: Secured, job: str, viewer: Viewer | None = None) -> dict[str, Any]:
    result = await graphql(SEEN, {"candidate": world.candidate, "job": job}, as_viewer=viewer)
    assert result.errors is None, result.errors
    assert result.data is not None
    return {
        "jobs": sorted(e["node"]["title"] for e in result.data["jobs"]["edges"]),
        "totalJobs": result.data["jobs"]["totalCount"],
        "applications": sorted(a["job"]["title"] for a in result.data["candidate"]["applications"]),
        "byJob": result.data["byJob"]["totalCount"],
    }


async def test_a_recruiter_outside_the_group_sees_neither_the_secured_job_nor_its_applications(
    graphql: GraphQL, secured: Secured
) -> None:
    # when
    seen = await _seen(graphql, secured, secured.secret, secured.outsider)
    # then
    assert seen == {"jobs": ["Public"], "totalJobs": 1, "applications": ["Public"], "byJob": 0}


async def test_a_recruiter_in_the_group_and_an_admin_see_the_secured_job_and_its_applications(
    graphql: GraphQL, secured: Secured
) -> None:
    # when
    insider = await _seen(graphql, secured, secured.secret, secured.insider)
    admin = await _seen(graphql, secured, secured.secret)
    # then
    expected = {
        "jobs": ["Public", "Secret"],
        "totalJobs": 2,
        "applications": ["Public", "Secret"],
        "byJob": 1,
    }
    assert insider == admin == expected


async def test_node_answers_not_found_for_a_secured_job_and_its_application_outside_the_group(
    graphql: GraphQL, secured: Secured
) -> None:
    # when
    job = await graphql(NODE, {"id": secured.secret}, as_viewer=secured.outsider)
    application = await graphql(NODE, {"id": secured.secret_application}, as_viewer=secured.outsider)
    insider = await graphql(NODE, {"id": secured.secret_application}, as_viewer=secured.insider)
    # then
    assert job.errors is not None
    assert application.errors is not None
    assert [e.extensions["code"] for e in (*job.errors, *application.errors) if e.extensions] == [
        "NOT_FOUND",
        "NOT_FOUND",
    ]
    assert insider.errors is None
    assert insider.data == {"node": {"id": secured.secret_application}}


async def test_a_recruiter_outside_the_group_cannot_apply_to_or_move_an_application_of_a_secured_job(
    graphql: GraphQL, secured: Secured, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    other = await ok(graphql, CREATE_CANDIDATE, {"firstName": "Bo", "lastName": "B", "email": "bo@x.test"})
    # when
    applied = await payload_of(
        graphql,
        APPLY,
        {"candidateId": other["candidate"]["id"], "jobId": secured.secret},
        as_viewer=secured.outsider,
    )
    moved = await payload_of(
        graphql,
        MOVE,
        {"applicationId": secured.secret_application, "stage": "Offer"},
        as_viewer=secured.outsider,
    )
    # then
    assert applied == {
        "application": None,
        "userErrors": [{"field": ["input", "jobId"], "code": "NOT_FOUND"}],
    }
    assert moved == {
        "application": None,
        "userErrors": [{"field": ["input", "applicationId"], "code": "NOT_FOUND"}],
    }
    async with sessions() as db:
        stages = (
            await db.exec(
                select(sa.func.count())
                .select_from(models.ApplicationStage)
                .where(col(models.ApplicationStage.customer_id) == customer_id)
            )
        ).one()
    assert stages == 2  # the two "Applied" stages of the fixture, nothing more


async def test_enrichment_keeps_the_member_in_ats_and_hides_the_secured_application(
    graphql: GraphQL, secured: Secured, tenant: Tenant
) -> None:
    # given: a service client (API key, no user) and the outsider
    service = Viewer(tenant, user="api key 1", roles=frozenset({"integration"}), api_key_id=1)
    # when
    answers = [
        await graphql(MEMBERS, {"urns": [MEMBER_URN]}, as_viewer=viewer)
        for viewer in (service, secured.outsider, secured.insider)
    ]
    # then
    assert [a.errors for a in answers] == [None, None, None]
    assert [a.data for a in answers] == [
        {
            "linkedinMembers": [
                {"inAts": True, "pastApplicant": True, "applications": [{"job": {"title": "Public"}}]}
            ]
        },
        {
            "linkedinMembers": [
                {"inAts": True, "pastApplicant": True, "applications": [{"job": {"title": "Public"}}]}
            ]
        },
        {
            "linkedinMembers": [
                {
                    "inAts": True,
                    "pastApplicant": True,
                    "applications": [{"job": {"title": "Public"}}, {"job": {"title": "Secret"}}],
                }
            ]
        },
    ]


async def test_a_group_name_already_used_is_a_conflict(graphql: GraphQL) -> None:
    # given
    await create_group(graphql, "Execs")
    # when
    payload = await payload_of(graphql, CREATE_GROUP, {"name": "  Execs "})
    # then
    assert payload["group"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "name"], "CONFLICT")]


async def test_an_eleventh_group_for_a_user_is_refused_naming_the_user_and_writes_nothing(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a user in 10 groups
    _, user = await new_user(sessions, customer_id, "busy@acme.test")
    for n in range(MAX_GROUPS_PER_USER):
        await ok(graphql, SET_USERS, {"groupId": await create_group(graphql, f"G{n}"), "userIds": [user]})
    eleventh = await create_group(graphql, "G10")
    # when
    payload = await payload_of(graphql, SET_USERS, {"groupId": eleventh, "userIds": [user]})
    # then
    assert payload["group"] is None
    assert payload["userErrors"] == [
        {
            "field": ["input", "userIds"],
            "message": "busy@acme.test is already in 10 groups, LinkedIn's limit per user",
            "code": "INVALID",
        }
    ]
    async with sessions() as db:
        memberships = (
            await db.exec(
                select(sa.func.count())
                .select_from(models.AclGroupUser)
                .where(col(models.AclGroupUser.customer_id) == customer_id)
            )
        ).one()
    assert memberships == MAX_GROUPS_PER_USER


async def test_unknown_ids_are_not_found_and_write_nothing(graphql: GraphQL, secured: Secured) -> None:
    # when
    users = await payload_of(
        graphql, SET_USERS, {"groupId": secured.group, "userIds": ["UmVjcnVpdGVyOjk5OTk5"]}
    )
    groups = await payload_of(
        graphql, SET_JOB_GROUPS, {"jobId": secured.public, "groupIds": ["QWNsR3JvdXA6OTk5OTk="]}
    )
    # then
    assert [(e["field"], e["code"]) for e in users["userErrors"]] == [(["input", "userIds"], "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in groups["userErrors"]] == [(["input", "groupIds"], "NOT_FOUND")]
    listed = await graphql("{ aclGroups { edges { node { name users { email } jobs { title } } } } }")
    assert listed.data == {
        "aclGroups": {
            "edges": [
                {
                    "node": {
                        "name": "Execs",
                        "users": [{"email": "in@acme.test"}],
                        "jobs": [{"title": "Secret"}],
                    }
                }
            ]
        }
    }


async def test_a_recruiter_may_not_read_or_change_groups(graphql: GraphQL, secured: Secured) -> None:
    # when
    listed = await graphql("{ aclGroups { totalCount } }", as_viewer=secured.insider)
    changed = await graphql(
        SET_USERS, {"input": {"groupId": secured.group, "userIds": []}}, as_viewer=secured.insider
    )
    # then
    assert [
        e.extensions["code"] for e in (*(listed.errors or []), *(changed.errors or [])) if e.extensions
    ] == [
        "FORBIDDEN",
        "FORBIDDEN",
    ]


async def test_changing_groups_writes_the_acl_outbox_rows_with_the_change(
    graphql: GraphQL, secured: Secured, sessions: SessionFactory, customer_id: int
) -> None:
    # when: the fixture put the insider in the group and the secret job in it
    async with sessions() as db:
        rows = (
            await db.exec(
                select(models.OutboxEvent.entity_type, models.OutboxEvent.entity_id).where(
                    col(models.OutboxEvent.customer_id) == customer_id,
                    col(models.OutboxEvent.entity_type).in_(
                        [models.SyncEntity.ENTITY_ACL, models.SyncEntity.ACL_ASSIGNEE]
                    ),
                )
            )
        ).all()
    # then
    assert sorted((str(t), i) for t, i in rows) == [
        ("ACL_ASSIGNEE", secured.insider.user_id),
        ("ENTITY_ACL", int(_row_id(secured.secret))),
    ]


async def export_to_secret(
    sessions: SessionFactory, customer_id: int, secured: Secured, *, external_job_id: str | None = None
) -> int:
    """A processed One-Click Export (`export-to-secret`) that applied the candidate to the secured job;
    its row id."""
    async with sessions() as db:
        row = models.ExportRequest(
            customer_id=customer_id,
            request_id="export-to-secret",
            status=models.ExportStatus.DONE,
            external_job_id=external_job_id,
            application_id=int(_row_id(secured.secret_application)),
        )
        db.add(row)
        await db.commit()
        assert row.id is not None
        return row.id


async def test_the_exports_listing_leaves_out_exports_to_a_secured_job_outside_the_group(
    graphql: GraphQL, secured: Secured, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a One-Click Export that applied the candidate to the secured job
    await export_to_secret(sessions, customer_id, secured)
    listing = "{ linkedinExports { totalCount edges { node { requestId } } } }"
    # when
    outsider = await graphql(listing, as_viewer=secured.outsider)
    insider = await graphql(listing, as_viewer=secured.insider)
    # then
    assert outsider.data == {"linkedinExports": {"totalCount": 0, "edges": []}}
    assert insider.data == {
        "linkedinExports": {"totalCount": 1, "edges": [{"node": {"requestId": "export-to-secret"}}]}
    }


PROCESS_EXPORT = """
mutation($input: ProcessLinkedInExportInput!) {
  processLinkedInExport(input: $input) {
    export { requestId status } application { id } candidate { id } userErrors { field message code }
  }
}
"""


async def test_processing_an_export_to_a_secured_job_outside_the_group_is_not_found_and_does_nothing(
    graphql: GraphQL, secured: Secured, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a processed One-Click Export that applied the candidate to the secured job
    await export_to_secret(sessions, customer_id, secured)
    # when: a recruiter outside the job's group, who learnt the request id, replays it
    result = await graphql(
        PROCESS_EXPORT, {"input": {"requestId": "export-to-secret"}}, as_viewer=secured.outsider
    )
    # then: the same answer as for an export that does not exist, and the stored export is untouched
    # (a replay would have fetched it from LinkedIn, which knows no such export, and failed it)
    assert result.errors is None
    assert result.data == {
        "processLinkedInExport": {
            "export": None,
            "application": None,
            "candidate": None,
            "userErrors": [
                {
                    "field": ["input", "requestId"],
                    "message": "No One-Click Export with this request id",
                    "code": "NOT_FOUND",
                }
            ],
        }
    }
    async with sessions() as db:
        stored = (
            await db.exec(
                select(models.ExportRequest).where(col(models.ExportRequest.customer_id) == customer_id)
            )
        ).one()
    assert (stored.status, stored.error) == (models.ExportStatus.DONE, None)


async def test_an_export_an_outsider_processes_onto_a_secured_job_is_applied_but_not_shown_to_it(
    graphql: GraphQL, secured: Secured, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given: an export to the secured job whose push never reached us
    world = build_world(sandbox.config)
    body = {
        "seat": world.seats[0].urn,
        "member": world.members[-1].urn,
        "externalJobPostingId": _row_id(secured.secret),
    }
    request_id = str((await sandbox.admin("POST", "exports", body))["requestId"])
    # when: a recruiter outside the job's group processes it by id
    outsider = await graphql(PROCESS_EXPORT, {"input": {"requestId": request_id}}, as_viewer=secured.outsider)
    # then: done, as the export worker would have done it, but told apart from nothing
    assert outsider.data is not None
    payload = outsider.data["processLinkedInExport"]
    assert (payload["export"], payload["application"], payload["candidate"]) == (None, None, None)
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    insider = await graphql(
        "query($id: String!) { linkedinExport(requestId: $id) { status application { job { title } } } }",
        {"id": request_id},
        as_viewer=secured.insider,
    )
    assert insider.data == {"linkedinExport": {"status": "DONE", "application": {"job": {"title": "Secret"}}}}


async def test_an_export_to_a_secured_job_is_not_found_by_request_id_or_node_outside_the_group(
    graphql: GraphQL, secured: Secured, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a One-Click Export that applied the candidate to the secured job
    row_id = await export_to_secret(sessions, customer_id, secured, external_job_id="secret-job")
    export_id = str(relay.GlobalID("LinkedInExport", str(row_id)))
    by_request = '{ linkedinExport(requestId: "export-to-secret") { externalJobPostingId } }'
    by_node = "query($id: ID!) { node(id: $id) { ... on LinkedInExport { externalJobPostingId } } }"
    # when
    outsider = await graphql(by_request, as_viewer=secured.outsider)
    outsider_node = await graphql(by_node, {"id": export_id}, as_viewer=secured.outsider)
    insider = await graphql(by_request, as_viewer=secured.insider)
    insider_node = await graphql(by_node, {"id": export_id}, as_viewer=secured.insider)
    # then
    assert (outsider.errors, outsider.data) == (None, {"linkedinExport": None})
    assert [(e.extensions or {}).get("code") for e in outsider_node.errors or []] == ["NOT_FOUND"]
    assert insider.data == {"linkedinExport": {"externalJobPostingId": "secret-job"}}
    assert insider_node.data == {"node": {"externalJobPostingId": "secret-job"}}

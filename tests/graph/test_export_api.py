"""The export API: `processLinkedInExport`, `linkedinExport`, `linkedinExports`, `exportUsage`."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry import relay

import models
from app.settings import Settings
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import Member, build_world
from models.db import SessionFactory
from resolvers import exports
from resolvers.export_usage import month_bounds
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL, Sandbox

WORLD = build_world(SandboxConfig())
SEAT = WORLD.seats[0].urn

PROCESS = """
mutation Process($input: ProcessLinkedInExportInput!) {
  processLinkedInExport(input: $input) {
    export { requestId status createdCandidate error }
    candidate { firstName lastName source }
    application { status source }
    created
    userErrors { field message code }
  }
}
"""

EXPORTS = """
query Exports($first: Int, $after: String, $status: LinkedInExportStatus) {
  linkedinExports(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { requestId status candidate { lastName } application { job { id } } } }
  }
}
"""


async def make_job(
    sessions: SessionFactory, customer_id: int, state: models.JobState = models.JobState.OPEN
) -> int:
    async with sessions() as db:
        job = models.Job(customer_id=customer_id, title="Engineering Manager", state=state)
        db.add(job)
        await db.commit()
        assert job.id is not None
        return job.id


async def export(sandbox: Sandbox, job: int, member: Member) -> str:
    body = {"seat": SEAT, "member": member.urn, "externalJobPostingId": str(job)}
    return str((await sandbox.admin("POST", "exports", body))["requestId"])


async def process(graphql: GraphQL, request_id: str) -> dict[str, Any]:
    result = await graphql(PROCESS, {"input": {"requestId": request_id}})
    assert result.errors is None
    assert result.data is not None
    return dict(result.data["processLinkedInExport"])


async def test_processing_an_export_returns_the_new_candidate_and_application(
    graphql: GraphQL, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given: an export whose push never reached us (support replays it by id)
    member = WORLD.members[230]
    request_id = await export(sandbox, await make_job(sessions, customer_id), member)
    # when
    payload = await process(graphql, request_id)
    # then
    assert payload == {
        "export": {"requestId": request_id, "status": "DONE", "createdCandidate": True, "error": None},
        "candidate": {
            "firstName": member.first_name,
            "lastName": member.last_name,
            "source": "LINKEDIN_EXPORT",
        },
        "application": {"status": "Applied", "source": exports.APPLICATION_SOURCE},
        "created": True,
        "userErrors": [],
    }


async def test_processing_an_export_to_a_closed_job_reports_why_it_failed(
    graphql: GraphQL, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    job_id = await make_job(sessions, customer_id, models.JobState.CLOSED)
    request_id = await export(sandbox, job_id, WORLD.members[231])
    # when
    payload = await process(graphql, request_id)
    # then
    message = f"The export names job {job_id} (Engineering Manager), which is closed"
    assert payload["export"] == {
        "requestId": request_id,
        "status": "FAILED",
        "createdCandidate": None,
        "error": message,
    }
    assert payload["userErrors"] == [{"field": ["input", "requestId"], "message": message, "code": "INVALID"}]
    assert (payload["candidate"], payload["created"]) == (None, False)


async def test_processing_while_linkedin_is_down_says_it_is_still_pending(
    graphql: GraphQL, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    request_id = await export(sandbox, await make_job(sessions, customer_id), WORLD.members[232])
    await sandbox.admin("POST", "faults", {"endpoint": "exportedCandidates", "status": 503, "count": None})
    # when
    payload = await process(graphql, request_id)
    # then
    assert payload["export"]["status"] == "PENDING"
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "LINKEDIN_UNAVAILABLE")]


async def test_an_over_long_request_id_is_refused_naming_the_field(graphql: GraphQL) -> None:
    payload = await process(graphql, "r" * 201)
    assert payload["userErrors"] == [
        {"field": ["input", "requestId"], "message": "A request id is 1 to 200 characters", "code": "INVALID"}
    ]
    assert payload["export"] is None


async def test_an_export_is_found_by_request_id_and_as_a_node(
    graphql: GraphQL,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    services: Services,
) -> None:
    # given
    request_id = await export(sandbox, await make_job(sessions, customer_id), WORLD.members[233])
    row = (await exports.process_export(services, tenant, request_id)).request
    node_id = str(relay.GlobalID("LinkedInExport", str(row.id)))
    # when
    result = await graphql(
        """query Q($r: String!, $id: ID!) {
             linkedinExport(requestId: $r) { id status matchReason }
             node(id: $id) { ... on LinkedInExport { requestId } }
             missing: linkedinExport(requestId: "nope") { id }
           }""",
        {"r": request_id, "id": node_id},
    )
    # then
    assert result.errors is None
    assert result.data == {
        "linkedinExport": {
            "id": node_id,
            "status": "DONE",
            "matchReason": "no candidate matched the person URN, email or profile URL: created",
        },
        "node": {"requestId": request_id},
        "missing": None,
    }


async def test_exports_are_listed_newest_first_filtered_by_status_with_a_total(
    graphql: GraphQL,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    services: Services,
) -> None:
    # given: three done, one failed
    job_id = await make_job(sessions, customer_id)
    done = [await export(sandbox, job_id, WORLD.members[i]) for i in (234, 235, 236)]
    for request_id in done:
        await exports.process_export(services, tenant, request_id)
    await exports.process_export(services, tenant, await export(sandbox, 999_999, WORLD.members[237]))
    # when
    result = await graphql(EXPORTS, {"first": 2, "status": "DONE"})
    # then
    assert result.errors is None
    assert result.data is not None
    page = result.data["linkedinExports"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["requestId"] for e in page["edges"]] == [done[2], done[1]]
    assert [e["node"]["candidate"]["lastName"] for e in page["edges"]] == [
        WORLD.members[236].last_name,
        WORLD.members[235].last_name,
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_listing_exports_costs_the_same_statements_for_one_and_many(
    graphql: GraphQL,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    services: Services,
    sql_log: list[str],
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    await exports.process_export(services, tenant, await export(sandbox, job_id, WORLD.members[150]))
    sql_log.clear()
    await graphql(EXPORTS, {"first": 100})
    one = len(sql_log)
    for i in range(151, 157):
        await exports.process_export(services, tenant, await export(sandbox, job_id, WORLD.members[i]))
    # when
    sql_log.clear()
    result = await graphql(EXPORTS, {"first": 100})
    # then
    assert result.errors is None
    assert len(sql_log) == one


async def test_export_usage_reports_each_seat_against_the_monthly_limit(
    graphql: GraphQL,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    services: Services,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    await exports.process_export(services, tenant, await export(sandbox, job_id, WORLD.members[157]))
    # when
    result = await graphql("{ exportUsage { seatUrn month used limit remaining recruiter { email } } }")
    # then
    assert result.errors is None
    assert result.data == {
        "exportUsage": [
            {
                "seatUrn": SEAT,
                "month": month_bounds(models.utcnow())[0].strftime("%Y-%m"),
                "used": 1,
                "limit": 300,
                "remaining": 299,
                "recruiter": None,
            }
        ]
    }


async def test_another_customers_exports_are_neither_found_nor_listed_nor_counted(
    graphql: GraphQL, sessions: SessionFactory, settings: Settings
) -> None:
    # given: an export of another customer, by a seat number this customer's LinkedIn uses too
    other = await other_customer_id(sessions, settings)
    async with sessions() as db:
        row = models.ExportRequest(
            customer_id=other,
            request_id="req-of-globex",
            status=models.ExportStatus.DONE,
            seat_urn=SEAT,
            exported_at=models.utcnow(),
        )
        db.add(row)
        await db.commit()
    node_id = str(relay.GlobalID("LinkedInExport", str(row.id)))
    # when
    result = await graphql(
        """query Q($id: ID!) {
             linkedinExport(requestId: "req-of-globex") { id }
             node(id: $id) { id }
             linkedinExports(first: 10) { totalCount }
             exportUsage { seatUrn used }
           }""",
        {"id": node_id},
    )
    # then: the node is not found, as an id of no row is not
    assert [(e.path, (e.extensions or {}).get("code")) for e in result.errors or []] == [
        (["node"], "NOT_FOUND")
    ]
    assert result.data == {
        "linkedinExport": None,
        "node": None,
        "linkedinExports": {"totalCount": 0},
        "exportUsage": [],
    }

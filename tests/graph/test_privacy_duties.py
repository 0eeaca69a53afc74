"""The privacy duties through GraphQL: operators offboard a customer (`offboardCustomer`, progress in
`customer.offboarding`); admins see the candidates LinkedIn lists as closed or purged
(`purgedLinkedInProfiles`, with what to do) and set the automatic erasure's days."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, update

import models
from app.settings import Settings
from graph.ids import global_id
from linkedin.sandbox.config import SandboxConfig
from models.db import SessionFactory
from models.offboarding import DataChoice
from resolvers import offboarding
from resolvers.tenants import Tenant
from resolvers.viewer import Role, Viewer
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL, Sandbox
from tests.resolvers.offboarding_support import synced_world


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    # Job postings are processed at once, so the synced jobs are SENT (to be closed at offboarding).
    return SandboxConfig(job_task_delay_ms=0)


OPERATOR = Viewer(None, user="ops@vendor.test", roles=frozenset({Role.OPERATOR}))

OFFBOARD = """
mutation Offboard($key: String, $id: ID, $choice: OffboardingDataChoice!) {
  offboardCustomer(input: {customerKey: $key, id: $id, dataChoice: $choice}) {
    customer { key offboarding { state dataChoice sent remaining failed } }
    offboarding { state dataChoice sent remaining failed finishedAt }
    userErrors { field code }
  }
}
"""
PURGED = """
{ purgedLinkedInProfiles(first: 10) { totalCount edges { node { firstName linkedinProfilePurgedAt
  purgedProfileAction { recommendedAction explanation } } } } }
"""


def payload(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    answer: dict[str, Any] = result.data["offboardCustomer"]
    return answer


async def test_an_operator_offboards_a_customer_by_key_and_sees_what_is_left_to_do(
    graphql: GraphQL, sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given: a customer with 2 candidates synced (2 applications, 2 notes, 2 candidates, ACLs, 2 jobs)
    await synced_world(sessions, tenant, candidates=2, mark="acme")
    # when
    result = await graphql(OFFBOARD, {"key": "acme", "choice": "DELETE"}, as_viewer=OPERATOR)
    # then: it is recorded with every record to remove on LinkedIn, and runs in the background
    answer = payload(result)
    assert answer["userErrors"] == []
    assert answer["offboarding"] == {
        "state": "DELETING_ON_LINKEDIN",
        "dataChoice": "DELETE",
        "sent": 0,
        "remaining": 2 + 2 + 2 + 1 + 1 + 2,
        "failed": 0,
        "finishedAt": None,
    }
    assert answer["customer"]["offboarding"]["remaining"] == 10
    # and: the customer's other work stopped (only its offboarding unit is scheduled)
    async with sessions() as db:
        kinds = [row.kind for row in await models.scheduled_work.scheduled_for(db, tenant.id)]
    assert kinds == ["offboarding"]


async def test_offboarding_again_with_the_same_choice_answers_its_progress_and_another_choice_conflicts(
    graphql: GraphQL, customer_id: int
) -> None:
    first = payload(await graphql(OFFBOARD, {"key": "acme", "choice": "ANONYMISE"}, as_viewer=OPERATOR))
    by_id = global_id("Customer", customer_id)
    again = payload(await graphql(OFFBOARD, {"id": by_id, "choice": "ANONYMISE"}, as_viewer=OPERATOR))
    other = payload(await graphql(OFFBOARD, {"key": "acme", "choice": "DELETE"}, as_viewer=OPERATOR))

    assert first["offboarding"]["dataChoice"] == "ANONYMISE"
    assert again["userErrors"] == []
    assert again["offboarding"] == {**first["offboarding"]}
    assert other["userErrors"] == [{"field": ["input", "dataChoice"], "code": "CONFLICT"}]


async def test_an_unknown_customer_or_a_customer_named_twice_is_a_user_error(
    graphql: GraphQL, customer_id: int
) -> None:
    unknown = payload(await graphql(OFFBOARD, {"key": "nobody", "choice": "DELETE"}, as_viewer=OPERATOR))
    both = payload(
        await graphql(
            OFFBOARD,
            {"key": "acme", "id": global_id("Customer", customer_id), "choice": "DELETE"},
            as_viewer=OPERATOR,
        )
    )
    neither = payload(await graphql(OFFBOARD, {"choice": "DELETE"}, as_viewer=OPERATOR))

    assert unknown["userErrors"] == [{"field": ["input", "customerKey"], "code": "NOT_FOUND"}]
    assert both["userErrors"] == [{"field": ["input", "customerKey"], "code": "INVALID"}]
    assert neither["userErrors"] == [{"field": ["input", "customerKey"], "code": "INVALID"}]


async def test_a_customers_admin_may_not_offboard_it(graphql: GraphQL) -> None:
    result = await graphql(OFFBOARD, {"key": "acme", "choice": "DELETE"})

    assert result.errors is not None
    assert [e.extensions["code"] for e in result.errors if e.extensions] == ["FORBIDDEN"]


async def flag(sessions: SessionFactory, customer_id: int, candidate_id: int) -> None:
    async with sessions() as db:
        await db.exec(
            update(models.Candidate)
            .where(col(models.Candidate.customer_id) == customer_id, col(models.Candidate.id) == candidate_id)
            .values(linkedin_profile_purged_at=models.utcnow())
        )
        await db.commit()


async def test_admins_list_the_purged_profiles_with_what_to_do(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: an exported candidate in no process, a candidate made in the ATS, one not purged
    async with sessions() as db:
        exported = models.Candidate(
            customer_id=customer_id, first_name="Exported", source=models.CandidateSource.LINKEDIN_EXPORT
        )
        manual = models.Candidate(customer_id=customer_id, first_name="Manual")
        fine = models.Candidate(customer_id=customer_id, first_name="Fine")
        db.add_all([exported, manual, fine])
        await db.commit()
    await flag(sessions, customer_id, int(exported.id or 0))
    await flag(sessions, customer_id, int(manual.id or 0))
    # when
    result = await graphql(PURGED)
    # then
    assert result.errors is None
    assert result.data is not None
    listed = result.data["purgedLinkedInProfiles"]
    assert listed["totalCount"] == 2
    nodes = [edge["node"] for edge in listed["edges"]]
    assert [(n["firstName"], n["purgedProfileAction"]["recommendedAction"]) for n in nodes] == [
        ("Exported", "ERASE"),
        ("Manual", "REVIEW"),
    ]
    assert all(n["linkedinProfilePurgedAt"] for n in nodes)
    assert nodes[0]["purgedProfileAction"]["explanation"].startswith("The candidate came from LinkedIn")


async def test_admins_turn_the_automatic_erasure_on_and_off(graphql: GraphQL) -> None:
    on = await graphql(
        "mutation { updateCustomerSettings(input: {purgedProfileAutoEraseDays: 14}) {"
        " customer { purgedProfileAutoEraseDays } userErrors { code } } }"
    )
    unchanged = await graphql(
        "mutation { updateCustomerSettings(input: {jobAvailability: PUBLIC}) {"
        " customer { purgedProfileAutoEraseDays } } }"
    )
    off = await graphql(
        "mutation { updateCustomerSettings(input: {purgedProfileAutoEraseDays: null}) {"
        " customer { purgedProfileAutoEraseDays } } }"
    )

    assert on.data == {
        "updateCustomerSettings": {"customer": {"purgedProfileAutoEraseDays": 14}, "userErrors": []}
    }
    assert unchanged.data == {"updateCustomerSettings": {"customer": {"purgedProfileAutoEraseDays": 14}}}
    assert off.data == {"updateCustomerSettings": {"customer": {"purgedProfileAutoEraseDays": None}}}


CUSTOMERS = "{ customers(first: 10) { totalCount edges { node { key offboarding { state remaining } } } } }"


async def test_the_operators_list_reads_every_customers_offboarding_in_the_same_statements(
    graphql: GraphQL, sessions: SessionFactory, settings: Settings, customer_id: int, sql_log: list[str]
) -> None:
    # given: acme offboarding, one other customer not
    await offboarding.start_offboarding(sessions, customer_id, DataChoice.DELETE, requested_by=None)
    await other_customer_id(sessions, settings)
    sql_log.clear()
    two = await graphql(CUSTOMERS, as_viewer=OPERATOR)
    two_statements = len(sql_log)
    # when: three more customers
    for key in ("initech", "hooli", "umbrella"):
        await other_customer_id(sessions, settings, key)
    sql_log.clear()
    five = await graphql(CUSTOMERS, as_viewer=OPERATOR)
    # then
    assert two.errors is None
    assert five.errors is None
    assert five.data is not None
    nodes = {edge["node"]["key"]: edge["node"]["offboarding"] for edge in five.data["customers"]["edges"]}
    assert nodes["acme"] == {"state": "DELETING_ON_LINKEDIN", "remaining": 0}
    assert [nodes[k] for k in ("globex", "initech", "hooli", "umbrella")] == [None] * 4
    assert len(sql_log) == two_statements


async def test_a_recruiter_may_not_read_the_offboarding_or_the_retention_report(
    graphql: GraphQL, tenant: Tenant
) -> None:
    recruiter = Viewer(tenant, user="rae@acme.test", roles=frozenset({Role.RECRUITER}))

    result = await graphql(
        "{ viewer { customer { key offboarding { state } retention { lastRunAt } } } }", as_viewer=recruiter
    )

    assert result.data == {"viewer": {"customer": {"key": "acme", "offboarding": None, "retention": None}}}
    assert result.errors is not None
    assert sorted((tuple(e.path or ()), (e.extensions or {}).get("code")) for e in result.errors) == [
        (("viewer", "customer", "offboarding"), "FORBIDDEN"),
        (("viewer", "customer", "retention"), "FORBIDDEN"),
    ]

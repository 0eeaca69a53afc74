"""createJob and updateJob: defaults, partial updates, title validation, JOB UPSERT outbox rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import models
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_application, make_job

CREATE = """
mutation Create($input: CreateJobInput!) {
  createJob(input: $input) {
    job { title description location companyApplyUrl state availability }
    userErrors { field message code }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateJobInput!) {
  updateJob(input: $input) {
    job { title location state availability }
    userErrors { field message code }
  }
}
"""


async def test_create_job_is_open_and_private_to_the_integration_by_default_and_queues_an_upsert(
    graphql: GraphQL, outbox: Outbox
) -> None:
    # when
    result = await graphql(
        CREATE,
        {
            "input": {
                "title": " Staff Engineer ",
                "description": "Build things.",
                "location": "Providence, RI",
                "companyApplyUrl": "https://jobs.example.com/1",
            }
        },
    )
    # then
    assert result.errors is None
    assert result.data == {
        "createJob": {
            "job": {
                "title": "Staff Engineer",
                "description": "Build things.",
                "location": "Providence, RI",
                "companyApplyUrl": "https://jobs.example.com/1",
                "state": "OPEN",
                "availability": "PRIVATE_TO_ATS_INTEGRATION",
            },
            "userErrors": [],
        }
    }
    assert await outbox() == [("JOB", 1, "UPSERT", {})]


async def test_create_job_with_a_title_over_200_characters_is_refused_and_writes_nothing(
    graphql: GraphQL, outbox: Outbox, count: Count
) -> None:
    # when
    result = await graphql(CREATE, {"input": {"title": "x" * 201}})
    # then
    assert result.errors is None
    assert result.data == {
        "createJob": {
            "job": None,
            "userErrors": [
                {
                    "field": ["input", "title"],
                    "message": "Title must be at most 200 characters",
                    "code": "INVALID",
                }
            ],
        }
    }
    assert await count(models.Job) == 0
    assert await outbox() == []


async def test_create_job_with_an_empty_title_and_a_bad_apply_url_names_both_fields(graphql: GraphQL) -> None:
    # when
    result = await graphql(CREATE, {"input": {"title": "  ", "companyApplyUrl": "jobs page"}})
    # then
    assert result.errors is None
    assert result.data == {
        "createJob": {
            "job": None,
            "userErrors": [
                {"field": ["input", "title"], "message": "Title must not be empty", "code": "INVALID"},
                {
                    "field": ["input", "companyApplyUrl"],
                    "message": "'jobs page' is not an http(s) URL",
                    "code": "INVALID",
                },
            ],
        }
    }


async def test_update_job_closes_it_and_makes_it_public_leaving_other_fields_and_queues_an_upsert(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    job = await make_job(sessions, customer_id, location="Providence, RI")
    await clear_outbox()
    # when
    result = await graphql(
        UPDATE, {"input": {"id": gid("Job", job.id), "state": "CLOSED", "availability": "PUBLIC"}}
    )
    # then
    assert result.errors is None
    assert result.data == {
        "updateJob": {
            "job": {
                "title": "Staff Engineer",
                "location": "Providence, RI",
                "state": "CLOSED",
                "availability": "PUBLIC",
            },
            "userErrors": [],
        }
    }
    assert await outbox() == [("JOB", job.id, "UPSERT", {})]


async def test_update_job_with_a_null_title_is_refused_and_changes_nothing(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    job = await make_job(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(UPDATE, {"input": {"id": gid("Job", job.id), "title": None}})
    # then
    assert result.errors is None
    assert result.data == {
        "updateJob": {
            "job": None,
            "userErrors": [
                {"field": ["input", "title"], "message": "Title must not be empty", "code": "INVALID"}
            ],
        }
    }
    async with sessions() as db:
        stored = await db.get(models.Job, (customer_id, job.id))
    assert stored is not None
    assert stored.title == "Staff Engineer"
    assert await outbox() == []


async def test_update_job_with_an_unknown_id_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(UPDATE, {"input": {"id": gid("Job", 7), "state": "CLOSED"}})
    # then
    assert result.errors is None
    assert result.data == {
        "updateJob": {
            "job": None,
            "userErrors": [{"field": ["input", "id"], "message": "No job has this id", "code": "NOT_FOUND"}],
        }
    }


async def test_renaming_a_job_queues_its_applications_again(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(
        UPDATE, {"input": {"id": gid("Job", application.job_id), "title": "Principal Engineer"}}
    )
    # then
    assert result.errors is None
    assert await outbox() == [
        ("JOB", application.job_id, "UPSERT", {}),
        (
            "APPLICATION",
            application.id,
            "UPSERT",
            {"candidate_id": application.candidate_id, "job_id": application.job_id},
        ),
    ]


SETTINGS = """mutation Settings($input: UpdateCustomerSettingsInput!) {
  updateCustomerSettings(input: $input) { customer { jobAvailability } userErrors { field code } } }"""


async def test_a_new_job_takes_the_customers_chosen_availability_unless_it_names_its_own(
    graphql: GraphQL,
) -> None:
    # given a customer that chose to post its jobs publicly (RSC-102)
    settings = await graphql(SETTINGS, {"input": {"jobAvailability": "PUBLIC"}})
    assert settings.errors is None
    # when jobs are created with and without an availability of their own
    default = await graphql(CREATE, {"input": {"title": "Designer"}})
    private = await graphql(
        CREATE, {"input": {"title": "Recruiter", "availability": "PRIVATE_TO_ATS_INTEGRATION"}}
    )
    # then the first follows the customer's choice and the second keeps its own
    assert default.data is not None
    assert private.data is not None
    assert default.data["createJob"]["job"]["availability"] == "PUBLIC"
    assert private.data["createJob"]["job"]["availability"] == "PRIVATE_TO_ATS_INTEGRATION"

"""applyToJob, moveApplicationStage and deleteApplication: history, conflicts, outbox rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlmodel import col, select

import models
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_application, make_candidate, make_job

APPLY = """
mutation Apply($input: ApplyToJobInput!) {
  applyToJob(input: $input) {
    application { status source job { title } }
    userErrors { field message code }
  }
}
"""

MOVE = """
mutation Move($input: MoveApplicationStageInput!) {
  moveApplicationStage(input: $input) {
    application { status lastActivityAt }
    stage { stage actor at }
    userErrors { field message code }
  }
}
"""

DELETE = """
mutation Delete($input: DeleteApplicationInput!) {
  deleteApplication(input: $input) { deletedApplicationId userErrors { field code } }
}
"""


async def _stages(sessions: SessionFactory, application_id: int | None) -> list[tuple[str, str | None]]:
    async with sessions() as db:
        rows = (
            await db.exec(
                select(models.ApplicationStage)
                .where(col(models.ApplicationStage.application_id) == application_id)
                .order_by(col(models.ApplicationStage.id))
            )
        ).all()
    return [(row.stage, row.actor) for row in rows]


async def test_apply_to_job_creates_an_applied_application_with_its_first_stage_and_queues_both(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    job = await make_job(sessions, customer_id)
    await clear_outbox()
    variables = {
        "input": {
            "candidateId": gid("Candidate", candidate.id),
            "jobId": gid("Job", job.id),
            "source": "Referral",
            "actor": "Jane Smith",
        }
    }
    # when
    result = await graphql(APPLY, variables)
    # then
    assert result.errors is None
    assert result.data == {
        "applyToJob": {
            "application": {"status": "Applied", "source": "Referral", "job": {"title": "Staff Engineer"}},
            "userErrors": [],
        }
    }
    assert await _stages(sessions, 1) == [("Applied", "Jane Smith")]
    assert await outbox() == [
        ("APPLICATION", 1, "UPSERT", {"candidate_id": candidate.id, "job_id": job.id}),
        ("APPLICATION_STAGE", 1, "UPSERT", {"application_id": 1}),
    ]


async def test_applying_twice_to_the_same_job_is_a_conflict_and_writes_nothing(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    count: Count,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    variables = {
        "input": {
            "candidateId": gid("Candidate", application.candidate_id),
            "jobId": gid("Job", application.job_id),
        }
    }
    # when
    result = await graphql(APPLY, variables)
    # then
    assert result.errors is None
    assert result.data == {
        "applyToJob": {
            "application": None,
            "userErrors": [
                {
                    "field": ["input", "jobId"],
                    "message": "The candidate has already applied to this job",
                    "code": "CONFLICT",
                }
            ],
        }
    }
    assert (await count(models.Application), await count(models.ApplicationStage)) == (1, 1)
    assert await outbox() == []


async def test_apply_to_job_with_unknown_candidate_and_job_names_both(graphql: GraphQL) -> None:
    # when
    result = await graphql(APPLY, {"input": {"candidateId": gid("Candidate", 5), "jobId": gid("Job", 6)}})
    # then
    assert result.errors is None
    assert result.data == {
        "applyToJob": {
            "application": None,
            "userErrors": [
                {
                    "field": ["input", "candidateId"],
                    "message": "No candidate has this id",
                    "code": "NOT_FOUND",
                },
                {"field": ["input", "jobId"], "message": "No job has this id", "code": "NOT_FOUND"},
            ],
        }
    }


async def test_apply_to_job_with_a_malformed_job_id_is_invalid(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    # when
    result = await graphql(
        APPLY, {"input": {"candidateId": gid("Candidate", candidate.id), "jobId": "Sm9iOmFiYw=="}}
    )
    # then
    assert result.errors is None
    assert result.data == {
        "applyToJob": {
            "application": None,
            "userErrors": [
                {
                    "field": ["input", "jobId"],
                    "message": "Not a valid global ID: 'Sm9iOmFiYw=='",
                    "code": "INVALID",
                }
            ],
        }
    }


async def test_move_application_stage_appends_to_history_and_sets_status_and_last_activity(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    at = "2030-01-02T03:04:05+00:00"
    # when
    result = await graphql(
        MOVE,
        {
            "input": {
                "applicationId": gid("Application", application.id),
                "stage": " Phone screen ",
                "actor": "Jane Smith",
                "at": at,
            }
        },
    )
    # then
    assert result.errors is None
    assert result.data == {
        "moveApplicationStage": {
            "application": {"status": "Phone screen", "lastActivityAt": at},
            "stage": {"stage": "Phone screen", "actor": "Jane Smith", "at": at},
            "userErrors": [],
        }
    }
    assert await _stages(sessions, application.id) == [("Applied", None), ("Phone screen", "Jane Smith")]
    key = {"candidate_id": application.candidate_id, "job_id": application.job_id}
    assert await outbox() == [
        ("APPLICATION_STAGE", 2, "UPSERT", {"application_id": application.id}),
        ("APPLICATION", application.id, "UPSERT", key),
    ]


async def test_a_back_dated_stage_joins_the_history_without_changing_the_status(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    # when
    result = await graphql(
        MOVE,
        {
            "input": {
                "applicationId": gid("Application", application.id),
                "stage": "Sourced",
                "at": "2001-01-01T00:00:00+00:00",
            }
        },
    )
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data["moveApplicationStage"]["application"]["status"] == "Applied"
    assert await _stages(sessions, application.id) == [("Applied", None), ("Sourced", None)]


@pytest.mark.parametrize("stage", ["", "   ", "Not Available", "not available"])
async def test_a_stage_linkedin_rejects_is_refused_and_writes_nothing(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    stage: str,
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(
        MOVE, {"input": {"applicationId": gid("Application", application.id), "stage": stage}}
    )
    # then
    assert result.errors is None
    assert result.data is not None
    payload = result.data["moveApplicationStage"]
    assert (payload["application"], [(e["field"], e["code"]) for e in payload["userErrors"]]) == (
        None,
        [(["input", "stage"], "INVALID")],
    )
    assert await _stages(sessions, application.id) == [("Applied", None)]
    assert await outbox() == []


async def test_a_stage_time_without_a_timezone_is_refused(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    # when
    result = await graphql(
        MOVE,
        {
            "input": {
                "applicationId": gid("Application", application.id),
                "stage": "Offer",
                "at": "2030-01-01T00:00:00",
            }
        },
    )
    # then
    assert result.errors is None
    assert result.data == {
        "moveApplicationStage": {
            "application": None,
            "stage": None,
            "userErrors": [
                {
                    "field": ["input", "at"],
                    "message": "Time must include a timezone offset",
                    "code": "INVALID",
                }
            ],
        }
    }


async def test_delete_application_removes_it_with_its_history_and_queues_a_delete_with_its_keys(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    count: Count,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(DELETE, {"input": {"id": gid("Application", application.id)}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteApplication": {"deletedApplicationId": gid("Application", application.id), "userErrors": []}
    }
    assert (await count(models.Application), await count(models.ApplicationStage)) == (0, 0)
    assert await outbox() == [
        (
            "APPLICATION",
            application.id,
            "DELETE",
            {"candidate_id": application.candidate_id, "job_id": application.job_id},
        )
    ]


async def test_delete_application_with_an_unknown_id_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(DELETE, {"input": {"id": gid("Application", 3)}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteApplication": {
            "deletedApplicationId": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }


async def test_move_stage_of_an_unknown_application_is_not_found_and_queues_nothing(
    graphql: GraphQL, outbox: Outbox
) -> None:
    # when
    result = await graphql(MOVE, {"input": {"applicationId": gid("Application", 8), "stage": "Offer"}})
    # then
    assert result.errors is None
    assert result.data == {
        "moveApplicationStage": {
            "application": None,
            "stage": None,
            "userErrors": [
                {
                    "field": ["input", "applicationId"],
                    "message": "No application has this id",
                    "code": "NOT_FOUND",
                }
            ],
        }
    }
    assert await outbox() == []


@pytest.mark.parametrize(
    ("at", "message"),
    [
        pytest.param("0001-01-01T00:00:00+14:00", "Time must be after 1970-01-01", id="year-one-east"),
        pytest.param("9999-12-31T23:59:59-14:00", "Time must be before 9999-12-31 (UTC)", id="year-end-west"),
    ],
)
async def test_a_stage_time_with_no_utc_equivalent_is_refused(
    graphql: GraphQL, sessions: SessionFactory, at: str, message: str, customer_id: int
) -> None:
    # given: times whose UTC equivalent falls outside the years datetime can hold
    application = await make_application(sessions, customer_id)
    # when
    result = await graphql(
        MOVE, {"input": {"applicationId": gid("Application", application.id), "stage": "Offer", "at": at}}
    )
    # then
    assert result.errors is None
    assert result.data == {
        "moveApplicationStage": {
            "application": None,
            "stage": None,
            "userErrors": [{"field": ["input", "at"], "message": message, "code": "INVALID"}],
        }
    }
    assert await _stages(sessions, application.id) == [("Applied", None)]

"""addInterviewFeedback, updateInterviewFeedback, deleteInterviewFeedback, deleteApplicationStage: their
rows, outbox events and userErrors; `Application.interviewFeedback` and `node(id)` read it in a constant
number of statements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import models
from models.db import SessionFactory
from resolvers.ats_writes import applications
from resolvers.ats_writes import interview_feedback as writes
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_application, make_candidate, make_job

ADD = """
mutation($input: AddInterviewFeedbackInput!) {
  addInterviewFeedback(input: $input) {
    interviewFeedback {
      id interviewerFirstName interviewerLastName feedback interviewType applicationId
      evaluations { attribute result }
    }
    userErrors { field code }
  }
}
"""
UPDATE = """
mutation($input: UpdateInterviewFeedbackInput!) {
  updateInterviewFeedback(input: $input) {
    interviewFeedback { feedback interviewType evaluations { attribute result } } userErrors { field code }
  }
}
"""
DELETE = """
mutation($input: DeleteInterviewFeedbackInput!) {
  deleteInterviewFeedback(input: $input) { deletedInterviewFeedbackId userErrors { field code } }
}
"""
MOVE = """
mutation($input: MoveApplicationStageInput!) {
  moveApplicationStage(input: $input) { stageId userErrors { field } }
}
"""
DELETE_STAGE = """
mutation($input: DeleteApplicationStageInput!) {
  deleteApplicationStage(input: $input) {
    deletedApplicationStageId application { status } userErrors { code }
  }
}
"""
APPLICATIONS = """
{ candidates(first: 50) { edges { node { applications { interviewFeedback { feedback } } } } } }
"""
NODE = """
query($id: ID!) { node(id: $id) { __typename ... on InterviewFeedback { feedback } } }
"""


def _input(application_id: int | None, **extra: object) -> dict[str, object]:
    return {
        "applicationId": gid("Application", application_id),
        "interviewerFirstName": " Ivo ",
        "interviewerLastName": "Ng",
        "feedback": "Clear thinker",
        "evaluations": [{"attribute": "Verbal Communication", "result": "4/5"}],
        "interviewType": "ONSITE",
        **extra,
    }


async def test_add_interview_feedback_stores_it_and_queues_an_upsert_keyed_by_application(
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
    result = await graphql(ADD, {"input": _input(application.id)})
    # then
    assert result.errors is None
    assert result.data is not None
    payload = result.data["addInterviewFeedback"]
    assert payload == {
        "interviewFeedback": {
            "id": payload["interviewFeedback"]["id"],
            "interviewerFirstName": "Ivo",
            "interviewerLastName": "Ng",
            "feedback": "Clear thinker",
            "interviewType": "ONSITE",
            "applicationId": gid("Application", application.id),
            "evaluations": [{"attribute": "Verbal Communication", "result": "4/5"}],
        },
        "userErrors": [],
    }
    [(entity, feedback_id, op, key)] = await outbox()
    assert (entity, op, key) == ("INTERVIEW_FEEDBACK", "UPSERT", {"application_id": application.id})
    assert payload["interviewFeedback"]["id"] == gid("InterviewFeedback", feedback_id)


async def test_add_interview_feedback_without_interviewer_or_to_an_unknown_application_writes_nothing(
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
    blank = await graphql(ADD, {"input": _input(application.id, interviewerLastName=" ")})
    unknown = await graphql(ADD, {"input": _input(999_999)})
    # then
    assert blank.data is not None
    assert unknown.data is not None
    assert blank.data["addInterviewFeedback"]["userErrors"] == [
        {"field": ["input", "interviewerLastName"], "code": "INVALID"}
    ]
    assert unknown.data["addInterviewFeedback"]["userErrors"] == [
        {"field": ["input", "applicationId"], "code": "NOT_FOUND"}
    ]
    assert (await count(models.InterviewFeedback), await outbox()) == (0, [])


async def test_update_replaces_the_feedback_and_delete_queues_a_delete_keyed_by_application(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    count: Count,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    assert application.id is not None
    row = await writes.add_interview_feedback(
        sessions, customer_id, application.id, writes.FeedbackFields("Ivo", "Ng", "First take")
    )
    feedback = gid("InterviewFeedback", row.id)
    await clear_outbox()
    # when
    updated = await graphql(
        UPDATE,
        {
            "input": {
                "id": feedback,
                "interviewerFirstName": "Ivo",
                "interviewerLastName": "Ng",
                "feedback": "Hire",
            }
        },
    )
    deleted = await graphql(DELETE, {"input": {"id": feedback}})
    again = await graphql(DELETE, {"input": {"id": feedback}})
    # then
    assert updated.data == {
        "updateInterviewFeedback": {
            "interviewFeedback": {"feedback": "Hire", "interviewType": None, "evaluations": []},
            "userErrors": [],
        }
    }
    assert deleted.data == {
        "deleteInterviewFeedback": {"deletedInterviewFeedbackId": feedback, "userErrors": []}
    }
    assert again.data == {
        "deleteInterviewFeedback": {
            "deletedInterviewFeedbackId": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }
    key = {"application_id": application.id}
    assert await outbox() == [
        ("INTERVIEW_FEEDBACK", row.id, "UPSERT", key),
        ("INTERVIEW_FEEDBACK", row.id, "DELETE", key),
    ]
    assert await count(models.InterviewFeedback) == 0


async def test_deleting_the_newest_stage_makes_the_one_before_the_status_and_queues_its_delete(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given: Applied, then Phone screen
    application = await make_application(sessions, customer_id)
    moved = await graphql(
        MOVE, {"input": {"applicationId": gid("Application", application.id), "stage": "Phone screen"}}
    )
    assert moved.data is not None
    stage = moved.data["moveApplicationStage"]["stageId"]
    await clear_outbox()
    # when
    result = await graphql(DELETE_STAGE, {"input": {"id": stage}})
    # then
    assert result.data == {
        "deleteApplicationStage": {
            "deletedApplicationStageId": stage,
            "application": {"status": "Applied"},
            "userErrors": [],
        }
    }
    [(entity, _, op, key)] = await outbox()
    assert (entity, op, key) == ("APPLICATION_STAGE", "DELETE", {"application_id": application.id})


async def test_interview_feedback_of_many_applications_is_read_in_constant_statements(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sql_log: list[str]
) -> None:
    async def feedback_statements() -> int:
        sql_log.clear()
        result = await graphql(APPLICATIONS)
        assert result.errors is None
        return sum("interview_feedback" in s for s in sql_log)

    async def add_applications(first: int, n: int) -> None:
        job = await make_job(sessions, customer_id)
        assert job.id is not None
        for i in range(first, first + n):
            candidate = await make_candidate(sessions, customer_id, email=f"c{i}@example.com")
            assert candidate.id is not None
            application = await writes_apply(sessions, customer_id, candidate.id, job.id)
            await writes.add_interview_feedback(
                sessions, customer_id, application, writes.FeedbackFields("Ivo", "Ng", f"take {i}")
            )

    # given / when
    await add_applications(0, 2)
    few = await feedback_statements()
    await add_applications(2, 10)
    many = await feedback_statements()
    # then
    assert (few, many) == (1, 1)


async def test_node_answers_interview_feedback_by_its_global_id(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    assert application.id is not None
    row = await writes.add_interview_feedback(
        sessions, customer_id, application.id, writes.FeedbackFields("Ivo", "Ng", "Solid")
    )
    # when
    result = await graphql(NODE, {"id": gid("InterviewFeedback", row.id)})
    # then
    assert result.errors is None
    assert result.data == {"node": {"__typename": "InterviewFeedback", "feedback": "Solid"}}


async def writes_apply(sessions: SessionFactory, customer_id: int, candidate_id: int, job_id: int) -> int:
    """A new application's id."""
    row = await applications.apply_to_job(sessions, customer_id, candidate_id, job_id)
    assert row.id is not None
    return row.id

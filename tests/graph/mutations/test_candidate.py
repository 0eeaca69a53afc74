"""createCandidate, updateCandidate and deleteCandidate: happy paths, named validation errors, outbox rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import models
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_application, make_candidate

CREATE = """
mutation Create($input: CreateCandidateInput!) {
  createCandidate(input: $input) {
    candidate { firstName lastName email phone title company mailingCity doNotContact source }
    userErrors { field message code }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateCandidateInput!) {
  updateCandidate(input: $input) {
    candidate { id firstName lastName email phone title }
    userErrors { field code }
  }
}
"""

DELETE = """
mutation Delete($input: DeleteCandidateInput!) {
  deleteCandidate(input: $input) { deletedCandidateId userErrors { field code } }
}
"""


async def test_create_candidate_stores_trimmed_values_with_a_lowercased_email_and_queues_an_upsert(
    graphql: GraphQL, outbox: Outbox
) -> None:
    # given
    variables = {
        "input": {
            "firstName": "  Grace ",
            "lastName": "Hopper",
            "email": " Grace.Hopper@Navy.MIL ",
            "phone": "+1 401 555 0100",
            "title": "Rear Admiral",
            "company": "US Navy",
            "mailingCity": "Arlington",
            "doNotContact": True,
        }
    }
    # when
    result = await graphql(CREATE, variables)
    # then
    assert result.errors is None
    assert result.data == {
        "createCandidate": {
            "candidate": {
                "firstName": "Grace",
                "lastName": "Hopper",
                "email": "grace.hopper@navy.mil",
                "phone": "+1 401 555 0100",
                "title": "Rear Admiral",
                "company": "US Navy",
                "mailingCity": "Arlington",
                "doNotContact": True,
                "source": "MANUAL",
            },
            "userErrors": [],
        }
    }
    assert await outbox() == [("CANDIDATE", 1, "UPSERT", {})]


async def test_create_candidate_names_every_bad_field_and_writes_nothing(
    graphql: GraphQL, outbox: Outbox, count: Count
) -> None:
    # given
    variables = {"input": {"firstName": "   ", "lastName": "", "email": "not-an-email"}}
    # when
    result = await graphql(CREATE, variables)
    # then
    assert result.errors is None
    assert result.data == {
        "createCandidate": {
            "candidate": None,
            "userErrors": [
                {
                    "field": ["input", "firstName"],
                    "message": "First name must not be empty",
                    "code": "INVALID",
                },
                {"field": ["input", "lastName"], "message": "Last name must not be empty", "code": "INVALID"},
                {
                    "field": ["input", "email"],
                    "message": "'not-an-email' is not a valid email address",
                    "code": "INVALID",
                },
            ],
        }
    }
    assert await count(models.Candidate) == 0
    assert await outbox() == []


async def test_update_candidate_changes_only_the_fields_given(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id, title="Analyst", phone="555-0100")
    await clear_outbox()
    # when
    result = await graphql(
        UPDATE,
        {"input": {"id": gid("Candidate", candidate.id), "title": "Engineer", "email": "ADA@Example.org"}},
    )
    # then
    assert result.errors is None
    assert result.data == {
        "updateCandidate": {
            "candidate": {
                "id": gid("Candidate", candidate.id),
                "firstName": "Ada",
                "lastName": "Lovelace",
                "email": "ada@example.org",
                "phone": "555-0100",
                "title": "Engineer",
            },
            "userErrors": [],
        }
    }
    assert await outbox() == [("CANDIDATE", candidate.id, "UPSERT", {})]


async def test_update_candidate_with_null_clears_an_optional_field(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id, phone="555-0100")
    # when
    result = await graphql(UPDATE, {"input": {"id": gid("Candidate", candidate.id), "phone": None}})
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data["updateCandidate"]["candidate"]["phone"] is None


async def test_update_candidate_that_changes_nothing_queues_no_event(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(UPDATE, {"input": {"id": gid("Candidate", candidate.id), "firstName": " Ada "}})
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data["updateCandidate"]["userErrors"] == []
    assert await outbox() == []


async def test_update_candidate_to_an_empty_last_name_is_refused_and_changes_nothing(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(
        UPDATE, {"input": {"id": gid("Candidate", candidate.id), "title": "CTO", "lastName": None}}
    )
    # then
    assert result.errors is None
    assert result.data == {
        "updateCandidate": {
            "candidate": None,
            "userErrors": [{"field": ["input", "lastName"], "code": "INVALID"}],
        }
    }
    async with sessions() as db:
        stored = await db.get(models.Candidate, (customer_id, candidate.id))
    assert stored is not None
    assert (stored.last_name, stored.title) == ("Lovelace", None)
    assert await outbox() == []


async def test_update_candidate_with_a_malformed_global_id_is_an_invalid_user_error(graphql: GraphQL) -> None:
    # when
    result = await graphql(UPDATE, {"input": {"id": "%%% not base64", "title": "CTO"}})
    # then
    assert result.errors is None
    assert result.data == {
        "updateCandidate": {"candidate": None, "userErrors": [{"field": ["input", "id"], "code": "INVALID"}]}
    }


async def test_update_candidate_with_an_unknown_id_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(UPDATE, {"input": {"id": gid("Candidate", 999), "title": "CTO"}})
    # then
    assert result.errors is None
    assert result.data == {
        "updateCandidate": {
            "candidate": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }


async def test_update_candidate_with_the_id_of_a_job_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(UPDATE, {"input": {"id": gid("Job", 1), "title": "CTO"}})
    # then
    assert result.errors is None
    assert result.data == {
        "updateCandidate": {
            "candidate": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }


async def test_delete_candidate_removes_it_and_queues_deletes_for_it_and_its_applications(
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
    candidate_id = application.candidate_id
    # when
    result = await graphql(DELETE, {"input": {"id": gid("Candidate", candidate_id)}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteCandidate": {"deletedCandidateId": gid("Candidate", candidate_id), "userErrors": []}
    }
    assert (await count(models.Candidate), await count(models.Application)) == (0, 0)
    assert await outbox() == [
        (
            "APPLICATION",
            application.id,
            "DELETE",
            {"candidate_id": candidate_id, "job_id": application.job_id},
        ),
        ("CANDIDATE", candidate_id, "DELETE", {}),
    ]


async def test_delete_candidate_with_an_unknown_id_is_not_found_and_queues_nothing(
    graphql: GraphQL, outbox: Outbox
) -> None:
    # when
    result = await graphql(DELETE, {"input": {"id": gid("Candidate", 42)}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteCandidate": {
            "deletedCandidateId": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }
    assert await outbox() == []


async def test_update_candidate_email_queues_its_applications_again(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    candidate_id = application.candidate_id
    # when
    result = await graphql(
        UPDATE, {"input": {"id": gid("Candidate", candidate_id), "email": "new@example.com"}}
    )
    # then
    assert result.errors is None
    assert await outbox() == [
        ("CANDIDATE", candidate_id, "UPSERT", {}),
        (
            "APPLICATION",
            application.id,
            "UPSERT",
            {"candidate_id": candidate_id, "job_id": application.job_id},
        ),
    ]


async def test_update_candidate_title_leaves_its_applications_alone(
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
        UPDATE, {"input": {"id": gid("Candidate", application.candidate_id), "title": "CTO"}}
    )
    # then
    assert result.errors is None
    assert await outbox() == [("CANDIDATE", application.candidate_id, "UPSERT", {})]


async def test_delete_candidate_with_an_id_beyond_the_integer_range_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(DELETE, {"input": {"id": gid("Candidate", 10**20)}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteCandidate": {
            "deletedCandidateId": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }


async def test_delete_candidate_with_a_non_ascii_digit_id_is_invalid(graphql: GraphQL) -> None:
    # when
    result = await graphql(DELETE, {"input": {"id": gid("Candidate", "²")}})  # type: ignore[arg-type]
    # then
    assert result.errors is None
    assert result.data == {
        "deleteCandidate": {
            "deletedCandidateId": None,
            "userErrors": [{"field": ["input", "id"], "code": "INVALID"}],
        }
    }

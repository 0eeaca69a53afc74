"""What the write API writes, sent on by the outbox worker, is what LinkedIn (the sandbox) then holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from linkedin.restli import parse_key
from models.db import SessionFactory
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox

CREATE_CANDIDATE = """
mutation($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { field } }
}
"""
UPDATE_CANDIDATE = """
mutation($input: UpdateCandidateInput!) { updateCandidate(input: $input) { userErrors { field } } }
"""
DELETE_CANDIDATE = """
mutation($input: DeleteCandidateInput!) { deleteCandidate(input: $input) { userErrors { field } } }
"""
ADD_CANDIDATE_NOTE = """
mutation($input: AddCandidateNoteInput!) { addCandidateNote(input: $input) { noteId userErrors { field } } }
"""
CREATE_JOB = """
mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } userErrors { field } } }
"""
APPLY = """
mutation($input: ApplyToJobInput!) { applyToJob(input: $input) { application { id } userErrors { field } } }
"""
MOVE = """
mutation($input: MoveApplicationStageInput!) {
  moveApplicationStage(input: $input) { userErrors { field } }
}
"""


class Clock:
    """Wall-clock time plus an offset the test moves (job posting tasks finish "later")."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> Clock:
    """The worker's clock."""
    return Clock()


@pytest.fixture
def worker(sessions: SessionFactory, tenant: Tenant, clock: Clock) -> OutboxWorker:
    """The test customer's outbox worker, which the write API feeds."""
    return OutboxWorker(sessions, tenant, SyncConfig(), clock=clock)


async def _ok(graphql: GraphQL, document: str, data: dict[str, Any]) -> dict[str, Any]:
    result = await graphql(document, {"input": data})
    assert result.errors is None
    assert result.data is not None
    payload: dict[str, Any] = next(iter(result.data.values()))
    assert payload["userErrors"] == []
    return payload


async def _drain(worker: OutboxWorker, clock: Clock) -> None:
    """Run the worker until nothing is due, letting job posting tasks finish in between."""
    for _ in range(5):
        await worker.run_until_idle()
        clock.offset += timedelta(minutes=10)


async def _held(sandbox: Sandbox) -> dict[str, Any]:
    state = await sandbox.admin("GET", "state")
    return {
        "candidates": {parse_key(c["key"])["atsCandidateId"]: c for c in state["candidates"]},
        "applications": {parse_key(a["key"])["atsJobApplicationId"]: a for a in state["applications"]},
    }


async def test_a_candidate_created_then_edited_through_the_api_reaches_linkedin_with_its_note(
    graphql: GraphQL, worker: OutboxWorker, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    created = await _ok(
        graphql,
        CREATE_CANDIDATE,
        {"firstName": "Grace", "lastName": "Hopper", "email": "Grace@Navy.example", "title": "Officer"},
    )
    candidate_id = created["candidate"]["id"]
    await _ok(graphql, UPDATE_CANDIDATE, {"id": candidate_id, "title": "Rear Admiral"})
    await _ok(
        graphql,
        ADD_CANDIDATE_NOTE,
        {"candidateId": candidate_id, "author": "Jane Smith", "body": "Met at GHC."},
    )
    # when
    await _drain(worker, clock)
    # then
    (_, held), *others = (await _held(sandbox))["candidates"].items()
    assert others == []
    body = held["body"]
    assert (body["firstName"], body["lastName"], body["emailAddresses"], body["currentJobTitle"]) == (
        "Grace",
        "Hopper",
        ["grace@navy.example"],
        "Rear Admiral",
    )
    assert [note["note"] for note in held["notes"].values()] == ["Met at GHC."]


async def test_an_application_moved_through_a_stage_reaches_linkedin_with_its_history(
    graphql: GraphQL, worker: OutboxWorker, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    candidate = await _ok(
        graphql, CREATE_CANDIDATE, {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}
    )
    job = await _ok(
        graphql,
        CREATE_JOB,
        {
            "title": "Engineer",
            "description": "Engines.",
            "location": "London, GB",
            "companyApplyUrl": "https://jobs.example.com/1",
        },
    )
    applied = await _ok(
        graphql, APPLY, {"candidateId": candidate["candidate"]["id"], "jobId": job["job"]["id"]}
    )
    application_id = applied["application"]["id"]
    await _ok(
        graphql, MOVE, {"applicationId": application_id, "stage": "Phone screen", "actor": "Jane Smith"}
    )
    # when
    await _drain(worker, clock)
    # then
    applications = (await _held(sandbox))["applications"]
    assert len(applications) == 1
    (held,) = applications.values()
    assert sorted(stage["stage"] for stage in held["stages"].values()) == ["Applied", "Phone screen"]


async def test_a_candidate_deleted_through_the_api_is_removed_from_linkedin(
    graphql: GraphQL, worker: OutboxWorker, clock: Clock, sandbox: Sandbox
) -> None:
    # given
    created = await _ok(
        graphql, CREATE_CANDIDATE, {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}
    )
    await _drain(worker, clock)
    assert len((await _held(sandbox))["candidates"]) == 1
    # when
    await _ok(graphql, DELETE_CANDIDATE, {"id": created["candidate"]["id"]})
    await _drain(worker, clock)
    # then
    assert (await _held(sandbox))["candidates"] == {}

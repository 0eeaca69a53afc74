"""The ATS write API's outbox rows, drained by the worker, carry each change to LinkedIn."""

from __future__ import annotations

from typing import Any

from resolvers.sync.worker import OutboxWorker
from tests.conftest import GraphQL, Sandbox
from tests.resolvers.sync.conftest import pushed

CREATE = """
mutation ($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { field message } }
}"""
UPDATE = """
mutation ($input: UpdateCandidateInput!) {
  updateCandidate(input: $input) { userErrors { field message } }
}"""
DELETE = """
mutation ($input: DeleteCandidateInput!) {
  deleteCandidate(input: $input) { userErrors { field message } }
}"""


async def mutate(graphql: GraphQL, document: str, input: dict[str, Any]) -> dict[str, Any]:
    result = await graphql(document, {"input": input})
    assert result.errors is None
    assert result.data is not None
    payload: dict[str, Any] = next(iter(result.data.values()))
    assert payload["userErrors"] == []
    return payload


async def test_a_candidate_created_without_email_then_given_one_then_deleted_is_mirrored_on_linkedin(
    graphql: GraphQL, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: created without email, so not sent
    created = await mutate(graphql, CREATE, {"firstName": "Alan", "lastName": "Turing"})
    node_id = created["candidate"]["id"]
    await worker.run_once()
    before = await pushed(sandbox)
    # when: given an email
    await mutate(graphql, UPDATE, {"id": node_id, "email": "alan@bletchley.example"})
    await worker.run_once()
    during = await pushed(sandbox)
    # and: deleted
    await mutate(graphql, DELETE, {"id": node_id})
    await worker.run_once()
    after = await pushed(sandbox)
    # then
    assert before["candidates"] == {}
    [held] = during["candidates"].values()
    assert (held["body"]["firstName"], held["body"]["emailAddresses"]) == ("Alan", ["alan@bletchley.example"])
    assert after["candidates"] == {}

"""Concurrent writes on one record: serialised, each a success or a userError, never INTERNAL or twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlmodel import col, select

import models
from models import ats_queries
from models.db import SessionFactory, write_session
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_application, make_candidate

CALLERS = 10
BOUND_S = 30

DELETE_CANDIDATE = """
mutation Delete($input: DeleteCandidateInput!) {
  deleteCandidate(input: $input) { deletedCandidateId userErrors { field code } }
}
"""

MOVE = """
mutation Move($input: MoveApplicationStageInput!) {
  moveApplicationStage(input: $input) { stage { stage } userErrors { field code } }
}
"""

DELETE_APPLICATION = """
mutation Delete($input: DeleteApplicationInput!) {
  deleteApplication(input: $input) { deletedApplicationId userErrors { field code } }
}
"""


async def concurrently(graphql: GraphQL, calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run the documents at once; every one must answer without a top-level error."""
    results = await asyncio.wait_for(
        asyncio.gather(*(graphql(query, variables) for query, variables in calls)), BOUND_S
    )
    for result in results:
        assert result.errors is None, result.errors
        assert result.data is not None
    return [next(iter(result.data.values())) for result in results if result.data is not None]


async def test_ten_deletes_of_one_candidate_make_one_success_and_one_outbox_row(
    graphql: GraphQL, sessions: SessionFactory, outbox: Outbox, clear_outbox: Any, customer_id: int
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    await clear_outbox()
    variables = {"input": {"id": gid("Candidate", candidate.id)}}
    # when
    payloads = await concurrently(graphql, [(DELETE_CANDIDATE, variables)] * CALLERS)
    # then
    outcomes = Counter(
        "deleted" if p["deletedCandidateId"] else tuple(e["code"] for e in p["userErrors"]) for p in payloads
    )
    assert outcomes == {"deleted": 1, ("NOT_FOUND",): CALLERS - 1}
    assert await outbox() == [("CANDIDATE", candidate.id, "DELETE", {})]


async def test_stage_moves_racing_a_delete_of_their_application_are_successes_or_not_found(
    graphql: GraphQL,
    sessions: SessionFactory,
    count: Count,
    outbox: Outbox,
    clear_outbox: Any,
    customer_id: int,
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    await clear_outbox()
    application_id = gid("Application", application.id)
    moves = [
        (MOVE, {"input": {"applicationId": application_id, "stage": f"Round {n}"}}) for n in range(CALLERS)
    ]
    # the delete in the middle, so some moves come before it and some after
    calls = [
        *moves[: CALLERS // 2],
        (DELETE_APPLICATION, {"input": {"id": application_id}}),
        *moves[CALLERS // 2 :],
    ]
    # when
    payloads = await concurrently(graphql, calls)
    # then
    assert payloads[CALLERS // 2] == {"deletedApplicationId": application_id, "userErrors": []}
    move_payloads = payloads[: CALLERS // 2] + payloads[CALLERS // 2 + 1 :]
    for payload in move_payloads:
        assert payload["userErrors"] in ([], [{"field": ["input", "applicationId"], "code": "NOT_FOUND"}])
        assert (payload["stage"] is None) == bool(payload["userErrors"])
    assert await count(models.Application) == 0
    assert await count(models.ApplicationStage) == 0
    # Each stage that was stored was queued once, and the application's delete comes after all of them.
    rows = await outbox()
    stored = sum(1 for p in move_payloads if p["stage"] is not None)
    assert sum(1 for r in rows if r[0] == "APPLICATION_STAGE") == stored
    assert rows[-1][:3] == ("APPLICATION", application.id, "DELETE")


async def test_a_write_session_holds_one_candidate_writer_at_a_time(
    sessions: SessionFactory, customer_id: int
) -> None:
    """The mechanism itself: read-modify-write of one row by ten sessions at once loses no update."""
    # given
    candidate = await make_candidate(sessions, customer_id, phone="0")

    async def bump() -> None:
        async with write_session(sessions) as db:
            row = await ats_queries.lock_candidate(db, customer_id, candidate.id or 0)
            assert row is not None
            await asyncio.sleep(0)  # let the others run their read now, if they could
            row.phone = str(int(row.phone or "0") + 1)

    # when
    await asyncio.wait_for(asyncio.gather(*(bump() for _ in range(CALLERS))), BOUND_S)
    # then
    async with sessions() as db:
        phone = (
            await db.exec(select(models.Candidate.phone).where(col(models.Candidate.id) == candidate.id))
        ).one()
    assert phone == str(CALLERS)

"""A query operation's loader batches read through one connection; a mutation's through a session each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import SessionFactory
from tests.conftest import GraphQL, Sandbox
from tests.graph.golden_world import add_golden_world
from tests.graph.test_candidate_tab_sql_count import TAB_QUERY


@pytest.fixture
def checkouts(engine: AsyncEngine) -> Iterator[list[object]]:
    """Every connection the engine's pool hands out from now on."""
    handed: list[object] = []

    def record(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        handed.append(dbapi_connection)

    sa.event.listen(engine.sync_engine.pool, "checkout", record)
    yield handed
    sa.event.remove(engine.sync_engine.pool, "checkout", record)


async def test_the_tab_query_checks_out_one_connection_for_all_its_loader_batches(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    checkouts: list[object],
    sql_log: list[str],
) -> None:
    # given: the golden world, LinkedIn failing (so no snapshot write joins the count)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 500})
    await add_golden_world(sessions, customer_id)
    checkouts.clear()
    sql_log.clear()
    # when
    result = await graphql(TAB_QUERY, {"search": "a"})
    # then: the page and every loader batch, many statements, over one connection
    assert result.errors is None
    assert len(sql_log) > 2
    assert len(checkouts) == 1


PAGE = """
query Page($first: Int!, $after: String) {
  candidates(first: $first, after: $after) { totalCount edges { node { firstName } } pageInfo { endCursor } }
}
"""


async def test_a_page_past_the_last_candidate_still_counts_them_all(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: the golden world's four candidates, and the cursor of the last one
    await add_golden_world(sessions, customer_id)
    everyone = await graphql(PAGE, {"first": 4})
    assert everyone.errors is None
    assert everyone.data is not None
    cursor = everyone.data["candidates"]["pageInfo"]["endCursor"]
    # when: the page after it (no row to carry the total)
    after = await graphql(PAGE, {"first": 2, "after": cursor})
    # then
    assert after.errors is None
    assert after.data is not None
    assert after.data["candidates"]["totalCount"] == 4
    assert after.data["candidates"]["edges"] == []
    assert everyone.data["candidates"]["totalCount"] == 4

"""The full candidate-tab query runs the same number of SQL statements however many rows it returns."""

from __future__ import annotations

from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.tab_world import add_candidates, add_recruiter

TAB_QUERY = """
query Tabs($search: String!) {
  candidates(first: 100, filter: {search: $search}) {
    totalCount
    edges { node {
      id firstName lastName email phone title company mailingCity source createdAt updatedAt
      syncEligibility { eligible missing }
      notes { author body createdAt }
      applications { id status lastActivityAt job { id title } stages { stage at actor } }
      linkedinProfile {
        personUrn profileUrl matchSource matchedAt algorithmicMatches manualMatch viewInRecruiterUrl
        widget { apiKey integrationContext atsCandidateId scriptUrl }
        freshness { fetchedAt stale error }
      }
      inmailThreads {
        seatUrn subject lastMessageAt messageCount
        recruiter { id firstName lastName }
        messages { direction author subject body sentAt }
      }
      linkedinNotes { body owner createdAt updatedAt ownerRecruiter { id } }
    } }
  }
}
"""


async def test_the_tab_query_costs_the_same_statements_for_one_small_and_fifty_large_candidates(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sql_log: list[str]
) -> None:
    # given: one candidate with 1 thread of 1 message, and 50 with 20 threads of 30 messages each
    await add_recruiter(sessions, customer_id, 0)
    await add_candidates(sessions, customer_id, count=1, threads=1, messages=1, name="Solo")
    await add_candidates(sessions, customer_id, count=50, threads=20, messages=30, name="Bulk")
    # when
    sql_log.clear()
    small = await graphql(TAB_QUERY, {"search": "solo"})
    small_count = len(sql_log)
    sql_log.clear()
    large = await graphql(TAB_QUERY, {"search": "bulk"})
    large_count = len(sql_log)
    # then
    assert small.errors is None
    assert large.errors is None
    assert small.data is not None
    assert large.data is not None
    assert small.data["candidates"]["totalCount"] == 1
    assert large.data["candidates"]["totalCount"] == 50
    messages = sum(
        len(thread["messages"])
        for edge in large.data["candidates"]["edges"]
        for thread in edge["node"]["inmailThreads"]
    )
    assert messages == 50 * 20 * 30
    assert small_count == large_count == 13

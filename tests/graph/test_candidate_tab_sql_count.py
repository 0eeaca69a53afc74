"""The full candidate-tab query runs the same number of SQL statements however many rows it returns, and
at most six (issue 12; it was 13)."""

from __future__ import annotations

import sqlalchemy as sa

import models
from models.db import SessionFactory
from models.upsert import table_of
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL
from tests.graph.tab_world import add_candidates, add_recruiter, member
from tests.graph.visibility_world import add_group, set_project_visibility

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
    # The page carries its total (one statement); identity + snapshot, applications + jobs + stages,
    # ATS notes, threads + recruiters + messages, LinkedIn notes + owners: one joined statement each.
    assert small_count == large_count
    assert large_count <= 6


async def test_the_visibility_rules_add_no_statement_to_the_tab_query(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant, sql_log: list[str]
) -> None:
    # given: the same worlds; of the large one's, every third InMail PRIVATE and every fifth PROJECT and
    # the notes of odd candidates PRIVATE; project members by ACL group; read by a recruiter in a group
    # with seat 0's user
    author = await add_recruiter(sessions, customer_id, 0)
    reader = await add_recruiter(sessions, customer_id, 1, "Liskov")
    await add_group(sessions, customer_id, "Engineering", [author, reader])
    await set_project_visibility(sessions, customer_id, models.ProjectVisibility.JOB_ACL_GROUPS)
    await add_candidates(sessions, customer_id, count=1, threads=1, messages=1, name="Solo")
    bulk = await add_candidates(sessions, customer_id, count=50, threads=20, messages=30, name="Bulk")
    message, thread, note = (
        table_of(models.InMailMessage),
        table_of(models.InMailThread),
        table_of(models.LinkedInNote),
    )
    bulk_members = [member(i) for i in bulk.candidate_ids]
    bulk_threads = sa.select(thread.c.id).where(thread.c.member_urn.in_(bulk_members))
    of_bulk = message.c.thread_id.in_(bulk_threads)
    async with sessions() as session:
        await session.exec(
            sa.update(message).where(of_bulk, message.c.id % 3 == 0).values(visibility="PRIVATE")
        )
        await session.exec(
            sa.update(message).where(of_bulk, message.c.id % 5 == 0).values(visibility="PROJECT")
        )
        odd = [member(i) for i in bulk.candidate_ids if i % 2 == 1]
        await session.exec(sa.update(note).where(note.c.member_urn.in_(odd)).values(visibility="PRIVATE"))
        await session.commit()
    viewer = Viewer(tenant, user="liskov1@ats.example", roles=frozenset({"recruiter"}), user_id=reader)
    # when
    sql_log.clear()
    small = await graphql(TAB_QUERY, {"search": "solo"}, as_viewer=viewer)
    small_count = len(sql_log)
    sql_log.clear()
    large = await graphql(TAB_QUERY, {"search": "bulk"}, as_viewer=viewer)
    large_count = len(sql_log)
    # then: seat 0's PROJECT InMails show (shared group), every other seat's PRIVATE ones do not
    assert small.errors is None
    assert large.errors is None
    assert large.data is not None
    threads = [t for edge in large.data["candidates"]["edges"] for t in edge["node"]["inmailThreads"]]
    assert sum(t["messageCount"] for t in threads) == sum(len(t["messages"]) for t in threads)
    assert 0 < sum(len(t["messages"]) for t in threads) < 50 * 20 * 30
    notes = [n for edge in large.data["candidates"]["edges"] for n in edge["node"]["linkedinNotes"]]
    assert len(notes) == 25
    assert small_count == large_count
    assert large_count <= 6

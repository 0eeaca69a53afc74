"""Every entity of the candidate page is a `Node` (InMail threads and messages, LinkedIn notes, ATS notes,
application stages): the ids the lists show resolve through `node(id)`, under the lists' visibility
rules (a hidden item is NOT_FOUND, as an unknown one)."""

from __future__ import annotations

from typing import Any

import models
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL
from tests.graph.tab_world import add_recruiter, gid
from tests.graph.visibility_world import (
    PRIVATE,
    PUBLIC,
    Sent,
    add_candidate,
    add_note,
    add_thread,
    admin,
    recruiter,
)

TAB = """
query Tab($id: ID!) {
  candidate(id: $id) {
    inmailThreads { id messages { id body } }
    linkedinNotes { id body }
    notes { id body }
    applications { stages { id stage } }
  }
}
"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on InMailThread { messageCount }
    ... on InMailMessage { body }
    ... on LinkedInNote { body }
    ... on Note { body }
    ... on ApplicationStage { stage }
  }
}
"""


async def _tab(graphql: GraphQL, candidate_id: int, viewer: Viewer) -> Any:
    result = await graphql(TAB, {"id": gid("Candidate", candidate_id)}, as_viewer=viewer)
    assert result.errors is None
    assert result.data is not None
    return result.data["candidate"]


async def _node(graphql: GraphQL, node_id: str, viewer: Viewer) -> tuple[Any, list[str]]:
    result = await graphql(NODE, {"id": node_id}, as_viewer=viewer)
    codes = [str((e.extensions or {}).get("code")) for e in result.errors or []]
    return (result.data or {}).get("node"), codes


async def _application_with_a_note(
    sessions: SessionFactory, customer_id: int, candidate_id: int, title: str
) -> tuple[int, int]:
    """A job, the candidate's application to it (one stage) and a note on it: (job id, application id)."""
    async with sessions() as db:
        job = models.Job(customer_id=customer_id, title=title)
        db.add(job)
        await db.flush()
        assert job.id is not None
        application = models.Application(customer_id=customer_id, candidate_id=candidate_id, job_id=job.id)
        db.add(application)
        await db.flush()
        assert application.id is not None
        db.add_all(
            [
                models.ApplicationStage(
                    customer_id=customer_id, application_id=application.id, stage=f"{title} stage"
                ),
                models.Note(
                    customer_id=customer_id,
                    candidate_id=candidate_id,
                    application_id=application.id,
                    author="Ben",
                    body=f"{title} note",
                ),
            ]
        )
        await db.commit()
        return job.id, application.id


async def _secure(sessions: SessionFactory, customer_id: int, job_id: int) -> None:
    """Put the job in an ACL group of no user: only admins see it."""
    async with sessions() as db:
        group = models.AclGroup(customer_id=customer_id, name="Executive search")
        db.add(group)
        await db.flush()
        assert group.id is not None
        db.add(models.AclGroupJob(customer_id=customer_id, group_id=group.id, job_id=job_id))
        await db.commit()


async def test_every_id_the_tab_shows_resolves_through_node_to_the_same_item(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: a thread of two InMails, a LinkedIn note, an ATS note on an application with a stage
    candidate_id = await add_candidate(sessions, customer_id)
    await add_thread(sessions, customer_id, candidate_id, 0, [Sent(1, "hello"), Sent(2, "again")])
    await add_note(sessions, customer_id, candidate_id, 0, "linkedin note")
    await _application_with_a_note(sessions, customer_id, candidate_id, "Engineer")
    tab = await _tab(graphql, candidate_id, admin(tenant))
    (thread,) = tab["inmailThreads"]
    (stage,) = tab["applications"][0]["stages"]
    shown = [
        (thread["id"], "InMailThread", {"messageCount": 2}),
        *((m["id"], "InMailMessage", {"body": m["body"]}) for m in thread["messages"]),
        *((n["id"], "LinkedInNote", {"body": n["body"]}) for n in tab["linkedinNotes"]),
        *((n["id"], "Note", {"body": n["body"]}) for n in tab["notes"]),
        (stage["id"], "ApplicationStage", {"stage": "Engineer stage"}),
    ]
    # when
    found = [await _node(graphql, node_id, admin(tenant)) for node_id, _, _ in shown]
    # then
    assert found == [({"__typename": t, "id": i, **fields}, []) for i, t, fields in shown]
    assert len(shown) == 6


async def test_a_private_inmail_and_note_of_another_seat_are_not_found_by_id(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: Hopper (seat 0) wrote a private InMail (the thread's only one) and a private note
    hopper = await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    candidate_id = await add_candidate(sessions, customer_id)
    await add_thread(sessions, customer_id, candidate_id, 0, [Sent(1, "secret", PRIVATE)])
    await add_note(sessions, customer_id, candidate_id, 0, "private note", PRIVATE, minutes=2)
    await add_note(sessions, customer_id, candidate_id, 0, "public note", PUBLIC, minutes=1)
    tab = await _tab(graphql, candidate_id, recruiter(tenant, hopper))
    (thread,) = tab["inmailThreads"]
    ids = [thread["id"], thread["messages"][0]["id"], *(n["id"] for n in tab["linkedinNotes"])]
    # when: Liskov asks for each; Hopper too
    by_liskov = [await _node(graphql, i, recruiter(tenant, liskov)) for i in ids]
    by_hopper = [(await _node(graphql, i, recruiter(tenant, hopper)))[1] for i in ids]
    # then: Liskov finds only the public note, Hopper everything
    assert [codes for _, codes in by_liskov] == [["NOT_FOUND"], ["NOT_FOUND"], ["NOT_FOUND"], []]
    assert by_liskov[3][0]["body"] == "public note"
    assert by_hopper == [[], [], [], []]


async def test_the_stage_and_note_of_a_secured_jobs_application_are_not_found_by_id(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: an application on a job secured by a group the recruiter is not in
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    candidate_id = await add_candidate(sessions, customer_id)
    job_id, _ = await _application_with_a_note(sessions, customer_id, candidate_id, "Secret")
    tab = await _tab(graphql, candidate_id, admin(tenant))
    ids = [tab["notes"][0]["id"], tab["applications"][0]["stages"][0]["id"]]
    await _secure(sessions, customer_id, job_id)
    # when
    by_liskov = [(await _node(graphql, i, recruiter(tenant, liskov)))[1] for i in ids]
    by_admin = [(await _node(graphql, i, admin(tenant)))[1] for i in ids]
    # then
    assert by_liskov == [["NOT_FOUND"], ["NOT_FOUND"]]
    assert by_admin == [[], []]


PAGES = """
query Pages($id: ID!, $after: String) {
  candidate(id: $id) {
    inmailThreads {
      messagesConnection(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { body } }
      }
    }
    notesConnection(first: 1) { totalCount edges { node { body } } }
    linkedinNotesConnection(first: 1) { totalCount pageInfo { hasNextPage } edges { node { body } } }
  }
}
"""
LISTS = """
query Lists($id: ID!) {
  candidate(id: $id) { inmailThreads { messages { body } } notes { body } linkedinNotes { body } }
}
"""
BOTH = """
query Both($id: ID!) {
  candidate(id: $id) {
    inmailThreads { messages { body } messagesConnection(first: 2) { totalCount } }
    notes { body } notesConnection { totalCount }
    linkedinNotes { body } linkedinNotesConnection { totalCount }
  }
}
"""


async def test_a_threads_messages_and_a_candidates_notes_page_as_connections(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: three InMails, two LinkedIn notes, one ATS note
    candidate_id = await add_candidate(sessions, customer_id)
    await add_thread(
        sessions, customer_id, candidate_id, 0, [Sent(1, "one"), Sent(2, "two"), Sent(3, "three")]
    )
    await add_note(sessions, customer_id, candidate_id, 0, "older", minutes=1)
    await add_note(sessions, customer_id, candidate_id, 0, "newer", minutes=2)
    await _application_with_a_note(sessions, customer_id, candidate_id, "Engineer")
    variables: dict[str, Any] = {"id": gid("Candidate", candidate_id)}
    # when: the first page, then the page after it
    first = await graphql(PAGES, variables, as_viewer=admin(tenant))
    assert first.data is not None
    cursor = first.data["candidate"]["inmailThreads"][0]["messagesConnection"]["pageInfo"]["endCursor"]
    second = await graphql(PAGES, {**variables, "after": cursor}, as_viewer=admin(tenant))
    # then
    assert first.errors is None
    assert second.errors is None
    assert second.data is not None
    pages = [r["candidate"]["inmailThreads"][0]["messagesConnection"] for r in (first.data, second.data)]
    assert [[e["node"]["body"] for e in p["edges"]] for p in pages] == [["one", "two"], ["three"]]
    assert [(p["totalCount"], p["pageInfo"]["hasNextPage"]) for p in pages] == [(3, True), (3, False)]
    assert first.data["candidate"]["notesConnection"] == {
        "totalCount": 1,
        "edges": [{"node": {"body": "Engineer note"}}],
    }
    assert first.data["candidate"]["linkedinNotesConnection"] == {
        "totalCount": 2,
        "pageInfo": {"hasNextPage": True},
        "edges": [{"node": {"body": "newer"}}],
    }


async def test_the_connections_beside_the_lists_add_no_sql_statement(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant, sql_log: list[str]
) -> None:
    # given
    candidate_id = await add_candidate(sessions, customer_id)
    await add_thread(sessions, customer_id, candidate_id, 0, [Sent(1, "one"), Sent(2, "two")])
    await add_note(sessions, customer_id, candidate_id, 0, "note")
    variables = {"id": gid("Candidate", candidate_id)}
    counts = []
    for document in (LISTS, BOTH):
        # when
        sql_log.clear()
        result = await graphql(document, variables, as_viewer=admin(tenant))
        assert result.errors is None
        counts.append(len(sql_log))
    # then
    assert counts[1] == counts[0]

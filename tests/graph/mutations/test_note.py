"""addCandidateNote, addApplicationNote, deleteCandidateNote, deleteApplicationNote and their outbox rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import models
from models.db import SessionFactory
from resolvers.ats_writes import notes
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_application, make_candidate

ADD_CANDIDATE_NOTE = """
mutation Add($input: AddCandidateNoteInput!) {
  addCandidateNote(input: $input) {
    noteId note { author body applicationId } userErrors { field message code }
  }
}
"""

ADD_APPLICATION_NOTE = """
mutation Add($input: AddApplicationNoteInput!) {
  addApplicationNote(input: $input) { noteId note { author body applicationId } userErrors { field code } }
}
"""

DELETE_CANDIDATE_NOTE = """
mutation Delete($input: DeleteCandidateNoteInput!) {
  deleteCandidateNote(input: $input) { deletedNoteId userErrors { field code } }
}
"""

DELETE_APPLICATION_NOTE = """
mutation Delete($input: DeleteApplicationNoteInput!) {
  deleteApplicationNote(input: $input) { deletedNoteId userErrors { field code } }
}
"""


async def test_add_candidate_note_stores_it_and_queues_an_upsert_keyed_by_candidate(
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
        ADD_CANDIDATE_NOTE,
        {
            "input": {
                "candidateId": gid("Candidate", candidate.id),
                "author": "Jane Smith",
                "body": " Great fit. ",
            }
        },
    )
    # then
    assert result.errors is None
    assert result.data == {
        "addCandidateNote": {
            "noteId": gid("Note", 1),
            "note": {"author": "Jane Smith", "body": "Great fit.", "applicationId": None},
            "userErrors": [],
        }
    }
    assert await outbox() == [("CANDIDATE_NOTE", 1, "UPSERT", {"candidate_id": candidate.id})]


async def test_add_candidate_note_with_an_empty_body_is_refused_and_writes_nothing(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    count: Count,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    await clear_outbox()
    # when
    result = await graphql(
        ADD_CANDIDATE_NOTE,
        {"input": {"candidateId": gid("Candidate", candidate.id), "author": "Jane", "body": " "}},
    )
    # then
    assert result.errors is None
    assert result.data == {
        "addCandidateNote": {
            "noteId": None,
            "note": None,
            "userErrors": [
                {"field": ["input", "body"], "message": "Body must not be empty", "code": "INVALID"}
            ],
        }
    }
    assert await count(models.Note) == 0
    assert await outbox() == []


async def test_add_candidate_note_to_an_unknown_candidate_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(
        ADD_CANDIDATE_NOTE, {"input": {"candidateId": gid("Candidate", 9), "author": "Jane", "body": "Hi"}}
    )
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data["addCandidateNote"]["userErrors"] == [
        {"field": ["input", "candidateId"], "message": "No candidate has this id", "code": "NOT_FOUND"}
    ]


async def test_add_application_note_stores_it_and_queues_an_upsert_keyed_by_application(
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
        ADD_APPLICATION_NOTE,
        {
            "input": {
                "applicationId": gid("Application", application.id),
                "author": "Jane",
                "body": "Strong onsite.",
            }
        },
    )
    # then
    assert result.errors is None
    assert result.data == {
        "addApplicationNote": {
            "noteId": gid("Note", 1),
            "note": {
                "author": "Jane",
                "body": "Strong onsite.",
                "applicationId": gid("Application", application.id),
            },
            "userErrors": [],
        }
    }
    assert await outbox() == [("APPLICATION_NOTE", 1, "UPSERT", {"application_id": application.id})]


async def test_delete_candidate_note_removes_it_and_queues_a_delete_keyed_by_candidate(
    graphql: GraphQL,
    sessions: SessionFactory,
    outbox: Outbox,
    count: Count,
    clear_outbox: Callable[[], Awaitable[None]],
    customer_id: int,
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    assert candidate.id is not None
    note = await notes.add_candidate_note(sessions, customer_id, candidate.id, author="Jane", body="Hi")
    await clear_outbox()
    # when
    result = await graphql(DELETE_CANDIDATE_NOTE, {"input": {"id": gid("Note", note.id)}})
    # then
    assert result.errors is None
    assert result.data == {"deleteCandidateNote": {"deletedNoteId": gid("Note", note.id), "userErrors": []}}
    assert await count(models.Note) == 0
    assert await outbox() == [("CANDIDATE_NOTE", note.id, "DELETE", {"candidate_id": candidate.id})]


async def test_delete_candidate_note_given_an_application_note_is_not_found_and_keeps_it(
    graphql: GraphQL, sessions: SessionFactory, count: Count, customer_id: int
) -> None:
    # given
    application = await make_application(sessions, customer_id)
    assert application.id is not None
    note = await notes.add_application_note(sessions, customer_id, application.id, author="Jane", body="Hi")
    # when
    result = await graphql(DELETE_CANDIDATE_NOTE, {"input": {"id": gid("Note", note.id)}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteCandidateNote": {
            "deletedNoteId": None,
            "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}],
        }
    }
    assert await count(models.Note) == 1


async def test_delete_application_note_removes_it_and_queues_a_delete_keyed_by_application(
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
    note = await notes.add_application_note(sessions, customer_id, application.id, author="Jane", body="Hi")
    await clear_outbox()
    # when
    result = await graphql(DELETE_APPLICATION_NOTE, {"input": {"id": gid("Note", note.id)}})
    # then
    assert result.errors is None
    assert result.data == {"deleteApplicationNote": {"deletedNoteId": gid("Note", note.id), "userErrors": []}}
    assert await count(models.Note) == 0
    assert await outbox() == [("APPLICATION_NOTE", note.id, "DELETE", {"application_id": application.id})]


async def test_delete_application_note_with_a_malformed_id_is_invalid(graphql: GraphQL) -> None:
    # when
    result = await graphql(DELETE_APPLICATION_NOTE, {"input": {"id": "nope"}})
    # then
    assert result.errors is None
    assert result.data == {
        "deleteApplicationNote": {
            "deletedNoteId": None,
            "userErrors": [{"field": ["input", "id"], "code": "INVALID"}],
        }
    }


async def test_a_note_listed_on_the_candidate_carries_the_id_that_deletes_it(
    graphql: GraphQL, sessions: SessionFactory, count: Count, customer_id: int
) -> None:
    # given
    candidate = await make_candidate(sessions, customer_id)
    assert candidate.id is not None
    await notes.add_candidate_note(sessions, customer_id, candidate.id, author="Jane", body="Hi")
    listed = await graphql(
        "query($id: ID!) { candidate(id: $id) { notes { id } } }", {"id": gid("Candidate", candidate.id)}
    )
    assert listed.data is not None
    (note,) = listed.data["candidate"]["notes"]
    # when
    result = await graphql(DELETE_CANDIDATE_NOTE, {"input": {"id": note["id"]}})
    # then
    assert result.errors is None
    assert result.data == {"deleteCandidateNote": {"deletedNoteId": note["id"], "userErrors": []}}
    assert await count(models.Note) == 0


async def test_add_application_note_without_an_author_is_refused_and_writes_nothing(
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
    result = await graphql(
        ADD_APPLICATION_NOTE,
        {"input": {"applicationId": gid("Application", application.id), "author": " ", "body": "Hi"}},
    )
    # then
    assert result.errors is None
    assert result.data == {
        "addApplicationNote": {
            "noteId": None,
            "note": None,
            "userErrors": [{"field": ["input", "author"], "code": "INVALID"}],
        }
    }
    assert await count(models.Note) == 0
    assert await outbox() == []


async def test_add_application_note_to_an_unknown_application_is_not_found(graphql: GraphQL) -> None:
    # when
    result = await graphql(
        ADD_APPLICATION_NOTE,
        {"input": {"applicationId": gid("Application", 4), "author": "Jane", "body": "Hi"}},
    )
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data["addApplicationNote"]["userErrors"] == [
        {"field": ["input", "applicationId"], "code": "NOT_FOUND"}
    ]

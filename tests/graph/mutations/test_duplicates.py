"""One person once: a second candidate with an email already held is a DUPLICATE naming the first."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

import models
from models.ats import CANDIDATE_EMAIL_INDEX
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.mutations.conftest import Count, Outbox
from tests.graph.mutations.factories import gid, make_candidate

CREATE = """
mutation Create($input: CreateCandidateInput!) {
  createCandidate(input: $input) {
    candidate { id email }
    userErrors { field code existingId }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateCandidateInput!) {
  updateCandidate(input: $input) {
    candidate { id email possibleDuplicateOf { id } }
    userErrors { field code existingId }
  }
}
"""

DELETE = """
mutation Delete($input: DeleteCandidateInput!) {
  deleteCandidate(input: $input) { deletedCandidateId userErrors { code } }
}
"""

CANDIDATE = """
query One($id: ID!) { candidate(id: $id) { id possibleDuplicateOf { id email } } }
"""


def create_input(email: str, first: str = "Grace") -> dict[str, Any]:
    return {"input": {"firstName": first, "lastName": "Hopper", "email": email}}


async def data(graphql: GraphQL, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    result = await asyncio.wait_for(graphql(query, variables), 10)
    assert result.errors is None, result.errors
    assert result.data is not None
    return dict(next(iter(result.data.values())))


async def flag_as_duplicate(
    sessions: SessionFactory, customer_id: int, email: str, of: int, first: str = "Dup"
) -> int:
    """A candidate as migration 0002 leaves an earlier duplicate: same email, flagged, outside the index."""
    async with sessions() as db, db.begin():
        row = models.Candidate(
            customer_id=customer_id,
            first_name=first,
            last_name="Hopper",
            email=email,
            possible_duplicate_of_id=of,
        )
        db.add(row)
        await db.flush()
        assert row.id is not None
        return row.id


async def test_creating_a_second_candidate_with_an_email_in_another_case_is_a_duplicate_naming_the_first(
    graphql: GraphQL, sessions: SessionFactory, count: Count
) -> None:
    # given
    first = await data(graphql, CREATE, create_input("grace@navy.mil"))
    # when
    payload = await data(graphql, CREATE, create_input(" Grace@NAVY.mil ", "Other"))
    # then
    assert payload == {
        "candidate": None,
        "userErrors": [
            {"field": ["input", "email"], "code": "DUPLICATE", "existingId": first["candidate"]["id"]}
        ],
    }
    assert await count(models.Candidate) == 1


async def test_twenty_creates_with_one_email_at_once_make_one_candidate_and_nineteen_duplicates(
    graphql: GraphQL, sessions: SessionFactory, count: Count, outbox: Outbox
) -> None:
    # when
    payloads = await asyncio.wait_for(
        asyncio.gather(*(data(graphql, CREATE, create_input("grace@navy.mil", f"G{n}")) for n in range(20))),
        30,
    )
    # then
    created = [p["candidate"]["id"] for p in payloads if p["candidate"] is not None]
    assert len(created) == 1
    refused = [p["userErrors"] for p in payloads if p["candidate"] is None]
    assert refused == [[{"field": ["input", "email"], "code": "DUPLICATE", "existingId": created[0]}]] * 19
    assert await count(models.Candidate) == 1
    assert [row[:3] for row in await outbox()] == [("CANDIDATE", row[1], "UPSERT") for row in await outbox()]
    assert len(await outbox()) == 1


async def test_changing_an_email_to_one_another_candidate_holds_is_a_duplicate_and_changes_nothing(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    holder = await make_candidate(sessions, customer_id, email="ada@example.com")
    other = await make_candidate(sessions, customer_id, email="grace@example.com")
    # when
    payload = await data(
        graphql, UPDATE, {"input": {"id": gid("Candidate", other.id), "email": "ADA@example.com"}}
    )
    same = await data(
        graphql, UPDATE, {"input": {"id": gid("Candidate", holder.id), "email": "Ada@Example.com"}}
    )
    # then
    assert payload == {
        "candidate": None,
        "userErrors": [
            {"field": ["input", "email"], "code": "DUPLICATE", "existingId": gid("Candidate", holder.id)}
        ],
    }
    assert same["userErrors"] == []  # its own email, in another case, is no duplicate
    async with sessions() as db:
        assert (await db.get(models.Candidate, (customer_id, other.id or 0))) is not None
        email = (
            await db.exec(select(models.Candidate.email).where(col(models.Candidate.id) == other.id))
        ).one()
    assert email == "grace@example.com"


async def test_twenty_updates_to_one_email_at_once_give_it_to_one_candidate(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    ids = [(await make_candidate(sessions, customer_id, email=f"c{n}@example.com")).id for n in range(20)]
    # when
    payloads = await asyncio.wait_for(
        asyncio.gather(
            *(
                data(graphql, UPDATE, {"input": {"id": gid("Candidate", i), "email": "taken@example.com"}})
                for i in ids
            )
        ),
        30,
    )
    # then
    winners = [p["candidate"]["id"] for p in payloads if p["candidate"] is not None]
    assert len(winners) == 1
    assert all(
        p["userErrors"] == [{"field": ["input", "email"], "code": "DUPLICATE", "existingId": winners[0]}]
        for p in payloads
        if p["candidate"] is None
    )


async def test_a_flagged_duplicate_shows_the_candidate_it_may_repeat_and_a_new_email_clears_the_flag(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    holder = await make_candidate(sessions, customer_id, email="ada@example.com")
    assert holder.id is not None
    flagged = await flag_as_duplicate(sessions, customer_id, "ada@example.com", holder.id)
    # when
    shown = await data(graphql, CANDIDATE, {"id": gid("Candidate", flagged)})
    changed = await data(
        graphql, UPDATE, {"input": {"id": gid("Candidate", flagged), "email": "ada2@example.com"}}
    )
    # then
    assert shown["possibleDuplicateOf"] == {"id": gid("Candidate", holder.id), "email": "ada@example.com"}
    assert changed["candidate"] == {
        "id": gid("Candidate", flagged),
        "email": "ada2@example.com",
        "possibleDuplicateOf": None,
    }


async def test_deleting_the_holder_of_an_email_hands_it_to_the_oldest_flagged_duplicate(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    holder = await make_candidate(sessions, customer_id, email="ada@example.com")
    assert holder.id is not None
    older = await flag_as_duplicate(sessions, customer_id, "ada@example.com", holder.id, "Older")
    newer = await flag_as_duplicate(sessions, customer_id, "ada@example.com", holder.id, "Newer")
    # when
    deleted = await data(graphql, DELETE, {"input": {"id": gid("Candidate", holder.id)}})
    # then
    assert deleted["userErrors"] == []
    async with sessions() as db:
        flags = (
            await db.exec(
                select(models.Candidate.id, models.Candidate.possible_duplicate_of_id).order_by(
                    col(models.Candidate.id)
                )
            )
        ).all()
    assert [tuple(f) for f in flags] == [(older, None), (newer, older)]
    again = await data(graphql, CREATE, create_input("ada@example.com"))
    assert again["userErrors"][0]["existingId"] == gid("Candidate", older)


async def test_the_unique_index_refuses_a_second_holder_written_past_the_resolvers(
    sessions: SessionFactory,
    customer_id: int,
) -> None:
    # given
    await make_candidate(sessions, customer_id, email="ada@example.com")
    # when / then: the index, not only the resolver's check, is the judge
    with pytest.raises(sa.exc.IntegrityError, match=CANDIDATE_EMAIL_INDEX):
        async with sessions() as db, db.begin():
            db.add(
                models.Candidate(
                    customer_id=customer_id,
                    first_name="X",
                    last_name="Y",
                    email="ADA@EXAMPLE.COM",
                )
            )


async def test_a_candidate_linkedin_brings_in_with_a_held_email_is_stored_flagged_for_review(
    sessions: SessionFactory,
    customer_id: int,
) -> None:
    # given
    holder = await make_candidate(sessions, customer_id, email="ada@example.com")
    # when: a mail stub or export creates a candidate for a member with that email
    async with sessions() as db, db.begin():
        row = models.Candidate(
            customer_id=customer_id,
            first_name="Ada",
            email="ADA@example.com",
            source=models.CandidateSource.LINKEDIN_INMAIL,
        )
        db.add(row)
    # then
    assert row.possible_duplicate_of_id == holder.id

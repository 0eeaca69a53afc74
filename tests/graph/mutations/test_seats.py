"""Seats against the sandbox over real HTTP: refreshSeats (and the scheduler's seats unit) store seatsV2
and map each seat by its holder's person URN, keep an admin's mapping, deactivate unlisted seats;
mapSeat; each InMail thread names the user behind its seat."""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from models.db import SessionFactory
from resolvers.services import Services
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL, Sandbox
from tests.graph.tab_world import add_candidates, gid
from tests.scheduler_support import clock_now, jobs_for
from tests.users_support import add_user

REFRESH = """
mutation {
  refreshSeats {
    seats { seatUrn holderPersonUrn active mappedBy syncedAt user { email } }
    userErrors { field message code }
  }
}
"""
MAP = """
mutation($input: MapSeatInput!) {
  mapSeat(input: $input) { seat { seatUrn mappedBy user { email } } userErrors { field message code } }
}
"""
CREATE = (
    "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }"
)
UPDATE = "mutation($input: UpdateUserInput!) { updateUser(input: $input) { userErrors { code } } }"
SEATS = "{ seats { totalCount edges { node { seatUrn active mappedBy user { email } } } } }"


async def _world_seats(sandbox: Sandbox) -> list[dict[str, Any]]:
    world = await sandbox.admin("GET", "world")
    seats: list[dict[str, Any]] = world["seats"]
    return seats


async def _refresh(graphql: GraphQL) -> dict[str, Any]:
    result = await graphql(REFRESH)
    assert result.errors is None
    assert result.data is not None
    payload: dict[str, Any] = result.data["refreshSeats"]
    return payload


async def _create_user(graphql: GraphQL, email: str, person_urn: str | None = None) -> str:
    given = {
        "email": email,
        "firstName": "Kim",
        "lastName": "Lee",
        "roles": ["RECRUITER"],
        "personUrn": person_urn,
    }
    result = await graphql(CREATE, {"input": given})
    assert result.data is not None
    assert result.data["createUser"]["userErrors"] == []
    user_id: str = result.data["createUser"]["user"]["id"]
    return user_id


def _mapping(payload: dict[str, Any]) -> list[tuple[str, bool, str | None, str | None]]:
    return [
        (s["seatUrn"], s["active"], s["mappedBy"], s["user"]["email"] if s["user"] else None)
        for s in payload["seats"]
    ]


async def test_refresh_seats_stores_seatsv2_and_maps_each_seat_by_its_holders_person_urn(
    graphql: GraphQL, sandbox: Sandbox
) -> None:
    # given: a user with the first seat's holder URN, none for the others
    seats = await _world_seats(sandbox)
    await _create_user(graphql, "ada@acme.test", seats[0]["seatholder"])
    # when
    payload = await _refresh(graphql)
    # then
    assert payload["userErrors"] == []
    assert _mapping(payload) == [
        ("urn:li:seat:1001", True, "PERSON_URN", "ada@acme.test"),
        ("urn:li:seat:1002", True, None, None),
        ("urn:li:seat:1003", True, None, None),
        ("urn:li:seat:1004", True, None, None),
    ]
    assert [s["holderPersonUrn"] for s in payload["seats"]] == [s["seatholder"] for s in seats]
    assert all(s["syncedAt"] is not None for s in payload["seats"])


async def test_a_user_whose_person_urn_is_set_later_gets_its_seat(graphql: GraphQL, sandbox: Sandbox) -> None:
    # given: seats stored, then a user without a URN
    seats = await _world_seats(sandbox)
    await _refresh(graphql)
    user_id = await _create_user(graphql, "ben@acme.test")
    # when: an admin sets its URN
    await graphql(UPDATE, {"input": {"id": user_id, "personUrn": seats[1]["seatholder"]}})
    # then: mapped at once, and still after the next sync
    listed = await graphql(SEATS)
    after_sync = await _refresh(graphql)
    assert listed.data is not None
    assert [e["node"]["user"] for e in listed.data["seats"]["edges"]] == [
        None,
        {"email": "ben@acme.test"},
        None,
        None,
    ]
    assert _mapping(after_sync)[1] == ("urn:li:seat:1002", True, "PERSON_URN", "ben@acme.test")


async def test_a_sync_follows_a_new_seatholder_but_keeps_an_admins_mapping(
    graphql: GraphQL, sandbox: Sandbox
) -> None:
    # given: users holding the first two seats by URN; the second seat mapped by an admin to a third
    seats = await _world_seats(sandbox)
    await _create_user(graphql, "ada@acme.test", seats[0]["seatholder"])
    await _create_user(graphql, "ben@acme.test", seats[1]["seatholder"])
    cleo = await _create_user(graphql, "cleo@acme.test", "urn:li:person:cleo")
    await _refresh(graphql)
    await graphql(MAP, {"input": {"seatUrn": "urn:li:seat:1002", "userId": cleo}})
    # when: both seats pass to other members on LinkedIn
    await sandbox.admin("PATCH", "seats/1001", {"seatholder": "urn:li:person:cleo"})
    await sandbox.admin("PATCH", "seats/1002", {"seatholder": seats[0]["seatholder"]})
    payload = await _refresh(graphql)
    # then: the URN-mapped seat follows its new holder; the admin's mapping stays
    assert _mapping(payload)[:2] == [
        ("urn:li:seat:1001", True, "PERSON_URN", "cleo@acme.test"),
        ("urn:li:seat:1002", True, "ADMIN", "cleo@acme.test"),
    ]


async def test_seats_no_longer_listed_become_inactive_and_new_ones_are_added(
    graphql: GraphQL, sandbox: Sandbox
) -> None:
    # given
    seats = await _world_seats(sandbox)
    await _create_user(graphql, "dev@acme.test", seats[3]["seatholder"])
    await _refresh(graphql)
    # when: the contract drops seat 1004, switches 1003 off and buys 1005
    await sandbox.admin("DELETE", "seats/urn:li:seat:1004")
    await sandbox.admin("PATCH", "seats/1003", {"active": False})
    added = await sandbox.admin("POST", "seats", {"firstName": "Eve", "lastName": "New"})
    payload = await _refresh(graphql)
    # then: the dropped seat keeps its user (its old InMails still name them)
    assert added["urn"] == "urn:li:seat:1005"
    assert _mapping(payload) == [
        ("urn:li:seat:1001", True, None, None),
        ("urn:li:seat:1002", True, None, None),
        ("urn:li:seat:1003", False, None, None),
        ("urn:li:seat:1004", False, "PERSON_URN", "dev@acme.test"),
        ("urn:li:seat:1005", True, None, None),
    ]
    active = await graphql("{ seats(active: true) { totalCount } }")
    assert active.data == {"seats": {"totalCount": 3}}


async def test_the_schedulers_seats_unit_stores_and_maps_the_seats(
    graphql: GraphQL, sandbox: Sandbox, services: Services, settings: Settings
) -> None:
    # given: a user with the first seat's holder URN, and this process's jobs
    seats = await _world_seats(sandbox)
    await _create_user(graphql, "ada@acme.test", seats[0]["seatholder"])
    jobs = jobs_for(services, settings, poll=60.0, clock=clock_now())
    # when: one round (the customer's seats unit is due at once)
    await jobs.scheduler.tick()
    # then
    listed = await graphql(SEATS)
    assert listed.data is not None
    assert [
        (e["node"]["seatUrn"], e["node"]["mappedBy"], e["node"]["user"])
        for e in listed.data["seats"]["edges"]
    ] == [
        ("urn:li:seat:1001", "PERSON_URN", {"email": "ada@acme.test"}),
        ("urn:li:seat:1002", None, None),
        ("urn:li:seat:1003", None, None),
        ("urn:li:seat:1004", None, None),
    ]


async def test_a_linkedin_failure_is_a_readable_user_error_with_the_stored_seats(
    graphql: GraphQL, sandbox: Sandbox
) -> None:
    # given: seats stored once, then LinkedIn fails
    await _refresh(graphql)
    await sandbox.admin("POST", "faults", {"endpoint": "seatsV2", "count": None, "status": 503})
    # when
    payload = await _refresh(graphql)
    # then
    assert payload["userErrors"] == [
        {
            "field": None,
            "message": "The seats could not be read from LinkedIn: LinkedIn is having a problem right now; "
            "try again in a few minutes",
            "code": "LINKEDIN_UNAVAILABLE",
        }
    ]
    assert [s["seatUrn"] for s in payload["seats"]] == [f"urn:li:seat:{n}" for n in range(1001, 1005)]


async def test_map_seat_maps_unmaps_and_refuses_what_the_customer_does_not_have(
    graphql: GraphQL, sandbox: Sandbox, sessions: SessionFactory, settings: Settings
) -> None:
    # given
    seats = await _world_seats(sandbox)
    ada = await _create_user(graphql, "ada@acme.test", seats[0]["seatholder"])
    await _refresh(graphql)
    globex = await other_customer_id(sessions, settings)
    async with sessions() as db:
        theirs = await add_user(db, globex, email="x@globex.test")
        await db.commit()
    # when
    unmapped = await graphql(MAP, {"input": {"seatUrn": "urn:li:seat:1001", "userId": None}})
    resynced = await _refresh(graphql)
    remapped = await graphql(MAP, {"input": {"seatUrn": "urn:li:seat:1003", "userId": ada}})
    unknown_seat = await graphql(MAP, {"input": {"seatUrn": "urn:li:seat:9", "userId": ada}})
    their_user = await graphql(
        MAP, {"input": {"seatUrn": "urn:li:seat:1002", "userId": gid("User", theirs.id)}}
    )
    # then: an admin's "no user" survives the sync
    assert unmapped.data == {
        "mapSeat": {
            "seat": {"seatUrn": "urn:li:seat:1001", "mappedBy": "ADMIN", "user": None},
            "userErrors": [],
        }
    }
    assert _mapping(resynced)[0] == ("urn:li:seat:1001", True, "ADMIN", None)
    assert remapped.data == {
        "mapSeat": {
            "seat": {"seatUrn": "urn:li:seat:1003", "mappedBy": "ADMIN", "user": {"email": "ada@acme.test"}},
            "userErrors": [],
        }
    }
    assert unknown_seat.data == {
        "mapSeat": {
            "seat": None,
            "userErrors": [
                {
                    "field": ["input", "seatUrn"],
                    "message": "The customer has no seat 'urn:li:seat:9' (refresh the seats first?)",
                    "code": "NOT_FOUND",
                }
            ],
        }
    }
    assert their_user.data == {
        "mapSeat": {
            "seat": None,
            "userErrors": [
                {"field": ["input", "userId"], "message": "No user has this id", "code": "NOT_FOUND"}
            ],
        }
    }


async def test_each_inmail_thread_names_the_user_behind_its_seat_and_follows_map_seat(
    graphql: GraphQL, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a candidate with threads of seats 1000 (not the customer's) and 1001; 1001's holder is Ada
    seats = await _world_seats(sandbox)
    world = await add_candidates(sessions, customer_id, count=1, threads=2, messages=1)
    await _create_user(graphql, "ada@acme.test", seats[0]["seatholder"])
    ben = await _create_user(graphql, "ben@acme.test")
    await _refresh(graphql)
    query = "query($id: ID!) { candidate(id: $id) { inmailThreads { seatUrn recruiter { email } } } }"
    variables = {"id": gid("Candidate", world.candidate_ids[0])}

    async def threads() -> list[tuple[str, str | None]]:
        result = await graphql(query, variables)
        assert result.errors is None
        assert result.data is not None
        return [
            (t["seatUrn"], t["recruiter"]["email"] if t["recruiter"] else None)
            for t in result.data["candidate"]["inmailThreads"]
        ]

    # when / then
    by_urn = await threads()
    await graphql(MAP, {"input": {"seatUrn": "urn:li:seat:1001", "userId": ben}})
    by_admin = await threads()
    await graphql(MAP, {"input": {"seatUrn": "urn:li:seat:1001", "userId": None}})
    by_nobody = await threads()
    assert sorted(by_urn) == [("urn:li:seat:1000", None), ("urn:li:seat:1001", "ada@acme.test")]
    assert sorted(by_admin) == [("urn:li:seat:1000", None), ("urn:li:seat:1001", "ben@acme.test")]
    assert sorted(by_nobody) == [("urn:li:seat:1000", None), ("urn:li:seat:1001", None)]

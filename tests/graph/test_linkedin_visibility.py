"""Who sees which LinkedIn InMails and prospect notes: PUBLIC ones everyone of the customer, PRIVATE ones
their author's user and admins, PROJECT ones as the customer's `projectVisibility` says."""

from __future__ import annotations

from typing import Any

import pytest

import models
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL
from tests.graph.tab_world import add_recruiter, gid, seat
from tests.graph.visibility_world import (
    PRIVATE,
    PROJECT,
    PUBLIC,
    Sent,
    add_candidate,
    add_group,
    add_note,
    add_thread,
    admin,
    recruiter,
    set_project_visibility,
)

NOTES = "query($id: ID!) { candidate(id: $id) { linkedinNotes { body owner visibility } } }"
SET_AUTHOR_ONLY = (
    "mutation { updateCustomerSettings(input: {projectVisibility: AUTHOR_ONLY}) { userErrors { code } } }"
)
THREADS = """query($id: ID!) { candidate(id: $id) { inmailThreads {
  seatUrn subject lastMessageAt messageCount messages { body visibility }
} } }"""


async def read(graphql: GraphQL, document: str, candidate_id: int, viewer: Viewer) -> Any:
    """`data.candidate` of a candidate query run as `viewer`."""
    result = await graphql(document, {"id": gid("Candidate", candidate_id)}, as_viewer=viewer)
    assert result.errors is None
    assert result.data is not None
    return result.data["candidate"]


async def note_bodies(graphql: GraphQL, candidate_id: int, viewer: Viewer) -> list[str]:
    """The LinkedIn notes `viewer` sees on the candidate, newest first."""
    return [n["body"] for n in (await read(graphql, NOTES, candidate_id, viewer))["linkedinNotes"]]


async def test_a_private_linkedin_note_is_invisible_to_another_recruiter(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: Hopper (seat 0) wrote a private and a public note; Liskov holds seat 1
    hopper = await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    candidate_id = await add_candidate(sessions, customer_id)
    await add_note(sessions, customer_id, candidate_id, 0, "private", PRIVATE, minutes=2)
    await add_note(sessions, customer_id, candidate_id, 0, "public", PUBLIC, minutes=1)
    # when
    seen_by_liskov = await note_bodies(graphql, candidate_id, recruiter(tenant, liskov))
    seen_by_hopper = await read(graphql, NOTES, candidate_id, recruiter(tenant, hopper))
    seen_by_admin = await note_bodies(graphql, candidate_id, admin(tenant))
    # then
    assert seen_by_liskov == ["public"]
    assert seen_by_hopper["linkedinNotes"] == [
        {"body": "private", "owner": seat(0), "visibility": "PRIVATE"},
        {"body": "public", "owner": seat(0), "visibility": "PUBLIC"},
    ]
    assert seen_by_admin == ["private", "public"]


async def test_a_private_inmail_shows_to_its_author_and_admins_and_the_others_thread_describes_the_rest(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: Hopper's thread opens and ends with private InMails; Liskov's seat-1 thread is all private
    hopper = await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    candidate_id = await add_candidate(sessions, customer_id)
    await add_thread(
        sessions,
        customer_id,
        candidate_id,
        0,
        [
            Sent(0, "private pitch", PRIVATE, subject="Secret role"),
            Sent(10, "follow-up", PUBLIC, subject="Open role"),
            Sent(20, "reply", PUBLIC, inbound=True),
            Sent(30, "private aside", PRIVATE),
        ],
    )
    await add_thread(sessions, customer_id, candidate_id, 1, [Sent(5, "liskov only", PRIVATE, subject="L")])
    third = await add_recruiter(sessions, customer_id, 2, "Wirth")
    # when
    as_third = (await read(graphql, THREADS, candidate_id, recruiter(tenant, third)))["inmailThreads"]
    as_hopper = (await read(graphql, THREADS, candidate_id, recruiter(tenant, hopper)))["inmailThreads"]
    as_liskov = (await read(graphql, THREADS, candidate_id, recruiter(tenant, liskov)))["inmailThreads"]
    as_admin = (await read(graphql, THREADS, candidate_id, admin(tenant)))["inmailThreads"]
    # then: a third recruiter sees Hopper's two public InMails only, counted, timed and titled by them
    assert as_third == [
        {
            "seatUrn": seat(0),
            "subject": "Open role",
            "lastMessageAt": "2026-11-01T09:20:00+00:00",
            "messageCount": 2,
            "messages": [
                {"body": "follow-up", "visibility": "PUBLIC"},
                {"body": "reply", "visibility": "PUBLIC"},
            ],
        }
    ]
    whole_hopper_thread = {
        "seatUrn": seat(0),
        "subject": "Secret role",
        "lastMessageAt": "2026-11-01T09:30:00+00:00",
        "messageCount": 4,
        "messages": [
            {"body": "private pitch", "visibility": "PRIVATE"},
            {"body": "follow-up", "visibility": "PUBLIC"},
            {"body": "reply", "visibility": "PUBLIC"},
            {"body": "private aside", "visibility": "PRIVATE"},
        ],
    }
    liskov_thread = {
        "seatUrn": seat(1),
        "subject": "L",
        "lastMessageAt": "2026-11-01T09:05:00+00:00",
        "messageCount": 1,
        "messages": [{"body": "liskov only", "visibility": "PRIVATE"}],
    }
    assert as_hopper == [whole_hopper_thread]
    assert as_liskov == [as_third[0], liskov_thread]
    assert as_admin == [whole_hopper_thread, liskov_thread]


@pytest.mark.parametrize(
    ("setting", "grouped", "visible"),
    [
        (models.ProjectVisibility.ORGANIZATION, False, True),
        (models.ProjectVisibility.AUTHOR_ONLY, True, False),
        (models.ProjectVisibility.JOB_ACL_GROUPS, True, True),
        (models.ProjectVisibility.JOB_ACL_GROUPS, False, False),
    ],
    ids=["organization", "author-only", "acl-groups-shared", "acl-groups-not-shared"],
)
async def test_project_items_show_to_other_recruiters_as_the_customers_project_visibility_says(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    setting: models.ProjectVisibility,
    grouped: bool,
    visible: bool,
) -> None:
    # given: Hopper wrote a PROJECT note and a PROJECT InMail; Liskov shares an ACL group with Hopper or
    # is only in another group; the customer's setting
    hopper = await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    outsider = await add_recruiter(sessions, customer_id, 2, "Wirth")
    await add_group(sessions, customer_id, "Engineering", [hopper, outsider] + ([liskov] if grouped else []))
    if not grouped:
        await add_group(sessions, customer_id, "Sales", [liskov])
    candidate_id = await add_candidate(sessions, customer_id)
    await add_note(sessions, customer_id, candidate_id, 0, "project note", PROJECT)
    await add_thread(sessions, customer_id, candidate_id, 0, [Sent(0, "project inmail", PROJECT, "Role")])
    await set_project_visibility(sessions, customer_id, setting)
    # when
    notes = await note_bodies(graphql, candidate_id, recruiter(tenant, liskov))
    threads = (await read(graphql, THREADS, candidate_id, recruiter(tenant, liskov)))["inmailThreads"]
    by_author = await note_bodies(graphql, candidate_id, recruiter(tenant, hopper))
    by_admin = await note_bodies(graphql, candidate_id, admin(tenant))
    # then
    assert notes == (["project note"] if visible else [])
    assert [m["body"] for t in threads for m in t["messages"]] == (["project inmail"] if visible else [])
    assert by_author == by_admin == ["project note"]


async def test_a_seat_mapped_to_no_user_shows_its_private_items_to_admins_only(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: seat 5 is mapped to nobody; it wrote a private and a project note and a private InMail
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    candidate_id = await add_candidate(sessions, customer_id)
    await add_note(sessions, customer_id, candidate_id, 5, "unmapped private", PRIVATE, minutes=2)
    await add_note(sessions, customer_id, candidate_id, 5, "unmapped project", PROJECT, minutes=1)
    await add_thread(sessions, customer_id, candidate_id, 5, [Sent(0, "unmapped inmail", PRIVATE)])
    await set_project_visibility(sessions, customer_id, models.ProjectVisibility.JOB_ACL_GROUPS)
    # when
    recruiter_notes = await note_bodies(graphql, candidate_id, recruiter(tenant, liskov))
    recruiter_threads = await read(graphql, THREADS, candidate_id, recruiter(tenant, liskov))
    admin_notes = await note_bodies(graphql, candidate_id, admin(tenant))
    admin_threads = await read(graphql, THREADS, candidate_id, admin(tenant))
    # then
    assert recruiter_notes == []
    assert recruiter_threads == {"inmailThreads": []}
    assert admin_notes == ["unmapped private", "unmapped project"]
    assert [t["messageCount"] for t in admin_threads["inmailThreads"]] == [1]


async def test_a_viewer_that_is_no_user_sees_public_items_only(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: an API key with the recruiter role; a public, a project and a private note (organization-
    # wide project visibility)
    candidate_id = await add_candidate(sessions, customer_id)
    await add_note(sessions, customer_id, candidate_id, 0, "public", PUBLIC, minutes=3)
    await add_note(sessions, customer_id, candidate_id, 0, "project", PROJECT, minutes=2)
    await add_note(sessions, customer_id, candidate_id, 0, "private", PRIVATE, minutes=1)
    api_key = Viewer(tenant, user="api key 1", roles=frozenset({"recruiter"}), api_key_id=1)
    # when
    seen = await note_bodies(graphql, candidate_id, api_key)
    # then
    assert seen == ["public"]


async def test_an_admin_sets_the_project_visibility_and_it_applies_to_the_next_request(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: a PROJECT note by Hopper, read by Liskov under the default (ORGANIZATION)
    await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    candidate_id = await add_candidate(sessions, customer_id)
    await add_note(sessions, customer_id, candidate_id, 0, "project note", PROJECT)
    before = await note_bodies(graphql, candidate_id, recruiter(tenant, liskov))
    # when
    result = await graphql(
        """mutation { updateCustomerSettings(input: {projectVisibility: AUTHOR_ONLY}) {
          customer { projectVisibility jobAvailability } userErrors { field code } } }""",
        as_viewer=admin(tenant),
    )
    # then
    assert result.errors is None
    assert result.data == {
        "updateCustomerSettings": {
            "customer": {"projectVisibility": "AUTHOR_ONLY", "jobAvailability": "PRIVATE_TO_ATS_INTEGRATION"},
            "userErrors": [],
        }
    }
    assert before == ["project note"]
    assert await note_bodies(graphql, candidate_id, recruiter(tenant, liskov)) == []


async def test_a_recruiter_may_not_change_the_project_visibility(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    # when
    result = await graphql(
        SET_AUTHOR_ONLY,
        as_viewer=recruiter(tenant, liskov),
    )
    # then
    assert result.errors is not None
    assert [e.extensions["code"] if e.extensions else None for e in result.errors] == ["FORBIDDEN"]
    async with sessions() as session:
        row = await session.get(models.Customer, customer_id)
    assert row is not None
    assert row.project_visibility is models.ProjectVisibility.ORGANIZATION


async def test_under_acl_groups_a_project_item_shows_only_when_its_own_author_shares_a_group(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant
) -> None:
    # given: Hopper shares a group with Liskov, Wirth shares none; each wrote a PROJECT note and InMail
    hopper = await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    wirth = await add_recruiter(sessions, customer_id, 2, "Wirth")
    await add_group(sessions, customer_id, "Engineering", [hopper, liskov])
    await add_group(sessions, customer_id, "Sales", [wirth])
    await set_project_visibility(sessions, customer_id, models.ProjectVisibility.JOB_ACL_GROUPS)
    candidate_id = await add_candidate(sessions, customer_id)
    await add_note(sessions, customer_id, candidate_id, 0, "hopper's", PROJECT, minutes=2)
    await add_note(sessions, customer_id, candidate_id, 2, "wirth's", PROJECT, minutes=1)
    await add_thread(sessions, customer_id, candidate_id, 0, [Sent(0, "hopper's inmail", PROJECT)])
    await add_thread(
        sessions,
        customer_id,
        candidate_id,
        2,
        [Sent(1, "wirth's public", PUBLIC), Sent(2, "wirth's", PROJECT)],
    )
    # when
    notes = await note_bodies(graphql, candidate_id, recruiter(tenant, liskov))
    threads = (await read(graphql, THREADS, candidate_id, recruiter(tenant, liskov)))["inmailThreads"]
    # then
    assert notes == ["hopper's"]
    assert [(t["seatUrn"], t["messageCount"], [m["body"] for m in t["messages"]]) for t in threads] == [
        (seat(2), 1, ["wirth's public"]),
        (seat(0), 1, ["hopper's inmail"]),
    ]

"""The candidate record over GraphQL: InMail threads per seat, LinkedIn notes, ATS notes, applications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import models
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.graph.tab_world import T0, add_recruiter, gid, member, seat

THREADS = """
query($id: ID!) { candidate(id: $id) { inmailThreads {
  seatUrn subject lastMessageAt messageCount recruiter { lastName }
  messages { direction author subject body sentAt }
} } }
"""


async def add_person(
    sessions: SessionFactory, customer_id: int, *, linked: bool = True, **fields: Any
) -> int:
    """A candidate of the customer (linked to member(id) unless `linked` is false); returns its id."""
    async with sessions() as session:
        row = models.Candidate(
            **{
                "customer_id": customer_id,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
                **fields,
            }
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        if linked:
            session.add(
                models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=row.id,
                    person_urn=member(row.id),
                    match_source=models.MatchSource.STUB,
                )
            )
        await session.commit()
        return row.id


async def add_thread(
    sessions: SessionFactory, customer_id: int, member_urn: str, seat_index: int, sent: list[tuple[int, str]]
) -> None:
    """A seat's thread of the customer with the member; `sent` is (minutes after T0, body), inserted in
    that order."""
    async with sessions() as session:
        thread = models.InMailThread(
            customer_id=customer_id,
            seat_urn=seat(seat_index),
            member_urn=member_urn,
            subject=f"Role at seat {seat_index}",
            last_message_at=T0 + timedelta(minutes=max(m for m, _ in sent)),
            message_count=len(sent),
        )
        session.add(thread)
        await session.flush()
        assert thread.id is not None
        session.add_all(
            models.InMailMessage(
                customer_id=customer_id,
                event_id=f"ev-{thread.id}-{minutes}",
                thread_id=thread.id,
                conversation_urn=f"urn:li:conversation:{seat_index}-{minutes}",
                author_urn=seat(seat_index) if body.startswith("out") else member_urn,
                direction=models.InMailDirection.OUTBOUND
                if body.startswith("out")
                else models.InMailDirection.INBOUND,
                subject="Hello" if minutes == 0 else None,
                body=body,
                sent_at=T0 + timedelta(minutes=minutes),
            )
            for minutes, body in sent
        )
        await session.commit()


async def query(graphql: GraphQL, document: str, candidate_id: int) -> Any:
    """Run a candidate query and return `data.candidate`."""
    result = await graphql(document, {"id": gid("Candidate", candidate_id)})
    assert result.errors is None
    assert result.data is not None
    return result.data["candidate"]


async def test_each_recruiter_seat_has_one_thread_with_its_whole_history_oldest_first(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: two seats wrote to the candidate; seat 1 has no ATS user
    await add_recruiter(sessions, customer_id, 0, "Hopper")
    candidate_id = await add_person(sessions, customer_id)
    await add_thread(
        sessions,
        customer_id,
        member(candidate_id),
        0,
        [(30, "in: thanks"), (0, "out: hello"), (10, "out: ping")],
    )
    await add_thread(sessions, customer_id, member(candidate_id), 1, [(5, "out: hi from seat 1")])
    # when
    threads = (await query(graphql, THREADS, candidate_id))["inmailThreads"]
    # then
    assert threads == [
        {
            "seatUrn": seat(0),
            "subject": "Role at seat 0",
            "lastMessageAt": "2026-11-01T09:30:00+00:00",
            "messageCount": 3,
            "recruiter": {"lastName": "Hopper"},
            "messages": [
                {
                    "direction": "OUTBOUND",
                    "author": seat(0),
                    "subject": "Hello",
                    "body": "out: hello",
                    "sentAt": "2026-11-01T09:00:00+00:00",
                },
                {
                    "direction": "OUTBOUND",
                    "author": seat(0),
                    "subject": None,
                    "body": "out: ping",
                    "sentAt": "2026-11-01T09:10:00+00:00",
                },
                {
                    "direction": "INBOUND",
                    "author": member(candidate_id),
                    "subject": None,
                    "body": "in: thanks",
                    "sentAt": "2026-11-01T09:30:00+00:00",
                },
            ],
        },
        {
            "seatUrn": seat(1),
            "subject": "Role at seat 1",
            "lastMessageAt": "2026-11-01T09:05:00+00:00",
            "messageCount": 1,
            "recruiter": None,
            "messages": [
                {
                    "direction": "OUTBOUND",
                    "author": seat(1),
                    "subject": None,
                    "body": "out: hi from seat 1",
                    "sentAt": "2026-11-01T09:05:00+00:00",
                }
            ],
        },
    ]


async def test_a_candidate_linked_to_no_member_has_no_threads_and_no_linkedin_notes(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await add_person(sessions, customer_id, linked=False)
    # when
    data = await query(
        graphql,
        "query($id: ID!) { candidate(id: $id) { inmailThreads { seatUrn } linkedinNotes { body } } }",
        candidate_id,
    )
    # then
    assert data == {"inmailThreads": [], "linkedinNotes": []}


async def test_inmails_received_before_the_member_was_linked_show_once_it_is(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: the member's thread arrived first; the candidate is linked afterwards
    candidate_id = await add_person(sessions, customer_id, linked=False)
    await add_thread(sessions, customer_id, "urn:li:person:early", 0, [(0, "out: hello")])
    async with sessions() as session:
        session.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate_id,
                person_urn="urn:li:person:early",
                match_source=models.MatchSource.MANUAL,
            )
        )
        await session.commit()
    # when
    data = await query(
        graphql,
        "query($id: ID!) { candidate(id: $id) { inmailThreads { seatUrn messageCount } } }",
        candidate_id,
    )
    # then
    assert data == {"inmailThreads": [{"seatUrn": seat(0), "messageCount": 1}]}


async def test_linkedin_notes_show_apart_from_ats_notes_and_deleted_ones_do_not_show(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: one live and one deleted LinkedIn note by Hopper's seat, and one ATS note
    await add_recruiter(sessions, customer_id, 0, "Hopper")
    candidate_id = await add_person(sessions, customer_id)
    async with sessions() as session:
        session.add_all(
            [
                models.LinkedInNote(
                    customer_id=customer_id,
                    note_id="n1",
                    owner_seat_urn=seat(0),
                    member_urn=member(candidate_id),
                    body="Strong Rust",
                    created_at=T0,
                    updated_at=T0 + timedelta(hours=1),
                ),
                models.LinkedInNote(
                    customer_id=customer_id,
                    note_id="n2",
                    owner_seat_urn=seat(0),
                    member_urn=member(candidate_id),
                    body="deleted on LinkedIn",
                    active=False,
                    created_at=T0,
                    updated_at=T0,
                ),
                models.Note(
                    customer_id=customer_id,
                    candidate_id=candidate_id,
                    author="Jane",
                    body="Met at the fair",
                    created_at=T0,
                ),
            ]
        )
        await session.commit()
    # when
    data = await query(
        graphql,
        "query($id: ID!) { candidate(id: $id) { "
        "linkedinNotes { body owner ownerRecruiter { lastName } createdAt updatedAt } "
        "notes { author body createdAt applicationId } } }",
        candidate_id,
    )
    # then
    assert data == {
        "linkedinNotes": [
            {
                "body": "Strong Rust",
                "owner": seat(0),
                "ownerRecruiter": {"lastName": "Hopper"},
                "createdAt": "2026-11-01T09:00:00+00:00",
                "updatedAt": "2026-11-01T10:00:00+00:00",
            }
        ],
        "notes": [
            {
                "author": "Jane",
                "body": "Met at the fair",
                "createdAt": "2026-11-01T09:00:00+00:00",
                "applicationId": None,
            }
        ],
    }


async def test_applications_show_their_job_status_and_stage_history_oldest_first(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await add_person(sessions, customer_id)
    async with sessions() as session:
        job = models.Job(customer_id=customer_id, title="Staff Engineer")
        session.add(job)
        await session.flush()
        assert job.id is not None
        application = models.Application(
            customer_id=customer_id,
            candidate_id=candidate_id,
            job_id=job.id,
            status="Interviewing",
            last_activity_at=T0 + timedelta(days=2),
        )
        session.add(application)
        await session.flush()
        assert application.id is not None
        session.add_all(
            [
                models.ApplicationStage(
                    customer_id=customer_id,
                    application_id=application.id,
                    stage="Onsite",
                    actor="Jane",
                    at=T0 + timedelta(days=2),
                ),
                models.ApplicationStage(
                    customer_id=customer_id, application_id=application.id, stage="Applied", at=T0
                ),
            ]
        )
        await session.commit()
        job_id, application_id = job.id, application.id
    # when
    data = await query(
        graphql,
        "query($id: ID!) { candidate(id: $id) { applications { id status lastActivityAt "
        "job { id title } stages { stage at actor } } } }",
        candidate_id,
    )
    # then
    assert data == {
        "applications": [
            {
                "id": gid("Application", application_id),
                "status": "Interviewing",
                "lastActivityAt": "2026-11-03T09:00:00+00:00",
                "job": {"id": gid("Job", job_id), "title": "Staff Engineer"},
                "stages": [
                    {"stage": "Applied", "at": "2026-11-01T09:00:00+00:00", "actor": None},
                    {"stage": "Onsite", "at": "2026-11-03T09:00:00+00:00", "actor": "Jane"},
                ],
            }
        ]
    }


async def test_sync_eligibility_lists_the_fields_linkedin_needs_that_are_empty(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await add_person(sessions, customer_id, last_name="  ", email=None)
    # when
    data = await query(
        graphql,
        "query($id: ID!) { candidate(id: $id) { syncEligibility { eligible missing } } }",
        candidate_id,
    )
    # then
    assert data == {"syncEligibility": {"eligible": False, "missing": ["lastName", "email"]}}


async def test_node_finds_a_candidate_by_its_global_id(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await add_person(sessions, customer_id)
    # when
    result = await graphql(
        "query($id: ID!) { node(id: $id) { __typename id ... on Candidate { email } } }",
        {"id": gid("Candidate", candidate_id)},
    )
    # then
    assert result.errors is None
    assert result.data == {
        "node": {"__typename": "Candidate", "id": gid("Candidate", candidate_id), "email": "ada@example.com"}
    }


async def test_recruiters_and_jobs_are_listed_as_connections_with_a_total(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await add_recruiter(sessions, customer_id, 0, "Hopper")
    await add_recruiter(sessions, customer_id, 1, "Allen")
    async with sessions() as session:
        session.add(models.Job(customer_id=customer_id, title="Staff Engineer"))
        await session.commit()
    # when
    result = await graphql(
        "{ recruiters(first: 1) { totalCount pageInfo { hasNextPage } edges { node { lastName seatUrn } } } "
        "jobs { totalCount edges { node { title state availability } } } }"
    )
    # then
    assert result.errors is None
    assert result.data == {
        "recruiters": {
            "totalCount": 2,
            "pageInfo": {"hasNextPage": True},
            "edges": [{"node": {"lastName": "Allen", "seatUrn": seat(1)}}],
        },
        "jobs": {
            "totalCount": 1,
            "edges": [
                {
                    "node": {
                        "title": "Staff Engineer",
                        "state": "OPEN",
                        "availability": "PRIVATE_TO_ATS_INTEGRATION",
                    }
                }
            ],
        },
    }

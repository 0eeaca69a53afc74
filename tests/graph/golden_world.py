"""A small deterministic world for the golden-response tests: every timestamp and id fixed, so the same
query under the same viewer answers byte for byte the same before and after a change of the read path.

It holds what the tab and enrichment queries can tell apart: linked and unlinked candidates, a
candidate with a missing email, snapshots present and absent, applications on an open and on a
secured job (ACL group), stages, ATS notes, InMail threads of mapped and unmapped seats with PUBLIC,
PROJECT and PRIVATE messages, and LinkedIn notes of each visibility, one of them deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

import models
from models.db import SessionFactory
from models.upsert import table_of

T0 = datetime(2026, 10, 5, 8, 30, tzinfo=UTC)
PROJECT_URN = "urn:li:hireProject:golden"


def seat(index: int) -> str:
    """A Recruiter seat URN of the golden world."""
    return f"urn:li:seat:{4000 + index}"


def member(index: int) -> str:
    """The person URN of the golden world's member `index`."""
    return f"urn:li:person:golden{index}"


def profile_url(index: int) -> str:
    """The stored profile URL of member `index`."""
    return f"https://www.linkedin.com/in/golden-member-{index}"


@dataclass(frozen=True, slots=True)
class GoldenWorld:
    """The ids the golden tests need back."""

    candidate_ids: list[int]
    # The users behind seats 0 and 1 (in the ACL group) and seat 2 (outside it).
    in_group_user_id: int
    outside_user_id: int


async def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    table = table_of(model)
    ids: list[int] = []
    for row in rows:
        result = await session.exec(sa.insert(table).values(row).returning(table.c.id))
        ids.append(int(result.scalar_one()))
    return ids


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def add_golden_world(sessions: SessionFactory, customer_id: int) -> GoldenWorld:
    """Insert the golden world into the customer (rows in a fixed order, so ids are fixed on a fresh
    database)."""
    c = customer_id
    async with sessions() as session:
        await session.exec(
            sa.update(table_of(models.Customer))
            .where(table_of(models.Customer).c.id == c)
            .values(project_visibility=models.ProjectVisibility.JOB_ACL_GROUPS)
        )
        users = await _insert(
            session,
            models.User,
            [
                {
                    "customer_id": c,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{last.lower()}@ats.example",
                    "roles": "recruiter",
                    "created_at": T0,
                }
                for first, last in (("Grace", "Hopper"), ("Barbara", "Liskov"), ("Edsger", "Dijkstra"))
            ],
        )
        # Seats 0-2 are held by the three users; seat 3 by nobody in the ATS.
        await _insert(
            session,
            models.Seat,
            [
                {
                    "customer_id": c,
                    "seat_urn": seat(i),
                    "user_id": users[i] if i < 3 else None,
                    "mapped_by": models.SeatMapping.ADMIN if i < 3 else None,
                    "active": True,
                }
                for i in range(4)
            ],
        )
        group = (await _insert(session, models.AclGroup, [{"customer_id": c, "name": "Engineering"}]))[0]
        await session.exec(
            sa.insert(table_of(models.AclGroupUser)).values(
                [{"customer_id": c, "group_id": group, "user_id": u} for u in users[:2]]
            ),
        )
        jobs = await _insert(
            session,
            models.Job,
            [
                {
                    "customer_id": c,
                    "title": title,
                    "description": "",
                    "state": models.JobState.OPEN,
                    "created_at": T0,
                    "updated_at": T0,
                }
                for title in ("Platform engineer", "Secret project lead")
            ],
        )
        await session.exec(
            sa.insert(table_of(models.AclGroupJob)).values(customer_id=c, group_id=group, job_id=jobs[1])
        )
        people = [
            ("Ada", "Lovelace", "ada@example.com"),
            ("Alan", "Turing", "alan@example.com"),
            ("Katherine", "Johnson", None),
            ("Dorothy", "Vaughan", "dorothy@example.com"),
        ]
        candidates = await _insert(
            session,
            models.Candidate,
            [
                {
                    "customer_id": c,
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": "+1 555 0100" if i == 0 else None,
                    "title": "Engineer",
                    "company": "Acme",
                    "mailing_city": "Providence",
                    "source": models.CandidateSource.MANUAL,
                    "do_not_contact": False,
                    "created_at": _at(i),
                    "updated_at": _at(100 - i),
                }
                for i, (first, last, email) in enumerate(people)
            ],
        )
        # Candidates 0-2 are linked to members 0-2; candidate 3 is linked to no one.
        await _insert(
            session,
            models.LinkedInIdentity,
            [
                {
                    "customer_id": c,
                    "candidate_id": candidates[i],
                    "person_urn": member(i),
                    "profile_url": profile_url(i),
                    "match_source": models.MatchSource.EXPORT,
                    "matched_at": _at(10 + i),
                }
                for i in range(3)
            ],
        )
        await _insert(
            session,
            models.LinkedInProfile,
            [
                {
                    "customer_id": c,
                    "candidate_id": candidates[i],
                    "person_urn": member(i),
                    "algorithmic_matches": [member(i), member(9)],
                    "manual_match": member(i) if i == 0 else None,
                    "fetched_at": _at(20 + i),
                }
                for i in (0, 2)
            ],
        )
        applications = await _insert(
            session,
            models.Application,
            [
                {
                    "customer_id": c,
                    "candidate_id": candidates[ci],
                    "job_id": jobs[ji],
                    "status": status,
                    "created_at": _at(30 + n),
                    "last_activity_at": _at(60 - n),
                }
                for n, (ci, ji, status) in enumerate(
                    [(0, 0, "Screen"), (0, 1, "Applied"), (1, 1, "Offer"), (3, 0, "Applied")]
                )
            ],
        )
        await _insert(
            session,
            models.ApplicationStage,
            [
                {
                    "customer_id": c,
                    "application_id": applications[a],
                    "stage": stage,
                    "actor": actor,
                    "at": _at(m),
                }
                for a, stage, actor, m in [
                    (0, "Applied", None, 31),
                    (0, "Screen", "hopper@ats.example", 40),
                    (1, "Applied", None, 32),
                    (2, "Applied", None, 33),
                    (2, "Offer", "liskov@ats.example", 50),
                    (3, "Applied", None, 34),
                ]
            ],
        )
        await _insert(
            session,
            models.Note,
            [
                {
                    "customer_id": c,
                    "candidate_id": candidates[ci],
                    "application_id": applications[ai] if ai is not None else None,
                    "author": author,
                    "body": body,
                    "created_at": _at(m),
                }
                for ci, ai, author, body, m in [
                    (0, None, "hopper@ats.example", "Strong on compilers.", 41),
                    (0, 1, "liskov@ats.example", "Secret project fit.", 42),
                    (1, None, "dijkstra@ats.example", "Prefers remote.", 43),
                ]
            ],
        )
        vis = models.LinkedInVisibility
        # Candidate 0: threads with seats 0, 1 and 3, every visibility; candidate 1: seat 2, PUBLIC.
        threads: list[tuple[int, int, list[tuple[int, models.LinkedInVisibility, str | None, bool]]]] = [
            (
                0,
                0,
                [(0, vis.PUBLIC, "Hello", False), (5, vis.PUBLIC, None, True), (9, vis.PRIVATE, None, False)],
            ),
            (0, 1, [(2, vis.PROJECT, "Project role", False), (7, vis.PUBLIC, None, True)]),
            (0, 3, [(4, vis.PRIVATE, "Just us", False), (8, vis.PUBLIC, None, True)]),
            (1, 2, [(3, vis.PUBLIC, "Quick question", False)]),
        ]
        for ti, (mi, si, sent) in enumerate(threads):
            thread_id = (
                await _insert(
                    session,
                    models.InMailThread,
                    [
                        {
                            "customer_id": c,
                            "seat_urn": seat(si),
                            "member_urn": member(mi),
                            "subject": next((s for _, _, s, _ in sent if s), None),
                            "last_message_at": _at(200 + max(m for m, _, _, _ in sent)),
                            "message_count": len(sent),
                        }
                    ],
                )
            )[0]
            await _insert(
                session,
                models.InMailMessage,
                [
                    {
                        "customer_id": c,
                        "event_id": f"golden-{ti}-{m}",
                        "thread_id": thread_id,
                        "conversation_urn": f"urn:li:messagingThread:golden{ti}",
                        "author_urn": member(mi) if inbound else seat(si),
                        "direction": models.InMailDirection.INBOUND
                        if inbound
                        else models.InMailDirection.OUTBOUND,
                        "subject": subject,
                        "body": f"Message {m} of thread {ti}.",
                        "sent_at": _at(200 + m),
                        "visibility": v,
                        "project_urn": PROJECT_URN if v is vis.PROJECT else None,
                    }
                    for m, v, subject, inbound in sent
                ],
            )
        await _insert(
            session,
            models.LinkedInNote,
            [
                {
                    "customer_id": c,
                    "note_id": f"golden-note-{n}",
                    "owner_seat_urn": seat(si),
                    "member_urn": member(mi),
                    "body": body,
                    "active": active,
                    "created_at": _at(300 + n),
                    "updated_at": _at(310 + n),
                    "visibility": v,
                    "project_urn": PROJECT_URN if v is vis.PROJECT else None,
                }
                for n, (mi, si, body, v, active) in enumerate(
                    [
                        (0, 0, "Great call.", vis.PUBLIC, True),
                        (0, 1, "Project shortlist.", vis.PROJECT, True),
                        (0, 2, "My eyes only.", vis.PRIVATE, True),
                        (0, 3, "Deleted on LinkedIn.", vis.PUBLIC, False),
                        (1, 2, "Follow up in May.", vis.PUBLIC, True),
                    ]
                )
            ],
        )
        await session.commit()
    return GoldenWorld(candidate_ids=candidates, in_group_user_id=users[1], outside_user_id=users[2])

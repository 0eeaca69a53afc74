"""No request reaches another customer's rows: every root field and every mutation of the schema, called
by customer A's viewer with customer B's ids, URNs, URLs and request ids, answers NOT_FOUND, null or
nothing, shows none of B's data, and writes nothing (to B or, for a lookup that failed, to A).

The calls are generated from the schema itself (tests/schema_operations.py), so a new field is covered
without a test of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLSchema
from sqlmodel import SQLModel, col, select

import models
from app.settings import Settings
from graph.ids import global_id
from graph.schema import build_schema
from models.db import SessionFactory
from tests.conftest import GraphQL, Sandbox, add_customer
from tests.schema_operations import Operation, Values, operations
from tests.users_support import add_user

WHEN = datetime(2026, 3, 1, 12, tzinfo=UTC)
# Every string of B's rows carries this, so any of B's data in an answer is found by one search.
MARK = "GLOBEX-ONLY"
B_MEMBER = "urn:li:person:isolation-b"
B_PROFILE_URL = "https://www.linkedin.com/in/globex-only-member"
B_REQUEST_ID = "globex-only-export-request"
B_SEAT = "urn:li:seat:990001"
# Selections reach this deep: deep enough for a candidate's tab (candidate → threads → messages).
DEPTH = 4


@dataclass
class WorldB:
    """Customer B's rows, by GraphQL type name → global ids."""

    customer_id: int
    ids: dict[str, list[str]] = field(default_factory=dict)


async def _world_of_b(sessions: SessionFactory, customer_id: int) -> WorldB:
    def mark(text: str) -> str:
        return f"{MARK} {text}"

    async with sessions() as db:
        recruiter = await add_user(
            db,
            customer_id,
            seat_urn=B_SEAT,
            first_name=mark("Rae"),
            last_name=mark("Globex"),
            email="rae@globex-only.test",
            person_urn="urn:li:person:globex-recruiter",
        )
        candidate = models.Candidate(
            customer_id=customer_id,
            first_name=mark("Zed"),
            last_name=mark("Secret"),
            email="zed@globex-only.test",
            phone="+1 555 0199",
            title=mark("title"),
            company=mark("company"),
            mailing_city=mark("city"),
            # LinkedIn closed this member's profile: B's admins see it in purgedLinkedInProfiles.
            linkedin_profile_purged_at=WHEN,
        )
        other = models.Candidate(
            customer_id=customer_id,
            first_name=mark("Yan"),
            last_name=mark("Other"),
            email="yan@globex-only.test",
        )
        job = models.Job(customer_id=customer_id, title=mark("job"), description=mark("description"))
        db.add_all([recruiter, candidate, other, job])
        await db.flush()
        assert candidate.id is not None
        assert job.id is not None
        assert other.id is not None
        application = models.Application(
            customer_id=customer_id, candidate_id=candidate.id, job_id=job.id, status=mark("status")
        )
        db.add(application)
        await db.flush()
        assert application.id is not None
        stage = models.ApplicationStage(
            customer_id=customer_id, application_id=application.id, stage=mark("stage"), at=WHEN
        )
        linkedin_note = models.LinkedInNote(
            customer_id=customer_id,
            note_id="globex-only-note",
            owner_seat_urn=B_SEAT,
            member_urn=B_MEMBER,
            body=mark("linkedin note"),
            created_at=WHEN,
            updated_at=WHEN,
        )
        feedback = models.InterviewFeedback(
            customer_id=customer_id,
            application_id=application.id,
            interviewer_first_name=mark("Ivo"),
            interviewer_last_name=mark("Interviewer"),
            evaluations=[{"attribute": mark("attribute"), "result": mark("result")}],
            feedback=mark("feedback"),
            created_at=WHEN,
        )
        db.add_all([feedback])
        await db.flush()
        assert feedback.id is not None
        db.add_all(
            [
                stage,
                linkedin_note,
                models.Note(
                    customer_id=customer_id, candidate_id=candidate.id, author=mark("a"), body=mark("n")
                ),
                models.Note(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    application_id=application.id,
                    author=mark("a"),
                    body=mark("application note"),
                ),
                models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    person_urn=B_MEMBER,
                    profile_url=B_PROFILE_URL,
                    match_source=models.MatchSource.MANUAL,
                ),
                models.LinkedInSuggestion(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    field="title",
                    value=mark("suggested"),
                    source=models.LinkedInSource.LINKEDIN_INMAIL,
                    at=WHEN,
                ),
                models.ExportRequest(
                    customer_id=customer_id,
                    request_id=B_REQUEST_ID,
                    status=models.ExportStatus.PENDING,
                    seat_urn=B_SEAT,
                    member_urn=B_MEMBER,
                ),
                models.OutboxEvent(
                    customer_id=customer_id,
                    entity_type=models.SyncEntity.CANDIDATE,
                    entity_id=candidate.id,
                    op=models.OutboxOp.UPSERT,
                    last_error=mark("outbox error"),
                ),
                models.SyncStatus(
                    customer_id=customer_id,
                    entity_type=models.SyncEntity.CANDIDATE,
                    entity_id=other.id,
                    status=models.OutboxStatus.PARKED,
                    error=mark("sync error"),
                ),
            ]
        )
        api_key = models.ApiKey(
            customer_id=customer_id,
            name=mark("api key"),
            role="integration",
            prefix="GLOBEXKY",
            key_hash="0" * 64,
        )
        db.add(api_key)
        thread = models.InMailThread(
            customer_id=customer_id,
            seat_urn=B_SEAT,
            member_urn=B_MEMBER,
            subject=mark("subject"),
            last_message_at=WHEN,
            message_count=1,
        )
        db.add(thread)
        await db.flush()
        assert thread.id is not None
        message = models.InMailMessage(
            customer_id=customer_id,
            event_id="globex-only-event",
            thread_id=thread.id,
            conversation_urn="urn:li:conversation:globex-only",
            author_urn=B_SEAT,
            direction=models.InMailDirection.OUTBOUND,
            subject=mark("subject"),
            body=mark("message"),
            sent_at=WHEN,
        )
        db.add(message)
        group = models.AclGroup(customer_id=customer_id, name=mark("group"))
        db.add(group)
        await db.flush()
        assert group.id is not None
        assert recruiter.id is not None
        db.add_all(
            [
                models.AclGroupJob(customer_id=customer_id, group_id=group.id, job_id=job.id),
                models.AclGroupUser(customer_id=customer_id, group_id=group.id, user_id=recruiter.id),
            ]
        )
        await db.commit()
        assert recruiter.id is not None
        export_id = (
            await db.exec(
                select(models.ExportRequest.id).where(col(models.ExportRequest.request_id) == B_REQUEST_ID)
            )
        ).one()
        notes = (
            await db.exec(select(models.Note.id).where(col(models.Note.customer_id) == customer_id))
        ).all()
    return WorldB(
        customer_id,
        {
            "Candidate": [global_id("Candidate", candidate.id), global_id("Candidate", other.id)],
            "Job": [global_id("Job", job.id)],
            "Application": [global_id("Application", application.id)],
            "InterviewFeedback": [global_id("InterviewFeedback", feedback.id)],
            "Note": [global_id("Note", note_id) for note_id in notes if note_id is not None],
            "User": [global_id("User", recruiter.id)],
            "LinkedInExport": [global_id("LinkedInExport", export_id or 0)],
            "AclGroup": [global_id("AclGroup", group.id)],
            "ApiKey": [global_id("ApiKey", api_key.id or 0)],
            "InMailThread": [global_id("InMailThread", thread.id)],
            "InMailMessage": [global_id("InMailMessage", message.id or 0)],
            "LinkedInNote": [global_id("LinkedInNote", linkedin_note.id or 0)],
            "ApplicationStage": [global_id("ApplicationStage", stage.id or 0)],
        },
    )


def _strings_of_b(name: str, in_input: bool) -> tuple[str, bool] | None:
    """The strings that point at B: its member's URN and URL, its export's request id, its words."""
    lowered = name.lower()
    pointing = {"personurn": B_MEMBER, "memberurn": B_MEMBER, "profileurl": B_PROFILE_URL}
    for stem, b_value in pointing.items():
        if stem in lowered:
            return b_value, True
    if "requestid" in lowered:
        # LinkedIn's id, per customer: a query for it must find nothing of B's; a mutation's input
        # (processLinkedInExport) makes A's own new export (A's LinkedIn is asked), no row of B's.
        return B_REQUEST_ID, not in_input
    if lowered == "search":
        return MARK, True
    if lowered == "field":
        return "title", False
    return None


def _calls(schema: GraphQLSchema, world: WorldB) -> Iterator[Operation]:
    values = Values(ids=world.ids, strings=_strings_of_b, optional=True)
    node_ids = [gid for ids in world.ids.values() for gid in ids]
    return operations(schema, values, depth=DEPTH, node_ids=node_ids)


async def _snapshot(sessions: SessionFactory) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every customer's table (leases and customers aside), for 'nothing written'."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with sessions() as db:
        connection = await db.connection()
        for table in SQLModel.metadata.sorted_tables:
            if "customer_id" not in table.c:
                continue
            rows = (await connection.execute(sa.select(table).order_by(*table.primary_key.columns))).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


_WHY = frozenset({"__typename", "userErrors"})


def _found_nothing(call: Operation, result: Any) -> bool:
    """The answer names nothing: a null or empty result, or a NOT_FOUND (top-level or userError)."""
    codes = {(e.extensions or {}).get("code") for e in result.errors or []}
    if "NOT_FOUND" in codes:
        return True
    data = (result.data or {}).get(call.field)
    if data is None or data == []:
        return True
    text = json.dumps(data)
    if '"NOT_FOUND"' in text:
        return True
    if isinstance(data, dict) and data.get("totalCount") == 0:
        return True
    # a payload that returns nothing but why (e.g. createUser refusing the probe's email)
    if isinstance(data, dict) and all(v in (None, []) for k, v in data.items() if k not in _WHY):
        return True
    # enrichment: every member asked is reported as not in this ATS
    return isinstance(data, list) and all(isinstance(d, dict) and d.get("inAts") is False for d in data)


@pytest.fixture
async def world_b(sessions: SessionFactory, settings: Settings, sandbox: Sandbox, customer_id: int) -> WorldB:
    b = await add_customer(
        sessions,
        settings,
        key="globex",
        name="Globex Talent",
        client_id="globex-isolation-app",
        client_secret="globex-isolation-secret",
        org_urn="urn:li:organization:990",
        contract_urn="urn:li:contract:990",
    )
    assert b.id is not None
    world = await _world_of_b(sessions, b.id)
    world.ids["Customer"] = [global_id("Customer", b.id)]
    return world


async def test_no_root_field_or_mutation_reaches_another_customers_rows(
    graphql: GraphQL, sessions: SessionFactory, world_b: WorldB
) -> None:
    schema = build_schema()._schema
    failures: list[str] = []
    calls = list(_calls(schema, world_b))
    assert len(calls) > 20  # the generator reached the schema (every root field, every mutation)
    for call in calls:
        before = await _snapshot(sessions)
        result = await graphql(call.document, call.variables)
        after = await _snapshot(sessions)
        answer = json.dumps({"data": result.data, "errors": [str(e) for e in result.errors or []]})
        if MARK in answer or "globex-only.test" in answer:
            failures.append(f"{call.name}: shows customer B's data: {answer[:300]}")
        if call.kind == "mutation":
            for table in before:
                rows_b = [r for r in before[table] if r[0] == world_b.customer_id]
                if rows_b != [r for r in after[table] if r[0] == world_b.customer_id]:
                    failures.append(f"{call.name}: wrote customer B's `{table}`")
                # The audit log records the refused attempt, in the viewer's own customer (A).
                if call.aims and table != "audit_entry" and before[table] != after[table]:
                    failures.append(f"{call.name}: given B's ids, wrote `{table}` anyway")
        if call.aims and not _found_nothing(call, result):
            failures.append(f"{call.name}: given B's ids, found something: {answer[:300]}")
    assert failures == [], "\n".join(failures)

"""eraseCandidate: nothing of the person is left in any table (the tombstone's HMAC is the one trace),
LinkedIn's copy is deleted, a later poll does not rebuild them from old or new InMails, notes or mail
stubs, and a recruiter's new One-Click Export creates them again. deleteCandidate drops the local mirror.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select
from strawberry import relay

import models
from graph.ids import global_id
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import Member, build_world
from models.db import SessionFactory
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox
from tests.graph.acl_support import create_job, ok, payload_of

WORLD = build_world(SandboxConfig())
# Member 0 has InMails with two seats and shared contact details (mail stubs): the poll makes them a
# candidate.
MEMBER: Member = WORLD.members[0]
SEAT = WORLD.seats[0].urn
INMAIL_TEXT = "erasure probe: InMail about the data platform role"
REPLY_TEXT = "erasure probe: reply, call me on my mobile"
LINKEDIN_NOTE_TEXT = "erasure probe: prospect note, keen on Dublin"
NOTE_TEXT = "erasure probe: ATS note from the screening call"
APPLICATION_NOTE_TEXT = "erasure probe: application note"
FEEDBACK_TEXT = "erasure probe: interview feedback"

ERASE = """
mutation($input: EraseCandidateInput!) {
  eraseCandidate(input: $input) { erasedCandidateId userErrors { field message code } }
}
"""
DELETE_CANDIDATE = """
mutation($input: DeleteCandidateInput!) { deleteCandidate(input: $input) { userErrors { field } } }
"""
ADD_NOTE = """
mutation($input: AddCandidateNoteInput!) { addCandidateNote(input: $input) { noteId userErrors { field } } }
"""
ADD_APPLICATION_NOTE = """
mutation($input: AddApplicationNoteInput!) {
  addApplicationNote(input: $input) { noteId userErrors { field } }
}
"""
APPLY = """
mutation($input: ApplyToJobInput!) { applyToJob(input: $input) { application { id } userErrors { field } } }
"""
ADD_FEEDBACK = """
mutation($input: AddInterviewFeedbackInput!) {
  addInterviewFeedback(input: $input) { interviewFeedback { id } userErrors { field } }
}
"""
CREATE_CANDIDATE = """
mutation($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { field } }
}
"""
LINK = """
mutation($input: LinkLinkedInMemberInput!) { linkLinkedInMember(input: $input) { userErrors { field code } } }
"""
PROCESS = """
mutation($input: ProcessLinkedInExportInput!) {
  processLinkedInExport(input: $input) { created candidate { firstName lastName } userErrors { field } }
}
"""


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Job posting tasks finish at once, so a drain ends with every job on LinkedIn."""
    return SandboxConfig(job_task_delay_ms=0)


class Clock:
    """Wall-clock time plus an offset the test moves (rows waiting on a job task come due)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Person:
    """The candidate the poll made of MEMBER, with ATS records about them synced to LinkedIn."""

    candidate_id: int
    candidate_gid: str
    job_id: str


def needles() -> dict[str, str]:
    """What may not be found anywhere after the erasure."""
    return {
        "email": MEMBER.email,
        "phone": MEMBER.phone,
        "person urn": MEMBER.urn,
        "profile url": MEMBER.slug,
        "inmail": INMAIL_TEXT,
        "reply": REPLY_TEXT,
        "linkedin note": LINKEDIN_NOTE_TEXT,
        "note": NOTE_TEXT,
        "application note": APPLICATION_NOTE_TEXT,
        "feedback": FEEDBACK_TEXT,
        "full name": f"{MEMBER.first_name} {MEMBER.last_name}",
    }


async def every_row(sessions: SessionFactory) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table the models declare, as (table, row)."""
    out: list[tuple[str, dict[str, Any]]] = []
    async with sessions() as db:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await db.exec(sa.select(table))).mappings().all():  # type: ignore[call-overload]
                out.append((table.name, dict(row)))
    return out


def _text(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value) if value is not None else ""


async def traces(sessions: SessionFactory) -> list[str]:
    """Where the person shows: a needle in any text or JSON value, or their first and last name in one
    row (other members share one of the two names, never both)."""
    found = []
    for table, row in await every_row(sessions):
        texts = [_text(v).lower() for v in row.values()]
        for what, needle in needles().items():
            if any(needle.lower() in t for t in texts):
                found.append(f"{table}: {what}")
        if MEMBER.first_name.lower() in texts and MEMBER.last_name.lower() in texts:
            found.append(f"{table}: first and last name")
    return found


async def poll(tenant: Tenant) -> None:
    """One poll of every seat, waited for to its end (a periodic tick: no request deadline applies)."""
    await tenant.refresh.poll_tick()


async def poll_everything(sessions: SessionFactory, tenant: Tenant) -> None:
    """A poll that reads the whole history again (as after lost watermarks), not only what is new."""
    async with sessions() as db:
        await db.exec(sa.delete(models.SyncWatermark))
        await db.commit()
    await poll(tenant)


async def member_rows(sessions: SessionFactory, customer_id: int) -> dict[str, int]:
    """How many rows of each mirror table, and candidates, are about MEMBER."""
    async with sessions() as db:
        threads = await db.exec(
            select(models.InMailThread.id).where(
                col(models.InMailThread.customer_id) == customer_id,
                col(models.InMailThread.member_urn) == MEMBER.urn,
            )
        )
        notes = await db.exec(
            select(models.LinkedInNote.id).where(
                col(models.LinkedInNote.customer_id) == customer_id,
                col(models.LinkedInNote.member_urn) == MEMBER.urn,
            )
        )
        candidates = await db.exec(
            select(models.Candidate.id).where(
                col(models.Candidate.customer_id) == customer_id,
                sa.func.lower(models.Candidate.email) == MEMBER.email.lower(),
            )
        )
        return {"threads": len(threads.all()), "notes": len(notes.all()), "candidates": len(candidates.all())}


def _on_linkedin(state: dict[str, Any]) -> list[str]:
    """The emails of MEMBER's candidates LinkedIn holds."""
    return [
        email
        for c in state["candidates"]
        for email in c["body"].get("emailAddresses") or []
        if email == MEMBER.email
    ]


@pytest.fixture
def worker(sessions: SessionFactory, tenant: Tenant) -> OutboxWorker:
    """The customer's outbox worker."""
    return OutboxWorker(sessions, tenant, SyncConfig(), clock=Clock())


async def drain(worker: OutboxWorker) -> None:
    """Send everything due (bounded passes)."""
    await worker.run_until_idle()


@pytest.fixture
async def person(
    graphql: GraphQL,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: OutboxWorker,
) -> Person:
    """MEMBER with InMails (one of ours), a prospect note, mail stubs, polled into a candidate, who then
    gets an ATS note, an application with a note and feedback, all synced to LinkedIn."""
    pair = [(m.first_name, m.last_name) for m in WORLD.members]
    assert pair.count((MEMBER.first_name, MEMBER.last_name)) == 1  # else the name search means nothing
    await sandbox.admin("POST", "inmails", {"seat": SEAT, "member": MEMBER.urn, "body": INMAIL_TEXT})
    await sandbox.admin("POST", "replies", {"seat": SEAT, "member": MEMBER.urn, "body": REPLY_TEXT})
    await sandbox.admin("POST", "notes", {"seat": SEAT, "member": MEMBER.urn, "note": LINKEDIN_NOTE_TEXT})
    await poll(tenant)
    assert await member_rows(sessions, customer_id) == {"threads": 2, "notes": 1, "candidates": 1}
    async with sessions() as db:
        candidate = (
            await db.exec(select(models.Candidate).where(col(models.Candidate.email) == MEMBER.email.lower()))
        ).one()
    assert candidate.id is not None
    gid = global_id("Candidate", candidate.id)
    job = await create_job(graphql, "Data Platform Lead")
    await ok(graphql, ADD_NOTE, {"candidateId": gid, "author": "Rae Recruiter", "body": NOTE_TEXT})
    application = (await ok(graphql, APPLY, {"candidateId": gid, "jobId": job}))["application"]["id"]
    await ok(
        graphql,
        ADD_APPLICATION_NOTE,
        {"applicationId": application, "author": "Rae Recruiter", "body": APPLICATION_NOTE_TEXT},
    )
    await ok(
        graphql,
        ADD_FEEDBACK,
        {
            "applicationId": application,
            "interviewerFirstName": "Ivo",
            "interviewerLastName": "Interviewer",
            "feedback": FEEDBACK_TEXT,
            "evaluations": [{"attribute": "Verbal Communication", "result": "4/5"}],
        },
    )
    for _ in range(3):
        await drain(worker)
    state = await sandbox.admin("GET", "state")
    assert _on_linkedin(state) == [MEMBER.email]
    assert len(state["applications"]) == 1
    return Person(candidate.id, gid, job)


async def test_erasure_leaves_no_trace_of_the_person_in_any_table_but_the_tombstone(
    graphql: GraphQL, sessions: SessionFactory, sandbox: Sandbox, person: Person, worker: OutboxWorker
) -> None:
    # given: LinkedIn's answers quoting their email were kept as sync errors, and the person shows in
    # many tables (the search finds them)
    quoted = f"LinkedIn answered 400: {MEMBER.email} is not accepted"
    async with sessions() as db:
        for model, column in ((models.OutboxEvent, "last_error"), (models.SyncStatus, "error")):
            await db.exec(
                sa.update(model)
                .where(
                    col(model.entity_type) == models.SyncEntity.CANDIDATE,
                    col(model.entity_id) == person.candidate_id,
                )
                .values({column: quoted})
            )
        await db.commit()
    assert {t.split(":")[0] for t in await traces(sessions)} >= {
        "outbox_event",
        "sync_status",
        "candidate",
        "inmail_thread",
        "inmail_message",
        "linkedin_note",
        "linkedin_identity",
        "note",
        "interview_feedback",
    }
    # when
    erased = await ok(graphql, ERASE, {"id": person.candidate_gid, "reason": "GDPR request 2026-118"})
    await drain(worker)
    # then: not one value anywhere names them; the tombstone holds a 64-hex HMAC, not the URN
    assert erased["erasedCandidateId"] == person.candidate_gid
    assert await traces(sessions) == []
    async with sessions() as db:
        tombstones = (await db.exec(select(models.MemberTombstone))).all()
        audit = (
            await db.exec(select(models.AuditEntry).where(col(models.AuditEntry.action) == "candidateErased"))
        ).all()
    assert [(len(t.urn_hmac), t.reason) for t in tombstones] == [(64, "GDPR request 2026-118")]
    assert all(c in "0123456789abcdef" for c in tombstones[0].urn_hmac)
    assert [(a.actor, a.target) for a in audit] == [("ada@acme.test", person.candidate_gid)]
    # and LinkedIn holds nothing of them either
    state = await sandbox.admin("GET", "state")
    assert (_on_linkedin(state), state["applications"]) == ([], [])


async def test_after_erasure_no_poll_rebuilds_the_person_from_old_or_new_activity(
    graphql: GraphQL,
    sessions: SessionFactory,
    sandbox: Sandbox,
    customer_id: int,
    tenant: Tenant,
    person: Person,
) -> None:
    # given
    await ok(graphql, ERASE, {"id": person.candidate_gid})
    # when: the member writes again, shares contact details again, a recruiter notes them, and a poll
    # reads the whole history again
    await sandbox.admin("POST", "replies", {"seat": SEAT, "member": MEMBER.urn, "body": REPLY_TEXT})
    await sandbox.admin("POST", "mailStubs", {"seat": SEAT, "member": MEMBER.urn})
    await sandbox.admin("POST", "notes", {"seat": SEAT, "member": MEMBER.urn, "note": LINKEDIN_NOTE_TEXT})
    await poll_everything(sessions, tenant)
    # then: no thread, message, note or candidate came back; other members' activity still did
    assert await member_rows(sessions, customer_id) == {"threads": 0, "notes": 0, "candidates": 0}
    assert await traces(sessions) == []
    async with sessions() as db:
        others = (await db.exec(select(models.InMailThread.id))).all()
    assert len(others) > 10


async def test_a_new_one_click_export_of_an_erased_member_creates_them_again_and_lifts_the_tombstone(
    graphql: GraphQL,
    sessions: SessionFactory,
    sandbox: Sandbox,
    customer_id: int,
    tenant: Tenant,
    person: Person,
) -> None:
    # given
    await ok(graphql, ERASE, {"id": person.candidate_gid})
    external = relay.GlobalID.from_id(person.job_id).node_id
    body = {"seat": SEAT, "member": MEMBER.urn, "externalJobPostingId": external}
    request_id = str((await sandbox.admin("POST", "exports", body))["requestId"])
    # when
    exported = await payload_of(graphql, PROCESS, {"requestId": request_id})
    await poll_everything(sessions, tenant)
    # then: the candidate is back, no tombstone is left, and the poll brings their InMails in again
    assert exported["created"] is True
    assert exported["candidate"] == {"firstName": MEMBER.first_name, "lastName": MEMBER.last_name}
    async with sessions() as db:
        assert (await db.exec(select(models.MemberTombstone))).all() == []
    rows = await member_rows(sessions, customer_id)
    assert (rows["candidates"], rows["threads"] > 0) == (1, True)
    # and erasing the exported candidate leaves no trace either (the export's record forgets the member)
    async with sessions() as db:
        again = (
            await db.exec(select(models.Candidate.id).where(col(models.Candidate.email) == MEMBER.email))
        ).one()
    assert again is not None
    await ok(graphql, ERASE, {"id": global_id("Candidate", again)})
    assert await traces(sessions) == []


async def test_a_manual_link_of_an_erased_member_lifts_the_tombstone(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, person: Person
) -> None:
    # given
    await ok(graphql, ERASE, {"id": person.candidate_gid})
    fresh = await ok(
        graphql, CREATE_CANDIDATE, {"firstName": "New", "lastName": "Record", "email": "new@example.com"}
    )
    # when
    linked = await payload_of(
        graphql, LINK, {"candidateId": fresh["candidate"]["id"], "personUrn": MEMBER.urn}
    )
    # then
    assert linked["userErrors"] == []
    async with sessions() as db:
        assert (await db.exec(select(models.MemberTombstone))).all() == []


async def test_delete_candidate_removes_the_local_linkedin_mirror_so_a_re_export_brings_no_old_thread(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, person: Person
) -> None:
    # when
    await ok(graphql, DELETE_CANDIDATE, {"id": person.candidate_gid})
    # then: the InMails, messages and LinkedIn notes held for the candidate are gone with it
    rows = await member_rows(sessions, customer_id)
    assert rows == {"threads": 0, "notes": 0, "candidates": 0}
    async with sessions() as db:
        messages = (
            await db.exec(select(models.InMailMessage.id).where(col(models.InMailMessage.body) == REPLY_TEXT))
        ).all()
        profiles = (
            await db.exec(
                select(models.LinkedInProfile.id).where(
                    col(models.LinkedInProfile.candidate_id) == person.candidate_id
                )
            )
        ).all()
        tombstones = (await db.exec(select(models.MemberTombstone))).all()
    assert (messages, profiles, tombstones) == ([], [], [])


async def test_erasing_an_unknown_candidate_is_not_found(graphql: GraphQL) -> None:
    payload = await payload_of(graphql, ERASE, {"id": global_id("Candidate", 999_999)})
    assert payload == {
        "erasedCandidateId": None,
        "userErrors": [
            {"field": ["input", "id"], "message": "No candidate has this id", "code": "NOT_FOUND"}
        ],
    }

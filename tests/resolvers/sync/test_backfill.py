"""`rscgraph sync backfill --since 2y` enqueues every record changed within the span, closed jobs too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from app.errors import EXIT_USAGE
from app.settings import Settings
from models import (
    AclGroup,
    AclGroupJob,
    AclGroupUser,
    Application,
    ApplicationStage,
    Candidate,
    InterviewFeedback,
    Job,
    JobState,
    Note,
    OutboxOp,
    OutboxStatus,
    SyncEntity,
    User,
)
from models.db import SessionFactory
from resolvers.sync.backfill import backfill, parse_span
from tests.child_apps import other_customer_id
from tests.resolvers.sync.conftest import Ats

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RECENT = NOW - timedelta(days=100)
ANCIENT = NOW - timedelta(days=3 * 365)


@pytest.mark.parametrize(
    ("text", "days"),
    [("30d", 30), ("6m", 180), ("2y", 730), (" 1Y ", 365)],
    ids=["days", "months", "years", "case"],
)
def test_a_span_is_read_in_days_months_or_years(text: str, days: int) -> None:
    assert parse_span(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["2w", "y", "-1d", "", "2 years"])
def test_a_span_in_another_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a span like 30d, 6m or 2y"):
        parse_span(text)


def test_a_span_too_long_for_a_timedelta_means_all_history() -> None:
    assert parse_span("99999999999y") == timedelta(days=timedelta.max.days)


async def history(sessions: SessionFactory, customer_id: int) -> dict[str, int]:
    """One recent record of every kind of the customer (the job closed), plus an ancient candidate and job."""
    c = customer_id
    async with sessions() as db:
        job = Job(
            customer_id=c, title="Closed role", state=JobState.CLOSED, created_at=RECENT, updated_at=RECENT
        )
        old_job = Job(customer_id=c, title="Old role", created_at=ANCIENT, updated_at=ANCIENT)
        candidate = Candidate(
            customer_id=c,
            first_name="A",
            last_name="B",
            email="a@b.example",
            created_at=RECENT,
            updated_at=RECENT,
        )
        old = Candidate(
            customer_id=c,
            first_name="O",
            last_name="Ld",
            email="o@ld.example",
            created_at=ANCIENT,
            updated_at=ANCIENT,
        )
        db.add_all([job, old_job, candidate, old])
        await db.flush()
        application = Application(
            customer_id=c,
            candidate_id=candidate.id or 0,
            job_id=job.id or 0,
            created_at=RECENT,
            last_activity_at=RECENT,
        )
        db.add(application)
        await db.flush()
        note = Note(customer_id=c, candidate_id=candidate.id or 0, author="R S", body="n", created_at=RECENT)
        app_note = Note(
            customer_id=c,
            candidate_id=candidate.id or 0,
            application_id=application.id,
            author="R S",
            body="a",
            created_at=RECENT,
        )
        stage = ApplicationStage(customer_id=c, application_id=application.id or 0, stage="Screen", at=RECENT)
        # ACLs are current state: the backfill sends them whatever the span.
        user = User(customer_id=c, email="r@s.example", roles="recruiter", person_urn="urn:li:person:rs")
        group = AclGroup(customer_id=c, name="Secured")
        feedback = InterviewFeedback(
            customer_id=c,
            application_id=application.id or 0,
            interviewer_first_name="R",
            interviewer_last_name="S",
            created_at=RECENT,
            updated_at=RECENT,
        )
        db.add_all([note, app_note, stage, feedback, user, group])
        await db.flush()
        db.add_all(
            [
                AclGroupJob(customer_id=c, group_id=group.id or 0, job_id=job.id or 0),
                AclGroupUser(customer_id=c, group_id=group.id or 0, user_id=user.id or 0),
            ]
        )
        await db.commit()
        return {
            "job": job.id or 0,
            "candidate": candidate.id or 0,
            "application": application.id or 0,
            "note": note.id or 0,
            "app_note": app_note.id or 0,
            "stage": stage.id or 0,
            "feedback": feedback.id or 0,
            "user": user.id or 0,
        }


async def test_the_backfill_enqueues_an_upsert_for_every_record_changed_within_the_span(
    sessions: SessionFactory, customer_id: int, ats: Ats
) -> None:
    # given
    ids = await history(sessions, customer_id)
    # when
    counts = await backfill(sessions, customer_id, timedelta(days=730), now=NOW)
    # then
    assert counts == dict.fromkeys(SyncEntity, 1)
    assert [(r.entity_type, r.entity_id, r.op, r.status) for r in await ats.outbox()] == [
        (SyncEntity.JOB, ids["job"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.ENTITY_ACL, ids["job"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.ACL_ASSIGNEE, ids["user"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.CANDIDATE, ids["candidate"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.CANDIDATE_NOTE, ids["note"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.APPLICATION, ids["application"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.APPLICATION_NOTE, ids["app_note"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.APPLICATION_STAGE, ids["stage"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.INTERVIEW_FEEDBACK, ids["feedback"], OutboxOp.UPSERT, OutboxStatus.PENDING),
    ]


@pytest.mark.parametrize("text", ["3000y", "99999999999y"])
async def test_a_span_reaching_before_the_calendar_backfills_all_history(
    sessions: SessionFactory, customer_id: int, text: str
) -> None:
    # given: recent records and an ancient candidate and job
    await history(sessions, customer_id)
    # when
    counts = await backfill(sessions, customer_id, parse_span(text), now=NOW)
    # then
    assert counts == {**dict.fromkeys(SyncEntity, 1), SyncEntity.JOB: 2, SyncEntity.CANDIDATE: 2}


async def test_a_customers_backfill_enqueues_none_of_another_customers_records(
    sessions: SessionFactory, settings: Settings, customer_id: int, ats: Ats
) -> None:
    # given: the same history at another customer
    other = await other_customer_id(sessions, settings)
    await history(sessions, other)
    # when
    counts = await backfill(sessions, customer_id, timedelta(days=730), now=NOW)
    # then
    assert counts == dict.fromkeys(SyncEntity, 0)
    assert await ats.outbox() == []
    assert len(await Ats(sessions, other).outbox()) == 0


def _sync(database_url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    monkeypatch.setenv("RSC_DATABASE_URL", database_url)
    main(["sync", *args])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_cli_backfills_the_only_customer_of_the_database_it_is_configured_for(
    database_url: str, customer_id: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # when
    await asyncio.to_thread(_sync, database_url, monkeypatch, "backfill", "--since", "2y")
    # then
    assert capsys.readouterr().out == (
        "backfill of the last 2y enqueued for acme (job: 0, entity_acl: 0, acl_assignee: 0, candidate: 0, "
        "candidate_note: 0, application: 0, application_note: 0, application_stage: 0, "
        "interview_feedback: 0)\n"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_with_two_customers_the_cli_backfills_the_one_named_and_asks_when_none_is(
    database_url: str,
    sessions: SessionFactory,
    settings: Settings,
    customer_id: int,
    ats: Ats,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given: a second customer with history
    other = await other_customer_id(sessions, settings)
    await history(sessions, other)
    # when
    with pytest.raises(SystemExit) as unnamed:
        await asyncio.to_thread(_sync, database_url, monkeypatch, "backfill")
    refused = capsys.readouterr().err
    await asyncio.to_thread(_sync, database_url, monkeypatch, "backfill", "--customer", "globex")
    # then: nothing was enqueued without a name; the named customer's history only with it
    assert unnamed.value.code == EXIT_USAGE
    assert refused == (
        "rscgraph: error: there are 2 customers (acme, globex): say which one\n  fix: add --customer KEY\n"
    )
    assert await ats.outbox() == []
    assert len(await Ats(sessions, other).outbox()) == 9  # its 7 records and its job's and user's ACLs

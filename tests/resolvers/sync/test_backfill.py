"""`rscgraph sync backfill --since 2y` enqueues every record changed within the span, closed jobs too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from models import (
    Application,
    ApplicationStage,
    Candidate,
    Job,
    JobState,
    Note,
    OutboxOp,
    OutboxStatus,
    SyncEntity,
)
from models.db import SessionFactory
from resolvers.sync.backfill import backfill, parse_span
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


async def history(sessions: SessionFactory) -> dict[str, int]:
    """One recent record of every kind (the job closed), plus an ancient candidate and job."""
    async with sessions() as db:
        job = Job(title="Closed role", state=JobState.CLOSED, created_at=RECENT, updated_at=RECENT)
        old_job = Job(title="Old role", created_at=ANCIENT, updated_at=ANCIENT)
        candidate = Candidate(
            first_name="A", last_name="B", email="a@b.example", created_at=RECENT, updated_at=RECENT
        )
        old = Candidate(
            first_name="O", last_name="Ld", email="o@ld.example", created_at=ANCIENT, updated_at=ANCIENT
        )
        db.add_all([job, old_job, candidate, old])
        await db.flush()
        application = Application(
            candidate_id=candidate.id or 0, job_id=job.id or 0, created_at=RECENT, last_activity_at=RECENT
        )
        db.add(application)
        await db.flush()
        note = Note(candidate_id=candidate.id or 0, author="R S", body="n", created_at=RECENT)
        app_note = Note(
            candidate_id=candidate.id or 0,
            application_id=application.id,
            author="R S",
            body="a",
            created_at=RECENT,
        )
        stage = ApplicationStage(application_id=application.id or 0, stage="Screen", at=RECENT)
        db.add_all([note, app_note, stage])
        await db.commit()
        return {
            "job": job.id or 0,
            "candidate": candidate.id or 0,
            "application": application.id or 0,
            "note": note.id or 0,
            "app_note": app_note.id or 0,
            "stage": stage.id or 0,
        }


async def test_the_backfill_enqueues_an_upsert_for_every_record_changed_within_the_span(
    sessions: SessionFactory, ats: Ats
) -> None:
    # given
    ids = await history(sessions)
    # when
    counts = await backfill(sessions, timedelta(days=730), now=NOW)
    # then
    assert counts == dict.fromkeys(SyncEntity, 1)
    assert [(r.entity_type, r.entity_id, r.op, r.status) for r in await ats.outbox()] == [
        (SyncEntity.JOB, ids["job"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.CANDIDATE, ids["candidate"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.CANDIDATE_NOTE, ids["note"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.APPLICATION, ids["application"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.APPLICATION_NOTE, ids["app_note"], OutboxOp.UPSERT, OutboxStatus.PENDING),
        (SyncEntity.APPLICATION_STAGE, ids["stage"], OutboxOp.UPSERT, OutboxStatus.PENDING),
    ]


@pytest.mark.parametrize("text", ["3000y", "99999999999y"])
async def test_a_span_reaching_before_the_calendar_backfills_all_history(
    sessions: SessionFactory, text: str
) -> None:
    # given: recent records and an ancient candidate and job
    await history(sessions)
    # when
    counts = await backfill(sessions, parse_span(text), now=NOW)
    # then
    assert counts == {**dict.fromkeys(SyncEntity, 1), SyncEntity.JOB: 2, SyncEntity.CANDIDATE: 2}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_cli_backfills_the_database_it_is_configured_for(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    monkeypatch.setenv("RSC_DATABASE_URL", database_url)
    # when
    main(["sync", "backfill", "--since", "2y"])
    # then
    assert capsys.readouterr().out == (
        "backfill of the last 2y enqueued (job: 0, candidate: 0, candidate_note: 0, application: 0, "
        "application_note: 0, application_stage: 0)\n"
    )

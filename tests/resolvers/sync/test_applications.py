"""Applications, their stages and notes, and candidate notes reach LinkedIn; edits follow; deletes remove."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import Application, ApplicationStage, Candidate, Job, Note, OutboxStatus, SyncEntity
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import CREATED, MODIFIED, Ats, Clock, ident, ms, pushed

APPLIED = datetime(2026, 5, 3, 8, 0, tzinfo=UTC)
ACTIVE = datetime(2026, 5, 9, 16, 20, tzinfo=UTC)
SCREENED = datetime(2026, 5, 6, 11, 15, tzinfo=UTC)
NOTED = datetime(2026, 5, 7, 14, 5, tzinfo=UTC)


@pytest.fixture
async def candidate(ats: Ats) -> Candidate:
    """A candidate LinkedIn can take."""
    row = Candidate(
        first_name="Grace",
        last_name="Hopper",
        email="grace@navy.example",
        created_at=CREATED,
        updated_at=MODIFIED,
    )
    created: Candidate = await ats.create(row, SyncEntity.CANDIDATE)
    return created


@pytest.fixture
async def job(ats: Ats) -> Job:
    """An open job."""
    row = Job(title="Compiler Engineer", description="Write the first compiler.", location="Arlington, US")
    created: Job = await ats.create(row, SyncEntity.JOB)
    return created


@pytest.fixture
async def application(ats: Ats, candidate: Candidate, job: Job) -> Application:
    """Grace applied to the job."""
    row = Application(
        candidate_id=ident(candidate),
        job_id=ident(job),
        source="Referral",
        created_at=APPLIED,
        last_activity_at=ACTIVE,
    )
    key = {"candidate_id": candidate.id, "job_id": job.id}
    created: Application = await ats.create(row, SyncEntity.APPLICATION, key)
    return created


async def test_a_new_application_appears_on_linkedin_with_every_field(
    application: Application, candidate: Candidate, job: Job, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # when
    await worker.run_once()
    # then
    held = (await pushed(sandbox))["applications"][str(application.id)]
    assert held["body"] == {
        "atsCandidateId": str(candidate.id),
        "atsJobPostingId": str(job.id),
        "atsJobPostingName": "Compiler Engineer",
        "candidateEmail": "grace@navy.example",
        "firstName": "Grace",
        "lastName": "Hopper",
        "atsCreatedAt": ms(APPLIED),
        "atsLastModifiedAt": ms(ACTIVE),
        "source": "Referral",
        "dispositionReason": None,
    }


async def test_an_edit_to_an_application_follows_it_to_linkedin(
    application: Application, ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    await worker.run_once()
    # when
    await ats.update(Application, ident(application), SyncEntity.APPLICATION, source="Career fair")
    await worker.run_once()
    # then
    assert (await pushed(sandbox))["applications"][str(application.id)]["body"]["source"] == "Career fair"


async def test_a_deleted_application_is_removed_from_linkedin(
    application: Application, candidate: Candidate, job: Job, ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    await worker.run_once()
    # when
    key = {"candidate_id": candidate.id, "job_id": job.id}
    await ats.delete(Application, ident(application), SyncEntity.APPLICATION, key)
    await worker.run_once()
    # then
    assert (await pushed(sandbox))["applications"] == {}


async def test_a_stage_appears_under_its_application_and_a_deleted_stage_goes(
    application: Application, ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    key = {"application_id": application.id}
    stage = await ats.create(
        ApplicationStage(application_id=ident(application), stage="Phone screen", actor="Ada", at=SCREENED),
        SyncEntity.APPLICATION_STAGE,
        key,
    )
    # when
    await worker.run_once()
    stages_sent = (await pushed(sandbox))["applications"][str(application.id)]["stages"]
    await ats.delete(ApplicationStage, stage.id, SyncEntity.APPLICATION_STAGE, key)
    await worker.run_once()
    # then
    assert stages_sent == {str(stage.id): {"atsCreatedAt": ms(SCREENED), "stage": "Phone screen"}}
    assert (await pushed(sandbox))["applications"][str(application.id)]["stages"] == {}


async def test_an_application_note_appears_with_its_author_and_a_deleted_one_goes(
    application: Application, candidate: Candidate, ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    key = {"application_id": application.id}
    note = await ats.create(
        Note(
            candidate_id=ident(candidate),
            application_id=ident(application),
            author="Ada King Lovelace",
            body="Strong on compilers",
            created_at=NOTED,
        ),
        SyncEntity.APPLICATION_NOTE,
        key,
    )
    # when
    await worker.run_once()
    notes_sent = (await pushed(sandbox))["applications"][str(application.id)]["notes"]
    await ats.delete(Note, note.id, SyncEntity.APPLICATION_NOTE, key)
    await worker.run_once()
    # then
    assert notes_sent == {
        str(note.id): {
            "atsCreatedAt": ms(NOTED),
            "note": "Strong on compilers",
            "author": {"firstName": "Ada", "lastName": "King Lovelace"},
        }
    }
    assert (await pushed(sandbox))["applications"][str(application.id)]["notes"] == {}


async def test_a_candidate_note_appears_under_its_candidate_and_a_deleted_one_goes(
    candidate: Candidate, ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    key = {"candidate_id": candidate.id}
    note = await ats.create(
        Note(
            candidate_id=ident(candidate),
            author="Ada Lovelace",
            body="Met at the conference",
            created_at=NOTED,
        ),
        SyncEntity.CANDIDATE_NOTE,
        key,
    )
    # when
    await worker.run_once()
    notes_sent = (await pushed(sandbox))["candidates"][str(candidate.id)]["notes"]
    await ats.delete(Note, note.id, SyncEntity.CANDIDATE_NOTE, key)
    await worker.run_once()
    # then
    assert notes_sent == {
        str(note.id): {
            "atsCreatedAt": ms(NOTED),
            "note": "Met at the conference",
            "author": {"firstName": "Ada", "lastName": "Lovelace"},
        }
    }
    assert (await pushed(sandbox))["candidates"][str(candidate.id)]["notes"] == {}


async def test_an_application_of_a_candidate_without_email_is_skipped_with_the_reason(
    ats: Ats, job: Job, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    nameless = await ats.create(Candidate(first_name="Anon", last_name="Ymous"), SyncEntity.CANDIDATE)
    application = await ats.create(
        Application(candidate_id=ident(nameless), job_id=ident(job)),
        SyncEntity.APPLICATION,
        {"candidate_id": nameless.id, "job_id": job.id},
    )
    # when
    await worker.run_once()
    # then
    assert (await pushed(sandbox))["applications"] == {}
    status = await ats.status(SyncEntity.APPLICATION, application.id)
    assert status is not None
    assert (status.status, status.error) == (OutboxStatus.SKIPPED, "candidate missing email")


async def test_records_held_back_by_a_candidate_without_email_follow_once_it_is_sent(
    ats: Ats, job: Job, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: a candidate without email, with a note, an application and a stage, all skipped
    nameless = await ats.create(Candidate(first_name="Anon", last_name="Ymous"), SyncEntity.CANDIDATE)
    note = await ats.create(
        Note(candidate_id=ident(nameless), author="Ada Lovelace", body="Call back", created_at=NOTED),
        SyncEntity.CANDIDATE_NOTE,
        {"candidate_id": ident(nameless)},
    )
    application = await ats.create(
        Application(candidate_id=ident(nameless), job_id=ident(job)),
        SyncEntity.APPLICATION,
        {"candidate_id": ident(nameless), "job_id": ident(job)},
    )
    stage = await ats.create(
        ApplicationStage(application_id=ident(application), stage="Screen", at=SCREENED),
        SyncEntity.APPLICATION_STAGE,
        {"application_id": ident(application)},
    )
    await worker.run_until_idle()
    skipped = await ats.status(SyncEntity.APPLICATION_STAGE, ident(stage))
    # when
    await ats.update(Candidate, ident(nameless), SyncEntity.CANDIDATE, email="anon@example.com")
    await worker.run_until_idle()
    # then
    assert skipped is not None
    assert (skipped.status, skipped.error) == (
        OutboxStatus.SKIPPED,
        "the application is not sent to LinkedIn (see its sync status)",
    )
    state = await pushed(sandbox)
    assert list(state["candidates"][str(ident(nameless))]["notes"]) == [str(ident(note))]
    assert list(state["applications"][str(ident(application))]["stages"]) == [str(ident(stage))]


async def test_a_retried_note_deletion_keeps_the_key_that_names_its_candidate(
    candidate: Candidate, ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock
) -> None:
    # given: a sent note whose deletion LinkedIn first fails with 503
    key = {"candidate_id": ident(candidate)}
    note = await ats.create(
        Note(candidate_id=ident(candidate), author="Ada Lovelace", body="Old", created_at=NOTED),
        SyncEntity.CANDIDATE_NOTE,
        key,
    )
    await worker.run_once()
    await ats.delete(Note, ident(note), SyncEntity.CANDIDATE_NOTE, key)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidateNotes", "status": 503, "count": 2})
    await worker.run_once()
    # when
    clock.advance(30)
    await worker.run_once()
    # then
    assert (await pushed(sandbox))["candidates"][str(ident(candidate))]["notes"] == {}
    assert [row.key for row in await ats.outbox() if row.entity_type is SyncEntity.CANDIDATE_NOTE] == [
        key,
        key,
    ]

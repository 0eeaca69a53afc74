"""One pass sends parents before children, and deletes children before parents."""

from __future__ import annotations

import itertools

from models import Application, ApplicationStage, Candidate, Job, Note, OutboxOp, SyncEntity
from models.outbox_writes import enqueue
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import Ats, ident


async def every_kind(ats: Ats) -> dict[str, int]:
    """A job, a candidate with a note, an application with a note and a stage; enqueued children first."""
    c = ats.customer_id
    job = Job(customer_id=c, title="Engineer", description="Build", location="Paris, FR")
    candidate = Candidate(customer_id=c, first_name="A", last_name="B", email="a@b.example")
    async with ats.sessions() as db:
        db.add_all([job, candidate])
        await db.commit()
    application = Application(customer_id=c, candidate_id=ident(candidate), job_id=ident(job))
    async with ats.sessions() as db:
        db.add(application)
        await db.commit()
    app_key = {"application_id": ident(application)}
    stage = await ats.create(
        ApplicationStage(application_id=ident(application), stage="Screen"),
        SyncEntity.APPLICATION_STAGE,
        app_key,
    )
    app_note = await ats.create(
        Note(candidate_id=ident(candidate), application_id=ident(application), author="R S", body="a"),
        SyncEntity.APPLICATION_NOTE,
        app_key,
    )
    await ats.create(
        application, SyncEntity.APPLICATION, {"candidate_id": ident(candidate), "job_id": ident(job)}
    )
    note = await ats.create(
        Note(candidate_id=ident(candidate), author="R S", body="n"),
        SyncEntity.CANDIDATE_NOTE,
        {"candidate_id": ident(candidate)},
    )
    await ats.create(candidate, SyncEntity.CANDIDATE)
    await ats.create(job, SyncEntity.JOB)
    return {
        "candidate": ident(candidate),
        "application": ident(application),
        "note": ident(note),
        "app_note": ident(app_note),
        "stage": ident(stage),
    }


async def test_upserts_go_jobs_candidates_notes_applications_application_notes_then_stages(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: rows enqueued in the reverse of dependency order
    await every_kind(ats)
    # when
    await worker.run_once()
    # then
    calls = await sandbox.admin("GET", "calls")
    writes = [
        c["endpoint"] for c in calls if c["method"] in ("PUT", "POST") and c["endpoint"] != "accessToken"
    ]
    assert writes == [
        "simpleJobPostings",
        "atsCandidates",
        "atsCandidateNotes",
        "atsApplications",
        "atsApplicationNotes",
        "atsApplicationStages",
    ]


async def test_deletes_go_stages_application_notes_applications_notes_then_candidates(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given: everything sent, then deletes enqueued parents first
    ids = await every_kind(ats)
    await worker.run_once()
    await sandbox.admin("DELETE", "calls")
    app_key = {"application_id": ids["application"]}
    await ats.delete(Candidate, ids["candidate"], SyncEntity.CANDIDATE)  # cascades in the ATS
    async with ats.sessions() as db:
        c = ats.customer_id
        enqueue(
            db,
            c,
            SyncEntity.APPLICATION,
            ids["application"],
            OutboxOp.DELETE,
            {"candidate_id": ids["candidate"]},
        )
        enqueue(
            db, c, SyncEntity.CANDIDATE_NOTE, ids["note"], OutboxOp.DELETE, {"candidate_id": ids["candidate"]}
        )
        enqueue(db, c, SyncEntity.APPLICATION_NOTE, ids["app_note"], OutboxOp.DELETE, app_key)
        enqueue(db, c, SyncEntity.APPLICATION_STAGE, ids["stage"], OutboxOp.DELETE, app_key)
        await db.commit()
    # when
    await worker.run_once()
    # then
    calls = [c["endpoint"] for c in await sandbox.admin("GET", "calls") if c["method"] == "DELETE"]
    # A call retried after a timeout (an idempotent DELETE, on a loaded machine) is the same step.
    deletes = [endpoint for endpoint, _ in itertools.groupby(calls)]
    assert deletes == [
        "atsApplicationStages",
        "atsApplicationNotes",
        "atsApplications",
        "atsCandidateNotes",
        "atsCandidates",
    ]

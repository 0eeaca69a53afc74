"""A customer's synced world for the offboarding tests: candidates with notes, applications with notes and
stages, a secured job with a grouped user, all pushed to the customer's LinkedIn app by the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import models
from models.base import utcnow
from models.db import SessionFactory
from resolvers.sync.backfill import backfill
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import Sandbox

SYNC = SyncConfig(
    candidate_url_template="https://ats.example.com/candidates/{id}",
    job_url_template="https://ats.example.com/jobs/{id}",
)


@dataclass
class World:
    """The ATS ids of what a customer synced."""

    candidates: list[int] = field(default_factory=list)
    applications: list[int] = field(default_factory=list)
    candidate_notes: list[tuple[int, int]] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)
    person_urn: str = ""


async def synced_world(sessions: SessionFactory, tenant: Tenant, *, candidates: int, mark: str) -> World:
    """`candidates` candidates of the customer, each with a note and an application (with a note and a
    stage) to one of two jobs, the first job secured by a group holding a user with a person URN; all
    sent to LinkedIn by the customer's outbox worker."""
    world = World(person_urn=f"urn:li:person:{mark}-recruiter")
    async with sessions() as db:
        jobs = [
            models.Job(
                customer_id=tenant.id,
                title=f"{mark} job {n}",
                description="Build compilers.",
                location="Remote",
            )
            for n in range(2)
        ]
        db.add_all(jobs)
        await db.flush()
        world.jobs = [int(j.id or 0) for j in jobs]
        user = models.User(
            customer_id=tenant.id,
            email=f"recruiter@{mark}.test",
            first_name="Rae",
            last_name=mark,
            person_urn=world.person_urn,
            roles="recruiter",
        )
        group = models.AclGroup(customer_id=tenant.id, name=f"{mark} secured")
        db.add_all([user, group])
        await db.flush()
        db.add_all(
            [
                models.AclGroupJob(customer_id=tenant.id, group_id=int(group.id or 0), job_id=world.jobs[0]),
                models.AclGroupUser(
                    customer_id=tenant.id, group_id=int(group.id or 0), user_id=int(user.id or 0)
                ),
            ]
        )
        for n in range(candidates):
            candidate = models.Candidate(
                customer_id=tenant.id,
                first_name=f"{mark}{n}",
                last_name="Person",
                email=f"person{n}@{mark}.example",
            )
            db.add(candidate)
            await db.flush()
            candidate_id = int(candidate.id or 0)
            application = models.Application(
                customer_id=tenant.id, candidate_id=candidate_id, job_id=world.jobs[n % 2]
            )
            note = models.Note(
                customer_id=tenant.id, candidate_id=candidate_id, author="Rae", body=f"{mark} note"
            )
            db.add_all([application, note])
            await db.flush()
            db.add_all(
                [
                    models.Note(
                        customer_id=tenant.id,
                        candidate_id=candidate_id,
                        application_id=application.id,
                        author="Rae",
                        body=f"{mark} application note",
                    ),
                    models.ApplicationStage(
                        customer_id=tenant.id, application_id=int(application.id or 0), stage="Screen"
                    ),
                ]
            )
            world.candidates.append(candidate_id)
            world.applications.append(int(application.id or 0))
            world.candidate_notes.append((candidate_id, int(note.id or 0)))
        await db.commit()
    await backfill(sessions, tenant.id, timedelta(days=3650))
    # The worker's clock moves past each job task's poll delay, so the jobs end SENT (their tasks done).
    offset = timedelta()

    def clock() -> datetime:
        return utcnow() + offset

    worker = OutboxWorker(sessions, tenant, SYNC, clock=clock)
    for _ in range(5):
        await worker.run_until_idle(max_passes=100)
        offset += timedelta(seconds=SYNC.job_task_poll_s + 1)
    return world


async def linkedin_state(sandbox: Sandbox, app: str | None) -> dict[str, object]:
    """What the app's LinkedIn holds (`/_admin/state`)."""
    state: dict[str, object] = await sandbox.admin("GET", "state" if app is None else f"state?app={app}")
    return state


__all__ = ["SYNC", "World", "linkedin_state", "synced_world"]

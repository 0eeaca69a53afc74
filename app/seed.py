"""Demo data for the ATS that matches the sandbox's deterministic LinkedIn world."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from sqlmodel import func, select

import models
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import Member, World, build_world
from models.db import SessionFactory
from resolvers.viewer import Role

# Members the sandbox's InMails reach are 0..39; those from 25 on are left for mail stubs to create.
LINKED_MEMBERS = [*range(0, 25), *range(40, 140)]
JOBS = [
    ("Staff Backend Engineer", "Providence, RI"),
    ("Senior Data Engineer", "Boston, MA"),
    ("Engineering Manager", "New York, NY"),
    ("Product Designer", "Remote"),
    ("Site Reliability Engineer", "Austin, TX"),
    ("Recruiting Coordinator", "Chicago, IL"),
]
STAGES = ["Applied", "Phone Screen", "Onsite", "Offer Extended", "Hired", "Rejected"]


async def seed_demo(
    sessions: SessionFactory,
    customer_id: int,
    world: World | None = None,
    *,
    company: str = "Example Co.",
    seed: int = 11,
    shared: Sequence[Member] = (),
) -> bool:
    """Fill a customer's empty ATS with recruiters, candidates, jobs and applications from its LinkedIn
    world (plus `shared` members of another customer's world, with this customer's own ATS data);
    False if it had data."""
    world = world or build_world(SandboxConfig())
    rng = random.Random(seed)
    async with sessions() as db:
        held = (
            select(func.count())
            .select_from(models.Candidate)
            .where(models.Candidate.customer_id == customer_id)
        )
        if (await db.exec(held)).one() > 0:
            return False
        for seat in world.seats:
            user = models.User(
                customer_id=customer_id,
                first_name=seat.first_name,
                last_name=seat.last_name,
                email=f"{seat.first_name}.{seat.last_name}@{_domain(company)}".lower(),
                person_urn=seat.seatholder,
                roles=Role.RECRUITER.value,
                source=models.UserSource.SEED,
            )
            db.add(user)
            await db.flush()
            db.add(
                models.Seat(
                    customer_id=customer_id,
                    seat_urn=seat.urn,
                    holder_person_urn=seat.seatholder,
                    user_id=user.id,
                    mapped_by=models.SeatMapping.PERSON_URN,
                )
            )
        jobs = [
            models.Job(
                customer_id=customer_id, title=title, description=f"{title} at {company}.", location=where
            )
            for title, where in JOBS
        ]
        jobs[-1].state = models.JobState.CLOSED
        db.add_all(jobs)
        await db.flush()
        now = models.utcnow()
        members = [(index, world.members[index]) for index in LINKED_MEMBERS]
        members += [(len(world.members) + n, member) for n, member in enumerate(shared)]
        for index, member in members:
            created = now - timedelta(days=rng.randint(30, 700))
            candidate = models.Candidate(
                customer_id=customer_id,
                first_name=member.first_name,
                last_name=member.last_name,
                email=member.email if index % 9 else None,  # a few without email: not eligible for sync
                phone=member.phone,
                title=member.title if index < len(world.members) else f"{member.title} (per {company})",
                mailing_city=member.city,
                created_at=created,
                updated_at=created,
            )
            db.add(candidate)
            await db.flush()
            assert candidate.id is not None
            db.add(
                models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    person_urn=member.urn,
                    profile_url=member.profile_url,
                    match_source=models.MatchSource.MANUAL if index % 2 else models.MatchSource.ALGORITHMIC,
                    match_reason="seeded demo link",
                    matched_at=created,
                )
            )
            for job in rng.sample(jobs, k=rng.choice([0, 1, 1, 2])):
                assert job.id is not None
                history = STAGES[: rng.randint(1, 4)]
                applied = created + timedelta(days=1)
                application = models.Application(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    job_id=job.id,
                    status=history[-1],
                    created_at=applied,
                )
                db.add(application)
                await db.flush()
                assert application.id is not None
                at = applied
                for stage in history:
                    at += timedelta(days=rng.randint(1, 9))
                    db.add(
                        models.ApplicationStage(
                            customer_id=customer_id,
                            application_id=application.id,
                            stage=stage,
                            actor="Ada Recruiter",
                            at=at,
                        )
                    )
                application.last_activity_at = at
            if index % 5 == 0:
                db.add(
                    models.Note(
                        customer_id=customer_id,
                        candidate_id=candidate.id,
                        author="Ada Recruiter",
                        body="Great call; follow up in spring.",
                    )
                )
        await db.commit()
    return True


def _domain(company: str) -> str:
    return "".join(ch for ch in company.lower() if ch.isalnum()) + ".example"

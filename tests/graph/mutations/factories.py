"""Rows for the ATS write API tests, made through the resolvers (so their outbox rows exist too)."""

from __future__ import annotations

from typing import Any

from strawberry import relay

import models
from models.db import SessionFactory
from resolvers.ats_writes import applications, candidates, jobs


def gid(type_name: str, row_id: int | None) -> str:
    """The global ID of a row."""
    return str(relay.GlobalID(type_name, str(row_id)))


async def make_candidate(sessions: SessionFactory, customer_id: int, **overrides: Any) -> models.Candidate:
    """A candidate of the customer with complete details, created through the write API's resolver."""
    fields = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", **overrides}
    return await candidates.create_candidate(sessions, customer_id, candidates.CandidateFields(**fields))


async def make_job(sessions: SessionFactory, customer_id: int, **overrides: Any) -> models.Job:
    """An open job of the customer, created through the write API's resolver."""
    fields = {"title": "Staff Engineer", **overrides}
    return await jobs.create_job(sessions, customer_id, jobs.JobFields(**fields))


async def make_application(sessions: SessionFactory, customer_id: int) -> models.Application:
    """A candidate of the customer applied to one of its jobs."""
    candidate = await make_candidate(sessions, customer_id)
    job = await make_job(sessions, customer_id)
    assert candidate.id is not None
    assert job.id is not None
    return await applications.apply_to_job(sessions, customer_id, candidate.id, job.id)

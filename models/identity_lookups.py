"""Bulk reads for search enrichment: one statement per kind of row, whatever the number of members,
within one customer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, Candidate, Job, LinkedInIdentity
from models.job_sight import EVERY_JOB, JobSight, visible_job


def _one_of(db: AsyncSession, column: Any, values: Sequence[str] | Sequence[int]) -> Any:
    """`column IN values` with the whole list in ONE bind parameter.

    A plain IN list binds one parameter per value: thousands of them make every statement text new
    (no prepared-statement reuse) and cost more to compile than to run. PostgreSQL gets an array,
    SQLite a JSON array read with json_each.
    """
    if db.get_bind().dialect.name == "postgresql":
        element = sa.Integer() if values and isinstance(values[0], int) else sa.String()
        return column == sa.any_(sa.literal(list(values), type_=postgresql.ARRAY(element)))
    members = sa.func.json_each(sa.literal(json.dumps(list(values)))).table_valued("value")
    return column.in_(select(members.c.value))


async def identities_with_candidates(
    db: AsyncSession, customer_id: int, person_urns: Sequence[str], profile_url_keys: Sequence[str]
) -> list[tuple[str, str | None, Candidate]]:
    """(person URN, stored profile URL, candidate) of each identity whose URN is among `person_urns` or
    whose profile URL's key (models/profile_urls.py) is among `profile_url_keys`."""
    # The customer in each branch of the OR: SQLite then searches both indexes (customer_id, person_urn)
    # and (customer_id, profile_url_key) instead of scanning the customer's every identity.
    mine = col(LinkedInIdentity.customer_id) == customer_id
    conditions: list[Any] = []
    if person_urns:
        conditions.append(sa.and_(mine, _one_of(db, col(LinkedInIdentity.person_urn), person_urns)))
    if profile_url_keys:
        conditions.append(sa.and_(mine, _one_of(db, col(LinkedInIdentity.profile_url_key), profile_url_keys)))
    if not conditions:
        return []
    # Plain columns for the identity: only the candidate needs to be a full row.
    statement = (
        select(col(LinkedInIdentity.person_urn), col(LinkedInIdentity.profile_url), Candidate)
        .join(
            Candidate,
            sa.and_(
                col(Candidate.customer_id) == col(LinkedInIdentity.customer_id),
                col(Candidate.id) == col(LinkedInIdentity.candidate_id),
            ),
        )
        .where(or_(*conditions))
    )
    return [(urn, url, candidate) for urn, url, candidate in (await db.exec(statement)).all()]


async def applications_with_jobs(
    db: AsyncSession, customer_id: int, candidate_ids: Sequence[int], *, sight: JobSight
) -> list[tuple[Application, Job]]:
    """Every application of the given candidates on a job `sight` sees, with its job, newest activity
    first per candidate."""
    if not candidate_ids:
        return []
    statement = (
        select(Application, Job)
        .join(
            Job,
            sa.and_(
                col(Job.customer_id) == col(Application.customer_id), col(Job.id) == col(Application.job_id)
            ),
        )
        .where(
            col(Application.customer_id) == customer_id,
            _one_of(db, col(Application.candidate_id), sorted(set(candidate_ids))),
            *visible_job(sight, col(Job.customer_id), col(Job.id)),
        )
        .order_by(
            col(Application.candidate_id), col(Application.last_activity_at).desc(), col(Application.id)
        )
    )
    return [(application, job) for application, job in (await db.exec(statement)).all()]


def has_application(sight: JobSight = EVERY_JOB) -> sa.ColumnElement[bool]:
    """A filter on `Candidate`: the candidate has (at least) one application that `sight` sees."""
    return sa.exists().where(
        col(Application.customer_id) == col(Candidate.customer_id),
        col(Application.candidate_id) == col(Candidate.id),
        *visible_job(sight, col(Application.customer_id), col(Application.job_id)),
    )


def has_linkedin_identity() -> sa.ColumnElement[bool]:
    """A filter on `Candidate`: the candidate is linked to a LinkedIn member (LinkedIn shows In-ATS)."""
    return sa.exists().where(
        col(LinkedInIdentity.customer_id) == col(Candidate.customer_id),
        col(LinkedInIdentity.candidate_id) == col(Candidate.id),
    )

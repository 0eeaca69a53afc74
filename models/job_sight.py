"""Which secured jobs a viewer sees, as SQL conditions joined into every read of jobs and applications.

A job in at least one `acl_group` is secured: only the users of one of its groups (and admins) see it
and its applications. Unsecured jobs are everyone's. The condition is part of each statement, so
knowing the viewer's groups costs no statement of its own and no row is ever filtered after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col

from models.acl_groups import AclGroupJob, AclGroupUser


@dataclass(frozen=True, slots=True)
class JobSight:
    """What a viewer sees of secured jobs: all of them (admins), those of one user's groups, or none
    (a service client with no user: unsecured jobs only)."""

    every_job: bool = False
    user_id: int | None = None


EVERY_JOB = JobSight(every_job=True)
UNSECURED_ONLY = JobSight()


# The aliases of `visible_job`, built once: an alias computes its column collection on first use, and
# building them anew for every statement cost more than the rest of the condition. (One alias object
# serves any number of statements: each EXISTS is its own scope.)
_GROUP_JOB = aliased(AclGroupJob)
_GROUP_USER = aliased(AclGroupUser)


def sight_kind(sight: JobSight) -> str:
    """Which shape of conditions `visible_job` builds for `sight` (`every`, `unsecured` or `user`):
    statements built once per shape take the user as a bound parameter."""
    if sight.every_job:
        return "every"
    return "unsecured" if sight.user_id is None else "user"


def visible_job(
    sight: JobSight, customer_id: Any, job_id: Any, *, reader: Any = None
) -> list[sa.ColumnElement[bool]]:
    """The conditions (none for `EVERY_JOB`) under which the job `job_id` of `customer_id` (columns of
    the outer statement) is visible to `sight`. `reader`, when given, stands for `sight.user_id` in the
    SQL (a bound parameter of a statement built once, see `sight_kind`)."""
    if sight.every_job:
        return []
    secured = sa.exists().where(
        col(AclGroupJob.customer_id) == customer_id, col(AclGroupJob.job_id) == job_id
    )
    if sight.user_id is None:
        return [sa.not_(secured)]
    group_job, group_user = _GROUP_JOB, _GROUP_USER
    mine = sa.exists().where(
        col(group_job.customer_id) == customer_id,
        col(group_job.job_id) == job_id,
        col(group_user.customer_id) == col(group_job.customer_id),
        col(group_user.group_id) == col(group_job.group_id),
        col(group_user.user_id) == (sight.user_id if reader is None else reader),
    )
    return [sa.or_(sa.not_(secured), mine)]


__all__ = ["EVERY_JOB", "UNSECURED_ONLY", "JobSight", "sight_kind", "visible_job"]

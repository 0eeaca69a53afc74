"""Secured groups (LinkedIn's ACLs, certification module 4): who sees which secured jobs, and the
admin's writes that put jobs and users in groups, each with its outbox rows for LinkedIn.

A job in at least one group is secured: only the users of its groups, and admins, see it and its
applications (the SQL conditions are in `models.job_sight`). A user is in at most
`MAX_GROUPS_PER_USER` groups, LinkedIn's rule. Every write enqueues, in its own transaction, the
records LinkedIn must reconcile: the job's ACLs (`ENTITY_ACL`, keyed by job) and each touched user's
assignments (`ACL_ASSIGNEE`, keyed by user).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import acl_group_queries as queries
from models.acl_groups import MAX_GROUPS_PER_USER
from models.db import SessionFactory, write_session
from models.job_sight import EVERY_JOB, UNSECURED_ONLY, JobSight
from models.outbox_writes import enqueue
from resolvers.errors import Conflict, InvalidInput, NotFound
from resolvers.viewer import Role, Viewer

MAX_NAME = 100
# A bound on one replace, so a single mutation stays one short transaction.
MAX_IDS = 1000


def job_sight(viewer: Viewer) -> JobSight:
    """What `viewer` sees of secured jobs: admins all, a signed-in user its groups', a service client
    (no user) none."""
    if Role.ADMIN in viewer.roles:
        return EVERY_JOB
    if viewer.user_id is not None:
        return JobSight(user_id=viewer.user_id)
    return UNSECURED_ONLY


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group with its users and jobs."""

    group: models.AclGroup
    users: list[models.User]
    jobs: list[models.Job]


async def groups_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int
) -> tuple[list[GroupView], int]:
    """One page of the customer's groups by name with their users and jobs (three statements), and the
    total count."""
    async with sessions() as db:
        groups, total = await queries.groups_page(db, customer_id, offset=offset, limit=limit)
        ids = [g.id for g in groups if g.id is not None]
        users = await queries.users_of_groups(db, customer_id, ids)
        jobs = await queries.jobs_of_groups(db, customer_id, ids)
    return [GroupView(g, users[g.id], jobs[g.id]) for g in groups if g.id is not None], total


async def group_view(sessions: SessionFactory, customer_id: int, group_id: int) -> GroupView:
    """One group with its users and jobs (after a write)."""
    async with sessions() as db:
        group = await db.get(models.AclGroup, (customer_id, group_id))
        if group is None:
            raise NotFound("No ACL group has this id", field="groupId")
        users = await queries.users_of_groups(db, customer_id, [group_id])
        jobs = await queries.jobs_of_groups(db, customer_id, [group_id])
    return GroupView(group, users[group_id], jobs[group_id])


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("A group needs a name", field="name")
    if len(clean) > MAX_NAME:
        raise InvalidInput(f"A group's name has at most {MAX_NAME} characters", field="name")
    return clean


def _is_name_taken(error: IntegrityError) -> bool:
    text = str(error.orig).lower()
    # PostgreSQL names the constraint; SQLite names the columns.
    return "acl_group" in text and ("name" in text or "uq_" in text)


async def create_group(sessions: SessionFactory, customer_id: int, name: str) -> models.AclGroup:
    """A new, empty group; a name the customer already uses is a CONFLICT."""
    clean = _clean_name(name)
    try:
        async with write_session(sessions) as db:
            row = models.AclGroup(customer_id=customer_id, name=clean)
            db.add(row)
            await db.flush()
    except IntegrityError as exc:
        # The unique key is the one race-free judge of a taken name.
        if _is_name_taken(exc):
            raise Conflict(f"The customer already has a group named {clean!r}", field="name") from exc
        raise
    return row


def _bounded(ids: Sequence[int], field: str) -> set[int]:
    if len(ids) > MAX_IDS:
        raise InvalidInput(f"At most {MAX_IDS} ids at once", field=field)
    return set(ids)


async def set_group_users(
    sessions: SessionFactory, customer_id: int, group_id: int, user_ids: Sequence[int]
) -> None:
    """Replace a group's users; refused (nothing written) when an id names no user of the customer or
    when a user would be in more than MAX_GROUPS_PER_USER groups. Every user added or removed has its
    LinkedIn assignments reconciled through the outbox."""
    wanted = _bounded(user_ids, "userIds")
    async with write_session(sessions) as db:
        if await queries.group_for_update(db, customer_id, group_id) is None:
            raise NotFound("No ACL group has this id", field="groupId")
        current = await queries.user_ids_of_group(db, customer_id, group_id)
        added, removed = wanted - current, current - wanted
        # Locked: a concurrent write cannot slip a user into an eleventh group between count and insert.
        users = await queries.users_for_update(db, customer_id, added | removed)
        unknown = sorted(added - users.keys())
        if unknown:
            raise NotFound(f"No user has the id {unknown[0]}", field="userIds")
        counts = await queries.group_counts(db, customer_id, added, other_than=group_id)
        full = [users[i] for i in sorted(added) if counts.get(i, 0) >= MAX_GROUPS_PER_USER]
        if full:
            who = full[0].email or f"user {full[0].id}"
            raise InvalidInput(
                f"{who} is already in {MAX_GROUPS_PER_USER} groups, LinkedIn's limit per user",
                field="userIds",
            )
        await queries.replace_group_users(db, customer_id, group_id, add=added, remove=removed)
        for user_id in sorted(added | removed):
            person_urn = users[user_id].person_urn if user_id in users else None
            enqueue_assignee_sync(db, customer_id, user_id, person_urn)


async def set_job_groups(
    sessions: SessionFactory,
    customer_id: int,
    job_id: int,
    group_ids: Sequence[int],
    *,
    sight: JobSight = EVERY_JOB,
) -> None:
    """Replace a job's groups (none: the job is unsecured); unknown ids are NOT_FOUND. The job's ACLs
    are reconciled on LinkedIn through the outbox."""
    wanted = _bounded(group_ids, "groupIds")
    async with write_session(sessions) as db:
        job = await db.get(
            models.Job, (customer_id, job_id), with_for_update=db.get_bind().dialect.name != "sqlite"
        )
        if job is None or not await queries.job_is_visible(db, customer_id, sight, job_id):
            raise NotFound("No job has this id", field="jobId")
        unknown = sorted(wanted - await queries.existing_group_ids(db, customer_id, wanted))
        if unknown:
            raise NotFound(f"No ACL group has the id {unknown[0]}", field="groupIds")
        current = (await queries.group_ids_of_jobs(db, customer_id, [job_id]))[job_id]
        if current == wanted:
            return
        await queries.replace_job_groups(
            db, customer_id, job_id, add=wanted - current, remove=current - wanted
        )
        enqueue(db, customer_id, models.SyncEntity.ENTITY_ACL, job_id, models.OutboxOp.UPSERT)


def enqueue_assignee_sync(db: AsyncSession, customer_id: int, user_id: int, person_urn: str | None) -> None:
    """Have LinkedIn's assignments of one user reconciled with its groups (call in the transaction that
    changed its groups or its person URN); the URN is kept for when the user is gone."""
    key = {"person_urn": person_urn} if person_urn else {}
    enqueue(db, customer_id, models.SyncEntity.ACL_ASSIGNEE, user_id, models.OutboxOp.UPSERT, key)


async def group_ids_of_job(sessions: SessionFactory, customer_id: int, job_id: int) -> set[int]:
    """The groups securing one job."""
    async with sessions() as db:
        return (await queries.group_ids_of_jobs(db, customer_id, [job_id]))[job_id]

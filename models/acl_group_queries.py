"""Queries over the secured groups (`acl_group`, `acl_group_user`, `acl_group_job`), each within one
customer; writers own the transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.acl_groups import AclGroup, AclGroupJob, AclGroupUser
from models.ats import Job
from models.job_sight import JobSight, visible_job
from models.users import User


def _locking(db: AsyncSession) -> bool:
    # SQLite's write session already holds the database's one write lock.
    return db.get_bind().dialect.name != "sqlite"


async def groups_page(
    db: AsyncSession, customer_id: int, *, offset: int, limit: int
) -> tuple[list[AclGroup], int]:
    """One page of the customer's groups by name, and how many there are in all."""
    mine = col(AclGroup.customer_id) == customer_id
    total = (await db.exec(select(func.count()).select_from(AclGroup).where(mine))).one()
    statement = (
        select(AclGroup)
        .where(mine)
        .order_by(col(AclGroup.name), col(AclGroup.id))
        .offset(offset)
        .limit(limit)
    )
    return list((await db.exec(statement)).all()), total


async def users_of_groups(
    db: AsyncSession, customer_id: int, group_ids: Sequence[int]
) -> dict[int, list[User]]:
    """Each group's users by name (one statement for all the groups)."""
    grouped: dict[int, list[User]] = {i: [] for i in group_ids}
    if not group_ids:
        return grouped
    statement = (
        select(col(AclGroupUser.group_id), User)
        .join(
            User,
            sa.and_(
                col(User.customer_id) == col(AclGroupUser.customer_id),
                col(User.id) == col(AclGroupUser.user_id),
            ),
        )
        .where(col(AclGroupUser.customer_id) == customer_id, col(AclGroupUser.group_id).in_(list(group_ids)))
        .order_by(col(User.last_name), col(User.first_name), col(User.id))
    )
    for group_id, user in (await db.exec(statement)).all():
        grouped[group_id].append(user)
    return grouped


async def jobs_of_groups(
    db: AsyncSession, customer_id: int, group_ids: Sequence[int]
) -> dict[int, list[Job]]:
    """Each group's jobs, newest first (one statement for all the groups)."""
    grouped: dict[int, list[Job]] = {i: [] for i in group_ids}
    if not group_ids:
        return grouped
    statement = (
        select(col(AclGroupJob.group_id), Job)
        .join(
            Job,
            sa.and_(
                col(Job.customer_id) == col(AclGroupJob.customer_id), col(Job.id) == col(AclGroupJob.job_id)
            ),
        )
        .where(col(AclGroupJob.customer_id) == customer_id, col(AclGroupJob.group_id).in_(list(group_ids)))
        .order_by(col(Job.created_at).desc(), col(Job.id).desc())
    )
    for group_id, job in (await db.exec(statement)).all():
        grouped[group_id].append(job)
    return grouped


async def group_for_update(db: AsyncSession, customer_id: int, group_id: int) -> AclGroup | None:
    """One of the customer's groups, locked against concurrent writers; None when unknown."""
    return await db.get(AclGroup, (customer_id, group_id), with_for_update=_locking(db))


async def users_for_update(db: AsyncSession, customer_id: int, user_ids: Collection[int]) -> dict[int, User]:
    """The customer's users among `user_ids`, locked (so two writers cannot both put one user in an
    eleventh group), keyed by id; unknown ids and other customers' are absent."""
    if not user_ids:
        return {}
    statement = select(User).where(col(User.customer_id) == customer_id, col(User.id).in_(sorted(user_ids)))
    if _locking(db):
        statement = statement.order_by(col(User.id)).with_for_update()
    return {user.id: user for user in (await db.exec(statement)).all() if user.id is not None}


async def group_counts(
    db: AsyncSession, customer_id: int, user_ids: Collection[int], *, other_than: int
) -> dict[int, int]:
    """How many groups other than `other_than` each user is in (users in none are absent)."""
    if not user_ids:
        return {}
    statement = (
        select(col(AclGroupUser.user_id), func.count())
        .where(
            col(AclGroupUser.customer_id) == customer_id,
            col(AclGroupUser.user_id).in_(sorted(user_ids)),
            col(AclGroupUser.group_id) != other_than,
        )
        .group_by(col(AclGroupUser.user_id))
    )
    return {user_id: int(count) for user_id, count in (await db.exec(statement)).all()}


async def user_ids_of_group(db: AsyncSession, customer_id: int, group_id: int) -> set[int]:
    """The ids of a group's users."""
    statement = select(col(AclGroupUser.user_id)).where(
        col(AclGroupUser.customer_id) == customer_id, col(AclGroupUser.group_id) == group_id
    )
    return set((await db.exec(statement)).all())


async def replace_group_users(
    db: AsyncSession, customer_id: int, group_id: int, *, add: Collection[int], remove: Collection[int]
) -> None:
    """Add and remove users of one group, inside the caller's transaction."""
    if remove:
        await db.exec(
            sa.delete(AclGroupUser).where(
                col(AclGroupUser.customer_id) == customer_id,
                col(AclGroupUser.group_id) == group_id,
                col(AclGroupUser.user_id).in_(sorted(remove)),
            )
        )
    for user_id in sorted(add):
        db.add(AclGroupUser(customer_id=customer_id, group_id=group_id, user_id=user_id))
    await db.flush()


async def existing_group_ids(db: AsyncSession, customer_id: int, group_ids: Collection[int]) -> set[int]:
    """The customer's group ids among `group_ids`."""
    if not group_ids:
        return set()
    statement = select(col(AclGroup.id)).where(
        col(AclGroup.customer_id) == customer_id, col(AclGroup.id).in_(sorted(group_ids))
    )
    return {i for i in (await db.exec(statement)).all() if i is not None}


async def group_ids_of_jobs(
    db: AsyncSession, customer_id: int, job_ids: Collection[int]
) -> dict[int, set[int]]:
    """Each job's groups (jobs in none map to an empty set)."""
    grouped: dict[int, set[int]] = {i: set() for i in job_ids}
    if not job_ids:
        return grouped
    statement = select(col(AclGroupJob.job_id), col(AclGroupJob.group_id)).where(
        col(AclGroupJob.customer_id) == customer_id, col(AclGroupJob.job_id).in_(sorted(job_ids))
    )
    for job_id, group_id in (await db.exec(statement)).all():
        grouped[job_id].add(group_id)
    return grouped


async def replace_job_groups(
    db: AsyncSession, customer_id: int, job_id: int, *, add: Collection[int], remove: Collection[int]
) -> None:
    """Put a job in groups and take it out of others, inside the caller's transaction."""
    if remove:
        await db.exec(
            sa.delete(AclGroupJob).where(
                col(AclGroupJob.customer_id) == customer_id,
                col(AclGroupJob.job_id) == job_id,
                col(AclGroupJob.group_id).in_(sorted(remove)),
            )
        )
    for group_id in sorted(add):
        db.add(AclGroupJob(customer_id=customer_id, group_id=group_id, job_id=job_id))
    await db.flush()


async def job_is_visible(db: AsyncSession, customer_id: int, sight: JobSight, job_id: int) -> bool:
    """Whether the customer's job exists and `sight` sees it."""
    statement = select(col(Job.id)).where(
        col(Job.customer_id) == customer_id,
        col(Job.id) == job_id,
        *visible_job(sight, col(Job.customer_id), col(Job.id)),
    )
    return (await db.exec(statement)).first() is not None


async def existing_job_ids(db: AsyncSession, customer_id: int, job_ids: Collection[int]) -> set[int]:
    """The customer's job ids among `job_ids`."""
    if not job_ids:
        return set()
    statement = select(col(Job.id)).where(
        col(Job.customer_id) == customer_id, col(Job.id).in_(sorted(job_ids))
    )
    return {i for i in (await db.exec(statement)).all() if i is not None}


@dataclass(frozen=True, slots=True)
class Assignment:
    """What LinkedIn must hold for one user: its person URN and its groups."""

    person_urn: str | None
    group_ids: frozenset[int]


async def assignments_of_users(
    db: AsyncSession, customer_id: int, user_ids: Collection[int]
) -> dict[int, Assignment]:
    """Each existing user's person URN and groups (one statement); deleted users are absent."""
    if not user_ids:
        return {}
    statement = (
        select(col(User.id), col(User.person_urn), col(AclGroupUser.group_id))
        .outerjoin(
            AclGroupUser,
            sa.and_(
                col(AclGroupUser.customer_id) == col(User.customer_id),
                col(AclGroupUser.user_id) == col(User.id),
            ),
        )
        .where(col(User.customer_id) == customer_id, col(User.id).in_(sorted(user_ids)))
    )
    urns: dict[int, str | None] = {}
    groups: dict[int, set[int]] = {}
    for user_id, person_urn, group_id in (await db.exec(statement)).all():
        if user_id is None:
            continue
        urns[user_id] = person_urn
        groups.setdefault(user_id, set())
        if group_id is not None:
            groups[user_id].add(group_id)
    return {i: Assignment(urns[i], frozenset(groups[i])) for i in urns}


def secured_job_ids(customer_id: int) -> sa.Select[tuple[int]]:
    """The ids of the customer's jobs in at least one group (for the ACL bulk load)."""
    return (
        sa.select(col(AclGroupJob.job_id).label("id"))
        .where(col(AclGroupJob.customer_id) == customer_id)
        .distinct()
    )


def grouped_user_ids(customer_id: int) -> sa.Select[tuple[int]]:
    """The ids of the customer's users in at least one group (for the ACL bulk load)."""
    return (
        sa.select(col(AclGroupUser.user_id).label("id"))
        .where(col(AclGroupUser.customer_id) == customer_id)
        .distinct()
    )

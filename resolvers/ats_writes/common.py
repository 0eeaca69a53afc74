"""What every ATS write shares: one transaction per write, and API field names for errors."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from models.acl_group_queries import job_is_visible
from models.db import write_session
from models.job_sight import JobSight
from resolvers.errors import NotFound

# Every ATS write runs in a write session: serialised on SQLite, row locks on PostgreSQL.
transaction = write_session


def camel(attr: str) -> str:
    """The API's name of a model attribute (`mailing_city` → `mailingCity`)."""
    head, *rest = attr.split("_")
    return head + "".join(part.title() for part in rest)


def not_found(thing: str, field: str) -> NotFound:
    """The error for an id that names no row."""
    return NotFound(f"No {thing} has this id", field=field)


async def require_visible_job(
    db: AsyncSession, customer_id: int, sight: JobSight, job_id: int, thing: str, field: str
) -> None:
    """NOT_FOUND (as for an unknown id) when the writer may not see the job: a secured job outside its
    ACL groups, or a record of one, is not there for it."""
    if not sight.every_job and not await job_is_visible(db, customer_id, sight, job_id):
        raise not_found(thing, field)

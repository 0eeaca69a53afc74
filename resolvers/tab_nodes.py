"""Batch loads of the candidate tabs' rows by their own ids (`node(id)`), each within the viewer's
customer and as far as the viewer may see them: the same rules as the tab's lists."""

from __future__ import annotations

from collections.abc import Sequence

import models
from models import mirror_queries, node_queries
from models.db import ReadSessions
from models.job_sight import JobSight
from models.mirror_visibility import Audience


async def threads_by_ids(
    sessions: ReadSessions, customer_id: int, audience: Audience, ids: Sequence[int]
) -> list[models.InMailThread | None]:
    """Each thread as `audience` sees it in its member's tab (None: unknown, another customer's, or with
    no InMail it may see), in key order; two statements."""
    async with sessions() as session:
        members = await node_queries.thread_members_by_ids(session, customer_id, ids)
        grouped = await mirror_queries.threads_by_member_urns(
            session, customer_id, sorted(set(members.values())), audience
        )
    found = {row.id: row for rows in grouped.values() for row in rows}
    return [found.get(i) for i in ids]


async def messages_by_ids(
    sessions: ReadSessions, customer_id: int, audience: Audience, ids: Sequence[int]
) -> list[models.InMailMessage | None]:
    """Each InMail `audience` may see (else None), in key order."""
    async with sessions() as session:
        found = await node_queries.messages_by_ids(session, customer_id, ids, audience)
    return [found.get(i) for i in ids]


async def linkedin_notes_by_ids(
    sessions: ReadSessions, customer_id: int, audience: Audience, ids: Sequence[int]
) -> list[models.LinkedInNote | None]:
    """Each live prospect note `audience` may see (else None), in key order."""
    async with sessions() as session:
        found = await node_queries.linkedin_notes_by_ids(session, customer_id, ids, audience)
    return [found.get(i) for i in ids]


async def notes_by_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, ids: Sequence[int]
) -> list[models.Note | None]:
    """Each ATS note `sight` may see (else None), in key order."""
    async with sessions() as session:
        found = await node_queries.notes_by_ids(session, customer_id, ids, sight)
    return [found.get(i) for i in ids]


async def stages_by_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, ids: Sequence[int]
) -> list[models.ApplicationStage | None]:
    """Each application stage `sight` may see (else None), in key order."""
    async with sessions() as session:
        found = await node_queries.stages_by_ids(session, customer_id, ids, sight)
    return [found.get(i) for i in ids]

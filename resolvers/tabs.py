"""Batch loads of the mirrored LinkedIn rows behind the candidate tabs (threads, messages, notes), each
within the viewer's customer and as far as the viewer may see them (`audience_of`)."""

from __future__ import annotations

from collections.abc import Sequence

import models
from models import mirror_queries as queries
from models import tab_queries
from models.db import ReadSessions
from models.job_sight import JobSight
from models.mirror import MessageFields
from models.mirror_visibility import EVERYTHING, Audience
from models.tab_queries import ApplicationRows, LinkedInRows, NoteRows, ThreadRows
from resolvers.viewer import Role, Viewer


async def threads_by_member_urns(
    sessions: ReadSessions, customer_id: int, audience: Audience, member_urns: Sequence[str]
) -> list[list[models.InMailThread]]:
    """Each member's InMail threads with the customer's seats (one per seat) as `audience` sees them, in
    key order."""
    async with sessions() as session:
        grouped = await queries.threads_by_member_urns(session, customer_id, member_urns, audience)
    return [grouped[urn] for urn in member_urns]


async def messages_by_thread_ids(
    sessions: ReadSessions, customer_id: int, audience: Audience, thread_ids: Sequence[int]
) -> list[Sequence[MessageFields]]:
    """Each of the customer's threads' messages `audience` may see, oldest first, in key order."""
    async with sessions() as session:
        grouped = await queries.messages_by_thread_ids(session, customer_id, thread_ids, audience)
    return [grouped[i] for i in thread_ids]


async def linkedin_notes_by_member_urns(
    sessions: ReadSessions, customer_id: int, audience: Audience, member_urns: Sequence[str]
) -> list[list[models.LinkedInNote]]:
    """Each member's live (not deleted) prospect notes by the customer's seats that `audience` may see,
    in key order."""
    async with sessions() as session:
        grouped = await queries.active_notes_by_member_urns(session, customer_id, member_urns, audience)
    return [grouped[urn] for urn in member_urns]


async def profiles_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, candidate_ids: Sequence[int]
) -> list[models.LinkedInProfile | None]:
    """Each of the customer's candidates' last LinkedIn snapshot, in key order."""
    async with sessions() as session:
        found = await queries.profiles_by_candidate_ids(session, customer_id, candidate_ids)
    return [found.get(i) for i in candidate_ids]


async def linkedin_rows_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, candidate_ids: Sequence[int]
) -> list[LinkedInRows]:
    """Each of the customer's candidates' LinkedIn identity and last snapshot, in key order (one
    statement for both)."""
    async with sessions() as session:
        found = await tab_queries.linkedin_rows_by_candidate_ids(session, customer_id, candidate_ids)
    return [found[i] for i in candidate_ids]


async def applications_with_jobs_and_stages(
    sessions: ReadSessions, customer_id: int, sight: JobSight, candidate_ids: Sequence[int]
) -> ApplicationRows:
    """The candidates' applications `sight` sees, with their jobs and stages (one statement)."""
    async with sessions() as session:
        return await tab_queries.applications_with_jobs_and_stages(
            session, customer_id, candidate_ids, sight=sight
        )


async def threads_with_messages_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, audience: Audience, candidate_ids: Sequence[int]
) -> ThreadRows:
    """The candidates' members' InMail threads as `audience` sees them, with their messages and the
    seats' users (one statement)."""
    async with sessions() as session:
        return await tab_queries.threads_with_messages_by_candidate_ids(
            session, customer_id, candidate_ids, audience
        )


async def linkedin_notes_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, audience: Audience, candidate_ids: Sequence[int]
) -> NoteRows:
    """The candidates' members' live prospect notes `audience` may see, with the seats' users (one
    statement)."""
    async with sessions() as session:
        return await tab_queries.linkedin_notes_by_candidate_ids(
            session, customer_id, candidate_ids, audience
        )


def audience_of(viewer: Viewer) -> Audience:
    """What of the LinkedIn InMails and notes `viewer` may see: everything for an admin, else what its
    user may see (PUBLIC only when no person is behind the request, e.g. an API key)."""
    if Role.ADMIN in viewer.roles:
        return EVERYTHING
    return Audience(user_id=viewer.user_id)

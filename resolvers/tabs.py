"""Batch loads of the mirrored LinkedIn rows behind the candidate tabs (threads, messages, notes), each
within the viewer's customer and as far as the viewer may see them (`audience_of`)."""

from __future__ import annotations

from collections.abc import Sequence

import models
from models import mirror_queries as queries
from models.db import ReadSessions
from models.mirror_visibility import EVERYTHING, Audience
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
) -> list[list[models.InMailMessage]]:
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


def audience_of(viewer: Viewer) -> Audience:
    """What of the LinkedIn InMails and notes `viewer` may see: everything for an admin, else what its
    user may see (PUBLIC only when no person is behind the request, e.g. an API key)."""
    if Role.ADMIN in viewer.roles:
        return EVERYTHING
    return Audience(user_id=viewer.user_id)

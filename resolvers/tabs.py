"""Batch loads of the mirrored LinkedIn rows behind the candidate tabs (threads, messages, notes), each
within the viewer's customer."""

from __future__ import annotations

from collections.abc import Sequence

import models
from models import mirror_queries as queries
from models.db import SessionFactory


async def threads_by_member_urns(
    sessions: SessionFactory, customer_id: int, member_urns: Sequence[str]
) -> list[list[models.InMailThread]]:
    """Each member's InMail threads with the customer's seats (one per seat), in key order."""
    async with sessions() as session:
        grouped = await queries.threads_by_member_urns(session, customer_id, member_urns)
    return [grouped[urn] for urn in member_urns]


async def messages_by_thread_ids(
    sessions: SessionFactory, customer_id: int, thread_ids: Sequence[int]
) -> list[list[models.InMailMessage]]:
    """Each of the customer's threads' messages, oldest first, in key order."""
    async with sessions() as session:
        grouped = await queries.messages_by_thread_ids(session, customer_id, thread_ids)
    return [grouped[i] for i in thread_ids]


async def linkedin_notes_by_member_urns(
    sessions: SessionFactory, customer_id: int, member_urns: Sequence[str]
) -> list[list[models.LinkedInNote]]:
    """Each member's live (not deleted) prospect notes by the customer's seats, in key order."""
    async with sessions() as session:
        grouped = await queries.active_notes_by_member_urns(session, customer_id, member_urns)
    return [grouped[urn] for urn in member_urns]


async def profiles_by_candidate_ids(
    sessions: SessionFactory, customer_id: int, candidate_ids: Sequence[int]
) -> list[models.LinkedInProfile | None]:
    """Each of the customer's candidates' last LinkedIn snapshot, in key order."""
    async with sessions() as session:
        found = await queries.profiles_by_candidate_ids(session, customer_id, candidate_ids)
    return [found.get(i) for i in candidate_ids]

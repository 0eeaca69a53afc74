"""Reading interview feedback for the GraphQL loaders (writes are in resolvers/ats_writes/)."""

from __future__ import annotations

from collections.abc import Sequence

import models
from models import interview_feedback as queries
from models.db import ReadSessions


async def feedback_by_application_ids(
    sessions: ReadSessions, customer_id: int, application_ids: Sequence[int]
) -> list[list[models.InterviewFeedback]]:
    """Each application's feedback, oldest first, in key order (one statement per batch)."""
    async with sessions() as session:
        grouped = await queries.feedback_by_application_ids(session, customer_id, application_ids)
    return [grouped.get(i, []) for i in application_ids]


async def feedback_by_ids(
    sessions: ReadSessions, customer_id: int, ids: Sequence[int]
) -> list[models.InterviewFeedback | None]:
    """Feedback rows in key order, None for unknown ids (or another customer's)."""
    async with sessions() as session:
        found = await queries.feedback_by_ids(session, customer_id, ids)
    return [found.get(i) for i in ids]

"""Finding candidates by what LinkedIn tells us about a member: person URN first, then email."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Candidate, LinkedInIdentity


async def candidates_with_identity(
    db: AsyncSession, urns: Sequence[str]
) -> dict[str, tuple[Candidate, LinkedInIdentity]]:
    """Candidates linked to these members, with their identity, keyed by person URN."""
    if not urns:
        return {}
    stmt = (
        select(Candidate, LinkedInIdentity)
        .join(LinkedInIdentity, col(LinkedInIdentity.candidate_id) == col(Candidate.id))
        .where(col(LinkedInIdentity.person_urn).in_(sorted(set(urns))))
    )
    return {identity.person_urn: (c, identity) for c, identity in (await db.exec(stmt)).all()}


async def unlinked_candidates_by_email(db: AsyncSession, emails: Sequence[str]) -> dict[str, Candidate]:
    """Candidates with one of these (lower-cased) emails and no LinkedIn identity yet, keyed by email;
    when several share an email, the oldest wins."""
    if not emails:
        return {}
    stmt = (
        select(Candidate)
        .outerjoin(LinkedInIdentity, col(LinkedInIdentity.candidate_id) == col(Candidate.id))
        .where(col(Candidate.email).in_(sorted(set(emails))), col(LinkedInIdentity.id).is_(None))
        .order_by(col(Candidate.id).desc())
    )
    # Ordered newest first so that the oldest candidate overwrites the others in the dict.
    return {c.email: c for c in (await db.exec(stmt)).all() if c.email is not None}

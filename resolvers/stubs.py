"""Mail stubs → candidates: a member who shared contact details becomes (or updates) an ATS candidate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin.records import MailStub
from models import CandidateSource, LinkedInSource, MatchSource, OutboxOp, SyncEntity
from models.outbox_writes import enqueue
from resolvers.member_matching import MemberDetails, apply_member, member_details


@dataclass(slots=True)
class StubOutcome:
    """Which candidates the stubs created and which they changed."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)


def _details(stub: MailStub) -> MemberDetails:
    return member_details(
        member_urn=stub.member_urn,
        profile_url=stub.profile_url,
        source=LinkedInSource.LINKEDIN_INMAIL,
        at=stub.created_at,
        first_name=stub.first_name,
        last_name=stub.last_name,
        email=stub.email,
        phone=stub.phone,
        title=stub.title,
        city=stub.city,
    )


async def apply_mail_stubs(db: AsyncSession, customer_id: int, stubs: Sequence[MailStub]) -> StubOutcome:
    """Create or update the customer's candidate of each stub inside the caller's transaction, link the
    member (match source STUB) and enqueue the candidate for LinkedIn, by `resolvers.member_matching`'s
    rule: LinkedIn fills blanks and only suggests where an ATS user set a value."""
    outcome = StubOutcome()
    touched: dict[int, bool] = {}  # candidate id → created
    for stub in sorted(stubs, key=lambda s: (s.created_at, s.id)):
        merged = await apply_member(
            db,
            customer_id,
            _details(stub),
            candidate_source=CandidateSource.LINKEDIN_INMAIL,
            match_source=MatchSource.STUB,
            label=f"mail stub {stub.id}",
        )
        candidate_id = merged.candidate.id
        assert candidate_id is not None
        if merged.created:
            touched[candidate_id] = True
        elif merged.changed or merged.linked:
            touched.setdefault(candidate_id, False)
    for candidate_id, created in touched.items():
        enqueue(db, customer_id, SyncEntity.CANDIDATE, candidate_id, OutboxOp.UPSERT)
        (outcome.created if created else outcome.updated).append(candidate_id)
    await db.flush()
    return outcome

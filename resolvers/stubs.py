"""Mail stubs → candidates: a member who shared contact details becomes (or updates) an ATS candidate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin.records import MailStub
from models import Candidate, CandidateSource, LinkedInIdentity, MatchSource, OutboxOp, SyncEntity, utcnow
from models.candidate_lookup import candidates_with_identity, unlinked_candidates_by_email
from models.outbox_writes import enqueue
from resolvers.member_details import candidate_fields

log = logging.getLogger("rscgraph.stubs")


@dataclass(slots=True)
class StubOutcome:
    """Which candidates the stubs created and which they changed."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)


def _values(stub: MailStub) -> dict[str, str]:
    # A field the member did not share keeps what the ATS has.
    return candidate_fields(
        first_name=stub.first_name,
        last_name=stub.last_name,
        email=stub.email,
        phone=stub.phone,
        title=stub.title,
        city=stub.city,
    )


async def apply_mail_stubs(db: AsyncSession, stubs: Sequence[MailStub]) -> StubOutcome:
    """Create or update the candidate of each stub inside the caller's transaction, link the member
    (match source STUB) and enqueue the candidate for LinkedIn. Matches by person URN, then by email
    among candidates not yet linked to another member; never by name."""
    outcome = StubOutcome()
    if not stubs:
        return outcome
    ordered = sorted(stubs, key=lambda s: (s.created_at, s.id))
    by_urn = {
        urn: c
        for urn, (c, _) in (await candidates_with_identity(db, [s.member_urn for s in ordered])).items()
    }
    emails = [v["email"] for v in map(_values, ordered) if "email" in v]
    by_email = await unlinked_candidates_by_email(db, emails)
    touched: dict[int, bool] = {}  # candidate id → created
    for stub in ordered:
        values = _values(stub)
        candidate = by_urn.get(stub.member_urn)
        if candidate is None and "email" in values:
            candidate = by_email.pop(values["email"], None)
            if candidate is not None:
                await _link(db, candidate, stub)
                by_urn[stub.member_urn] = candidate
                touched.setdefault(_id(candidate), False)
        if candidate is None:
            candidate = Candidate(source=CandidateSource.LINKEDIN_INMAIL)
            for name, value in values.items():
                setattr(candidate, name, value)
            db.add(candidate)
            await db.flush()
            await _link(db, candidate, stub)
            by_urn[stub.member_urn] = candidate
            touched[_id(candidate)] = True
            continue
        changed = {k: v for k, v in values.items() if getattr(candidate, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(candidate, name, value)
            candidate.updated_at = utcnow()
            touched.setdefault(_id(candidate), False)
    for candidate_id, created in touched.items():
        enqueue(db, SyncEntity.CANDIDATE, candidate_id, OutboxOp.UPSERT)
        (outcome.created if created else outcome.updated).append(candidate_id)
    await db.flush()
    return outcome


def _id(candidate: Candidate) -> int:
    assert candidate.id is not None, "flushed candidates have ids"
    return candidate.id


async def _link(db: AsyncSession, candidate: Candidate, stub: MailStub) -> None:
    db.add(
        LinkedInIdentity(
            candidate_id=_id(candidate),
            person_urn=stub.member_urn,
            profile_url=stub.profile_url,
            match_source=MatchSource.STUB,
            match_reason=f"mail stub {stub.id}",
            matched_at=utcnow(),
        )
    )
    await db.flush()
    log.info("linked candidate %s to %s from mail stub %s", candidate.id, stub.member_urn, stub.id)

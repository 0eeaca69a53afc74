"""Erasure (a person's right to be forgotten) and the LinkedIn mirror of deleted candidates.

`erase_candidate` removes the candidate and everything held about the person (applications with their
stages, notes and feedback; the candidate's notes; the LinkedIn identity, profile snapshot and
suggestions; the local mirror of their InMails and prospect notes), tells LinkedIn through the outbox,
keeps a tombstone (a keyed HMAC of each person URN, never the URN) so a later poll does not rebuild
them, and records who erased which candidate id, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import ats_queries as queries
from models.db import SessionFactory
from models.mirror_erasure import delete_mirror_of_candidates, forget_sync_errors_of_candidate
from models.outbox_writes import enqueue
from models.tombstones import add_tombstones, clear_tombstones, exclude_mirror_writes
from resolvers.ats_writes.candidates import enqueue_application_deletes, release_duplicates
from resolvers.ats_writes.common import transaction
from resolvers.ats_writes.validation import Checker
from resolvers.audit import AuditRecord, add_audit, record_for, target_id
from resolvers.member_digest import MemberDigest
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer

# The audit action of an erasure (stable: clients filter the audit log by it).
CANDIDATE_ERASED = "candidateErased"
# Who erased, when no person did (automatic erasure of purged profiles).
SYSTEM_ACTOR = "system"
REASON_MAX = 500


@dataclass(frozen=True, slots=True)
class ErasedCandidate:
    """What an erasure removed: the candidate's id, how many applications went with it, how many LinkedIn
    members were tombstoned, and when."""

    candidate_id: int
    applications: int
    members_tombstoned: int
    erased_at: datetime


def clean_reason(reason: str | None) -> str | None:
    """The reason stripped; longer than REASON_MAX is INVALID (field `reason`)."""
    checker = Checker()
    clean = checker.optional_text(reason, "reason", max_len=REASON_MAX, label="Reason")
    checker.done()
    return clean


async def erase_candidate(
    sessions: SessionFactory,
    tenant: Tenant,
    candidate_id: int,
    *,
    reason: str | None,
    actor: Viewer | None,
) -> ErasedCandidate | None:
    """Erase one candidate of `tenant` and everything held about the person, in one transaction; None
    when the customer has no such candidate (already erased or deleted). `actor` None is the system
    (audited as "system"); a `reason` over 500 characters raises `InvalidFields` (field `reason`).

    LinkedIn is told through the outbox: each application's delete (LinkedIn drops its notes, feedback
    and stages itself, so those are not sent) and the candidate's delete (it drops the candidate's
    notes). Outbox rows carry ATS ids only, never personal data.
    """
    clean = clean_reason(reason)
    customer_id = tenant.id
    now = models.utcnow()
    async with transaction(sessions) as db:
        # First, before any row lock: a poll window may hold a candidate's row it is updating.
        await exclude_mirror_writes(db, customer_id)
        row = await queries.lock_candidate(db, customer_id, candidate_id)
        if row is None:
            return None
        removed = await _delete_candidate_rows(db, customer_id, candidate_id, tenant.member_digest)
        await add_tombstones(db, customer_id, removed.digests, reason=clean, at=now)
        targets = [target_id("Candidate", candidate_id)]
        record = (
            record_for(actor, customer_id, CANDIDATE_ERASED, targets=targets)
            if actor is not None
            else AuditRecord(customer_id, SYSTEM_ACTOR, CANDIDATE_ERASED, targets=targets)
        )
        await add_audit(db, [record])
    # The cached live match names the person's LinkedIn members: it goes too, from every process.
    await tenant.live_matches.forget([candidate_id])
    return ErasedCandidate(candidate_id, removed.applications, len(removed.digests), now)


@dataclass(frozen=True, slots=True)
class _Removed:
    applications: int
    # Tombstone digests of the person URNs held for the candidate (newest key).
    digests: list[str]


async def _delete_candidate_rows(
    db: AsyncSession, customer_id: int, candidate_id: int, digest: MemberDigest
) -> _Removed:
    """Queue LinkedIn's deletes, remove the mirror and the candidate (the database cascades to its
    applications, stages, notes, feedback, identity, snapshot and suggestions)."""
    await release_duplicates(db, customer_id, candidate_id)
    await forget_sync_errors_of_candidate(db, customer_id, candidate_id)
    count = await enqueue_application_deletes(db, customer_id, candidate_id)
    enqueue(db, customer_id, models.SyncEntity.CANDIDATE, candidate_id, models.OutboxOp.DELETE)
    urns = await delete_mirror_of_candidates(db, customer_id, [candidate_id])
    await queries.delete_row(db, customer_id, models.Candidate, candidate_id)
    return _Removed(count, sorted({digest.digest(urn) for urn in urns}))


async def forget_erasure(db: AsyncSession, customer_id: int, digest: MemberDigest, urn: str) -> int:
    """A recruiter's new One-Click Export of an erased member is deliberate: the tombstone goes (under
    every key), so the poll brings their activity in again. Inside the caller's transaction."""
    return await clear_tombstones(db, customer_id, digest.digests(urn))


__all__ = [
    "CANDIDATE_ERASED",
    "SYSTEM_ACTOR",
    "ErasedCandidate",
    "clean_reason",
    "erase_candidate",
    "forget_erasure",
]

"""Retention of the local LinkedIn mirror: set-based deletes of the InMail threads and messages, LinkedIn
notes and profile snapshots of members with no activity since a cut-off.

"No activity" for a member of the customer (a person URN of the mirror), all of these before the cut-off:
* no ATS change: none of the candidates linked to the member (`linkedin_identity`) was created or
  updated at or after it;
* no application activity: none of those candidates' applications was created, moved a stage or had
  `last_activity_at` at or after it, and none of their ATS notes was written at or after it;
* no LinkedIn activity: none of the member's InMails was sent, and none of its LinkedIn notes was
  written or changed, at or after it.
A member no candidate links (mirror rows the poll kept without an ATS record) is judged by the last
rule alone. The ATS's own records (candidates, applications, notes) are never touched here.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Application, ApplicationStage, Candidate, LinkedInIdentity, Note
from models.mirror import InMailMessage, InMailThread, LinkedInNote, LinkedInProfile

_C = Candidate.__table__  # type: ignore[attr-defined]
_I = LinkedInIdentity.__table__  # type: ignore[attr-defined]
_A = Application.__table__  # type: ignore[attr-defined]
_S = ApplicationStage.__table__  # type: ignore[attr-defined]
_N = Note.__table__  # type: ignore[attr-defined]
_T = InMailThread.__table__  # type: ignore[attr-defined]
_M = InMailMessage.__table__  # type: ignore[attr-defined]
_L = LinkedInNote.__table__  # type: ignore[attr-defined]
_P = LinkedInProfile.__table__  # type: ignore[attr-defined]


def active_candidates(customer_id: int, cutoff: datetime) -> sa.Select[tuple[int]]:
    """Ids of the customer's candidates with ATS or application activity at or after `cutoff`."""
    changed = sa.select(_C.c.id).where(
        _C.c.customer_id == customer_id, sa.or_(_C.c.updated_at >= cutoff, _C.c.created_at >= cutoff)
    )
    applied = sa.select(_A.c.candidate_id).where(
        _A.c.customer_id == customer_id, sa.or_(_A.c.last_activity_at >= cutoff, _A.c.created_at >= cutoff)
    )
    staged = (
        sa.select(_A.c.candidate_id)
        .join(_S, sa.and_(_S.c.customer_id == _A.c.customer_id, _S.c.application_id == _A.c.id))
        .where(_A.c.customer_id == customer_id, _S.c.at >= cutoff)
    )
    noted = sa.select(_N.c.candidate_id).where(_N.c.customer_id == customer_id, _N.c.created_at >= cutoff)
    return sa.union(changed, applied, staged, noted)  # type: ignore[return-value]


def active_members(customer_id: int, cutoff: datetime) -> sa.CompoundSelect[tuple[str]]:
    """Person URNs of the customer's members with any activity at or after `cutoff` (see the module)."""
    candidates = active_candidates(customer_id, cutoff).subquery()
    via_candidate = sa.select(_I.c.person_urn).where(
        _I.c.customer_id == customer_id, _I.c.candidate_id.in_(sa.select(candidates.c.id))
    )
    inmailed = (
        sa.select(_T.c.member_urn)
        .join(_M, sa.and_(_M.c.customer_id == _T.c.customer_id, _M.c.thread_id == _T.c.id))
        .where(_T.c.customer_id == customer_id, _M.c.sent_at >= cutoff)
    )
    thread_recent = sa.select(_T.c.member_urn).where(
        _T.c.customer_id == customer_id, _T.c.last_message_at >= cutoff
    )
    noted = sa.select(_L.c.member_urn).where(
        _L.c.customer_id == customer_id, sa.or_(_L.c.updated_at >= cutoff, _L.c.created_at >= cutoff)
    )
    return sa.union(via_candidate, inmailed, thread_recent, noted)


async def remove_inactive_mirror(db: AsyncSession, customer_id: int, cutoff: datetime) -> dict[str, int]:
    """Delete the mirror of the customer's members with no activity since `cutoff`; rows removed per
    kind (`threads`, `messages`, `linkedinNotes`, `profiles`). The caller commits."""
    active = active_members(customer_id, cutoff).subquery()
    active_urns = sa.select(active.c.person_urn)
    # Profiles are the candidates': kept while the candidate or any member it is linked to is active.
    candidates = active_candidates(customer_id, cutoff).subquery()
    linked_active = sa.select(_I.c.candidate_id).where(
        _I.c.customer_id == customer_id, _I.c.person_urn.in_(active_urns)
    )
    stale_threads = sa.select(_T.c.id).where(
        _T.c.customer_id == customer_id, _T.c.member_urn.not_in(active_urns)
    )
    messages = await db.exec(
        sa.delete(_M).where(_M.c.customer_id == customer_id, _M.c.thread_id.in_(stale_threads))
    )
    threads = await db.exec(
        sa.delete(_T).where(_T.c.customer_id == customer_id, _T.c.member_urn.not_in(active_urns))
    )
    notes = await db.exec(
        sa.delete(_L).where(_L.c.customer_id == customer_id, _L.c.member_urn.not_in(active_urns))
    )
    profiles = await db.exec(
        sa.delete(_P).where(
            _P.c.customer_id == customer_id,
            _P.c.fetched_at < cutoff,
            _P.c.candidate_id.not_in(sa.select(candidates.c.id)),
            _P.c.candidate_id.not_in(linked_active),
        )
    )
    return {
        "threads": int(threads.rowcount or 0),
        "messages": int(messages.rowcount or 0),
        "linkedinNotes": int(notes.rowcount or 0),
        "profiles": int(profiles.rowcount or 0),
    }


__all__ = ["active_candidates", "active_members", "remove_inactive_mirror"]

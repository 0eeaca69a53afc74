"""Candidate ↔ LinkedIn member identity: manual link and unlink, pushed as manualMatchedMember."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

import models
from linkedin.errors import LinkedInBadRequest, LinkedInError
from models import ats_queries, outbox_claims, sync_statuses
from models import linkedin_identities as queries
from models.db import write_session
from models.export_requests import is_unique_violation
from models.outbox_writes import enqueue
from models.sync_source_queries import CandidateSource
from models.sync_statuses import StatusChange
from resolvers import linkedin_faults
from resolvers.activity_feed import ActivityKind, events_for
from resolvers.erasure import forget_erasure
from resolvers.errors import Conflict, DomainError, ErrorKind, InvalidInput, LinkedInUnavailable, NotFound
from resolvers.services import Services
from resolvers.sync import payloads
from resolvers.sync.config import SyncConfig
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.identity")

PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]{1,80}$")
MANUAL_REASON = "linked by hand in the profile widget"
# Each round follows a change another caller committed meanwhile; the callers' own pushes end the chase.
_MAX_PUSH_ROUNDS = 20


class ManualMatchRefused(DomainError):
    """LinkedIn answered and refused the member link (retrying the same call will not help)."""

    kind = ErrorKind.NOT_ELIGIBLE


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    """The candidate after a link or unlink, its identity, and whether LinkedIn was told."""

    candidate: models.Candidate
    identity: models.LinkedInIdentity | None
    pushed: bool
    push_error: LinkedInUnavailable | ManualMatchRefused | None = None


def validate_person_urn(value: str, *, field: str = "personUrn") -> str:
    """The person URN, trimmed; InvalidInput naming `field` unless it looks like `urn:li:person:<id>`."""
    urn = value.strip()
    if not PERSON_URN.match(urn):
        raise InvalidInput(f"{value!r} is not a LinkedIn person URN (urn:li:person:<id>)", field=field)
    return urn


def describe_candidate(candidate: models.Candidate) -> str:
    """How an error names a candidate to a person: name and ATS id."""
    name = " ".join(part for part in (candidate.first_name, candidate.last_name) if part) or "unnamed"
    return f"candidate {candidate.id} ({name})"


async def _candidate_or_not_found(db: AsyncSession, customer_id: int, candidate_id: int) -> models.Candidate:
    # Locked: links and unlinks of one candidate go one after another (no two inserts of its identity).
    # Another customer's candidate is no candidate here: the same NOT_FOUND as an unknown id.
    candidate = await ats_queries.lock_candidate(db, customer_id, candidate_id)
    if candidate is None:
        raise NotFound(f"No candidate has the id {candidate_id}", field="candidateId")
    return candidate


async def _holder_conflict(db: AsyncSession, holder: models.LinkedInIdentity, person_urn: str) -> Conflict:
    other = await queries.candidate(db, holder.customer_id, holder.candidate_id)
    who = describe_candidate(other) if other is not None else f"candidate {holder.candidate_id}"
    return Conflict(f"{person_urn} is already linked to {who}", field="personUrn")


async def link_member(services: Services, tenant: Tenant, candidate_id: int, person_urn: str) -> LinkOutcome:
    """Store a manual link (match source MANUAL) of the customer's candidate, then push it to the
    customer's LinkedIn as manualMatchedMember. The member may be another customer's candidate too."""
    urn = validate_person_urn(person_urn)
    customer_id = tenant.id
    try:
        async with write_session(services.sessions) as db:
            candidate = await _candidate_or_not_found(db, customer_id, candidate_id)
            holder = await queries.identity_by_person_urn(db, customer_id, urn)
            if holder is not None and holder.candidate_id != candidate_id:
                raise await _holder_conflict(db, holder, urn)
            identity = await queries.identity_by_candidate_id(db, customer_id, candidate_id)
            if identity is None:
                identity = models.LinkedInIdentity(
                    customer_id=customer_id,
                    candidate_id=candidate_id,
                    person_urn=urn,
                    match_source=models.MatchSource.MANUAL,
                )
                db.add(identity)
            elif identity.person_urn != urn:
                identity.profile_url = None  # the old member's profile URL says nothing about the new one
            identity.person_urn = urn
            identity.match_source = models.MatchSource.MANUAL
            identity.match_reason = MANUAL_REASON
            identity.matched_at = models.utcnow()
            # A recruiter's manual link of an erased member is deliberate, as a new export is: the
            # poll brings their activity in again.
            await forget_erasure(db, customer_id, tenant.member_digest, urn)
    except sa.exc.IntegrityError as exc:
        # Another request linked the same member to another candidate between our read and our write
        # (the candidate's lock does not cover the member).
        if not is_unique_violation(exc):
            raise
        async with services.sessions() as db:
            holder = await queries.identity_by_person_urn(db, customer_id, urn)
            if holder is None or holder.candidate_id == candidate_id:
                raise
            raise await _holder_conflict(db, holder, urn) from exc
    await services.activity.publish(events_for(customer_id, [candidate_id], ActivityKind.MATCH))
    return await _pushed(services, tenant, candidate, identity, urn)


async def unlink_member(services: Services, tenant: Tenant, candidate_id: int) -> LinkOutcome:
    """Remove the customer's candidate's member link, then remove manualMatchedMember on LinkedIn."""
    async with write_session(services.sessions) as db:
        candidate = await _candidate_or_not_found(db, tenant.id, candidate_id)
        identity = await queries.identity_by_candidate_id(db, tenant.id, candidate_id)
        if identity is not None:
            await db.delete(identity)
    if identity is not None:
        await services.activity.publish(events_for(tenant.id, [candidate_id], ActivityKind.MATCH))
    return await _pushed(services, tenant, candidate, None, None)


async def _stored_link(services: Services, customer_id: int, candidate_id: int) -> tuple[bool, str | None]:
    """Whether the candidate still exists, and the member it is linked to now (committed state)."""
    async with services.sessions() as db:
        if await queries.candidate(db, customer_id, candidate_id) is None:
            return False, None
        identity = await queries.identity_by_candidate_id(db, customer_id, candidate_id)
        return True, identity.person_urn if identity is not None else None


async def _pushed(
    services: Services,
    tenant: Tenant,
    candidate: models.Candidate,
    identity: models.LinkedInIdentity | None,
    urn: str | None,
) -> LinkOutcome:
    """Push `urn`, then push again whatever a concurrent link or unlink stored meanwhile.

    The pushes of concurrent calls can reach LinkedIn in any order. Each call re-reads the stored link
    after its push has been answered and pushes that until the two agree, so the last push LinkedIn
    applies is of the link stored last (a later change is pushed, after its own commit, by its caller).
    """
    assert candidate.id is not None
    pushing = urn
    for _ in range(_MAX_PUSH_ROUNDS):
        try:
            await push_manual_match(services, tenant, candidate, pushing)
        except (LinkedInUnavailable, ManualMatchRefused) as exc:
            return LinkOutcome(candidate, identity, pushed=False, push_error=exc)
        exists, stored = await _stored_link(services, tenant.id, candidate.id)
        if not exists or stored == pushing:
            break
        pushing = stored
    return LinkOutcome(candidate, identity, pushed=True)


def candidate_body(services: Services, candidate: models.Candidate, person_urn: str) -> dict[str, object]:
    """The atsCandidate body for a candidate LinkedIn does not know yet, with its manual match."""
    source = CandidateSource(candidate, linkedin_profile_url=None, manual_matched_member=person_urn)
    # The outbox's own builder, so this first full PUT carries what every later one does.
    return payloads.candidate_body(
        source, SyncConfig(candidate_url_template=services.config.ats_candidate_url_template)
    )


async def _whole_candidate(
    services: Services, candidate: models.Candidate, person_urn: str
) -> tuple[dict[str, object], list[int]] | None:
    """The candidate's whole atsCandidate body as stored now, and the outbox upserts it makes redundant;
    None when the candidate is gone.

    Read under the candidate's lock, so no ATS write of it falls between the body and those rows (a
    later write enqueues a row of its own, which stays). A candidate the outbox would not send (no
    email) makes none redundant: LinkedIn takes it only for the member link.
    """
    assert candidate.id is not None
    customer_id = candidate.customer_id
    async with write_session(services.sessions) as db:
        stored = await ats_queries.lock_candidate(db, customer_id, candidate.id)
        if stored is None:
            return None
        body = candidate_body(services, stored, person_urn)
        if payloads.missing_fields(stored):
            return body, []
        pending = await outbox_claims.pending_upserts(
            db, customer_id, models.SyncEntity.CANDIDATE, candidate.id
        )
        return body, pending


async def _sent_whole(services: Services, customer_id: int, candidate_id: int, pending: list[int]) -> None:
    """LinkedIn holds the candidate whole: its superseded upserts are not sent again, and it is SENT.
    A candidate deleted while the PUT was on its way is deleted on LinkedIn again (the outbox's delete
    may have reached LinkedIn before the PUT)."""
    now = models.utcnow()
    async with write_session(services.sessions) as db:
        if await ats_queries.lock_candidate(db, customer_id, candidate_id) is None:
            enqueue(db, customer_id, models.SyncEntity.CANDIDATE, candidate_id, models.OutboxOp.DELETE)
            return
        if await outbox_claims.supersede(db, customer_id, pending, now=now):
            change = StatusChange(models.SyncEntity.CANDIDATE, candidate_id, models.OutboxStatus.SENT)
            await sync_statuses.upsert_statuses(db, customer_id, [change], now=now)


async def push_manual_match(
    services: Services, tenant: Tenant, candidate: models.Candidate, person_urn: str | None
) -> None:
    """Set (or, with None, remove) manualMatchedMember on the customer's LinkedIn; LinkedInUnavailable
    if it fails. `candidate` must be one of `tenant`'s.

    LinkedIn only patches candidates it knows: a candidate it has not received yet (per-key 404) is
    sent whole, with the manual match in it (then LinkedIn needs no email either).
    """
    assert candidate.id is not None
    if candidate.customer_id != tenant.id:
        raise ValueError(f"candidate {candidate.id} is not a candidate of customer {tenant.key}")
    # Whatever LinkedIn answers, the cached live match predates this change: the tab must ask again;
    # and again after the push, since a tab viewed meanwhile (in any process) cached LinkedIn's old answer.
    await tenant.live_matches.forget([candidate.id])
    try:
        await _set_manual_match(services, tenant, candidate, person_urn)
    finally:
        await tenant.live_matches.forget([candidate.id])


async def _set_manual_match(
    services: Services, tenant: Tenant, candidate: models.Candidate, person_urn: str | None
) -> None:
    ats_id = str(candidate.id)
    assert candidate.id is not None
    try:
        result = await tenant.linkedin.set_manual_match(ats_id, person_urn)
        error = result.errors.get(ats_id)
        if error is not None and error.status == 404:
            if person_urn is None:
                return  # LinkedIn has no such candidate, so nothing is linked there
            whole = await _whole_candidate(services, candidate, person_urn)
            if whole is None:
                return  # deleted meanwhile: LinkedIn must not get it back
            body, pending = whole
            error = (await tenant.linkedin.upsert_candidates({ats_id: body})).errors.get(ats_id)
            if error is None:
                await _sent_whole(services, tenant.id, candidate.id, pending)
    except LinkedInBadRequest as exc:
        # LinkedIn's own words stay in the log; the person reads the mapped sentence (linkedin_faults).
        log.warning("manualMatchedMember for candidate %s refused: %s", ats_id, exc)
        message = linkedin_faults.describe(exc).message
        raise ManualMatchRefused(f"Stored here, but LinkedIn refused the member link: {message}") from exc
    except LinkedInError as exc:
        log.warning("manualMatchedMember for candidate %s not pushed: %s", ats_id, exc)
        raise linkedin_faults.unavailable(exc, prefix="Stored here, but LinkedIn could not be told") from exc
    if error is not None:
        # LinkedIn's words for this key go to the log; the person reads the sentence.
        log.warning(
            "manualMatchedMember for candidate %s refused (%s): %s", ats_id, error.status, error.message
        )
        raise ManualMatchRefused(
            f"Stored here, but LinkedIn refused the member link: {linkedin_faults.REQUEST_REFUSED}"
        )

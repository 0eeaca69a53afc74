"""One-Click Export, per customer: record pushes durably, then fetch, check, match or create, apply, and
tell LinkedIn. Request and notification ids are LinkedIn's, unique per customer; an export is fetched with
that customer's client and must name that customer's organization (integrationContext)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

import models
from linkedin.errors import LinkedInBadRequest, LinkedInError, LinkedInNotFound
from linkedin.push import EXPORT_CANDIDATE_PROFILE, PushNotification
from linkedin.records import ExportedCandidate
from models import customer_queries, export_requests, leases, linkedin_identities
from models.base import MAX_ROW_ID
from models.db import ReadSessions, SessionFactory
from models.job_sight import EVERY_JOB, JobSight
from models.outbox_writes import enqueue
from resolvers import linkedin_faults
from resolvers.activity_feed import ActivityKind, events_for
from resolvers.erasure import forget_erasure
from resolvers.errors import DomainError, InvalidInput, LinkedInUnavailable, NotFound
from resolvers.identity import ManualMatchRefused, push_manual_match
from resolvers.member_matching import apply_member, member_details
from resolvers.services import Services
from resolvers.tenants import Tenant, UnknownCustomer

log = logging.getLogger("rscgraph.exports")

APPLICATION_SOURCE = "LinkedIn One-Click Export"
# Concurrent writers for the same member lose a unique-constraint race at most once each.
MAX_WRITE_ATTEMPTS = 3
UNPROCESSABLE = "The export could not be processed; the server log says why"
# Said alike for an unknown export and for one the viewer may not see (no hint that it exists).
NO_SUCH_EXPORT = "No One-Click Export with this request id"


class ExportFailed(Exception):
    """The export can never succeed as it stands (wrong customer, unknown or closed job)."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """What the webhook did with a push: stored it (new) or recognised a replay."""

    new: bool
    export_request_id: str | None


def wrong_customer(integration_context: str, tenant: Tenant) -> str | None:
    """Why a notification or export naming `integration_context` is not this customer's (None: it is)."""
    if integration_context == tenant.org_urn:
        return None
    return (
        f"The export belongs to integrationContext {integration_context}, "
        f"not to this customer's {tenant.org_urn}"
    )


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """The export request after a processing attempt, and what it points at."""

    request: models.ExportRequest
    candidate: models.Candidate | None
    application: models.Application | None
    # Set when LinkedIn was unavailable: the request stays PENDING and a later pass completes it.
    unavailable: str | None = None

    @property
    def created(self) -> bool:
        """Whether this export created the candidate (rather than matching an existing one)."""
        return bool(self.request.candidate_created)


# --- receiving ------------------------------------------------------------------------------------


async def receiving_tenant(services: Services, key: str | None) -> Tenant | None:
    """The customer a callback URL belongs to: the one with that key, or for the old single URL (`key`
    None) the customer migrated from the single-customer schema; None when there is none."""
    if key is not None:
        try:
            return await services.tenants.by_key(key)
        except UnknownCustomer:
            return None
    async with services.sessions() as db:
        legacy = await customer_queries.legacy_webhook_customer(db)
    if legacy is None or legacy.id is None:
        return None
    try:
        return await services.tenants.get(legacy.id)
    except UnknownCustomer:  # removed meanwhile
        return None


async def record_notification(
    sessions: SessionFactory, customer_id: int, notification: PushNotification, *, refused: bool = False
) -> Recorded:
    """Store a verified push of the customer and, for an export, its PENDING request, in one transaction.
    A `refused` push (it names another customer) is stored as processed, and no export request is made.

    A known notification id (a replay, or a duplicate delivery racing this one) changes nothing.
    """
    export_id = notification.request_id if notification.type == EXPORT_CANDIDATE_PROFILE else None
    async with sessions() as db:
        if await export_requests.notification_known(db, customer_id, notification.id):
            return Recorded(new=False, export_request_id=export_id)
        needs_request = (
            not refused
            and export_id is not None
            and await export_requests.export_request(db, customer_id, export_id) is None
        )
        export_requests.add_notification(
            db,
            customer_id,
            notification.id,
            notification.type,
            notification.payload,
            processed_at=datetime.now(UTC) if refused else None,
        )
        if needs_request and export_id is not None:
            export_requests.add_export_request(db, customer_id, export_id)
        try:
            await db.commit()
        except sa.exc.IntegrityError as exc:
            await db.rollback()
            if not export_requests.is_unique_violation(exc):
                raise
            return Recorded(new=False, export_request_id=export_id)
    return Recorded(new=True, export_request_id=export_id)


# --- processing -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Turn:
    lock: asyncio.Lock
    holders: int = 0


# One lock per (customer, request id) in this process, so the worker and a support replay never
# interleave on one export here; dropped when nobody holds or waits for it. Across processes the work
# is idempotent and unique constraints settle races (one candidate per member, one application per
# candidate and job).
_TURNS: dict[tuple[int, str], _Turn] = {}
MAX_REQUEST_ID_LENGTH = 200


def validate_request_id(value: str) -> str:
    """The request id, trimmed; InvalidInput naming `requestId` when empty or too long."""
    request_id = value.strip()
    if not request_id or len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise InvalidInput(f"A request id is 1 to {MAX_REQUEST_ID_LENGTH} characters", field="requestId")
    return request_id


async def process_export_as(
    services: Services, tenant: Tenant, request_id: str, *, sight: JobSight
) -> ExportOutcome:
    """`process_export` for a viewer with `sight`: NotFound, and nothing done, for an export it may not see
    (its application is on a secured job outside the viewer's groups); NotFound too when processing
    applies it to such a job (done, as the export worker would have done it, but not shown)."""
    if await _hidden_from(services.sessions, tenant.id, request_id, sight):
        raise NotFound(NO_SUCH_EXPORT, field="requestId")
    outcome = await process_export(services, tenant, request_id)
    if await _hidden_from(services.sessions, tenant.id, request_id, sight):
        raise NotFound(NO_SUCH_EXPORT, field="requestId")
    return outcome


async def _hidden_from(sessions: SessionFactory, customer_id: int, request_id: str, sight: JobSight) -> bool:
    if sight.every_job:
        return False
    async with sessions() as db:
        stored = await export_requests.export_request(db, customer_id, request_id)
        seen = await export_requests.export_request(db, customer_id, request_id, sight=sight)
    return stored is not None and seen is None


async def process_export(services: Services, tenant: Tenant, request_id: str) -> ExportOutcome:
    """Process one of the customer's exports (new, pending, failed or done: it is idempotent) and keep its
    outcome."""
    key = (tenant.id, request_id)
    turn = _TURNS.setdefault(key, _Turn(asyncio.Lock()))
    turn.holders += 1
    try:
        async with turn.lock:
            try:
                return await _Processing(services, tenant).run(request_id)
            except Exception:
                # A bug or a value no column takes: fail this export alone (it can be processed again)
                # rather than abort the pass and keep every later export waiting behind it.
                log.exception("export %s could not be processed", request_id)
                return await _finish(
                    services.sessions, tenant.id, request_id, models.ExportStatus.FAILED, UNPROCESSABLE
                )
    finally:
        turn.holders -= 1
        if turn.holders == 0:
            del _TURNS[key]


class _Processing:
    def __init__(self, services: Services, tenant: Tenant) -> None:
        self._services = services
        self._tenant = tenant

    async def run(self, request_id: str) -> ExportOutcome:
        sessions, customer_id = self._services.sessions, self._tenant.id
        await _ensure_request(sessions, customer_id, request_id)
        try:
            exported = await self._tenant.linkedin.exported_candidate(request_id)
        except (LinkedInNotFound, LinkedInBadRequest) as exc:
            # The export's `error` is read by people: LinkedIn's text and hosts stay in the log.
            log.warning("export %s: LinkedIn has no such export: %s", request_id, exc)
            return await _finish(
                sessions, customer_id, request_id, models.ExportStatus.FAILED, "LinkedIn has no such export"
            )
        except LinkedInError as exc:
            log.warning("export %s not fetched: %s", request_id, exc)
            message = linkedin_faults.describe(exc).message
            return await _retry_later(
                sessions, customer_id, request_id, f"The export could not be fetched yet: {message}"
            )
        try:
            outcome = await self._apply(exported)
        except ExportFailed as exc:
            return await _finish(sessions, customer_id, request_id, models.ExportStatus.FAILED, str(exc))
        assert outcome.candidate is not None
        try:
            await push_manual_match(self._services, self._tenant, outcome.candidate, exported.member_urn)
        except ManualMatchRefused as exc:
            # LinkedIn answered and refused: retrying will not help, and the ATS side is complete.
            return await _finish(sessions, customer_id, request_id, models.ExportStatus.DONE, exc.message)
        except LinkedInUnavailable as exc:
            return await _retry_later(
                sessions, customer_id, request_id, f"manualMatchedMember not set yet: {exc.message}"
            )
        return await _finish(sessions, customer_id, request_id, models.ExportStatus.DONE, None)

    async def _apply(self, exported: ExportedCandidate) -> ExportOutcome:
        customer_id = self._tenant.id
        for attempt in range(1, MAX_WRITE_ATTEMPTS + 1):
            async with self._services.sessions() as db:
                row = await export_requests.export_request(db, customer_id, exported.request_id)
                assert row is not None
                _describe(row, exported)
                # The follow-up answer names the customer the export is for (§4): the callback URL's
                # customer must be that one, or the candidate would land in another customer's ATS.
                refusal = wrong_customer(exported.integration_context, self._tenant)
                if refusal is not None:
                    await db.commit()
                    raise ExportFailed(refusal)
                try:
                    job = await _open_job(db, customer_id, exported.external_job_posting_id)
                    outcome, news = await _match_and_apply(db, customer_id, row, exported, job)
                    # A recruiter's new export of an erased member is deliberate: the tombstone goes.
                    await forget_erasure(db, customer_id, self._tenant.member_digest, exported.member_urn)
                    await db.commit()
                    candidate_id = _id(merged_candidate(outcome))
                    for kind in news:
                        await self._services.activity.publish(events_for(customer_id, [candidate_id], kind))
                    return outcome
                except ExportFailed:
                    await db.rollback()
                    await _save_description(db, customer_id, exported)
                    raise
                except sa.exc.IntegrityError as exc:
                    await db.rollback()
                    if not export_requests.is_unique_violation(exc) or attempt == MAX_WRITE_ATTEMPTS:
                        raise
                    log.info("export %s lost a race (%s); re-reading", exported.request_id, exc.orig)
        raise AssertionError("unreachable: the last attempt returns or raises")


def _describe(row: models.ExportRequest, exported: ExportedCandidate) -> None:
    row.seat_urn = exported.seat_urn
    row.member_urn = exported.member_urn
    row.external_job_id = exported.external_job_posting_id
    row.exported_at = exported.exported_at


async def _save_description(db: AsyncSession, customer_id: int, exported: ExportedCandidate) -> None:
    row = await export_requests.export_request(db, customer_id, exported.request_id)
    assert row is not None
    _describe(row, exported)
    await db.commit()


async def _open_job(db: AsyncSession, customer_id: int, external_id: str | None) -> models.Job:
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if external_id is None or not (external_id.isascii() and external_id.isdigit()):
        raise ExportFailed(f"The export names no job of this ATS (externalJobPostingId {external_id!r})")
    job_id = int(external_id)
    job = await export_requests.job(db, customer_id, job_id) if job_id <= MAX_ROW_ID else None
    if job is None:
        raise ExportFailed(f"The export names job {external_id}, which does not exist in this ATS")
    if job.state != models.JobState.OPEN:
        raise ExportFailed(f"The export names job {external_id} ({job.title}), which is closed")
    return job


async def _match_and_apply(
    db: AsyncSession,
    customer_id: int,
    row: models.ExportRequest,
    exported: ExportedCandidate,
    job: models.Job,
) -> tuple[ExportOutcome, list[ActivityKind]]:
    """Match or create the exported member's candidate and apply it to the job (never twice); with
    what is new for the candidate (live updates): its match, its application."""
    details = member_details(
        member_urn=exported.member_urn,
        profile_url=exported.profile_url,
        source=models.LinkedInSource.LINKEDIN_EXPORT,
        at=exported.exported_at or models.utcnow(),
        first_name=exported.first_name,
        last_name=exported.last_name,
        email=exported.email,
        phone=exported.phone,
        title=exported.headline,
        city=exported.city,
    )
    # One rule with the mail stubs: fill blanks, suggest where an ATS user's value disagrees.
    merged = await apply_member(
        db,
        customer_id,
        details,
        candidate_source=models.CandidateSource.LINKEDIN_EXPORT,
        match_source=models.MatchSource.EXPORT,
        label=f"One-Click Export {exported.request_id}",
    )
    candidate = merged.candidate
    news: list[ActivityKind] = []
    if merged.created or merged.changed or merged.linked:
        news.append(ActivityKind.MATCH)
    if merged.created or merged.changed:
        enqueue(db, customer_id, models.SyncEntity.CANDIDATE, _id(candidate), models.OutboxOp.UPSERT)
    assert candidate.id is not None
    application = await export_requests.application_for(db, customer_id, candidate.id, _id(job))
    if application is None:
        application = models.Application(
            customer_id=customer_id, candidate_id=candidate.id, job_id=_id(job), source=APPLICATION_SOURCE
        )
        db.add(application)
        await db.flush()
        enqueue(db, customer_id, models.SyncEntity.APPLICATION, _id(application), models.OutboxOp.UPSERT)
        news.append(ActivityKind.APPLICATION)
    await db.flush()
    row.candidate_id = candidate.id
    row.application_id = application.id
    if row.candidate_created is None:
        row.candidate_created = merged.created
        row.match_reason = merged.reason
    return ExportOutcome(row, candidate, application), news


def merged_candidate(outcome: ExportOutcome) -> models.Candidate:
    """The candidate an applied export matched or created."""
    assert outcome.candidate is not None
    return outcome.candidate


def _id(row: models.Candidate | models.Job | models.Application) -> int:
    assert row.id is not None
    return row.id


async def _ensure_request(sessions: SessionFactory, customer_id: int, request_id: str) -> None:
    """Make sure a row exists: support may replay an export whose push never arrived."""
    async with sessions() as db:
        if await export_requests.export_request(db, customer_id, request_id) is not None:
            return
        export_requests.add_export_request(db, customer_id, request_id)
        try:
            await db.commit()
        except sa.exc.IntegrityError as exc:
            await db.rollback()
            if not export_requests.is_unique_violation(exc):
                raise


async def _finish(
    sessions: SessionFactory,
    customer_id: int,
    request_id: str,
    status: models.ExportStatus,
    error: str | None,
) -> ExportOutcome:
    """Record one attempt; a DONE or FAILED one is also stamped complete, its push processed."""
    async with sessions() as db:
        row = await export_requests.export_request(db, customer_id, request_id)
        assert row is not None
        row.status = status
        row.attempts += 1
        row.error = error
        if status != models.ExportStatus.PENDING:
            row.completed_at = datetime.now(UTC)
            await export_requests.mark_notification_processed(db, customer_id, request_id, row.completed_at)
        await db.commit()
        candidate = (
            await linkedin_identities.candidate(db, customer_id, row.candidate_id)
            if row.candidate_id
            else None
        )
        application = (
            await export_requests.application(db, customer_id, row.application_id)
            if row.application_id
            else None
        )
    unavailable = error if status == models.ExportStatus.PENDING else None
    return ExportOutcome(row, candidate, application, unavailable)


async def _retry_later(
    sessions: SessionFactory, customer_id: int, request_id: str, error: str
) -> ExportOutcome:
    log.warning("export %s stays pending: %s", request_id, error)
    return await _finish(sessions, customer_id, request_id, models.ExportStatus.PENDING, error)


# --- reading --------------------------------------------------------------------------------------


async def export_request(
    sessions: SessionFactory, customer_id: int, request_id: str, *, sight: JobSight = EVERY_JOB
) -> models.ExportRequest | None:
    """One of the customer's export requests by LinkedIn's request id (None for one `sight` may not see)."""
    async with sessions() as db:
        return await export_requests.export_request(db, customer_id, request_id, sight=sight)


async def export_requests_page(
    sessions: SessionFactory,
    customer_id: int,
    *,
    status: models.ExportStatus | None,
    offset: int,
    limit: int,
    sight: JobSight = EVERY_JOB,
) -> tuple[list[models.ExportRequest], int]:
    """One page of the customer's export requests (newest first; none of secured jobs `sight` may not
    see) and the total."""
    async with sessions() as db:
        return await export_requests.export_requests_page(
            db, customer_id, status=status, offset=offset, limit=limit, sight=sight
        )


async def export_requests_by_ids(
    sessions: ReadSessions, customer_id: int, sight: JobSight, ids: list[int]
) -> list[models.ExportRequest | None]:
    """The customer's export requests in key order, None for unknown ids and those `sight` may not see
    (a DataLoader batch)."""
    async with sessions() as db:
        found = await export_requests.export_requests_by_ids(db, customer_id, ids, sight=sight)
    return [found.get(i) for i in ids]


def claim_name(customer_id: int, request_id: str) -> str:
    """The lease that makes one worker at a time process an export (request ids are per customer)."""
    return f"export:{customer_id}:{request_id}"


async def claim(
    sessions: SessionFactory, customer_id: int, request_id: str, holder: str, ttl: timedelta
) -> bool:
    """Take the export for this worker across processes (a lease; it expires if the holder dies)."""
    async with sessions() as db:
        taken = await leases.try_acquire(db, claim_name(customer_id, request_id), holder, ttl)
        await db.commit()
    return taken


async def release_claim(sessions: SessionFactory, customer_id: int, request_id: str, holder: str) -> None:
    """Give a claimed export back."""
    async with sessions() as db:
        await leases.release(db, claim_name(customer_id, request_id), holder)
        await db.commit()


async def pending_request_ids(sessions: SessionFactory, customer_id: int, limit: int = 100) -> list[str]:
    """The customer's PENDING export request ids, oldest first."""
    async with sessions() as db:
        return await export_requests.pending_request_ids(db, customer_id, limit)


def outcome_errors(outcome: ExportOutcome) -> list[DomainError]:
    """What a caller should be told about an outcome: why it failed, or that it is still pending."""
    if outcome.unavailable is not None:
        return [LinkedInUnavailable(f"Still pending, a later pass completes it: {outcome.unavailable}")]
    if outcome.request.status == models.ExportStatus.FAILED:
        return [InvalidInput(outcome.request.error or "The export failed", field="requestId")]
    return []

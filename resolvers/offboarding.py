"""Offboarding a customer whose contract ended (shared/linkedin-rsc.md §6.2): delete on LinkedIn
everything synced for its integration context, disable its integrations, then remove or anonymise its
local data. A persisted state machine (models/offboarding.py) run by the scheduler's `offboarding` unit,
so any worker process resumes it after a crash.

Order on LinkedIn: applications (LinkedIn drops their notes, stages and feedback with them, so those are
not sent), candidate notes, candidates, ACL assignees and job ACLs (read, then deleted), then jobs
closed (LinkedIn documents no job deletion). Each batch's items are marked done in the transaction that
follows LinkedIn's answer, so a record LinkedIn confirmed is never sent again. Candidates and ACLs are
read before they are deleted, so one whose delete reached LinkedIn just before a process died is not
deleted twice either; applications and notes (which LinkedIn offers no read of) in a batch in flight
when a process died are sent again, and LinkedIn's 404 for a record already gone counts as done.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin.errors import LinkedInError, LinkedInNotFound
from linkedin.partner import LinkedInPartnerClient
from linkedin.records import BatchItemError, BatchResult
from models import customer_queries, offboarding, offboarding_local
from models import scheduled_work as work
from models.ats import JobState
from models.base import utcnow
from models.customer_integrations import CustomerIntegration
from models.db import SessionFactory, write_session
from models.integration import OutboxEvent
from models.leases import LeaseBusy
from models.offboarding import DataChoice, ItemKind, OffboardingItem, OffboardingState, Progress
from models.scheduled_work import WorkKey
from models.sync_source_queries import jobs as jobs_by_id
from resolvers.errors import Conflict, LinkedInUnavailable, NotFound
from resolvers.sync import payloads
from resolvers.sync.config import SyncConfig
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.offboarding")

OFFBOARDING_KIND = "offboarding"
# A record LinkedIn refuses (other than 404) this many times is given up on and counted as failed.
GIVE_UP_AFTER = 3
DISABLED_STATE = "DISABLED_AT_OFFBOARDING"

Clock = Callable[[], datetime]
# Called after each batch is recorded (the CLI's progress bar; tests stop a run halfway with it).
OnProgress = Callable[[Progress], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OffboardingStatus:
    """Where a customer's offboarding is."""

    state: OffboardingState
    data_choice: DataChoice
    sent: int
    remaining: int
    failed: int
    requested_at: datetime
    finished_at: datetime | None


async def status(sessions: SessionFactory, customer_id: int) -> OffboardingStatus | None:
    """The customer's offboarding, None when it was never asked for."""
    return (await statuses(sessions, [customer_id])).get(customer_id)


async def statuses(sessions: SessionFactory, customer_ids: Sequence[int]) -> dict[int, OffboardingStatus]:
    """The offboardings of these customers (those that have one), in two statements."""
    async with sessions() as db:
        found = await offboarding.offboardings_with_progress(db, customer_ids)
    return {
        customer_id: OffboardingStatus(
            state=row.state,
            data_choice=row.data_choice,
            sent=done.sent,
            remaining=done.remaining,
            failed=done.failed,
            requested_at=row.requested_at,
            finished_at=row.finished_at,
        )
        for customer_id, (row, done) in found.items()
    }


async def start_offboarding(
    sessions: SessionFactory,
    customer_id: int,
    choice: DataChoice,
    *,
    requested_by: str | None,
    now: datetime | None = None,
) -> OffboardingStatus:
    """Start offboarding the customer: one transaction records the choice and every record to delete,
    drops its other scheduled work and its unsent outbox (nothing must re-create what is being deleted)
    and makes its offboarding unit due now. Asking again with the same choice answers the status; with
    another choice it is a Conflict."""
    now = now or utcnow()
    async with write_session(sessions) as db:
        customer = await customer_queries.customer_by_id(db, customer_id)
        if customer is None:
            raise NotFound("No customer has this id or key", field="customer")
        existing = await offboarding.offboarding_of(db, customer_id)
        if existing is not None and existing.data_choice is not choice:
            raise Conflict(
                f"The customer is already being offboarded with dataChoice {existing.data_choice.value}",
                field="dataChoice",
            )
        if existing is None:
            await offboarding.start(db, customer_id, choice, requested_by=requested_by, now=now)
            await _drop_unclaimed_outbox(db, customer_id, now)
            for kind in ("seats", "poll", "outbox", "exports", "purge_check", "retention"):
                await work.unschedule(db, customer_id, kind, keep_seats=[])
            key = WorkKey(customer_id, OFFBOARDING_KIND)
            await work.ensure_scheduled(db, [key], due_at=now)
            await work.run_soon(db, key, now=now)
    found = await status(sessions, customer_id)
    assert found is not None
    return found


# --- the unit ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Offboarder:
    """Runs one customer's offboarding from where it stands to DONE (or until LinkedIn fails)."""

    sessions: SessionFactory
    tenant: Tenant
    config: SyncConfig
    batch_size: int = 100
    clock: Clock = utcnow
    on_progress: OnProgress | None = None
    # The partner app's client: a provisioned child app's widgets stop loading (its JS SDK domains
    # emptied). None where nothing provisions (the app stays as it is).
    partner: LinkedInPartnerClient | None = None

    async def run(self) -> OffboardingStatus | None:
        """Carry the offboarding through its remaining steps; None when the customer has none."""
        async with self.sessions() as db:
            row = await offboarding.offboarding_of(db, self.tenant.id)
        if row is None:
            return None
        state = row.state
        if state is OffboardingState.DELETING_ON_LINKEDIN:
            await self._outbox_quiet()
            for kind in offboarding.STEP_ORDER:
                await self._send_all(kind)
            state = await self._advance(OffboardingState.DISABLING_INTEGRATIONS)
        if state is OffboardingState.DISABLING_INTEGRATIONS:
            await self._disable_integrations()
            state = await self._advance(OffboardingState.REMOVING_LOCAL_DATA)
        if state is OffboardingState.REMOVING_LOCAL_DATA:
            async with write_session(self.sessions) as db:
                touched = await offboarding_local.remove_local_data(db, self.tenant.id, row.data_choice)
                await offboarding.set_state(db, self.tenant.id, OffboardingState.DONE, now=self.clock())
            log.info("customer offboarded", extra={"choice": row.data_choice.value, **touched})
        return await status(self.sessions, self.tenant.id)

    async def _outbox_quiet(self) -> None:
        """No change of the customer may reach LinkedIn after its deletions begin: an outbox batch another
        process was sending when the offboarding started is waited for (the unit comes back in a moment),
        and what is left unsent is dropped."""
        now = self.clock()
        async with write_session(self.sessions) as db:
            if await _drop_unclaimed_outbox(db, self.tenant.id, now):
                raise LeaseBusy(f"customer {self.tenant.key}'s outbox is sending")

    async def _advance(self, state: OffboardingState) -> OffboardingState:
        async with write_session(self.sessions) as db:
            await offboarding.set_state(db, self.tenant.id, state, now=self.clock())
        return state

    async def _send_all(self, kind: ItemKind) -> None:
        while True:
            async with self.sessions() as db:
                items = await offboarding.pending_items(db, self.tenant.id, kind, limit=self.batch_size)
            if not items:
                return
            try:
                done, refused = await self._send(kind, items)
            except LinkedInError as exc:
                raise LinkedInUnavailable(f"offboarding stopped at {kind.value}: {exc}") from exc
            async with write_session(self.sessions) as db:
                await offboarding.mark_done(db, self.tenant.id, done, now=self.clock())
                for item_id, error in refused.items():
                    await offboarding.mark_attempt_failed(
                        db, self.tenant.id, item_id, error, give_up_after=GIVE_UP_AFTER
                    )
                progress = await offboarding.progress(db, self.tenant.id)
            if self.on_progress is not None:
                await self.on_progress(progress)

    async def _send(
        self, kind: ItemKind, items: Sequence[OffboardingItem]
    ) -> tuple[list[int], dict[int, str]]:
        """Remove one batch on LinkedIn: the item ids LinkedIn confirmed (or no longer has), and the
        ones it refused with why."""
        linkedin = self.tenant.linkedin
        by_ats_id = {str(i.entity_id): int(i.id or 0) for i in items}
        if kind is ItemKind.APPLICATION:
            return _outcome(await linkedin.delete_applications(list(by_ats_id)), by_ats_id)
        if kind is ItemKind.CANDIDATE:
            # Ask first which LinkedIn still holds (one BATCH_GET): a delete that reached LinkedIn just
            # before a process died, unrecorded, is not sent again.
            absent = await linkedin.candidates_absent(list(by_ats_id))
            gone = [item_id for ats_id, item_id in by_ats_id.items() if ats_id in absent]
            still = {ats_id: item_id for ats_id, item_id in by_ats_id.items() if ats_id not in absent}
            if not still:
                return gone, {}
            done, refused = _outcome(await linkedin.delete_candidates(list(still)), still)
            return gone + done, refused
        if kind is ItemKind.CANDIDATE_NOTE:
            return await self._delete_notes(items)
        if kind in (ItemKind.ACL_ASSIGNEE, ItemKind.ENTITY_ACL):
            return await self._delete_acls(kind, items)
        return await self._close_jobs(items)

    async def _delete_acls(
        self, kind: ItemKind, items: Sequence[OffboardingItem]
    ) -> tuple[list[int], dict[int, str]]:
        """Per item, what LinkedIn holds now, then its deletion: a resumed run reads again, so an ACL
        deleted before a crash is not sent twice."""
        linkedin = self.tenant.linkedin
        done: list[int] = []
        refused: dict[int, str] = {}
        for item in items:
            if kind is ItemKind.ACL_ASSIGNEE:
                urn = item.ref or ""
                groups = await linkedin.assignee_acl_ids(urn)
                result = (
                    await linkedin.delete_acl_assignees([(g, urn) for g in sorted(groups)])
                    if groups
                    else None
                )
            else:
                job = str(item.entity_id)
                groups = await linkedin.entity_acl_ids(job)
                result = (
                    await linkedin.delete_entity_acls([(g, job) for g in sorted(groups)]) if groups else None
                )
            problems = [] if result is None else [e for e in result.errors.values() if e.status != 404]
            if problems:
                refused[int(item.id or 0)] = problems[0].message or f"LinkedIn answered {problems[0].status}"
            else:
                done.append(int(item.id or 0))
        return done, refused

    async def _delete_notes(self, items: Sequence[OffboardingItem]) -> tuple[list[int], dict[int, str]]:
        by_parent: defaultdict[int, list[OffboardingItem]] = defaultdict(list)
        for item in items:
            by_parent[item.parent_id or 0].append(item)
        done: list[int] = []
        refused: dict[int, str] = {}
        for parent, notes in by_parent.items():
            ids = {str(n.entity_id): int(n.id or 0) for n in notes}
            try:
                result = await self.tenant.linkedin.delete_candidate_notes(str(parent), list(ids))
            except LinkedInNotFound:
                # LinkedIn does not hold the candidate: none of its notes is there either.
                done.extend(ids.values())
                continue
            ok, bad = _outcome(result, ids)
            done.extend(ok)
            refused.update(bad)
        return done, refused

    async def _close_jobs(self, items: Sequence[OffboardingItem]) -> tuple[list[int], dict[int, str]]:
        async with self.sessions() as db:
            jobs = await jobs_by_id(db, self.tenant.id, [i.entity_id for i in items])
        present = [i for i in items if i.entity_id in jobs]
        done = [int(i.id or 0) for i in items if i.entity_id not in jobs]
        bodies = []
        for item in present:
            job = jobs[item.entity_id].model_copy(update={"state": JobState.CLOSED})
            bodies.append(payloads.job_body(job, self.config, self.tenant.org_urn, first_push=False))
        if not bodies:
            return done, {}
        answers = await self.tenant.linkedin.create_job_postings(bodies)
        refused: dict[int, str] = {}
        for item, answer in zip(present, answers, strict=False):
            if isinstance(answer, BatchItemError):
                refused[int(item.id or 0)] = answer.message or f"LinkedIn answered {answer.status}"
            else:
                done.append(int(item.id or 0))
        return done, refused

    async def _disable_integrations(self) -> None:
        """LinkedIn pushes nothing more (its CALLBACK_URL removed), a provisioned child app's widgets load
        nowhere (no JS SDK domain), and the integrations are off here."""
        async with self.sessions() as db:
            customer = await customer_queries.customer_by_id(db, self.tenant.id)
        app_urn = None if customer is None else customer.linkedin_app_urn
        try:
            await self.tenant.linkedin.delete_callback_url()
            if self.partner is not None and app_urn:
                await self.partner.set_js_sdk_domains(app_urn, [])
        except LinkedInNotFound:
            pass  # nothing configured any more, or the app is gone
        except LinkedInError as exc:
            raise LinkedInUnavailable(f"offboarding could not disable the integrations: {exc}") from exc
        now = self.clock()
        async with write_session(self.sessions) as db:
            table = CustomerIntegration.__table__  # type: ignore[attr-defined]
            await db.exec(
                sa.update(table)
                .where(table.c.customer_id == self.tenant.id)
                .values(enabled=False, state=DISABLED_STATE, last_change_at=now, updated_at=now)
            )


async def _drop_unclaimed_outbox(db: AsyncSession, customer_id: int, now: datetime) -> int:
    """Delete the customer's outbox rows no live worker holds; how many a worker still holds."""
    outbox = OutboxEvent.__table__  # type: ignore[attr-defined]
    free = sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until < now)
    await db.exec(sa.delete(outbox).where(outbox.c.customer_id == customer_id, free))
    held = sa.select(sa.func.count()).select_from(outbox).where(outbox.c.customer_id == customer_id)
    return int((await (await db.connection()).execute(held)).scalar_one())


def _outcome(result: BatchResult, by_ats_id: dict[str, int]) -> tuple[list[int], dict[int, str]]:
    done = [by_ats_id[i] for i in result.succeeded if i in by_ats_id]
    refused: dict[int, str] = {}
    for ats_id, error in result.errors.items():
        if ats_id not in by_ats_id:
            continue
        if error.status == 404:
            done.append(by_ats_id[ats_id])  # already gone on LinkedIn
        else:
            refused[by_ats_id[ats_id]] = error.message or f"LinkedIn answered {error.status}"
    # A key LinkedIn did not answer for stays pending (sent again next time).
    return done, refused


__all__ = [
    "GIVE_UP_AFTER",
    "OFFBOARDING_KIND",
    "Offboarder",
    "OffboardingStatus",
    "start_offboarding",
    "status",
    "statuses",
]

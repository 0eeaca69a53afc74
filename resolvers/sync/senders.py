"""One sender per entity type and operation: load the current ATS rows (one statement per batch), build
the bodies, call LinkedIn, and say what became of each change.

A candidate (or application) that LinkedIn holds but can no longer take (its candidate lost a name or the
email) is withdrawn: deleted on LinkedIn and SKIPPED with the reason, its children with it, so LinkedIn
never keeps a stale copy; it is sent again, children and all, once it is eligible again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin.client import LinkedInClient
from linkedin.errors import LinkedInError
from linkedin.records import BatchItemError, BatchResult, JobPostingTaskStatus
from models import OutboxOp, OutboxStatus, SyncEntity
from models import sync_source_queries as sources
from models.db import SessionFactory
from models.linkedin_profiles import MatchSnapshot, save_match_snapshots
from models.outbox_dependents import HELD, held_applications, mark_withdrawn
from models.sync_statuses import statuses_of
from resolvers.sync import payloads
from resolvers.sync.config import SyncConfig
from resolvers.sync.outcomes import GONE, SENT, Kind, Outcome, of_batch, of_exception, of_item_error
from resolvers.sync.plan import Change

log = logging.getLogger("rscgraph.sync")
Outcomes = dict[int, Outcome]
# A child whose parent was skipped is skipped too; it is enqueued again once the parent is sent.
PARENT_SKIPPED = {
    parent: Outcome(Kind.SKIPPED, f"the {parent} is not sent to LinkedIn (see its sync status)")
    for parent in ("candidate", "application")
}
_HELD = {OutboxStatus(s) for s in HELD}


@dataclass(frozen=True, slots=True)
class SendContext:
    """What every sender needs."""

    sessions: SessionFactory
    # The customer whose records these are: every read and write stays within it.
    customer_id: int
    linkedin: LinkedInClient
    config: SyncConfig
    org_urn: str
    clock: Callable[[], datetime]


Sender = Callable[[SendContext, Sequence[Change]], Awaitable[Outcomes]]


def _ids(changes: Sequence[Change]) -> list[int]:
    return [c.entity_id for c in changes]


async def _batch(
    call: Awaitable[BatchResult],
    ids: Sequence[int],
    *,
    deleting: bool = False,
    parent: str | None = None,
) -> Outcomes:
    """One batch call: per-key results, or the whole call's failure for every id."""
    try:
        result = await call
    except LinkedInError as exc:
        return dict.fromkeys(ids, of_exception(exc, deleting=deleting, parent=parent))
    per_key = of_batch([str(i) for i in ids], result, deleting=deleting)
    return {int(k): v for k, v in per_key.items()}


async def _grouped(
    groups: Mapping[int, Sequence[int]],
    call: Callable[[int, list[int]], Awaitable[BatchResult]],
    *,
    parent: str,
    deleting: bool = False,
) -> Outcomes:
    """Sub-collection calls, one per parent: children of a parent LinkedIn lacks wait for it."""
    out: Outcomes = {}
    for parent_id, child_ids in groups.items():
        out.update(
            await _batch(call(parent_id, list(child_ids)), child_ids, deleting=deleting, parent=parent)
        )
    return out


# --- jobs ----------------------------------------------------------------------------------------------


async def upsert_jobs(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Submit changed jobs, or poll the tasks of jobs already submitted."""
    waiting = [c for c in changes if c.task_id is not None]
    fresh = [c for c in changes if c.task_id is None]
    out = await _poll_job_tasks(ctx, waiting)
    if not fresh:
        return out
    async with ctx.sessions() as db:
        jobs = await sources.jobs(db, ctx.customer_id, _ids(fresh))
        pushed = await statuses_of(db, ctx.customer_id, SyncEntity.JOB, _ids(fresh))
    present = [c.entity_id for c in fresh if c.entity_id in jobs]
    out.update({c.entity_id: GONE for c in fresh if c.entity_id not in jobs})
    bodies = [
        payloads.job_body(jobs[i], ctx.config, ctx.org_urn, first_push=pushed.get(i) is not OutboxStatus.SENT)
        for i in present
    ]
    if not bodies:
        return out
    try:
        answers = await ctx.linkedin.create_job_postings(bodies)
    except LinkedInError as exc:
        # batch_create is a POST and never replayed by the client; resending later is harmless because
        # LinkedIn keys jobs by externalJobPostingId.
        out.update(dict.fromkeys(present, of_exception(exc)))
        return out
    for job_id, answer in zip(present, answers, strict=False):
        if isinstance(answer, BatchItemError):
            out[job_id] = of_item_error(answer)
        else:
            out[job_id] = Outcome(Kind.AWAIT_TASK, "LinkedIn is processing the job", answer)
    for job_id in present[len(answers) :]:
        out[job_id] = Outcome(Kind.RETRY, "LinkedIn did not answer for this job")
    return out


async def _poll_job_tasks(ctx: SendContext, waiting: Sequence[Change]) -> Outcomes:
    if not waiting:
        return {}
    task_of = {c.entity_id: c.task_id or "" for c in waiting}
    try:
        tasks = await ctx.linkedin.job_posting_tasks(list(task_of.values()))
    except LinkedInError as exc:
        failed = of_exception(exc)
        # The task ids stay, and so does a pause (`throttled`) the failure asks for.
        return {i: replace(failed, task_id=t) for i, t in task_of.items()}
    out: Outcomes = {}
    for job_id, task_id in task_of.items():
        task = tasks.get(task_id)
        if task is None:
            # The task expired (LinkedIn keeps them 30 days) or was lost: submit the job again.
            out[job_id] = Outcome(Kind.RETRY, f"LinkedIn does not know task {task_id}")
        elif task.status is JobPostingTaskStatus.SUCCEEDED:
            out[job_id] = SENT
        elif task.status is JobPostingTaskStatus.FAILED:
            out[job_id] = Outcome(Kind.PARKED, task.message or "LinkedIn rejected the job posting")
        else:
            out[job_id] = Outcome(Kind.AWAIT_TASK, "LinkedIn is processing the job", task_id)
    return out


async def delete_jobs(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """A deleted job leaves LinkedIn by being closed (state CLOSED; a job-requisition delete is not
    documented there), built from what its outbox key kept; a job LinkedIn never held needs nothing."""
    waiting = [c for c in changes if c.task_id is not None]
    fresh = [c for c in changes if c.task_id is None]
    out = await _poll_job_tasks(ctx, waiting)
    if not fresh:
        return out
    async with ctx.sessions() as db:
        pushed = await statuses_of(db, ctx.customer_id, SyncEntity.JOB, _ids(fresh))
    bodies: list[dict[str, Any]] = []
    present: list[int] = []
    for change in fresh:
        if pushed.get(change.entity_id) not in _HELD:
            out[change.entity_id] = SENT  # never on LinkedIn: nothing to close
            continue
        body = payloads.closed_job_body(change.entity_id, change.key, ctx.org_urn, ctx.config)
        if body is None:
            out[change.entity_id] = Outcome(Kind.PARKED, "the outbox key lacks the job's fields to close it")
            continue
        bodies.append(body)
        present.append(change.entity_id)
    if not bodies:
        return out
    try:
        answers = await ctx.linkedin.create_job_postings(bodies)
    except LinkedInError as exc:
        out.update(dict.fromkeys(present, of_exception(exc)))
        return out
    for job_id, answer in zip(present, answers, strict=False):
        if isinstance(answer, BatchItemError):
            out[job_id] = of_item_error(answer)
        else:
            out[job_id] = Outcome(Kind.AWAIT_TASK, "LinkedIn is closing the job", answer)
    for job_id in present[len(answers) :]:
        out[job_id] = Outcome(Kind.RETRY, "LinkedIn did not answer for this job")
    return out


# --- candidates ------------------------------------------------------------------------------------------


async def upsert_candidates(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Push candidates that have first name, last name and email, withdraw those LinkedIn holds that lost
    one; then store LinkedIn's matches."""
    async with ctx.sessions() as db:
        found = await sources.candidates(db, ctx.customer_id, _ids(changes))
        held = await statuses_of(db, ctx.customer_id, SyncEntity.CANDIDATE, _ids(changes))
    out: Outcomes = {}
    bodies: dict[str, dict[str, Any]] = {}
    withdrawn: dict[int, str] = {}
    for change in changes:
        source = found.get(change.entity_id)
        if source is None:
            out[change.entity_id] = GONE
        elif reason := payloads.skip_reason(source.candidate):
            if held.get(change.entity_id) in _HELD:
                withdrawn[change.entity_id] = reason
            else:
                out[change.entity_id] = Outcome(Kind.SKIPPED, reason)
        else:
            bodies[str(change.entity_id)] = payloads.candidate_body(source, ctx.config)
    out.update(await _withdraw_candidates(ctx, withdrawn))
    if bodies:
        sent = await _batch(ctx.linkedin.upsert_candidates(bodies), [int(i) for i in bodies])
        out.update(sent)
        await _store_matches(ctx, [i for i, o in sent.items() if o.kind is Kind.SENT])
    return out


async def _store_matches(ctx: SendContext, candidate_ids: Sequence[int]) -> None:
    """LinkedIn's member matches of freshly pushed candidates; a failure here never fails the push."""
    if not candidate_ids:
        return
    try:
        matches = await ctx.linkedin.candidate_matches([str(i) for i in candidate_ids])
    except LinkedInError as exc:
        log.warning("reading back matches of %d candidates failed: %s", len(candidate_ids), exc)
        return
    now = ctx.clock()
    snapshots = [
        MatchSnapshot(int(ats_id), m.best_member, list(m.matched_members), m.manual_matched_member, now)
        for ats_id, m in matches.items()
        if ats_id.isdigit()
    ]
    try:
        async with ctx.sessions() as db:
            await save_match_snapshots(db, ctx.customer_id, snapshots)
            await db.commit()
    except SQLAlchemyError:
        # The push succeeded: failing here would leave it unsettled until the lease runs out.
        log.warning("storing the matches of %d candidates failed", len(snapshots), exc_info=True)


async def _withdraw_candidates(ctx: SendContext, reasons: Mapping[int, str]) -> Outcomes:
    """Delete ineligible candidates from LinkedIn, their applications first (LinkedIn keeps those apart;
    it drops the candidate's notes itself). A candidate whose applications could not go is retried."""
    if not reasons:
        return {}
    async with ctx.sessions() as db:
        applications = await held_applications(db, ctx.customer_id, list(reasons))
    application_reasons = {
        a: f"candidate {reasons[c]}" for c, ids in applications.items() for a in ids if c in reasons
    }
    dropped = await _withdraw_applications(ctx, application_reasons)
    out: Outcomes = {}
    ready: list[int] = []
    for candidate_id in reasons:
        failed = [
            dropped[a] for a in applications.get(candidate_id, []) if dropped[a].kind is not Kind.SKIPPED
        ]
        if failed:
            out[candidate_id] = Outcome(
                Kind.RETRY, failed[0].reason, throttled=any(o.throttled for o in failed)
            )
        else:
            ready.append(candidate_id)
    if not ready:
        return out
    deleted = await _batch(ctx.linkedin.delete_candidates([str(i) for i in ready]), ready, deleting=True)
    gone = {i: reasons[i] for i, o in deleted.items() if o.kind is Kind.SENT}
    await _mark_withdrawn(ctx, SyncEntity.CANDIDATE, gone)
    out.update({i: Outcome(Kind.SKIPPED, gone[i]) if i in gone else o for i, o in deleted.items()})
    return out


async def _withdraw_applications(ctx: SendContext, reasons: Mapping[int, str]) -> Outcomes:
    """Delete applications LinkedIn holds but can no longer take (LinkedIn drops their notes and stages);
    each deleted one is SKIPPED with its reason, the others keep the failure."""
    if not reasons:
        return {}
    ids = list(reasons)
    deleted = await _batch(ctx.linkedin.delete_applications([str(i) for i in ids]), ids, deleting=True)
    gone = {i: reasons[i] for i, o in deleted.items() if o.kind is Kind.SENT}
    await _mark_withdrawn(ctx, SyncEntity.APPLICATION, gone)
    return {i: Outcome(Kind.SKIPPED, gone[i]) if i in gone else o for i, o in deleted.items()}


async def _mark_withdrawn(ctx: SendContext, parent: SyncEntity, reasons: Mapping[int, str]) -> None:
    # Committed at once: LinkedIn no longer holds these, whatever becomes of the rest of the pass.
    if not reasons:
        return
    child_reason = PARENT_SKIPPED["candidate" if parent is SyncEntity.CANDIDATE else "application"].reason
    async with ctx.sessions() as db:
        await mark_withdrawn(db, ctx.customer_id, parent, reasons, child_reason or "", now=ctx.clock())
        await db.commit()


async def delete_candidates(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Mirror candidate deletions (LinkedIn drops the candidate's notes with it)."""
    ids = _ids(changes)
    return await _batch(ctx.linkedin.delete_candidates([str(i) for i in ids]), ids, deleting=True)


# --- notes ---------------------------------------------------------------------------------------------


async def upsert_candidate_notes(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Push candidate notes, one sub-collection call per candidate."""
    async with ctx.sessions() as db:
        found = await sources.notes(db, ctx.customer_id, _ids(changes))
        parents = await statuses_of(
            db, ctx.customer_id, SyncEntity.CANDIDATE, [n.candidate_id for n in found.values()]
        )
    out, groups = _under_parents(changes, {i: n.candidate_id for i, n in found.items()}, parents, "candidate")

    async def call(candidate_id: int, note_ids: list[int]) -> BatchResult:
        bodies = {str(i): payloads.note_body(found[i]) for i in note_ids}
        return await ctx.linkedin.upsert_candidate_notes(str(candidate_id), bodies)

    out.update(await _grouped(groups, call, parent="candidate"))
    return out


async def delete_candidate_notes(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Mirror candidate note deletions; the outbox key names the candidate."""
    return await _delete_children(changes, "candidate", ctx.linkedin.delete_candidate_notes)


def _under_parents(
    changes: Sequence[Change],
    parent_of: Mapping[int, int | None],
    parent_statuses: Mapping[int, OutboxStatus],
    parent: str,
) -> tuple[Outcomes, dict[int, list[int]]]:
    """Children grouped by parent; a child whose row is gone or whose parent was skipped gets an outcome."""
    out: Outcomes = {}
    groups: dict[int, list[int]] = {}
    for change in changes:
        parent_id = parent_of.get(change.entity_id)
        if parent_id is None:
            out[change.entity_id] = GONE
        elif parent_statuses.get(parent_id) is OutboxStatus.SKIPPED:
            out[change.entity_id] = PARENT_SKIPPED[parent]
        else:
            groups.setdefault(parent_id, []).append(change.entity_id)
    return out, groups


async def _delete_children(
    changes: Sequence[Change], parent: str, send: Callable[[str, list[str]], Awaitable[BatchResult]]
) -> Outcomes:
    """Sub-collection deletes, one call per parent named by the outbox key's `<parent>_id`; a delete
    without it is parked."""
    name = f"{parent}_id"
    out: Outcomes = {}
    groups: dict[int, list[int]] = {}
    for change in changes:
        parent_id = change.key_int(name)
        if parent_id is None:
            out[change.entity_id] = Outcome(Kind.PARKED, f"the outbox key lacks {name!r}")
        else:
            groups.setdefault(parent_id, []).append(change.entity_id)

    async def call(parent_id: int, child_ids: list[int]) -> BatchResult:
        return await send(str(parent_id), [str(i) for i in child_ids])

    out.update(await _grouped(groups, call, parent=parent, deleting=True))
    return out


# --- applications ----------------------------------------------------------------------------------------


async def upsert_applications(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Push applications whose candidate can be sent (LinkedIn needs the candidate's email); withdraw
    those LinkedIn holds whose candidate cannot be."""
    async with ctx.sessions() as db:
        found = await sources.applications(db, ctx.customer_id, _ids(changes))
        held = await statuses_of(db, ctx.customer_id, SyncEntity.APPLICATION, _ids(changes))
    out: Outcomes = {}
    bodies: dict[str, dict[str, Any]] = {}
    withdrawn: dict[int, str] = {}
    for change in changes:
        source = found.get(change.entity_id)
        if source is None:
            out[change.entity_id] = GONE
        elif reason := payloads.skip_reason(source.candidate):
            if held.get(change.entity_id) in _HELD:
                withdrawn[change.entity_id] = f"candidate {reason}"
            else:
                out[change.entity_id] = Outcome(Kind.SKIPPED, f"candidate {reason}")
        else:
            bodies[str(change.entity_id)] = payloads.application_body(source)
    out.update(await _withdraw_applications(ctx, withdrawn))
    if bodies:
        out.update(await _batch(ctx.linkedin.upsert_applications(bodies), [int(i) for i in bodies]))
    return out


async def delete_applications(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Mirror application deletions (LinkedIn drops its notes, feedback and stages with it)."""
    ids = _ids(changes)
    return await _batch(ctx.linkedin.delete_applications([str(i) for i in ids]), ids, deleting=True)


class _ApplicationChild(Protocol):
    @property
    def application_id(self) -> int | None: ...


ChildT = TypeVar("ChildT", bound=_ApplicationChild)


async def _upsert_application_children(
    ctx: SendContext,
    changes: Sequence[Change],
    load: Callable[[AsyncSession, int, list[int]], Awaitable[Mapping[int, ChildT]]],
    body: Callable[[ChildT], dict[str, Any]],
    send: Callable[[str, dict[str, dict[str, Any]]], Awaitable[BatchResult]],
) -> Outcomes:
    """Push one kind of an application's sub-collection (notes, stages, feedback): one call per
    application, and only under applications LinkedIn holds."""
    async with ctx.sessions() as db:
        found = await load(db, ctx.customer_id, _ids(changes))
        parents = await statuses_of(
            db,
            ctx.customer_id,
            SyncEntity.APPLICATION,
            [c.application_id for c in found.values() if c.application_id is not None],
        )
    out, groups = _under_parents(
        changes, {i: c.application_id for i, c in found.items()}, parents, "application"
    )

    async def call(application_id: int, child_ids: list[int]) -> BatchResult:
        return await send(str(application_id), {str(i): body(found[i]) for i in child_ids})

    out.update(await _grouped(groups, call, parent="application"))
    return out


async def upsert_application_notes(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Push application notes, one sub-collection call per application."""
    return await _upsert_application_children(
        ctx, changes, sources.notes, payloads.note_body, ctx.linkedin.upsert_application_notes
    )


async def delete_application_notes(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Mirror application note deletions; the outbox key names the application."""
    return await _delete_children(changes, "application", ctx.linkedin.delete_application_notes)


async def upsert_stages(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Push stage history entries, one sub-collection call per application."""
    return await _upsert_application_children(
        ctx, changes, sources.stages, payloads.stage_body, ctx.linkedin.upsert_application_stages
    )


async def delete_stages(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Mirror stage deletions; the outbox key names the application."""
    return await _delete_children(changes, "application", ctx.linkedin.delete_application_stages)


async def upsert_feedback(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Push interview feedback, one sub-collection call per application."""
    return await _upsert_application_children(
        ctx, changes, sources.feedback, payloads.feedback_body, ctx.linkedin.upsert_interview_feedback
    )


async def delete_feedback(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Mirror interview feedback deletions; the outbox key names the application."""
    return await _delete_children(changes, "application", ctx.linkedin.delete_interview_feedback)


SENDERS: dict[tuple[SyncEntity, OutboxOp], Sender] = {
    (SyncEntity.JOB, OutboxOp.UPSERT): upsert_jobs,
    (SyncEntity.JOB, OutboxOp.DELETE): delete_jobs,
    (SyncEntity.CANDIDATE, OutboxOp.UPSERT): upsert_candidates,
    (SyncEntity.CANDIDATE, OutboxOp.DELETE): delete_candidates,
    (SyncEntity.CANDIDATE_NOTE, OutboxOp.UPSERT): upsert_candidate_notes,
    (SyncEntity.CANDIDATE_NOTE, OutboxOp.DELETE): delete_candidate_notes,
    (SyncEntity.APPLICATION, OutboxOp.UPSERT): upsert_applications,
    (SyncEntity.APPLICATION, OutboxOp.DELETE): delete_applications,
    (SyncEntity.APPLICATION_NOTE, OutboxOp.UPSERT): upsert_application_notes,
    (SyncEntity.APPLICATION_NOTE, OutboxOp.DELETE): delete_application_notes,
    (SyncEntity.APPLICATION_STAGE, OutboxOp.UPSERT): upsert_stages,
    (SyncEntity.APPLICATION_STAGE, OutboxOp.DELETE): delete_stages,
    (SyncEntity.INTERVIEW_FEEDBACK, OutboxOp.UPSERT): upsert_feedback,
    (SyncEntity.INTERVIEW_FEEDBACK, OutboxOp.DELETE): delete_feedback,
}

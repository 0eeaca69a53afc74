"""Senders of LinkedIn's ACLs: a job's `atsEntityAcls` (its groups) and a user's `atsEntityAclAssignees`
(its groups, by person URN).

Each change is reconciled rather than replayed: the sender reads what LinkedIn holds for the job (or
the member) with `q=criteria`, compares it with the groups the ATS has now, and puts what is missing
and deletes what is extra, in batches of at most 100 keys. So coalesced, repeated or lost outbox rows
all end in the same state, a removal is never missed, and a first load is just every secured job and
grouped user enqueued once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from linkedin.errors import LinkedInError
from linkedin.records import BatchResult
from models import OutboxOp, SyncEntity
from models import acl_group_queries as acls
from resolvers.sync.outcomes import GONE, SENT, Kind, Outcome, of_batch, of_exception
from resolvers.sync.plan import Change
from resolvers.sync.senders import Outcomes, SendContext, Sender

Pair = tuple[str, str]
# The user's person URN, kept in the outbox key for when the user row is gone.
PERSON_URN_KEY = "person_urn"
NO_PERSON_URN = "the user has no LinkedIn person URN, so LinkedIn cannot be told of its ACL groups"


def posting_id(job_id: int) -> str:
    """The job's externalJobPostingId, as the job sync sends it (and ACLs name it)."""
    return str(job_id)


async def _pairs(
    call: Callable[[Sequence[Pair]], Awaitable[BatchResult]], pairs: Sequence[Pair], *, deleting: bool
) -> dict[str, Outcome]:
    """Per pair id (`group|other`), the outcome of one batched write (the client chunks by 100)."""
    ids = [f"{a}|{b}" for a, b in pairs]
    if not pairs:
        return {}
    try:
        result = await call(pairs)
    except LinkedInError as exc:
        return dict.fromkeys(ids, of_exception(exc, deleting=deleting))
    return of_batch(ids, result, deleting=deleting)


def _worst(outcomes: Sequence[Outcome]) -> Outcome:
    """One record's outcome from its keys': a retry beats a refusal beats success."""
    retries = [o for o in outcomes if o.kind is not Kind.SENT and o.kind is not Kind.PARKED]
    if retries:
        return Outcome(Kind.RETRY, retries[0].reason, throttled=any(o.throttled for o in retries))
    parked = [o for o in outcomes if o.kind is Kind.PARKED]
    return parked[0] if parked else SENT


async def _reconcile(
    plans: dict[int, tuple[str, set[str], set[str]]],
    upsert: Callable[[Sequence[Pair]], Awaitable[BatchResult]],
    delete: Callable[[Sequence[Pair]], Awaitable[BatchResult]],
) -> Outcomes:
    """Send every record's missing and extra groups in shared batches; settle each record by its keys.

    `plans` maps a record to (the other half of its keys, groups to put, groups to delete).
    """
    puts = [(group, other) for other, wanted, _ in plans.values() for group in sorted(wanted)]
    deletes = [(group, other) for other, _, extra in plans.values() for group in sorted(extra)]
    results = await _pairs(upsert, puts, deleting=False)
    results.update(await _pairs(delete, deletes, deleting=True))
    out: Outcomes = {}
    for record_id, (other, wanted, extra) in plans.items():
        mine = [results[f"{group}|{other}"] for group in sorted(wanted | extra)]
        out[record_id] = _worst(mine)
    return out


async def sync_entity_acls(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Make LinkedIn's ACLs of each changed job its groups now (a deleted job: none)."""
    job_ids = [c.entity_id for c in changes]
    async with ctx.sessions() as db:
        present = await acls.existing_job_ids(db, ctx.customer_id, job_ids)
        groups = await acls.group_ids_of_jobs(db, ctx.customer_id, job_ids)
    out: Outcomes = {}
    plans: dict[int, tuple[str, set[str], set[str]]] = {}
    for job_id in job_ids:
        wanted = {str(g) for g in groups[job_id]} if job_id in present else set()
        try:
            held = await ctx.linkedin.entity_acl_ids(posting_id(job_id))
        except LinkedInError as exc:
            out[job_id] = of_exception(exc)
            continue
        plans[job_id] = (posting_id(job_id), wanted - held, held - wanted)
    out.update(await _reconcile(plans, ctx.linkedin.upsert_entity_acls, ctx.linkedin.delete_entity_acls))
    return out


async def sync_acl_assignees(ctx: SendContext, changes: Sequence[Change]) -> Outcomes:
    """Make LinkedIn's assignments of each changed user its groups now, by its person URN; a user
    without one is SKIPPED with the reason, a deleted user is unassigned by the URN its row kept."""
    async with ctx.sessions() as db:
        found = await acls.assignments_of_users(db, ctx.customer_id, [c.entity_id for c in changes])
    out: Outcomes = {}
    plans: dict[int, tuple[str, set[str], set[str]]] = {}
    # A URN the user no longer has (changed or removed since): everything LinkedIn holds under it goes.
    stale: dict[int, tuple[str, set[str], set[str]]] = {}
    for change in changes:
        assignment = found.get(change.entity_id)
        kept = change.key.get(PERSON_URN_KEY)
        if assignment is not None and isinstance(kept, str) and kept != assignment.person_urn:
            try:
                stale[change.entity_id] = (kept, set(), await ctx.linkedin.assignee_acl_ids(kept))
            except LinkedInError as exc:
                out[change.entity_id] = of_exception(exc)
                continue
        if assignment is None and not isinstance(kept, str):
            out[change.entity_id] = GONE
            continue
        if assignment is not None and assignment.person_urn is None:
            out[change.entity_id] = Outcome(Kind.SKIPPED, NO_PERSON_URN) if assignment.group_ids else SENT
            continue
        person_urn = assignment.person_urn if assignment is not None else kept
        assert isinstance(person_urn, str)
        wanted = {str(g) for g in assignment.group_ids} if assignment is not None else set()
        try:
            held = await ctx.linkedin.assignee_acl_ids(person_urn)
        except LinkedInError as exc:
            out[change.entity_id] = of_exception(exc)
            continue
        plans[change.entity_id] = (person_urn, wanted - held, held - wanted)
    upsert, delete = ctx.linkedin.upsert_acl_assignees, ctx.linkedin.delete_acl_assignees
    out.update(await _reconcile(plans, upsert, delete))
    for user_id, cleanup in (await _reconcile(stale, upsert, delete)).items():
        if cleanup.kind is not Kind.SENT:
            # The old URN still holds assignments: the record is not done, whatever became of the rest.
            out[user_id] = cleanup
    return out


# Both operations reconcile: the state in the ATS decides, whichever row asked.
ACL_SENDERS: dict[tuple[SyncEntity, OutboxOp], Sender] = {
    (SyncEntity.ENTITY_ACL, OutboxOp.UPSERT): sync_entity_acls,
    (SyncEntity.ENTITY_ACL, OutboxOp.DELETE): sync_entity_acls,
    (SyncEntity.ACL_ASSIGNEE, OutboxOp.UPSERT): sync_acl_assignees,
    (SyncEntity.ACL_ASSIGNEE, OutboxOp.DELETE): sync_acl_assignees,
}

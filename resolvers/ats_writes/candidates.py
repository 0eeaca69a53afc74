"""Create, update and delete candidates, with their outbox events in the same transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import ats_queries as queries
from models.ats import ATS_USER_WRITE
from models.db import SessionFactory
from models.mirror_erasure import delete_mirror_of_candidates
from models.outbox_writes import enqueue
from resolvers.ats_writes.common import camel, not_found, transaction
from resolvers.ats_writes.validation import NAME_MAX, Checker
from resolvers.errors import Conflict, DomainError, Duplicate

_OPTIONAL_TEXT = {"phone": 50, "title": 200, "company": 200, "mailing_city": 100}
# LinkedIn's application records repeat these candidate fields (linkedin-rsc.md §3.3).
_COPIED_TO_APPLICATIONS = {"first_name", "last_name", "email"}


@dataclass(frozen=True, slots=True)
class CandidateFields:
    """Everything an ATS user may set on a candidate."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    company: str | None = None
    mailing_city: str | None = None
    do_not_contact: bool = False


def clean_candidate_fields(changes: Mapping[str, object]) -> dict[str, object]:
    """The given fields stripped, e-mail lower-cased; every bad field raised at once."""
    checker = Checker()
    clean: dict[str, object] = {}
    for attr, value in changes.items():
        field = camel(attr)
        if attr in ("first_name", "last_name"):
            label = "First name" if attr == "first_name" else "Last name"
            clean[attr] = checker.required_text(_text(value), field, max_len=NAME_MAX, label=label)
        elif attr == "email":
            clean[attr] = checker.email(_text(value), field)
        elif attr in _OPTIONAL_TEXT:
            clean[attr] = checker.optional_text(
                _text(value), field, max_len=_OPTIONAL_TEXT[attr], label=field
            )
        elif attr == "do_not_contact":
            if value is None:
                checker.fail(field, "doNotContact must be true or false")
            clean[attr] = bool(value)
        else:
            raise ValueError(f"not a candidate field: {attr}")
    checker.done()
    return clean


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def duplicate_email(existing_id: int) -> Duplicate:
    """The error for an email another candidate already holds."""
    return Duplicate(
        "Another candidate already has this email (one person is one candidate)",
        field="email",
        existing_type="Candidate",
        existing_id=existing_id,
    )


async def _check_email_free(
    db: AsyncSession, customer_id: int, email: object, candidate_id: int | None
) -> None:
    # One person once per customer: another customer's candidate may hold the same email.
    if isinstance(email, str):
        holder = await queries.email_holder(db, customer_id, email, other_than=candidate_id)
        if holder is not None:
            raise duplicate_email(holder)


async def _lost_email_race(
    sessions: SessionFactory, customer_id: int, error: IntegrityError, email: object
) -> DomainError:
    """The userError for a write the unique email index refused (a concurrent write took the email
    between our check and our insert, which only PostgreSQL lets happen); re-raises anything else."""
    if not (isinstance(email, str) and queries.is_email_taken(error)):
        raise error
    async with sessions() as db:
        holder = await queries.email_holder(db, customer_id, email)
    if holder is None:  # the holder went again meanwhile
        return Conflict("Another candidate took this email at the same moment; try again", field="email")
    return duplicate_email(holder)


async def create_candidate(
    sessions: SessionFactory, customer_id: int, fields: CandidateFields
) -> models.Candidate:
    """A new manual candidate of the customer, and its CANDIDATE UPSERT event; an email another of the
    customer's candidates holds is a DUPLICATE."""
    clean = clean_candidate_fields(dataclasses.asdict(fields))
    try:
        async with transaction(sessions) as db:
            await _check_email_free(db, customer_id, clean.get("email"), None)
            row = models.Candidate(customer_id=customer_id, source=models.CandidateSource.MANUAL)
            for attr, value in clean.items():
                setattr(row, attr, value)
            row = await queries.insert(db, customer_id, row)
            assert row.id is not None
            enqueue(db, customer_id, models.SyncEntity.CANDIDATE, row.id, models.OutboxOp.UPSERT)
    except IntegrityError as exc:
        raise await _lost_email_race(sessions, customer_id, exc, clean.get("email")) from exc
    return row


async def update_candidate(
    sessions: SessionFactory,
    customer_id: int,
    candidate_id: int,
    changes: Mapping[str, object],
    *,
    also: Callable[[AsyncSession], Awaitable[None]] | None = None,
) -> models.Candidate:
    """Change only the given fields; an event is queued only when something actually changed. `also`
    runs in the same transaction (what the update settles, e.g. an accepted LinkedIn suggestion)."""
    clean = clean_candidate_fields(changes)
    try:
        async with transaction(sessions) as db:
            db.info[ATS_USER_WRITE] = True
            row = await queries.lock_candidate(db, customer_id, candidate_id)
            if row is None:
                raise not_found("candidate", "id")
            changed = {attr: value for attr, value in clean.items() if getattr(row, attr) != value}
            if changed:
                if "email" in changed:
                    await _check_email_free(db, customer_id, changed["email"], candidate_id)
                    # A flag for review said "same email as that one"; a new email is judged afresh.
                    row.possible_duplicate_of_id = None
                for attr, value in changed.items():
                    setattr(row, attr, value)
                row.updated_at = models.utcnow()
                enqueue(db, customer_id, models.SyncEntity.CANDIDATE, candidate_id, models.OutboxOp.UPSERT)
                if changed.keys() & _COPIED_TO_APPLICATIONS:
                    # Applications carry the candidate's names and email, and one held back for want of
                    # an email can go once the email is there.
                    await _enqueue_applications(db, customer_id, candidate_id, models.OutboxOp.UPSERT)
                await queries.flush(db)
            if also is not None:
                await also(db)
    except IntegrityError as exc:
        raise await _lost_email_race(sessions, customer_id, exc, clean.get("email")) from exc
    return row


async def release_duplicates(db: AsyncSession, customer_id: int, candidate_id: int) -> None:
    """Before a candidate goes: the ones flagged as its duplicates point at whoever holds their email
    then, and the oldest of them holds it when no one does (so no flag dangles, no email is held twice).

    That oldest one keeps pointing at the candidate until the delete itself: the foreign key's
    ON DELETE SET NULL releases it in the same statement that frees the email.
    """
    successors: dict[str, int] = {}
    for duplicate in await queries.duplicates_of(db, customer_id, candidate_id):
        assert duplicate.id is not None
        if duplicate.email is None:
            duplicate.possible_duplicate_of_id = None
            continue
        email = duplicate.email.lower()
        if email not in successors:
            holder = await queries.email_holder(db, customer_id, email, other_than=candidate_id)
            if holder is None:
                successors[email] = duplicate.id
                continue
            successors[email] = holder
        duplicate.possible_duplicate_of_id = successors[email]
    await queries.flush(db)


async def _enqueue_applications(
    db: AsyncSession, customer_id: int, candidate_id: int, op: models.OutboxOp
) -> None:
    """Queue `op` for each of the candidate's applications."""
    for application_id, job_id in await queries.application_keys_of_candidate(db, customer_id, candidate_id):
        key = {"candidate_id": candidate_id, "job_id": job_id}
        enqueue(db, customer_id, models.SyncEntity.APPLICATION, application_id, op, key)


async def enqueue_application_deletes(db: AsyncSession, customer_id: int, candidate_id: int) -> int:
    """Queue the DELETE of each of the candidate's applications (LinkedIn keeps applications apart from
    candidates, so each gets its own delete; their notes, feedback and stages go with them there, so
    none is sent for those). Returns how many."""
    keys = await queries.application_keys_of_candidate(db, customer_id, candidate_id)
    for application_id, job_id in keys:
        key = {"candidate_id": candidate_id, "job_id": job_id}
        enqueue(db, customer_id, models.SyncEntity.APPLICATION, application_id, models.OutboxOp.DELETE, key)
    return len(keys)


async def delete_candidate(sessions: SessionFactory, customer_id: int, candidate_id: int) -> int:
    """Delete a candidate with its applications and notes, and the local LinkedIn mirror of the person
    (InMails, prospect notes, snapshots: held only for the candidate); LinkedIn is told about each
    record."""
    async with transaction(sessions) as db:
        row = await queries.lock_candidate(db, customer_id, candidate_id)
        if row is None:
            raise not_found("candidate", "id")
        await release_duplicates(db, customer_id, candidate_id)
        await enqueue_application_deletes(db, customer_id, candidate_id)
        enqueue(db, customer_id, models.SyncEntity.CANDIDATE, candidate_id, models.OutboxOp.DELETE)
        # Else a re-export of the member would bring the old thread and notes back with the candidate.
        await delete_mirror_of_candidates(db, customer_id, [candidate_id])
        await queries.delete_row(db, customer_id, models.Candidate, candidate_id)
    return candidate_id

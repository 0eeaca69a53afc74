"""SQL of member ↔ candidate matching and merging: `linkedin_identity`, the candidates it points at,
and what LinkedIn filled (`linkedin_fill`) or suggests (`linkedin_suggestion`) for their fields; every
function reads and writes one customer's rows only."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.ats import Candidate, LinkedInIdentity
from models.linkedin_suggestions import LinkedInFill, LinkedInSource, LinkedInSuggestion
from models.upsert import insert_for_dialect, table_of

# --- identities and their candidates ---------------------------------------------------------------


def _identity_of_candidate() -> sa.ColumnElement[bool]:
    return sa.and_(
        col(LinkedInIdentity.customer_id) == col(Candidate.customer_id),
        col(LinkedInIdentity.candidate_id) == col(Candidate.id),
    )


async def identity_by_person_urn(
    db: AsyncSession, customer_id: int, person_urn: str
) -> LinkedInIdentity | None:
    """The identity holding a person URN (at most one per customer: the URN is unique there)."""
    statement = select(LinkedInIdentity).where(
        col(LinkedInIdentity.customer_id) == customer_id, col(LinkedInIdentity.person_urn) == person_urn
    )
    return (await db.exec(statement)).first()


async def identity_by_candidate_id(
    db: AsyncSession, customer_id: int, candidate_id: int
) -> LinkedInIdentity | None:
    """A candidate's identity, if linked."""
    statement = select(LinkedInIdentity).where(
        col(LinkedInIdentity.customer_id) == customer_id, col(LinkedInIdentity.candidate_id) == candidate_id
    )
    return (await db.exec(statement)).first()


async def candidate(db: AsyncSession, customer_id: int, candidate_id: int) -> Candidate | None:
    """One of the customer's candidates by id."""
    return await db.get(Candidate, (customer_id, candidate_id))


async def candidate_with_identity(
    db: AsyncSession, customer_id: int, person_urn: str
) -> tuple[Candidate, LinkedInIdentity] | None:
    """The candidate linked to this member, with its identity, in one join."""
    statement = (
        select(Candidate, LinkedInIdentity)
        .join(LinkedInIdentity, _identity_of_candidate())
        .where(
            col(LinkedInIdentity.customer_id) == customer_id, col(LinkedInIdentity.person_urn) == person_urn
        )
    )
    row = (await db.exec(statement)).first()
    return (row[0], row[1]) if row is not None else None


async def oldest_unlinked_candidate_by_email(
    db: AsyncSession, customer_id: int, email: str
) -> Candidate | None:
    """The customer's oldest candidate with this (lower-cased) email and no LinkedIn identity yet."""
    statement = (
        select(Candidate)
        .outerjoin(LinkedInIdentity, _identity_of_candidate())
        .where(
            col(Candidate.customer_id) == customer_id,
            col(Candidate.email) == email,
            col(LinkedInIdentity.id).is_(None),
        )
        .order_by(col(Candidate.id))
        .limit(1)
    )
    return (await db.exec(statement)).first()


async def identity_by_profile_urls(
    db: AsyncSession, customer_id: int, urls: Sequence[str]
) -> LinkedInIdentity | None:
    """The oldest identity whose profile URL is one of `urls` (spellings of the same profile)."""
    if not urls:
        return None
    statement = (
        select(LinkedInIdentity)
        .where(
            col(LinkedInIdentity.customer_id) == customer_id,
            col(LinkedInIdentity.profile_url).in_(list(urls)),
        )
        .order_by(col(LinkedInIdentity.id))
        .limit(1)
    )
    return (await db.exec(statement)).first()


# --- what LinkedIn filled and suggests -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldValue:
    """A LinkedIn value for one field of a candidate (a fill or a suggestion), read as plain columns."""

    value: str
    source: LinkedInSource
    at: datetime


async def fills_of(db: AsyncSession, customer_id: int, candidate_id: int) -> dict[str, FieldValue]:
    """The values LinkedIn last wrote into this candidate, by attribute name."""
    return await _values_of(db, customer_id, LinkedInFill, candidate_id)


async def suggestions_of(db: AsyncSession, customer_id: int, candidate_id: int) -> dict[str, FieldValue]:
    """This candidate's pending LinkedIn suggestions, by attribute name."""
    return await _values_of(db, customer_id, LinkedInSuggestion, candidate_id)


async def _values_of(
    db: AsyncSession,
    customer_id: int,
    model: type[LinkedInFill] | type[LinkedInSuggestion],
    candidate_id: int,
) -> dict[str, FieldValue]:
    # Plain columns, not ORM rows: the upserts below bypass the session, whose cached rows would go stale.
    table = table_of(model)
    statement = select(table.c.field, table.c.value, table.c.source, table.c.at).where(
        table.c.customer_id == customer_id, table.c.candidate_id == candidate_id
    )
    rows = (await db.exec(statement)).all()
    return {field: FieldValue(value, LinkedInSource(source), at) for field, value, source, at in rows}


async def save_fill(
    db: AsyncSession, customer_id: int, candidate_id: int, field: str, value: FieldValue
) -> None:
    """Record that LinkedIn wrote `value` into the field (replacing what it wrote before)."""
    await _upsert(db, customer_id, LinkedInFill, candidate_id, field, value, newer_only=False)


async def save_suggestion(
    db: AsyncSession, customer_id: int, candidate_id: int, field: str, value: FieldValue
) -> None:
    """Keep `value` as the field's suggestion; an existing one is replaced unless it is newer."""
    await _upsert(db, customer_id, LinkedInSuggestion, candidate_id, field, value, newer_only=True)


async def _upsert(
    db: AsyncSession,
    customer_id: int,
    model: type[LinkedInFill] | type[LinkedInSuggestion],
    candidate_id: int,
    field: str,
    value: FieldValue,
    *,
    newer_only: bool,
) -> None:
    # One statement, so concurrent writers (a refresh and an export) settle on the unique key.
    row = {
        "customer_id": customer_id,
        "candidate_id": candidate_id,
        "field": field,
        "value": value.value,
        "source": value.source,
        "at": value.at,
    }
    await db.exec(_upsert_statement(db.get_bind().dialect.name, model, newer_only), params=row)


@functools.cache
def _upsert_statement(
    dialect: str, model: type[LinkedInFill] | type[LinkedInSuggestion], newer_only: bool
) -> Any:
    """The fill or suggestion upsert, built once: building it (its `excluded` columns) cost ~1 ms per
    field of every stub a poll applies."""
    table = table_of(model)
    statement = insert_for_dialect(dialect, model)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.customer_id, table.c.candidate_id, table.c.field],
        set_={"value": excluded.value, "source": excluded.source, "at": excluded.at},
        where=(excluded.at >= table.c.at) if newer_only else None,
    )


async def delete_suggestion(
    db: AsyncSession, customer_id: int, candidate_id: int, field: str, value: str | None = None
) -> None:
    """Drop the field's suggestion; with `value`, only if it still suggests that value."""
    table = table_of(LinkedInSuggestion)
    statement = sa.delete(table).where(
        table.c.customer_id == customer_id, table.c.candidate_id == candidate_id, table.c.field == field
    )
    if value is not None:
        statement = statement.where(table.c.value == value)
    await db.exec(statement)


async def delete_fill(db: AsyncSession, customer_id: int, candidate_id: int, field: str) -> None:
    """Forget that LinkedIn filled the field: its value is an ATS user's from now on."""
    table = table_of(LinkedInFill)
    await db.exec(
        sa.delete(table).where(
            table.c.customer_id == customer_id, table.c.candidate_id == candidate_id, table.c.field == field
        )
    )


async def suggestion(
    db: AsyncSession, customer_id: int, candidate_id: int, field: str
) -> LinkedInSuggestion | None:
    """The field's pending suggestion, if any."""
    statement = select(LinkedInSuggestion).where(
        col(LinkedInSuggestion.customer_id) == customer_id,
        col(LinkedInSuggestion.candidate_id) == candidate_id,
        col(LinkedInSuggestion.field) == field,
    )
    return (await db.exec(statement)).first()


async def suggestions_by_candidate_ids(
    db: AsyncSession, customer_id: int, candidate_ids: Sequence[int]
) -> dict[int, list[LinkedInSuggestion]]:
    """Every pending suggestion of these candidates, in one statement."""
    grouped: defaultdict[int, list[LinkedInSuggestion]] = defaultdict(list)
    if not candidate_ids:
        return grouped
    statement = (
        select(LinkedInSuggestion)
        .where(
            col(LinkedInSuggestion.customer_id) == customer_id,
            col(LinkedInSuggestion.candidate_id).in_(sorted(set(candidate_ids))),
        )
        .order_by(col(LinkedInSuggestion.candidate_id), col(LinkedInSuggestion.id))
    )
    for row in (await db.exec(statement)).all():
        grouped[row.candidate_id].append(row)
    return grouped


def candidate_field_lengths() -> dict[str, int]:
    """The longest value each text column of `candidate` holds, by attribute name."""
    lengths: dict[str, int] = {}
    for column in table_of(Candidate).columns:
        length = getattr(column.type, "length", None)
        if isinstance(length, int):
            lengths[column.name] = length
    return lengths

"""The last step of offboarding: remove (DELETE) or anonymise (ANONYMISE) a customer's local rows.

Set-based: one statement per table, each naming the customer. Both choices keep the customer row (its
key is never reused), its offboarding rows, its scheduled work and its audit log with the actors' names
removed. ANONYMISE keeps what has no person in it (jobs, applications and their stage history, and the
candidate rows stripped of every personal field, so counts and funnels survive); DELETE keeps nothing
else.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from models.offboarding import DataChoice

# Rows both choices keep (audit entries lose their actor's name below).
KEPT = frozenset({"customer", "customer_offboarding", "offboarding_item", "scheduled_work", "audit_entry"})
# Rows ANONYMISE keeps too, once stripped of personal fields.
KEPT_ANONYMISED = frozenset({"candidate", "job", "application", "application_stage", "customer_integration"})
# Personal fields ANONYMISE clears, per kept table.
PERSONAL: dict[str, tuple[str, ...]] = {
    "candidate": (
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "company",
        "mailing_city",
        "possible_duplicate_of_id",
        "linkedin_profile_purged_at",
    ),
    "application_stage": ("actor",),
}
REMOVED_ACTOR = "(removed at offboarding)"


def _customer_tables() -> list[sa.Table]:
    """Every table with a `customer_id`, children before parents."""
    import models  # noqa: F401  (every table registered)

    return [t for t in reversed(SQLModel.metadata.sorted_tables) if "customer_id" in t.columns]


async def remove_local_data(db: AsyncSession, customer_id: int, choice: DataChoice) -> dict[str, int]:
    """Delete or anonymise the customer's rows per `choice`; the rows touched per table. The caller
    commits (one transaction: a crash leaves all of it to do again, never half)."""
    touched: dict[str, int] = {}
    keep = KEPT | (KEPT_ANONYMISED if choice is DataChoice.ANONYMISE else frozenset())
    tables = _customer_tables()
    by_name = {t.name: t for t in tables}
    # A candidate may point at another as its possible duplicate: cut those links before deleting.
    candidate = by_name["candidate"]
    await db.exec(
        sa.update(candidate)
        .where(candidate.c.customer_id == customer_id, candidate.c.possible_duplicate_of_id.is_not(None))
        .values(possible_duplicate_of_id=None)
    )
    for table in tables:
        if table.name in keep:
            continue
        result = await db.exec(sa.delete(table).where(table.c.customer_id == customer_id))
        touched[table.name] = int(result.rowcount or 0)
    if choice is DataChoice.ANONYMISE:
        for name, fields in PERSONAL.items():
            table = by_name[name]
            result = await db.exec(
                sa.update(table).where(table.c.customer_id == customer_id).values(dict.fromkeys(fields))
            )
            touched[name] = int(result.rowcount or 0)
    audit = by_name["audit_entry"]
    await db.exec(
        sa.update(audit)
        .where(audit.c.customer_id == customer_id)
        .values(actor=REMOVED_ACTOR, actor_user_id=None, actor_api_key_id=None)
    )
    items = by_name["offboarding_item"]
    # The person URNs the assignee deletions needed are no longer needed.
    await db.exec(sa.update(items).where(items.c.customer_id == customer_id).values(ref=None))
    return touched


__all__ = ["KEPT", "KEPT_ANONYMISED", "PERSONAL", "remove_local_data"]

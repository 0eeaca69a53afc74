"""The `customer_integration` table: each of a customer's LinkedIn integrations (ONE_CLICK_EXPORT,
IN_ATS_INDICATOR, PROFILE_PLUGIN, CSA_API) as onboarding named it and LinkedIn last reported it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import UTCDateTime, timestamp_field, utcnow
from models.tenant_keys import customer_id_field


class CustomerIntegration(SQLModel, table=True):
    """One integration of a customer; its key is the customer and LinkedIn's integration type."""

    __tablename__ = "customer_integration"

    customer_id: int = customer_id_field()
    # LinkedIn's integrationType (linkedin.records.IntegrationType), e.g. ONE_CLICK_EXPORT.
    type: str = Field(primary_key=True, max_length=32)
    # The integrationName onboarding gave it; None until it was named.
    name: str | None = Field(default=None, max_length=200)
    enabled: bool = Field(default=False)
    # LinkedIn's status string as last read (e.g. PENDING, ENABLED); None until LinkedIn reported one.
    state: str | None = Field(default=None, max_length=50)
    # When `enabled` or `state` last changed as we saw it (a status read or push follow-up).
    last_change_at: datetime | None = timestamp_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


@dataclass(frozen=True, slots=True)
class ReportedState:
    """What LinkedIn said of one integration: enabled or not, and its status string."""

    type: str
    enabled: bool
    state: str | None


async def integrations_of(db: AsyncSession, customer_id: int) -> list[CustomerIntegration]:
    """The customer's integration rows, by type."""
    statement = (
        select(CustomerIntegration)
        .where(col(CustomerIntegration.customer_id) == customer_id)
        .order_by(col(CustomerIntegration.type))
    )
    return list((await db.exec(statement)).all())


async def _rows_by_type(db: AsyncSession, customer_id: int) -> dict[str, CustomerIntegration]:
    return {row.type: row for row in await integrations_of(db, customer_id)}


async def set_names(db: AsyncSession, customer_id: int, names: Mapping[str, str], *, now: datetime) -> None:
    """Record the names given to these integrations (rows made as needed); the caller commits."""
    rows = await _rows_by_type(db, customer_id)
    for kind, name in names.items():
        row = rows.get(kind) or CustomerIntegration(customer_id=customer_id, type=kind)
        row.name = name
        row.updated_at = now
        db.add(row)


async def record_states(
    db: AsyncSession, customer_id: int, states: Sequence[ReportedState], *, now: datetime
) -> list[CustomerIntegration]:
    """Store what LinkedIn reported of these integrations; `last_change_at` moves only when the
    enabled flag or the status changed (or was never known). The caller commits; returns the rows."""
    rows = await _rows_by_type(db, customer_id)
    written = []
    for reported in states:
        row = rows.get(reported.type) or CustomerIntegration(customer_id=customer_id, type=reported.type)
        if row.last_change_at is None or (row.enabled, row.state) != (reported.enabled, reported.state):
            row.last_change_at = now
        row.enabled = reported.enabled
        row.state = reported.state
        row.updated_at = now
        db.add(row)
        written.append(row)
    return written


__all__ = ["CustomerIntegration", "ReportedState", "integrations_of", "record_states", "set_names"]

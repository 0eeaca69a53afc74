"""What LinkedIn said about a candidate's fields: the values it filled, and the ones it only suggests."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, enum_type
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk

# The longest candidate field LinkedIn fills (email).
MAX_VALUE_LENGTH = 320


class LinkedInSource(enum.StrEnum):
    """Which LinkedIn record a value came from."""

    LINKEDIN_EXPORT = "LINKEDIN_EXPORT"
    LINKEDIN_INMAIL = "LINKEDIN_INMAIL"


class LinkedInFill(SQLModel, table=True):
    """The value LinkedIn last wrote into a candidate field (the field's provenance).

    While the candidate's field still holds exactly this value, the value is LinkedIn's and a later
    LinkedIn value may replace it; once an ATS user changes the field, the two differ and it is theirs.
    """

    __tablename__ = "linkedin_fill"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "candidate_id", "field", name="uq_linkedin_fill_candidate_field"),
        tenant_fk("candidate_id", "candidate", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    candidate_id: int
    # The candidate's attribute name (`mailing_city`), not the API's.
    field: str = Field(max_length=50)
    value: str = Field(max_length=MAX_VALUE_LENGTH)
    source: LinkedInSource = Field(sa_type=enum_type(LinkedInSource))
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class LinkedInSuggestion(SQLModel, table=True):
    """A LinkedIn value that disagrees with what an ATS user set; at most one per candidate and field."""

    __tablename__ = "linkedin_suggestion"
    __table_args__ = (
        sa.UniqueConstraint(
            "customer_id", "candidate_id", "field", name="uq_linkedin_suggestion_candidate_field"
        ),
        tenant_fk("candidate_id", "candidate", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    candidate_id: int
    field: str = Field(max_length=50)
    value: str = Field(max_length=MAX_VALUE_LENGTH)
    source: LinkedInSource = Field(sa_type=enum_type(LinkedInSource))
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


__all__ = ["MAX_VALUE_LENGTH", "LinkedInFill", "LinkedInSource", "LinkedInSuggestion"]

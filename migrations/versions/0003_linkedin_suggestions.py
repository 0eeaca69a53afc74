"""linkedin suggestions: what LinkedIn filled into candidate fields, and what it only suggests

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-01

Existing candidates get no `linkedin_fill` rows: which of their values LinkedIn wrote was never
recorded, so every value already there counts as an ATS user's, and LinkedIn will only suggest
changes to it (never overwrite it). Blank fields are still filled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkedin_fill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "LINKEDIN_EXPORT", "LINKEDIN_INMAIL", name="linkedinsource", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_linkedin_fill_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkedin_fill")),
        sa.UniqueConstraint("candidate_id", "field", name="uq_linkedin_fill_candidate_field"),
    )
    op.create_table(
        "linkedin_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "LINKEDIN_EXPORT", "LINKEDIN_INMAIL", name="linkedinsource", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_linkedin_suggestion_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkedin_suggestion")),
        sa.UniqueConstraint("candidate_id", "field", name="uq_linkedin_suggestion_candidate_field"),
    )


def downgrade() -> None:
    op.drop_table("linkedin_suggestion")
    op.drop_table("linkedin_fill")

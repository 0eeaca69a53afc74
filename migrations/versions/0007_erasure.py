"""erasure: `interview_feedback` on applications, and `member_tombstone` (erased people, by HMAC)

Revision ID: 0007_erasure
Revises: 0006
Create Date: 2026-12-01

Both tables are new and start empty: nothing to carry over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0007_erasure"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_tombstone",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("urn_hmac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("erased_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_member_tombstone_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", "id", name=op.f("pk_member_tombstone")),
        sa.UniqueConstraint("customer_id", "urn_hmac", name="uq_member_tombstone_hmac"),
    )
    op.create_table(
        "interview_feedback",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_first_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("interviewer_last_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("evaluations", sa.JSON(), nullable=False),
        sa.Column("feedback", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "interview_type",
            sa.Enum("PHONE_SCREEN", "ONSITE", name="interviewtype", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id", "application_id"],
            ["application.customer_id", "application.id"],
            name=op.f("fk_interview_feedback_customer_id_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_interview_feedback_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", "id", name=op.f("pk_interview_feedback")),
    )
    with op.batch_alter_table("interview_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interview_feedback_application",
            ["customer_id", "application_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("interview_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_interview_feedback_application")
    op.drop_table("interview_feedback")
    op.drop_table("member_tombstone")

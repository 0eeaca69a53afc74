"""privacy jobs: purged LinkedIn profiles, mirror retention, and the offboarding state machine

Revision ID: 0008_privacy_jobs
Revises: 0007_erasure
Create Date: 2026-12-01

Adds `candidate.linkedin_profile_purged_at`; the customer settings `purged_profile_auto_erase_days`
and `linkedin_mirror_retention_days` with the last retention run's report; and the tables
`customer_offboarding` (one row per offboarded customer) and `offboarding_item` (per-record progress).
Nothing to carry over: every new column is null and the tables start empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.base import UTCDateTime

revision: str = "0008_privacy_jobs"
down_revision: str | None = "0007_erasure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidate") as batch:
        batch.add_column(sa.Column("linkedin_profile_purged_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("purged_profile_auto_erase_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("linkedin_mirror_retention_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("retention_last_run_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("retention_last_removed", sa.JSON(), nullable=True))
    op.create_table(
        "customer_offboarding",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("data_choice", sa.Enum("DELETE", "ANONYMISE", name="datachoice", native_enum=False, length=32), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "DELETING_ON_LINKEDIN",
                "DISABLING_INTEGRATIONS",
                "REMOVING_LOCAL_DATA",
                "DONE",
                name="offboardingstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_offboarding_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_offboarding")),
    )
    op.create_table(
        "offboarding_item",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "APPLICATION",
                "CANDIDATE_NOTE",
                "CANDIDATE",
                "ACL_ASSIGNEE",
                "ENTITY_ACL",
                "JOB",
                name="itemkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "state",
            sa.Enum("PENDING", "DONE", "FAILED", name="itemstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_offboarding_item_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", "id", name=op.f("pk_offboarding_item")),
        sa.UniqueConstraint("customer_id", "kind", "entity_id", name="uq_offboarding_item_record"),
    )
    op.create_index("ix_offboarding_item_pending", "offboarding_item", ["customer_id", "state", "kind"])


def downgrade() -> None:
    op.drop_index("ix_offboarding_item_pending", table_name="offboarding_item")
    op.drop_table("offboarding_item")
    op.drop_table("customer_offboarding")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("retention_last_removed")
        batch.drop_column("retention_last_run_at")
        batch.drop_column("linkedin_mirror_retention_days")
        batch.drop_column("purged_profile_auto_erase_days")
    with op.batch_alter_table("candidate") as batch:
        batch.drop_column("linkedin_profile_purged_at")

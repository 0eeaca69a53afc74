"""rate limits: `rate_limit_bucket`, the per-viewer token buckets every process shares on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Buckets are short-lived counters (a full bucket is the same as none): nothing to carry over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
# The lead renumbers at merge (after the other Viewers tracks' migrations).
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_bucket",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("tokens", sa.Double(), nullable=False),
        sa.Column("counted_at", sa.Double(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_rate_limit_bucket_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", "key", name=op.f("pk_rate_limit_bucket")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_bucket")

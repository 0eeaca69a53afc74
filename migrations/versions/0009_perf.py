"""perf: `linkedin_identity.profile_url_key`, the normalised profile URL, indexed, backfilled

Revision ID: 0009_perf
Revises: 0008_privacy_jobs
Create Date: 2026-12-01

Enrichment and member matching look a profile URL up by one key (models/profile_urls.py) instead of
eight spellings of it. Existing identities get the key of their stored URL here, computed by the same
rule the model applies to every new write.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.profile_urls import profile_url_key

revision: str = "0009_perf"
down_revision: str | None = "0008_privacy_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows keyed per round trip of the backfill.
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("linkedin_identity") as table:
        table.add_column(
            sa.Column("profile_url_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
    identity = sa.table(
        "linkedin_identity",
        sa.column("id", sa.Integer()),
        sa.column("profile_url", sa.String()),
        sa.column("profile_url_key", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(identity.c.id, identity.c.profile_url).where(identity.c.profile_url.is_not(None))
    ).all()
    keyed = [{"row_id": row_id, "key": profile_url_key(url)} for row_id, url in rows]
    update = (
        sa.update(identity)
        .where(identity.c.id == sa.bindparam("row_id"))
        .values(profile_url_key=sa.bindparam("key"))
    )
    for start in range(0, len(keyed), BATCH):
        connection.execute(update, keyed[start : start + BATCH])
    op.create_index(
        "ix_linkedin_identity_profile_url_key",
        "linkedin_identity",
        ["customer_id", "profile_url_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_linkedin_identity_profile_url_key", table_name="linkedin_identity")
    with op.batch_alter_table("linkedin_identity") as table:
        table.drop_column("profile_url_key")

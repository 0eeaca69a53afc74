"""one candidate per email: a partial unique index on lower(email); earlier duplicates flagged for review

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_candidate_possible_duplicate_of_id_candidate"
_OUTSIDE_REVIEW = "possible_duplicate_of_id IS NULL AND email IS NOT NULL"

# Every candidate whose email an older candidate already has points at the oldest of them; none is
# deleted or changed otherwise. The oldest of each email stays unflagged and so holds the email.
_FLAG_DUPLICATES = """
UPDATE candidate SET possible_duplicate_of_id = (
    SELECT min(earlier.id) FROM candidate AS earlier WHERE lower(earlier.email) = lower(candidate.email)
)
WHERE email IS NOT NULL
  AND id > (
    SELECT min(earlier.id) FROM candidate AS earlier WHERE lower(earlier.email) = lower(candidate.email)
  )
"""


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a SQLite batch rebuild would drop the candidate table,
    # and with foreign keys on that cascades to every application, note and identity.
    if op.get_bind().dialect.name == "sqlite":
        # Alembic adds no constraint to a SQLite column, but SQLite's ADD COLUMN takes it inline.
        op.execute(
            "ALTER TABLE candidate ADD COLUMN possible_duplicate_of_id INTEGER "
            f"CONSTRAINT {_FK} REFERENCES candidate (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("candidate", sa.Column("possible_duplicate_of_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            _FK, "candidate", "candidate", ["possible_duplicate_of_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index(
        op.f("ix_candidate_possible_duplicate_of_id"), "candidate", ["possible_duplicate_of_id"], unique=False
    )
    op.execute(_FLAG_DUPLICATES)
    op.create_index(
        "uq_candidate_email",
        "candidate",
        [sa.text("lower(email)")],
        unique=True,
        sqlite_where=sa.text(_OUTSIDE_REVIEW),
        postgresql_where=sa.text(_OUTSIDE_REVIEW),
    )


def downgrade() -> None:
    op.drop_index("uq_candidate_email", table_name="candidate")
    op.drop_index(op.f("ix_candidate_possible_duplicate_of_id"), table_name="candidate")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column only without a constraint on it; the rebuild is avoided as above.
        with op.batch_alter_table("candidate", recreate="never") as batch:
            batch.drop_column("possible_duplicate_of_id")
    else:
        op.drop_column("candidate", "possible_duplicate_of_id")

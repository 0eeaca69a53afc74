"""viewers: ATS users (from the recruiter table) and their seats, API keys, the audit log, ACL groups,
LinkedIn's visibility of InMails and notes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

`recruiter` becomes `ats_user` (same ids; each keeps the role `recruiter`), and each recruiter's seat URN
becomes a `seat` row mapped to that user by an admin (the mapping was set by hand). Every InMail and
LinkedIn note stored so far is organization-visible (LinkedIn's default; the wire did not say more).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = models.base.UTCDateTime


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _customer_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=f"fk_{table}_customer_id_customer")


def _tenant_fk(
    table: str, column: str, target: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    # As models.tenant_keys.tenant_fk: SET NULL nulls the column alone (spelt by its DDL hooks).
    info = {"set_null_columns": [column]} if ondelete == "SET NULL" else {}
    return sa.ForeignKeyConstraint(
        ["customer_id", column],
        [f"{target}.customer_id", f"{target}.id"],
        name=f"fk_{table}_customer_id_{column}_{target}",
        ondelete=None if ondelete == "SET NULL" else ondelete,
        info=info,
    )


def _key_columns() -> list[sa.Column[int]]:
    return [
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
    ]


def _create_users_and_seats() -> None:
    op.create_table(
        "ats_user",
        *_key_columns(),
        sa.Column("first_name", _TEXT(length=100), nullable=False),
        sa.Column("last_name", _TEXT(length=100), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=False),
        sa.Column("subject", _TEXT(length=255), nullable=True),
        sa.Column("person_urn", _TEXT(length=100), nullable=True),
        sa.Column("roles", _TEXT(length=200), nullable=False),
        sa.Column("source", _enum("TOKEN", "ADMIN", "SEED", name="usersource"), nullable=False),
        sa.Column("created_at", _TIME(timezone=True), nullable=False),
        sa.Column("last_seen_at", _TIME(timezone=True), nullable=True),
        _customer_fk("ats_user"),
        sa.PrimaryKeyConstraint("customer_id", "id", name="pk_ats_user"),
        sa.UniqueConstraint("customer_id", "email", name="uq_ats_user_customer_id_email"),
        sa.UniqueConstraint("customer_id", "person_urn", name="uq_ats_user_customer_id_person_urn"),
        sa.UniqueConstraint("customer_id", "subject", name="uq_ats_user_customer_id_subject"),
    )
    op.create_table(
        "seat",
        *_key_columns(),
        sa.Column("seat_urn", _TEXT(length=100), nullable=False),
        sa.Column("holder_person_urn", _TEXT(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("mapped_by", _enum("PERSON_URN", "ADMIN", name="seatmapping"), nullable=True),
        sa.Column("synced_at", _TIME(timezone=True), nullable=True),
        sa.Column("created_at", _TIME(timezone=True), nullable=False),
        _customer_fk("seat"),
        _tenant_fk("seat", "user_id", "ats_user", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("customer_id", "id", name="pk_seat"),
        sa.UniqueConstraint("customer_id", "seat_urn", name="uq_seat_customer_id_seat_urn"),
    )
    op.create_index("ix_seat_user_id", "seat", ["customer_id", "user_id"])
    op.execute(
        "INSERT INTO ats_user (customer_id, id, first_name, last_name, email, person_urn, roles, source,"
        " created_at) SELECT customer_id, id, first_name, last_name, lower(email), person_urn, 'recruiter',"
        " 'ADMIN', created_at FROM recruiter"
    )
    op.execute(
        "INSERT INTO seat (customer_id, seat_urn, holder_person_urn, active, user_id, mapped_by, created_at)"
        " SELECT customer_id, seat_urn, person_urn, true, id, 'ADMIN', created_at FROM recruiter"
        " WHERE seat_urn IS NOT NULL"
    )
    op.drop_table("recruiter")
    if op.get_bind().dialect.name == "postgresql":
        # The copied ids were given by recruiter's sequence; ats_user's must hand out later ones.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('ats_user', 'id'),"
            " greatest((SELECT max(id) FROM ats_user), 1), (SELECT max(id) FROM ats_user) IS NOT NULL)"
        )


def _create_api_keys_and_audit() -> None:
    op.create_table(
        "api_key",
        *_key_columns(),
        sa.Column("name", _TEXT(length=100), nullable=False),
        sa.Column("role", _TEXT(length=32), nullable=False),
        sa.Column("prefix", _TEXT(length=16), nullable=False),
        sa.Column("key_hash", _TEXT(length=128), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TIME(timezone=True), nullable=False),
        sa.Column("last_used_at", _TIME(timezone=True), nullable=True),
        sa.Column("revoked_at", _TIME(timezone=True), nullable=True),
        _customer_fk("api_key"),
        _tenant_fk("api_key", "created_by_user_id", "ats_user", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("customer_id", "id", name="pk_api_key"),
        sa.UniqueConstraint("customer_id", "key_hash", name="uq_api_key_customer_id_key_hash"),
    )
    op.create_index("ix_api_key_key_hash", "api_key", ["key_hash"])
    op.create_table(
        "audit_entry",
        *_key_columns(),
        sa.Column("at", _TIME(timezone=True), nullable=False),
        sa.Column("actor", _TEXT(length=320), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_api_key_id", sa.Integer(), nullable=True),
        sa.Column("action", _TEXT(length=100), nullable=False),
        sa.Column("target", _TEXT(length=500), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        _customer_fk("audit_entry"),
        sa.PrimaryKeyConstraint("customer_id", "id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["customer_id", "at", "id"])


def _create_acl_groups() -> None:
    op.create_table(
        "acl_group",
        *_key_columns(),
        sa.Column("name", _TEXT(length=100), nullable=False),
        sa.Column("created_at", _TIME(timezone=True), nullable=False),
        _customer_fk("acl_group"),
        sa.PrimaryKeyConstraint("customer_id", "id", name="pk_acl_group"),
        sa.UniqueConstraint("customer_id", "name", name="uq_acl_group_customer_id_name"),
    )
    for table, member, target in (("acl_group_user", "user_id", "ats_user"), ("acl_group_job", "job_id", "job")):
        op.create_table(
            table,
            sa.Column("customer_id", sa.Integer(), nullable=False),
            sa.Column("group_id", sa.Integer(), nullable=False),
            sa.Column(member, sa.Integer(), nullable=False),
            _customer_fk(table),
            _tenant_fk(table, "group_id", "acl_group", ondelete="CASCADE"),
            _tenant_fk(table, member, target, ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("customer_id", "group_id", member, name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_{member}", table, ["customer_id", member])


def _add_visibility_columns() -> None:
    for table in ("inmail_message", "linkedin_note"):
        op.add_column(
            table,
            sa.Column(
                "visibility",
                _enum("PUBLIC", "PROJECT", "PRIVATE", name="linkedinvisibility"),
                nullable=False,
                server_default="PUBLIC",
            ),
        )
        op.add_column(table, sa.Column("project_urn", _TEXT(length=200), nullable=True))
    op.add_column(
        "customer",
        sa.Column(
            "project_visibility",
            _enum("ORGANIZATION", "JOB_ACL_GROUPS", "AUTHOR_ONLY", name="projectvisibility"),
            nullable=False,
            server_default="ORGANIZATION",
        ),
    )


def upgrade() -> None:
    _create_users_and_seats()
    _create_api_keys_and_audit()
    _create_acl_groups()
    _add_visibility_columns()


def downgrade() -> None:
    raise NotImplementedError("0005 is not reversible: users, seats and keys have no earlier home")

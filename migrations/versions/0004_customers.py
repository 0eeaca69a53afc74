"""customers: the `customer` table, and `customer_id` leading every key of every customer's table

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A database that holds data becomes one customer built from today's settings (RSC_LINKEDIN_CLIENT_ID,
…_SECRET, …_ORG_URN, …_CONTRACT_URN), keyed `default`, which keeps the old single webhook URL; an empty
database gets no customer (customers are onboarded). Every row, constraint, id and sync state stays.
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_CUSTOMER_ID = 1


@dataclass(frozen=True)
class _FK:
    name: str  # the new name
    columns: list[str]  # without customer_id
    target: str
    ondelete: str | None


@dataclass(frozen=True)
class _Table:
    name: str
    old_fks: list[str] = field(default_factory=list)
    old_uniques: list[str] = field(default_factory=list)
    old_indexes: list[str] = field(default_factory=list)
    uniques: dict[str, list[str]] = field(default_factory=dict)
    indexes: dict[str, list[str]] = field(default_factory=dict)
    fks: list[_FK] = field(default_factory=list)


def _fk(table: str, columns: list[str], target: str, ondelete: str | None) -> _FK:
    return _FK(f"fk_{table}_customer_id_{'_'.join(columns)}_{target}", columns, target, ondelete)


# Parents before children, as the keys refer.
_TABLES = [
    _Table(
        "recruiter",
        old_uniques=["uq_recruiter_email", "uq_recruiter_person_urn", "uq_recruiter_seat_urn"],
        uniques={
            "uq_recruiter_customer_id_email": ["email"],
            "uq_recruiter_customer_id_person_urn": ["person_urn"],
            "uq_recruiter_customer_id_seat_urn": ["seat_urn"],
        },
    ),
    _Table(
        "candidate",
        old_fks=["fk_candidate_possible_duplicate_of_id_candidate"],
        old_indexes=[
            "ix_candidate_email",
            "ix_candidate_updated_at_id",
            "ix_candidate_possible_duplicate_of_id",
            "uq_candidate_email",
        ],
        indexes={
            "ix_candidate_email": ["email"],
            "ix_candidate_updated_at_id": ["updated_at", "id"],
            "ix_candidate_possible_duplicate_of_id": ["possible_duplicate_of_id"],
        },
        fks=[_fk("candidate", ["possible_duplicate_of_id"], "candidate", "SET NULL")],
    ),
    _Table("job"),
    _Table(
        "linkedin_identity",
        old_fks=["fk_linkedin_identity_candidate_id_candidate"],
        old_uniques=["uq_linkedin_identity_candidate_id", "uq_linkedin_identity_person_urn"],
        old_indexes=["ix_linkedin_identity_profile_url"],
        uniques={
            "uq_linkedin_identity_customer_id_candidate_id": ["candidate_id"],
            "uq_linkedin_identity_customer_id_person_urn": ["person_urn"],
        },
        indexes={"ix_linkedin_identity_profile_url": ["profile_url"]},
        fks=[_fk("linkedin_identity", ["candidate_id"], "candidate", "CASCADE")],
    ),
    _Table(
        "application",
        old_fks=["fk_application_candidate_id_candidate", "fk_application_job_id_job"],
        old_uniques=["uq_application_candidate_job"],
        old_indexes=["ix_application_candidate_id", "ix_application_job_id"],
        uniques={"uq_application_candidate_job": ["candidate_id", "job_id"]},
        indexes={"ix_application_job_id": ["job_id"]},
        fks=[
            _fk("application", ["candidate_id"], "candidate", "CASCADE"),
            _fk("application", ["job_id"], "job", "CASCADE"),
        ],
    ),
    _Table(
        "application_stage",
        old_fks=["fk_application_stage_application_id_application"],
        old_indexes=["ix_application_stage_application_at"],
        indexes={"ix_application_stage_application_at": ["application_id", "at"]},
        fks=[_fk("application_stage", ["application_id"], "application", "CASCADE")],
    ),
    _Table(
        "note",
        old_fks=["fk_note_application_id_application", "fk_note_candidate_id_candidate"],
        old_indexes=["ix_note_application_id", "ix_note_candidate_created"],
        indexes={
            "ix_note_candidate_created": ["candidate_id", "created_at"],
            "ix_note_application_id": ["application_id"],
        },
        fks=[
            _fk("note", ["candidate_id"], "candidate", "CASCADE"),
            _fk("note", ["application_id"], "application", "CASCADE"),
        ],
    ),
    _Table(
        "sync_watermark",
        old_uniques=["uq_sync_watermark_stream_seat"],
        uniques={"uq_sync_watermark_stream_seat": ["stream", "seat_urn"]},
    ),
    _Table(
        "outbox_event",
        old_indexes=["ix_outbox_event_due", "ix_outbox_event_entity"],
        indexes={
            "ix_outbox_event_due": ["status", "next_attempt_at", "id"],
            "ix_outbox_event_entity": ["entity_type", "entity_id"],
        },
    ),
    _Table(
        "sync_status",
        old_uniques=["uq_sync_status_entity"],
        uniques={"uq_sync_status_entity": ["entity_type", "entity_id"]},
    ),
    _Table(
        "export_request",
        old_fks=["fk_export_request_application_id_application", "fk_export_request_candidate_id_candidate"],
        old_uniques=["uq_export_request_request_id"],
        old_indexes=["ix_export_request_seat_urn", "ix_export_request_status"],
        uniques={"uq_export_request_customer_id_request_id": ["request_id"]},
        indexes={"ix_export_request_status": ["status"], "ix_export_request_seat_urn": ["seat_urn"]},
        fks=[
            _fk("export_request", ["candidate_id"], "candidate", "SET NULL"),
            _fk("export_request", ["application_id"], "application", "SET NULL"),
        ],
    ),
    _Table(
        "webhook_notification",
        old_uniques=["uq_webhook_notification_notification_id"],
        uniques={"uq_webhook_notification_customer_id_notification_id": ["notification_id"]},
    ),
    _Table(
        "inmail_thread",
        old_uniques=["uq_inmail_thread_seat_member"],
        old_indexes=["ix_inmail_thread_member_urn"],
        uniques={"uq_inmail_thread_seat_member": ["seat_urn", "member_urn"]},
        indexes={"ix_inmail_thread_member_urn": ["member_urn"]},
    ),
    _Table(
        "inmail_message",
        old_fks=["fk_inmail_message_thread_id_inmail_thread"],
        old_uniques=["uq_inmail_message_event_id"],
        old_indexes=["ix_inmail_message_conversation_urn", "ix_inmail_message_thread_sent"],
        uniques={"uq_inmail_message_customer_id_event_id": ["event_id"]},
        indexes={
            "ix_inmail_message_thread_sent": ["thread_id", "sent_at", "id"],
            "ix_inmail_message_conversation_urn": ["conversation_urn"],
        },
        fks=[_fk("inmail_message", ["thread_id"], "inmail_thread", "CASCADE")],
    ),
    _Table(
        "linkedin_note",
        old_uniques=["uq_linkedin_note_note_id"],
        old_indexes=["ix_linkedin_note_member_active"],
        uniques={"uq_linkedin_note_customer_id_note_id": ["note_id"]},
        indexes={"ix_linkedin_note_member_active": ["member_urn", "active"]},
    ),
    _Table(
        "linkedin_profile",
        old_fks=["fk_linkedin_profile_candidate_id_candidate"],
        old_uniques=["uq_linkedin_profile_candidate_id"],
        uniques={"uq_linkedin_profile_customer_id_candidate_id": ["candidate_id"]},
        fks=[_fk("linkedin_profile", ["candidate_id"], "candidate", "CASCADE")],
    ),
    _Table(
        "linkedin_fill",
        old_fks=["fk_linkedin_fill_candidate_id_candidate"],
        old_uniques=["uq_linkedin_fill_candidate_field"],
        uniques={"uq_linkedin_fill_candidate_field": ["candidate_id", "field"]},
        fks=[_fk("linkedin_fill", ["candidate_id"], "candidate", "CASCADE")],
    ),
    _Table(
        "linkedin_suggestion",
        old_fks=["fk_linkedin_suggestion_candidate_id_candidate"],
        old_uniques=["uq_linkedin_suggestion_candidate_field"],
        uniques={"uq_linkedin_suggestion_candidate_field": ["candidate_id", "field"]},
        fks=[_fk("linkedin_suggestion", ["candidate_id"], "candidate", "CASCADE")],
    ),
]

_OUTSIDE_REVIEW = "possible_duplicate_of_id IS NULL AND email IS NOT NULL"
_OLD_FK_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _create_customer_table() -> None:
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("linkedin_client_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "linkedin_client_secret_encrypted", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("linkedin_org_urn", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("linkedin_contract_urn", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("linkedin_app_urn", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("unique_foreign_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "job_availability",
            sa.Enum(
                "PUBLIC", "PRIVATE_TO_ATS_INTEGRATION", name="jobavailability", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("legacy_webhook", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("initial_sync_started_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("initial_sync_completed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(sa.text("length(key) > 0"), name=op.f("ck_customer_key_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("key", name=op.f("uq_customer_key")),
        sa.UniqueConstraint("linkedin_client_id", name=op.f("uq_customer_linkedin_client_id")),
        sa.UniqueConstraint("unique_foreign_id", name=op.f("uq_customer_unique_foreign_id")),
    )


def _create_scheduled_work_table() -> None:
    op.create_table(
        "scheduled_work",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("seat_urn", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("next_run_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("held_until", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("last_started_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_scheduled_work_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", "kind", "seat_urn", name=op.f("pk_scheduled_work")),
    )
    op.create_index("ix_scheduled_work_due", "scheduled_work", ["next_run_at"])


def _create_customer_integration_table() -> None:
    op.create_table(
        "customer_integration",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("last_change_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_integration_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("customer_id", "type", name=op.f("pk_customer_integration")),
    )


def _holds_data() -> bool:
    bind = op.get_bind()
    return any(
        bind.execute(sa.text(f"SELECT 1 FROM {table.name} LIMIT 1")).first() is not None  # noqa: S608
        for table in _TABLES
    )


def _seed_first_customer() -> None:
    # Imported here: only a populated database needs the settings and the encryption key.
    from app.first_customer import first_customer_values

    values = first_customer_values()
    op.get_bind().execute(
        sa.text(
            "INSERT INTO customer (id, key, name, linkedin_client_id, linkedin_client_secret_encrypted, "
            "linkedin_org_urn, linkedin_contract_urn, job_availability, legacy_webhook, created_at, "
            "updated_at) VALUES (:id, :key, :name, :client_id, :secret, :org, :contract, "
            "'PRIVATE_TO_ATS_INTEGRATION', :legacy, :now, :now)"
        ).bindparams(
            sa.bindparam("now", type_=models.base.UTCDateTime(timezone=True)),
        ),
        {
            "id": FIRST_CUSTOMER_ID,
            "key": values.key,
            "name": values.name,
            "client_id": values.client_id,
            "secret": values.client_secret_encrypted,
            "org": values.org_urn,
            "contract": values.contract_urn,
            "legacy": True,
            "now": models.base.utcnow(),
        },
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('customer', 'id'), 1)")


def _customer_column() -> sa.Column[int]:
    # Every existing row is the first customer's; the default goes once the column is filled.
    return sa.Column("customer_id", sa.Integer(), nullable=False, server_default=str(FIRST_CUSTOMER_ID))


def _set_null_fk_sql(table: str, fk: _FK) -> str:
    columns = ", ".join(fk.columns)
    return (
        f"ALTER TABLE {table} ADD CONSTRAINT {fk.name} FOREIGN KEY (customer_id, {columns}) "
        f"REFERENCES {fk.target} (customer_id, id) ON DELETE SET NULL ({columns})"
    )


def _upgrade_postgresql() -> None:
    # Ids go on from the highest kept one, whatever filled the sequence so far.
    for table in _TABLES:
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
        )
    for table in reversed(_TABLES):
        for name in table.old_fks:
            op.drop_constraint(name, table.name, type_="foreignkey")
    for table in _TABLES:
        op.add_column(table.name, _customer_column())
        op.alter_column(table.name, "customer_id", server_default=None)
        for name in table.old_indexes:
            op.drop_index(name, table_name=table.name)
        for name in table.old_uniques:
            op.drop_constraint(name, table.name, type_="unique")
        op.drop_constraint(f"pk_{table.name}", table.name, type_="primary")
        op.create_primary_key(f"pk_{table.name}", table.name, ["customer_id", "id"])
        for name, columns in table.uniques.items():
            op.create_unique_constraint(name, table.name, ["customer_id", *columns])
        for name, columns in table.indexes.items():
            op.create_index(name, table.name, ["customer_id", *columns])
    for table in _TABLES:
        op.create_foreign_key(
            f"fk_{table.name}_customer_id_customer", table.name, "customer", ["customer_id"], ["id"]
        )
        for fk in table.fks:
            if fk.ondelete == "SET NULL":
                op.execute(_set_null_fk_sql(table.name, fk))
            else:
                op.create_foreign_key(
                    fk.name,
                    table.name,
                    fk.target,
                    ["customer_id", *fk.columns],
                    ["customer_id", "id"],
                    ondelete=fk.ondelete,
                )


def _upgrade_sqlite() -> None:
    # A SQLite table is rebuilt to change its key; dropping the old one with foreign keys on would
    # cascade into its children. The pragma only takes effect outside a transaction, so the steps so
    # far are committed and this one runs in a transaction of its own (SQLite's DDL is transactional).
    bind = op.get_bind()
    if bind.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    with warnings.catch_warnings():
        # The rebuilt table's key is (customer_id, id), as asked; SQLAlchemy remarks on the change.
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_.*' specifies columns 'id' as primary_key")
        _rebuild_sqlite_tables()
    problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"foreign keys broken by the customer migration: {problems[:5]}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")
    bind.exec_driver_sql("BEGIN")


def _rebuild_sqlite_tables() -> None:
    for table in _TABLES:
        # Dropped first and made anew after: a rebuild cannot read an index on an expression back.
        for name in table.old_indexes:
            op.drop_index(name, table_name=table.name)
        # Added in place first (SQLite fills a new column's default), so the rebuild copies it.
        op.add_column(table.name, _customer_column())
        # The convention names the key 0002 added inline (SQLite reads it back without a name).
        with op.batch_alter_table(table.name, recreate="always", naming_convention=_OLD_FK_NAMES) as batch:
            for name in table.old_fks:
                batch.drop_constraint(name, type_="foreignkey")
            for name in table.old_uniques:
                batch.drop_constraint(name, type_="unique")
            batch.create_primary_key(f"pk_{table.name}", ["customer_id", "id"])
            batch.alter_column("customer_id", server_default=None)
            for name, columns in table.uniques.items():
                batch.create_unique_constraint(name, ["customer_id", *columns])
            batch.create_foreign_key(
                f"fk_{table.name}_customer_id_customer", "customer", ["customer_id"], ["id"]
            )
            for fk in table.fks:
                if fk.ondelete == "SET NULL":
                    # Nulling a composite key would null the customer: SQLite's refers to the one-column id.
                    batch.create_foreign_key(fk.name, fk.target, fk.columns, ["id"], ondelete="SET NULL")
                else:
                    batch.create_foreign_key(
                        fk.name,
                        fk.target,
                        ["customer_id", *fk.columns],
                        ["customer_id", "id"],
                        ondelete=fk.ondelete,
                    )
        for name, columns in table.indexes.items():
            op.create_index(name, table.name, ["customer_id", *columns])


def upgrade() -> None:
    populated = _holds_data()
    _create_customer_table()
    _create_customer_integration_table()
    if populated:
        _seed_first_customer()
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()
    _create_scheduled_work_table()
    op.add_column(
        "sync_watermark", sa.Column("history_from", models.base.UTCDateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "uq_candidate_email",
        "candidate",
        [sa.text("customer_id"), sa.text("lower(email)")],
        unique=True,
        sqlite_where=sa.text(_OUTSIDE_REVIEW),
        postgresql_where=sa.text(_OUTSIDE_REVIEW),
    )


def downgrade() -> None:
    raise NotImplementedError("0004 is not reversible: restore the backup taken before `rscgraph migrate`")

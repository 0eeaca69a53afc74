"""The keys every customer's table shares: `(customer_id, id)` and foreign keys that carry the customer.

Every primary, unique and foreign key of a customer's row leads with `customer_id`, so no key can join
rows of two customers, and the schema distributes by customer as it is (Citus: `customer_id` is the
distribution column of every table but `customer`, which is a reference table). Ids stay globally
unique (one sequence per table), so an id alone still names one row in logs and global GraphQL ids;
every lookup also names the customer.

SQLite numbers rows only through a one-column `INTEGER PRIMARY KEY`, so there (and only there) `id` is
that column and `(customer_id, id)` a unique key the foreign keys reference; the DDL hooks below spell
it. A composite `ON DELETE SET NULL` would null the customer too: PostgreSQL 15 names the column to null
(`SET NULL (candidate_id)`); SQLite's key references the one-column id.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateColumn, ForeignKeyConstraint, PrimaryKeyConstraint
from sqlalchemy.sql.compiler import DDLCompiler
from sqlmodel import Field

CUSTOMER_ID = "customer_id"
_TENANT_PK = {CUSTOMER_ID, "id"}
# `info` key of a foreign key whose delete nulls only these columns (not the customer).
_SET_NULL = "set_null_columns"


def customer_id_field() -> Any:
    """The customer that owns the row: the first column of every key."""
    return Field(primary_key=True, foreign_key="customer.id")


def row_id_field() -> Any:
    """The row's own number, globally unique; with `customer_id` the primary key."""
    return Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})


def tenant_fk(
    columns: str | list[str],
    table: str,
    *,
    ondelete: str | None = None,
    name: str | None = None,
) -> ForeignKeyConstraint:
    """A foreign key `(customer_id, *columns)` → `table (customer_id, id)`: a row refers only within its
    customer. `ondelete="SET NULL"` nulls `columns` alone."""
    own = [columns] if isinstance(columns, str) else list(columns)
    info: dict[str, Any] = {}
    if ondelete == "SET NULL":
        info[_SET_NULL] = own
    return ForeignKeyConstraint(
        [CUSTOMER_ID, *own],
        [f"{table}.{CUSTOMER_ID}", f"{table}.id"],
        ondelete=None if ondelete == "SET NULL" else ondelete,
        name=name,
        info=info,
    )


def _has_tenant_pk(table: sa.Table) -> bool:
    # A set: a migration's table rebuild may list the key's columns in either order.
    return {column.name for column in table.primary_key.columns} == _TENANT_PK


@compiles(CreateColumn, "sqlite")
def _sqlite_row_id(element: CreateColumn, compiler: DDLCompiler, **kw: Any) -> str:
    column = element.element
    if column.name == "id" and column.table is not None and _has_tenant_pk(column.table):
        # AUTOINCREMENT: a deleted row's id is never handed out again (LinkedIn keys records by it).
        return "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"
    return str(compiler.visit_create_column(element, **kw))  # type: ignore[no-untyped-call]


@compiles(PrimaryKeyConstraint, "sqlite")
def _sqlite_tenant_pk(constraint: PrimaryKeyConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    if constraint.table is not None and _has_tenant_pk(constraint.table):
        return f"CONSTRAINT {_name(constraint, compiler)} UNIQUE ({CUSTOMER_ID}, id)"
    return compiler.visit_primary_key_constraint(constraint, **kw)


@compiles(PrimaryKeyConstraint)
def _tenant_pk_order(constraint: PrimaryKeyConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    # SQLAlchemy puts an autoincrement column first in an implicit composite key; the customer leads.
    if constraint.table is not None and _has_tenant_pk(constraint.table):
        return f"CONSTRAINT {_name(constraint, compiler)} PRIMARY KEY ({CUSTOMER_ID}, id)"
    return compiler.visit_primary_key_constraint(constraint, **kw)


@compiles(ForeignKeyConstraint, "sqlite")
def _sqlite_set_null(constraint: ForeignKeyConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    nulled = constraint.info.get(_SET_NULL)
    if not nulled:
        return compiler.visit_foreign_key_constraint(constraint, **kw)
    target = compiler.preparer.format_table(constraint.referred_table)
    return (
        f"CONSTRAINT {_name(constraint, compiler)} FOREIGN KEY({', '.join(nulled)}) "
        f"REFERENCES {target} (id) ON DELETE SET NULL"
    )


@compiles(ForeignKeyConstraint, "postgresql")
def _postgresql_set_null(constraint: ForeignKeyConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    text = compiler.visit_foreign_key_constraint(constraint, **kw)
    nulled = constraint.info.get(_SET_NULL)
    if not nulled:
        return text
    return f"{text} ON DELETE SET NULL ({', '.join(nulled)})"


def _name(constraint: sa.Constraint, compiler: DDLCompiler) -> str:
    name = compiler.preparer.format_constraint(constraint)
    assert name, "tenant keys are named by the metadata's naming convention"
    return str(name)

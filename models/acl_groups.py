"""Secured groups (LinkedIn's ACLs, certification module 4): jobs in groups, users in groups."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_at_field
from models.tenant_keys import customer_id_field, row_id_field, tenant_fk

# LinkedIn's rule: no user is assigned more than 10 ACLs.
MAX_GROUPS_PER_USER = 10


class AclGroup(SQLModel, table=True):
    """A secured group; a job in any group is visible only to the groups' users (and admins)."""

    __tablename__ = "acl_group"
    __table_args__ = (sa.UniqueConstraint("customer_id", "name"),)

    customer_id: int = customer_id_field()
    id: int | None = row_id_field()
    name: str = Field(max_length=100)
    created_at: datetime = created_at_field()


class AclGroupUser(SQLModel, table=True):
    """A user in a group."""

    __tablename__ = "acl_group_user"
    __table_args__ = (
        sa.Index("ix_acl_group_user_user_id", "customer_id", "user_id"),
        tenant_fk("group_id", "acl_group", ondelete="CASCADE"),
        tenant_fk("user_id", "ats_user", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    group_id: int = Field(primary_key=True)
    user_id: int = Field(primary_key=True)


class AclGroupJob(SQLModel, table=True):
    """A job secured by a group."""

    __tablename__ = "acl_group_job"
    __table_args__ = (
        sa.Index("ix_acl_group_job_job_id", "customer_id", "job_id"),
        tenant_fk("group_id", "acl_group", ondelete="CASCADE"),
        tenant_fk("job_id", "job", ondelete="CASCADE"),
    )

    customer_id: int = customer_id_field()
    group_id: int = Field(primary_key=True)
    job_id: int = Field(primary_key=True)


__all__ = ["MAX_GROUPS_PER_USER", "AclGroup", "AclGroupJob", "AclGroupUser"]

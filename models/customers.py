"""The tenant: a customer of the ATS vendor and its LinkedIn instance (child app, organization, contract)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.ats import JobAvailability
from models.base import UTCDateTime, created_at_field, enum_type, timestamp_field, utcnow

# A key is a URL path segment and a CLI argument: lower-case letters, digits and dashes.
CUSTOMER_KEY_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$"


class ProjectVisibility(enum.StrEnum):
    """Who in the ATS counts as a "project member" for PROJECT-visible InMails and notes."""

    ORGANIZATION = "ORGANIZATION"
    JOB_ACL_GROUPS = "JOB_ACL_GROUPS"
    AUTHOR_ONLY = "AUTHOR_ONLY"


class Customer(SQLModel, table=True):
    """One ATS customer: owns every other row; to LinkedIn, an instance of its own."""

    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    # Stable: in webhook URLs (`/webhooks/linkedin/{key}`), the CLI and logs. Never reused.
    key: str = Field(max_length=50, unique=True)
    name: str = Field(max_length=200)
    # The child application LinkedIn provisioned for this customer; the secret is Fernet-encrypted.
    linkedin_client_id: str = Field(max_length=200, unique=True)
    linkedin_client_secret_encrypted: str = Field(max_length=1000)
    # Empty while a provisioned customer has not yet told us its organization and contract (LinkedIn
    # gives them to the ATS through the configuration plugin's `onintegrate`), i.e. before onboarding
    # named its integrations.
    linkedin_org_urn: str = Field(max_length=100)
    linkedin_contract_urn: str = Field(max_length=100)
    # The child app's URN when we provisioned it (the Provisioning API's key); None for one added by hand.
    linkedin_app_urn: str | None = Field(default=None, max_length=200)
    # The id we gave LinkedIn's Provisioning API; a second provisioning with it finds this app.
    unique_foreign_id: str | None = Field(default=None, max_length=200, unique=True)
    # Where new jobs go on LinkedIn unless a job says otherwise (RSC-102).
    job_availability: JobAvailability = Field(
        default=JobAvailability.PRIVATE_TO_ATS_INTEGRATION, sa_type=enum_type(JobAvailability)
    )
    project_visibility: ProjectVisibility = Field(
        default=ProjectVisibility.ORGANIZATION, sa_type=enum_type(ProjectVisibility)
    )
    # The customer migrated from the single-customer schema: the old `/webhooks/linkedin` URL is its.
    legacy_webhook: bool = Field(default=False)
    # The 2-year backfill a first onboarding starts, and when it was fully sent.
    initial_sync_started_at: datetime | None = timestamp_field()
    initial_sync_completed_at: datetime | None = timestamp_field()
    # Privacy duties (issue 11). Candidates LinkedIn lists as closed or purged are erased this many days
    # after they were flagged (None: never automatically; admins review them).
    purged_profile_auto_erase_days: int | None = Field(default=None)
    # How long the local LinkedIn mirror (InMails, LinkedIn notes, profile snapshots) of a candidate with
    # no activity is kept (None: kept); what the last retention run removed, for the status page.
    linkedin_mirror_retention_days: int | None = Field(default=None)
    retention_last_run_at: datetime | None = timestamp_field()
    retention_last_removed: dict[str, int] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

    __table_args__ = (sa.CheckConstraint(sa.text("length(key) > 0"), name="key_not_empty"),)


__all__ = ["CUSTOMER_KEY_PATTERN", "Customer", "ProjectVisibility"]

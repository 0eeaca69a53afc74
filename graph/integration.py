"""A customer's LinkedIn integration, the status page's data: its instance, integrations, credentials,
initial sync and the configuration plugin (for the frontend and the console)."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

import models
from graph.context import Info
from graph.described import described
from graph.linkedin_profile import LinkedInErrorCode
from graph.sync_status import SyncEntityType
from resolvers import onboarding
from resolvers.errors import NotFound


@strawberry.type(description="The customer app's LinkedIn credentials, as the last token call found them.")
class LinkedInCredentials:
    valid: bool | None = strawberry.field(
        description="True when LinkedIn accepted the client id and secret, false when it refused them; null "
        "when it said nothing about them (it failed or did not answer)."
    )
    checked_at: datetime | None = strawberry.field(description="When the last token call ended.")
    error: str | None = strawberry.field(description="Why the token call failed, for a person.")
    error_code: LinkedInErrorCode | None = strawberry.field(
        description="Why the token call failed, for a program (LINKEDIN_AUTH_FAILED: refused credentials)."
    )


@strawberry.enum(description="A kind of LinkedIn integration (atsIntegrations integrationType).")
class LinkedInIntegrationType(enum.Enum):
    ONE_CLICK_EXPORT = described(
        "ONE_CLICK_EXPORT",
        "One-Click Export: a recruiter sends a member from Recruiter to an ATS job.",
    )
    IN_ATS_INDICATOR = described(
        "IN_ATS_INDICATOR",
        "In-ATS indicator and Past Applicant Spotlight in Recruiter's search results.",
    )
    PROFILE_PLUGIN = described(
        "PROFILE_PLUGIN",
        "The profile plugin (LinkedIn's profile widget) embedded in the ATS's candidate page.",
    )
    CSA_API = described(
        "CSA_API",
        "The contract-level CSA API: InMails, prospect notes and mail stubs read by the poll.",
    )
    APPLY_CONNECT = described(
        "APPLY_CONNECT",
        "Apply Connect (LinkedIn applications into the ATS); not used by this server.",
    )
    APPLY_WITH_LINKEDIN = described(
        "APPLY_WITH_LINKEDIN",
        "Apply with LinkedIn; not used by this server.",
    )
    RECOMMENDED_MATCHES = described(
        "RECOMMENDED_MATCHES",
        "Recommended Matches for a job; not used by this server.",
    )
    UNIFIED_SEARCH = described(
        "UNIFIED_SEARCH",
        "Unified search of ATS and LinkedIn candidates; not used by this server.",
    )


@strawberry.type(description="One of the customer's LinkedIn integrations, as LinkedIn last reported it.")
class CustomerIntegration:
    type: LinkedInIntegrationType = strawberry.field(description="The kind of integration.")
    name: str | None = strawberry.field(
        description="The name onboarding gave it (what the customer sees in Recruiter); null until named."
    )
    enabled: bool = strawberry.field(description="Whether the customer turned it on in Recruiter.")
    state: str | None = strawberry.field(
        description="LinkedIn's status of it (e.g. PENDING, ENABLED); null until LinkedIn reported one."
    )
    last_changed_at: datetime | None = strawberry.field(
        description="When its enabled state or status last changed, as this server learned it."
    )

    @classmethod
    def of(cls, state: onboarding.IntegrationState) -> CustomerIntegration:
        """The GraphQL view of an integration's state."""
        return cls(
            type=LinkedInIntegrationType(state.type.value),
            name=state.name,
            enabled=state.enabled,
            state=state.state,
            last_changed_at=state.last_changed_at,
        )


@strawberry.type(description="How many records of one kind LinkedIn holds, and how many it refused.")
class InitialSyncCount:
    entity: SyncEntityType = strawberry.field(description="The kind of record.")
    sent: int = strawberry.field(description="Records whose latest state LinkedIn holds.")
    failed: int = strawberry.field(description="Records LinkedIn refused (parked, never retried).")


@strawberry.type(
    description="The initial sync: the ATS history sent to LinkedIn when the customer onboarded."
)
class InitialSync:
    started_at: datetime | None = strawberry.field(
        description="When onboarding started it (the 2-year backfill); null until the integrations are "
        "configured."
    )
    completed_at: datetime | None = strawberry.field(
        description="When it was first seen complete; null until then."
    )
    complete: bool = strawberry.field(
        description="True once started and none of what it enqueued is waiting to be sent."
    )
    counts: list[InitialSyncCount] = strawberry.field(
        description="Per kind of record, in dependency order: sent and refused."
    )


@strawberry.type(description="LinkedIn's ATS Integration Configuration Plugin for this customer.")
class ConfigurationPlugin:
    url: str = strawberry.field(
        description="Where the customer's admin pre-authorizes and enables the integrations (its api_key "
        "is the child app's client id): LinkedIn's plugin, or the sandbox's stand-in page offline."
    )


@strawberry.type(description="A customer's LinkedIn Recruiter System Connect integration (its status page).")
class LinkedInIntegration:
    organization_urn: str | None = strawberry.field(
        description="The customer's organization URN (integrationContext); null until the customer "
        "pre-authorized in the configuration plugin and onboarding was given it."
    )
    contract_urn: str | None = strawberry.field(
        description="The Recruiter contract URN used for InMail and notes; null until known, as above."
    )
    client_id: str = strawberry.field(
        description="The customer (child) app's client id; the widgets' api_key."
    )
    client_secret_last_four: str = strawberry.field(
        description='The last four characters of the child app\'s client secret after "…" (only "…" '
        "for a short one); the secret itself is never shown."
    )
    row: strawberry.Private[models.Customer]

    @classmethod
    def of(cls, info: Info, row: models.Customer) -> LinkedInIntegration:
        """The GraphQL view of a customer's integration."""
        return cls(
            organization_urn=row.linkedin_org_urn or None,
            contract_urn=row.linkedin_contract_urn or None,
            client_id=row.linkedin_client_id,
            client_secret_last_four=onboarding.client_secret_last_four(info.context.services, row),
            row=row,
        )

    @strawberry.field(
        description="The four Recruiter System Connect integrations (ONE_CLICK_EXPORT, IN_ATS_INDICATOR, "
        "PROFILE_PLUGIN, CSA_API; disabled until named and enabled), then any other LinkedIn reported."
    )
    async def integrations(self, info: Info) -> list[CustomerIntegration]:
        assert self.row.id is not None
        states = await onboarding.integrations(info.context.services, self.row.id)
        return [CustomerIntegration.of(state) for state in states]

    @strawberry.field(
        description="Whether LinkedIn accepts the customer app's credentials: the token call's last result "
        "(one is made now if none was yet). Refused credentials are not tried again until they change or "
        "a long backoff passes; meanwhile calls to LinkedIn fail with LINKEDIN_AUTH_FAILED."
    )
    async def credentials(self, info: Info) -> LinkedInCredentials:
        assert self.row.id is not None
        services = info.context.services
        status = await onboarding.credentials(services, await services.tenants.get(self.row.id))
        code = LinkedInErrorCode(status.error_code.value) if status.error_code is not None else None
        return LinkedInCredentials(
            valid=status.valid, checked_at=status.checked_at, error=status.error, error_code=code
        )

    @strawberry.field(description="The initial sync onboarding starts, and whether it is complete.")
    async def initial_sync(self, info: Info) -> InitialSync:
        sync = await onboarding.initial_sync(info.context.services, self.row)
        return InitialSync(
            started_at=sync.started_at,
            completed_at=sync.completed_at,
            complete=sync.complete,
            counts=[
                InitialSyncCount(entity=SyncEntityType(c.entity.value), sent=c.sent, failed=c.failed)
                for c in sync.counts
            ],
        )

    @strawberry.field(description="What the frontend needs to show LinkedIn's configuration plugin.")
    def configuration_plugin(self, info: Info) -> ConfigurationPlugin:
        return ConfigurationPlugin(url=onboarding.customer_plugin_url(info.context.services, self.row))


@strawberry.type
class IntegrationQuery:
    @strawberry.field(
        description="The viewer's customer's LinkedIn integration (as `viewer.customer.linkedinIntegration`)."
    )
    async def linkedin_integration(self, info: Info) -> LinkedInIntegration:
        tenant = info.context.tenant
        row = await onboarding.customer(info.context.services, tenant.id)
        if row is None:  # removed since the request began
            raise NotFound("The viewer's customer no longer exists")
        return LinkedInIntegration.of(info, row)

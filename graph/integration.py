"""What the viewer's customer is connected to on LinkedIn (for the frontend and the console)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.context import Info
from graph.linkedin_profile import LinkedInErrorCode
from resolvers.integration_status import credentials_status


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


@strawberry.type(description="This ATS's LinkedIn Recruiter System Connect integration.")
class LinkedInIntegration:
    organization_urn: str = strawberry.field(
        description="The customer's organization URN (integrationContext)."
    )
    contract_urn: str = strawberry.field(description="The Recruiter contract URN used for InMail and notes.")
    client_id: str = strawberry.field(
        description="The customer (child) app's client id; the widgets' api_key."
    )

    @strawberry.field(
        description="Whether LinkedIn accepts the customer app's credentials: the token call's last result "
        "(one is made now if none was yet). Refused credentials are not tried again until they change or "
        "a long backoff passes; meanwhile calls to LinkedIn fail with LINKEDIN_AUTH_FAILED."
    )
    async def credentials(self, info: Info) -> LinkedInCredentials:
        status = await credentials_status(info.context.services, info.context.tenant)
        code = LinkedInErrorCode(status.error_code.value) if status.error_code is not None else None
        return LinkedInCredentials(
            valid=status.valid, checked_at=status.checked_at, error=status.error, error_code=code
        )


@strawberry.type
class IntegrationQuery:
    @strawberry.field(description="The viewer's customer's LinkedIn integration (its own child app).")
    def linkedin_integration(self, info: Info) -> LinkedInIntegration:
        tenant = info.context.tenant
        return LinkedInIntegration(
            organization_urn=tenant.org_urn, contract_urn=tenant.contract_urn, client_id=tenant.client_id
        )

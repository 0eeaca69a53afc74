"""What the ATS is connected to on LinkedIn (for the frontend and the console)."""

from __future__ import annotations

import strawberry

from graph.context import Info


@strawberry.type(description="This ATS's LinkedIn Recruiter System Connect integration.")
class LinkedInIntegration:
    organization_urn: str = strawberry.field(
        description="The customer's organization URN (integrationContext)."
    )
    contract_urn: str = strawberry.field(description="The Recruiter contract URN used for InMail and notes.")
    client_id: str = strawberry.field(
        description="The customer (child) app's client id; the widgets' api_key."
    )


@strawberry.type
class IntegrationQuery:
    @strawberry.field(description="The LinkedIn integration this server is configured for.")
    def linkedin_integration(self, info: Info) -> LinkedInIntegration:
        config = info.context.services.config
        return LinkedInIntegration(
            organization_urn=config.org_urn, contract_urn=config.contract_urn, client_id=config.client_id
        )

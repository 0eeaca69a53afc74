"""Onboarding mutations: provision or add a customer (operators), and the customer's own settings."""

from __future__ import annotations

import strawberry
from pydantic import SecretStr

import models
from graph.context import Info
from graph.customer import Customer
from graph.errors import UserError
from graph.job import JobAvailability
from graph.mutations.common import USER_ERRORS, user_errors
from resolvers import onboarding
from resolvers.errors import DomainError


@strawberry.input(description="A customer to provision: the partner app makes its LinkedIn child app.")
class ProvisionCustomerInput:
    key: str = strawberry.field(
        description="Its stable key: 1 to 50 lower-case letters, digits and dashes (in its webhook URL)."
    )
    name: str = strawberry.field(description="Its name (1 to 200 characters), as LinkedIn shows it.")
    unique_foreign_id: str | None = strawberry.field(
        default=None,
        description="The id LinkedIn knows the child app by; another call with it finds the same app. "
        'Default: "rscgraph:<key>" (or the one it was provisioned with).',
    )
    organization_urn: str | None = strawberry.field(
        default=None,
        description="The customer's organization URN, from the configuration plugin's onintegrate. With "
        "contractUrn, the integrations are named and configured and the initial sync starts; without "
        "them the child app is made and the customer waits for them (call again with them).",
    )
    contract_urn: str | None = strawberry.field(
        default=None, description="The customer's Recruiter contract URN (given with organizationUrn)."
    )
    job_availability: JobAvailability | None = strawberry.field(
        default=None, description="Where its new jobs go on LinkedIn (default PRIVATE_TO_ATS_INTEGRATION)."
    )


@strawberry.input(description="A customer whose LinkedIn child app exists (it has RSC credentials).")
class AddCustomerInput:
    key: str = strawberry.field(
        description="Its stable key: 1 to 50 lower-case letters, digits and dashes (in its webhook URL)."
    )
    name: str = strawberry.field(description="Its name (1 to 200 characters), as LinkedIn shows it.")
    client_id: str = strawberry.field(description="The child app's client id.")
    client_secret: str = strawberry.field(
        description="The child app's client secret: stored encrypted, never shown again."
    )
    organization_urn: str = strawberry.field(description="The customer's organization URN.")
    contract_urn: str = strawberry.field(description="The customer's Recruiter contract URN.")
    job_availability: JobAvailability | None = strawberry.field(
        default=None, description="Where its new jobs go on LinkedIn (default PRIVATE_TO_ATS_INTEGRATION)."
    )


@strawberry.input(description="The customer's own choices; the fields not given stay as they are.")
class UpdateCustomerSettingsInput:
    job_availability: JobAvailability | None = strawberry.field(
        default=None, description="Where the customer's new jobs go on LinkedIn: PUBLIC or private."
    )


@strawberry.type(description="The result of `provisionCustomer`.")
class ProvisionCustomerPayload:
    customer: Customer | None = strawberry.field(description="The customer as it now is; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `addCustomer`.")
class AddCustomerPayload:
    customer: Customer | None = strawberry.field(description="The new customer; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `updateCustomerSettings`.")
class UpdateCustomerSettingsPayload:
    customer: Customer | None = strawberry.field(description="The customer as it now is; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _availability(value: JobAvailability | None) -> models.JobAvailability | None:
    return None if value is None else models.JobAvailability(value.value)


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(
        description="Provision a customer's LinkedIn child app with the partner app (never a second one "
        "for its uniqueForeignId), set its JS SDK domain and store it; given its organization and contract, "
        "name and configure its integrations and start its initial sync. Calling again continues where "
        "an earlier call stopped (operators only)."
    )
    async def provision_customer(self, info: Info, input: ProvisionCustomerInput) -> ProvisionCustomerPayload:
        request = onboarding.ProvisionRequest(
            key=input.key,
            name=input.name,
            unique_foreign_id=input.unique_foreign_id,
            org_urn=input.organization_urn,
            contract_urn=input.contract_urn,
            job_availability=_availability(input.job_availability),
        )
        try:
            row = await onboarding.provision_customer(info.context.services, request)
        except DomainError as error:
            return ProvisionCustomerPayload(customer=None, user_errors=user_errors(error))
        return ProvisionCustomerPayload(customer=Customer.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Register a customer whose child app exists, name and configure its integrations and "
        "start its initial sync; nothing is stored unless all of it succeeds (operators only)."
    )
    async def add_customer(self, info: Info, input: AddCustomerInput) -> AddCustomerPayload:
        request = onboarding.AddRequest(
            key=input.key,
            name=input.name,
            client_id=input.client_id,
            client_secret=SecretStr(input.client_secret),
            org_urn=input.organization_urn,
            contract_urn=input.contract_urn,
            job_availability=_availability(input.job_availability),
        )
        try:
            row = await onboarding.add_customer(info.context.services, request)
        except DomainError as error:
            return AddCustomerPayload(customer=None, user_errors=user_errors(error))
        return AddCustomerPayload(customer=Customer.from_row(row), user_errors=[])

    @strawberry.mutation(description="Change the viewer's customer's settings (its administrators).")
    async def update_customer_settings(
        self, info: Info, input: UpdateCustomerSettingsInput
    ) -> UpdateCustomerSettingsPayload:
        tenant = info.context.tenant
        settings = onboarding.CustomerSettings(job_availability=_availability(input.job_availability))
        try:
            row = await onboarding.update_customer_settings(info.context.services, tenant.id, settings)
        except DomainError as error:
            return UpdateCustomerSettingsPayload(customer=None, user_errors=user_errors(error))
        return UpdateCustomerSettingsPayload(customer=Customer.from_row(row), user_errors=[])

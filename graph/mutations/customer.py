"""Onboarding mutations: provision or add a customer (operators), and the customer's own settings."""

from __future__ import annotations

import strawberry
from pydantic import SecretStr

import models
import models.offboarding
from graph.context import Info
from graph.customer import Customer, CustomerOffboarding, OffboardingDataChoice, ProjectVisibility
from graph.errors import ClientError, UserError
from graph.ids import decode_node_id
from graph.job import JobAvailability
from graph.mutations.common import USER_ERRORS, given_fields, user_errors
from resolvers import offboarding, onboarding
from resolvers.errors import DomainError, InvalidInput, NotFound


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
    project_visibility: ProjectVisibility | None = strawberry.field(
        default=None, description="Who sees PROJECT-visible InMails and LinkedIn notes."
    )
    purged_profile_auto_erase_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Erase candidates LinkedIn lists as closed or purged this many days (1 to 3650) after "
        "LinkedIn closed them; null turns it off (absent: unchanged).",
    )
    linkedin_mirror_retention_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Keep the local LinkedIn mirror of members with no activity this many days (1 to 3650); "
        "null keeps it (absent: unchanged).",
    )


@strawberry.input(
    description="A customer whose contract ended: name it by `customerKey` or `id` (one of them)."
)
class OffboardCustomerInput:
    customer_key: str | None = strawberry.field(default=None, description="The customer's key.")
    id: strawberry.ID | None = strawberry.field(default=None, description="The customer's global ID.")
    data_choice: OffboardingDataChoice = strawberry.field(
        description="What becomes of its local data once LinkedIn's copy is deleted."
    )


@strawberry.type(description="The result of `offboardCustomer`.")
class OffboardCustomerPayload:
    customer: Customer | None = strawberry.field(description="The customer; null on failure.")
    offboarding: CustomerOffboarding | None = strawberry.field(
        description="Its offboarding as it stands (it runs in the background: poll `customer.offboarding`)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


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
        days = given_fields(input, onboarding.PRIVACY_DAYS)
        settings = onboarding.CustomerSettings(
            days={name: value if isinstance(value, int) else None for name, value in days.items()},
            job_availability=_availability(input.job_availability),
            project_visibility=(
                None
                if input.project_visibility is None
                else models.ProjectVisibility(input.project_visibility.value)
            ),
        )
        try:
            row = await onboarding.update_customer_settings(info.context.services, tenant.id, settings)
        except DomainError as error:
            return UpdateCustomerSettingsPayload(customer=None, user_errors=user_errors(error))
        return UpdateCustomerSettingsPayload(customer=Customer.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Offboard a customer whose contract ended: delete on LinkedIn everything synced for "
        "its integration context (candidates, applications with their notes, stages and feedback, notes, "
        "ACLs; jobs closed), disable its integrations, then delete or anonymise its local data. It runs in "
        "the background, resumes after a crash, and answers at once; asking again answers its progress "
        "(operators only)."
    )
    async def offboard_customer(self, info: Info, input: OffboardCustomerInput) -> OffboardCustomerPayload:
        services = info.context.services
        try:
            row = await _customer_named(info, input.customer_key, input.id)
            assert row.id is not None
            found = await offboarding.start_offboarding(
                services.sessions,
                row.id,
                models.offboarding.DataChoice(input.data_choice.value),
                requested_by=info.context.viewer.user,
            )
        except DomainError as error:
            return OffboardCustomerPayload(customer=None, offboarding=None, user_errors=user_errors(error))
        return OffboardCustomerPayload(
            customer=Customer.from_row(row), offboarding=CustomerOffboarding.of(found), user_errors=[]
        )


async def _customer_named(info: Info, key: str | None, node_id: strawberry.ID | None) -> models.Customer:
    """The customer an operator's input names by key or global id (exactly one)."""
    if (key is None) == (node_id is None):
        raise InvalidInput("Name the customer by customerKey or by id (one of them)", field="customerKey")
    services = info.context.services
    if node_id is not None:
        try:
            customer_id = decode_node_id(str(node_id), "Customer")
        except ClientError as exc:
            raise NotFound("No customer has this id", field="id") from exc
        row = await onboarding.customer(services, customer_id)
        field_name = "id"
    else:
        row = await onboarding.customer_by_key(services, key or "")
        field_name = "customerKey"
    if row is None:
        raise NotFound("No customer has this key or id", field=field_name)
    return row

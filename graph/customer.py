"""The `Customer` type (an ATS customer and its LinkedIn integration), `viewer`, and the operators'
`customers` list.

Who may use each field is graph/permissions.py's table.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.described import described
from graph.ids import int_ids
from graph.integration import LinkedInIntegration
from graph.job import JobAvailability
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from resolvers import onboarding
from resolvers.viewer import Role


@strawberry.enum(
    description="Who in the ATS counts as the Recruiter project's members for PROJECT-visible InMails and "
    "LinkedIn notes: ORGANIZATION anyone in the customer's organization (like PUBLIC); JOB_ACL_GROUPS the "
    "users who share an ACL group (`aclGroups`) with the item's author; AUTHOR_ONLY its author only "
    "(like PRIVATE)."
)
class ProjectVisibility(enum.Enum):
    ORGANIZATION = described(
        "ORGANIZATION",
        "PROJECT items show to everyone in the organization, like PUBLIC ones.",
    )
    JOB_ACL_GROUPS = described(
        "JOB_ACL_GROUPS",
        "PROJECT items show to the users who share an ACL group with their author.",
    )
    AUTHOR_ONLY = described(
        "AUTHOR_ONLY",
        "PROJECT items show to their author only, like PRIVATE ones.",
    )


def is_operator(info: Info) -> bool:
    """Whether the viewer is one of the ATS vendor's operators (who see every customer's row)."""
    return Role.OPERATOR in info.context.viewer.roles


@strawberry.type(description="An ATS customer: to LinkedIn, an instance of its own (its child app).")
class Customer(relay.Node):
    id: relay.NodeID[int]
    key: str = strawberry.field(
        description="The customer's stable key: in its webhook URL (/webhooks/linkedin/{key}) and the CLI."
    )
    name: str = strawberry.field(description="The customer's name, as LinkedIn shows it in Recruiter.")
    job_availability: JobAvailability = strawberry.field(
        description="Where the customer's new jobs go on LinkedIn: PRIVATE_TO_ATS_INTEGRATION unless it "
        "chose PUBLIC (updateCustomerSettings)."
    )
    project_visibility: ProjectVisibility = strawberry.field(
        description="Who sees PROJECT-visible InMails and LinkedIn notes (default ORGANIZATION; admins "
        "always see every item; `updateCustomerSettings`)."
    )
    created_at: datetime = strawberry.field(description="When the customer was onboarded.")
    row: strawberry.Private[models.Customer]

    @classmethod
    def from_row(cls, row: models.Customer) -> Customer:
        """The GraphQL view of a customer row."""
        assert row.id is not None
        return cls(
            id=row.id,
            key=row.key,
            name=row.name,
            job_availability=JobAvailability(row.job_availability.value),
            project_visibility=ProjectVisibility(row.project_visibility.value),
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Its LinkedIn integration: the status page's data.")
    def linkedin_integration(self, info: Info) -> LinkedInIntegration:
        return LinkedInIntegration.of(info, self.row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Customer | None]:
        # A customer's users see their own customer only; operators see every one.
        own = info.context.viewer.customer_id
        found: list[Customer | None] = []
        for customer_id in int_ids(node_ids):
            visible = is_operator(info) or customer_id == own
            row = await onboarding.customer(info.context.services, customer_id) if visible else None
            found.append(Customer.from_row(row) if row is not None else None)
        return found


@strawberry.enum(name="Role", description="What a viewer may do (see the README's table of roles).")
class RoleValue(enum.Enum):
    OPERATOR = described(
        "operator",
        "The ATS vendor: provisions and onboards customers; sees no candidate data.",
    )
    ADMIN = described(
        "admin",
        "A customer's admin: integrations, users, settings, and all a recruiter may do.",
    )
    RECRUITER = described(
        "recruiter",
        "A customer's recruiter: candidate tabs, ATS writes, refreshes, links and exports.",
    )
    INTEGRATION = described(
        "integration",
        "A customer's service client, read-only: the In-ATS badge through `linkedinMembers`.",
    )


@strawberry.type(description="The person or service client behind a request.")
class ViewerUser:
    email: str | None = strawberry.field(
        description="The signed-in user's email (or the token's subject); null for an API key."
    )
    name: str | None = strawberry.field(description="The user's name, or the API key's, when known.")


@strawberry.type(name="Viewer", description="Who asks: the signed-in user, their customer and roles.")
class ViewerNode:
    user: ViewerUser = strawberry.field(description="Who signed in (a person or an API key).")
    roles: list[RoleValue] = strawberry.field(description="The viewer's roles, sorted.")
    customer_id: strawberry.Private[int | None]

    @strawberry.field(description="The viewer's customer; null for an operator, who belongs to none.")
    async def customer(self, info: Info) -> Customer | None:
        if self.customer_id is None:
            return None
        row = await onboarding.customer(info.context.services, self.customer_id)
        return Customer.from_row(row) if row is not None else None


_ROLE_VALUES = frozenset(role.value for role in RoleValue)


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="Who asks, and their customer (its LinkedIn integration status).")
    def viewer(self, info: Info) -> ViewerNode:
        viewer = info.context.viewer
        email = viewer.user if viewer.api_key_id is None else None
        roles = [RoleValue(role) for role in sorted(viewer.roles) if role in _ROLE_VALUES]
        return ViewerNode(
            user=ViewerUser(email=email, name=viewer.name), roles=roles, customer_id=viewer.customer_id
        )

    @strawberry.field(description="Every customer, oldest first (the ATS vendor's operators only).")
    async def customers(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[Customer]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await onboarding.customers_page(services, offset=window.offset, limit=window.limit)
        nodes = [Customer.from_row(row) for row in rows]
        return build_connection(Connection[Customer], nodes, window=window, total=total)

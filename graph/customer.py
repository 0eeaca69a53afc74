"""The `Customer` type (an ATS customer and its LinkedIn integration), `viewer`, and the operators'
`customers` list.

Until the Viewers issue authenticates requests, only the embedded default has viewers (development
only, app/viewers.py); its viewer is an operator, so `customers` and the onboarding mutations are open
there and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import ForbiddenError
from graph.ids import int_ids
from graph.integration import LinkedInIntegration
from graph.job import JobAvailability
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from resolvers import onboarding

# Roles a viewer may hold (the Viewers issue assigns them; the development viewer holds both).
OPERATOR = "operator"  # the ATS vendor's staff: every customer, onboarding
ADMIN = "admin"  # a customer's administrator: its own settings


def require_operator(info: Info, what: str) -> None:
    """Refuse a viewer who is not an operator (FORBIDDEN)."""
    if OPERATOR not in info.context.viewer.roles:
        raise ForbiddenError(f"Only the ATS vendor's operators may {what}")


def is_operator(info: Info) -> bool:
    """Whether the viewer is one of the ATS vendor's operators."""
    return OPERATOR in info.context.viewer.roles


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


@strawberry.type(name="Viewer", description="Who asks: the signed-in user and their customer.")
class ViewerNode:
    user: str | None = strawberry.field(description="The signed-in user; null when anonymous.")
    customer_id: strawberry.Private[int | None]

    @strawberry.field(description="The viewer's customer; null for an operator who belongs to none.")
    async def customer(self, info: Info) -> Customer | None:
        if self.customer_id is None:
            return None
        row = await onboarding.customer(info.context.services, self.customer_id)
        return Customer.from_row(row) if row is not None else None


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="Who asks, and their customer (its LinkedIn integration status).")
    def viewer(self, info: Info) -> ViewerNode:
        viewer = info.context.viewer
        return ViewerNode(user=viewer.user, customer_id=viewer.customer_id)

    @strawberry.field(description="Every customer, oldest first (the ATS vendor's operators only).")
    async def customers(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[Customer]:
        require_operator(info, "list customers")
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await onboarding.customers_page(services, offset=window.offset, limit=window.limit)
        nodes = [Customer.from_row(row) for row in rows]
        return build_connection(Connection[Customer], nodes, window=window, total=total)

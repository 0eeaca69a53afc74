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
from resolvers import offboarding, onboarding
from resolvers.offboarding import OffboardingStatus
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


@strawberry.type(description="What one run of the LinkedIn mirror's retention removed.")
class MirrorRetention:
    last_run_at: datetime = strawberry.field(description="When it ran.")
    removed_threads: int = strawberry.field(description="InMail threads removed.")
    removed_messages: int = strawberry.field(description="InMail messages removed.")
    removed_linkedin_notes: int = strawberry.field(description="LinkedIn notes removed.")
    removed_profiles: int = strawberry.field(description="LinkedIn profile snapshots removed.")


@strawberry.enum(
    description="A customer's offboarding, step by step: deleting what was synced on LinkedIn, disabling "
    "its integrations, removing or anonymising its local data, done."
)
class OffboardingState(enum.Enum):
    DELETING_ON_LINKEDIN = described(
        "DELETING_ON_LINKEDIN", "Deleting on LinkedIn what was synced (jobs are closed)."
    )
    DISABLING_INTEGRATIONS = described(
        "DISABLING_INTEGRATIONS", "Disabling the customer's integrations and its callback URL."
    )
    REMOVING_LOCAL_DATA = described(
        "REMOVING_LOCAL_DATA", "Removing or anonymising the customer's local data, as chosen."
    )
    DONE = described("DONE", "Finished: nothing of the customer is left on LinkedIn.")


@strawberry.enum(
    description="What becomes of an offboarded customer's local data: DELETE every row (the customer's key "
    "and audit log stay, without names); ANONYMISE keeps jobs, applications and their stages, and the "
    "candidates stripped of every personal field."
)
class OffboardingDataChoice(enum.Enum):
    DELETE = described("DELETE", "Delete every local row (the customer's key and audit log stay).")
    ANONYMISE = described(
        "ANONYMISE", "Keep jobs, applications and stages; strip candidates of every personal field."
    )


@strawberry.type(description="How far a customer's offboarding is.")
class CustomerOffboarding:
    state: OffboardingState = strawberry.field(description="The step it is at.")
    data_choice: OffboardingDataChoice = strawberry.field(description="What becomes of the local data.")
    sent: int = strawberry.field(description="Records removed on LinkedIn (deleted, or jobs closed).")
    remaining: int = strawberry.field(description="Records still to remove on LinkedIn.")
    failed: int = strawberry.field(description="Records LinkedIn kept refusing (given up on).")
    requested_at: datetime = strawberry.field(description="When the offboarding was asked for.")
    finished_at: datetime | None = strawberry.field(description="When it was done; null until then.")

    @classmethod
    def of(cls, found: OffboardingStatus) -> CustomerOffboarding:
        """The GraphQL view of an offboarding's status."""
        return cls(
            state=OffboardingState(found.state.value),
            data_choice=OffboardingDataChoice(found.data_choice.value),
            sent=found.sent,
            remaining=found.remaining,
            failed=found.failed,
            requested_at=found.requested_at,
            finished_at=found.finished_at,
        )


def _asks_for(info: Info, field_name: str) -> bool:
    """Whether the query selects `field_name` anywhere under this field (so a list reads it at once)."""

    def walk(selections: Iterable[Any]) -> bool:
        for selection in selections:
            if getattr(selection, "name", None) == field_name:
                return True
            if walk(getattr(selection, "selections", None) or []):
                return True
        return False

    return walk(info.selected_fields)


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
    purged_profile_auto_erase_days: int | None = strawberry.field(
        description="Candidates LinkedIn lists as closed or purged are erased this many days after LinkedIn "
        "closed them; null: never automatically (admins review `purgedLinkedInProfiles`)."
    )
    linkedin_mirror_retention_days: int | None = strawberry.field(
        description="How long the local LinkedIn mirror (InMails, LinkedIn notes, profile snapshots) of a "
        "member with no activity is kept; null: kept. See `retention` for what the last run removed."
    )
    row: strawberry.Private[models.Customer]
    # The operators' list reads every listed customer's offboarding at once (None: read when asked).
    known_offboarding: strawberry.Private[dict[int, OffboardingStatus] | None] = None

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
            purged_profile_auto_erase_days=row.purged_profile_auto_erase_days,
            linkedin_mirror_retention_days=row.linkedin_mirror_retention_days,
            row=row,
        )

    @strawberry.field(
        description="What the last run of the mirror's retention removed; null before its first run."
    )
    def retention(self) -> MirrorRetention | None:
        if self.row.retention_last_run_at is None:
            return None
        removed = self.row.retention_last_removed or {}
        return MirrorRetention(
            last_run_at=self.row.retention_last_run_at,
            removed_threads=removed.get("threads", 0),
            removed_messages=removed.get("messages", 0),
            removed_linkedin_notes=removed.get("linkedinNotes", 0),
            removed_profiles=removed.get("profiles", 0),
        )

    @strawberry.field(
        description="The customer's offboarding (contract ended: `offboardCustomer`); null when never asked."
    )
    async def offboarding(self, info: Info) -> CustomerOffboarding | None:
        if self.known_offboarding is not None:
            found = self.known_offboarding.get(self.id)
        else:
            found = await offboarding.status(info.context.services.sessions, self.id)
        return None if found is None else CustomerOffboarding.of(found)

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
        if _asks_for(info, "offboarding"):
            known = await offboarding.statuses(services.sessions, [node.id for node in nodes])
            for node in nodes:
                node.known_offboarding = known
        return build_connection(Connection[Customer], nodes, window=window, total=total)

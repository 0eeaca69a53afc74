"""The `Candidate` type: a candidate in the ATS, with its LinkedIn tabs."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

import models
from graph.application import Application
from graph.context import Info
from graph.errors import NotFoundError
from graph.ids import decode_node_id, int_ids


@strawberry.enum(description="How a candidate came into the ATS.")
class CandidateSource(enum.Enum):
    MANUAL = "MANUAL"
    LINKEDIN_EXPORT = "LINKEDIN_EXPORT"
    LINKEDIN_INMAIL = "LINKEDIN_INMAIL"


@strawberry.type(description="Whether LinkedIn can receive this candidate, and what is missing if not.")
class SyncEligibility:
    eligible: bool = strawberry.field(description="True when LinkedIn has all it needs.")
    missing: list[str] = strawberry.field(
        description="The candidate fields LinkedIn needs that are empty (`firstName`, `lastName`, `email`)."
    )


@strawberry.type(description="A candidate in the ATS.")
class Candidate(relay.Node):
    id: relay.NodeID[int]
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    email: str | None = strawberry.field(description="Email address, lower-cased.")
    phone: str | None = strawberry.field(description="Phone number.")
    title: str | None = strawberry.field(description="Current job title.")
    company: str | None = strawberry.field(description="Current employer.")
    mailing_city: str | None = strawberry.field(description="City of the mailing address.")
    source: CandidateSource = strawberry.field(description="How the candidate came into the ATS.")
    do_not_contact: bool = strawberry.field(description="The candidate asked not to be contacted.")
    created_at: datetime = strawberry.field(description="When the candidate was created.")
    updated_at: datetime = strawberry.field(description="When the candidate last changed.")
    row: strawberry.Private[models.Candidate]

    @classmethod
    def from_row(cls, row: models.Candidate) -> Candidate:
        """The GraphQL view of a candidate row."""
        assert row.id is not None
        return cls(
            id=row.id,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            phone=row.phone,
            title=row.title,
            company=row.company,
            mailing_city=row.mailing_city,
            source=CandidateSource(row.source.value),
            do_not_contact=row.do_not_contact,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="Whether LinkedIn can receive this candidate (it needs names and email).")
    def sync_eligibility(self) -> SyncEligibility:
        required = {"firstName": self.first_name, "lastName": self.last_name, "email": self.email}
        missing = [name for name, value in required.items() if not (value and value.strip())]
        return SyncEligibility(eligible=not missing, missing=missing)

    @strawberry.field(description="The candidate's applications, most recently active first.")
    async def applications(self, info: Info) -> list[Application]:
        rows = await info.context.loaders.applications_by_candidate_id.load(self.id)
        return [Application.from_row(row) for row in rows]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Candidate | None]:
        rows = await info.context.loaders.candidate_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


@strawberry.type
class CandidateQuery:
    @strawberry.field(description="One candidate by its global ID (an unknown ID is a NOT_FOUND error).")
    async def candidate(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The candidate's global ID.")],
    ) -> Candidate | None:
        candidate_id = decode_node_id(id, "Candidate")
        row = await info.context.loaders.candidate_by_id.load(candidate_id)
        if row is None:
            raise NotFoundError(f"No Candidate has the ID {id!r}", argument="id")
        return Candidate.from_row(row)

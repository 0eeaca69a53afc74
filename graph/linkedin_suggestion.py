"""LinkedIn's suggestions for a candidate's fields (`FieldSuggestion`) and accepting one."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from graph.context import Info
from graph.errors import UserError
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from resolvers import member_matching
from resolvers.ats_writes.common import camel
from resolvers.errors import DomainError

if TYPE_CHECKING:
    from graph.candidate import Candidate


@strawberry.enum(description="Which LinkedIn record a suggested value came from.")
class FieldSuggestionSource(enum.Enum):
    LINKEDIN_EXPORT = strawberry.enum_value(
        "LINKEDIN_EXPORT", description="A recruiter's One-Click Export of the member to an ATS job."
    )
    LINKEDIN_INMAIL = strawberry.enum_value(
        "LINKEDIN_INMAIL", description="The contact details the member shared when replying to an InMail."
    )


@strawberry.type(
    description="A value LinkedIn has for a candidate field that disagrees with the one an ATS user set. "
    "The ATS value stays; `acceptLinkedInSuggestion` writes this one instead."
)
class FieldSuggestion:
    field: str = strawberry.field(description="The `Candidate` field, by its GraphQL name (e.g. `title`).")
    value: str = strawberry.field(description="LinkedIn's value for the field.")
    source: FieldSuggestionSource = strawberry.field(description="Which LinkedIn record said so.")
    at: datetime = strawberry.field(description="When LinkedIn gave the value.")

    @classmethod
    def from_row(cls, row: models.LinkedInSuggestion) -> FieldSuggestion:
        """The GraphQL view of a suggestion row."""
        return cls(
            field=camel(row.field),
            value=row.value,
            source=FieldSuggestionSource(row.source.value),
            at=row.at,
        )


@strawberry.input(description="The LinkedIn suggestion to accept.")
class AcceptLinkedInSuggestionInput:
    candidate_id: strawberry.ID = strawberry.field(description="The candidate's global ID.")
    field: str = strawberry.field(
        description="The suggested `Candidate` field by its GraphQL name: firstName, lastName, email, "
        "phone, title or mailingCity."
    )


@strawberry.type(description="The result of `acceptLinkedInSuggestion`.")
class AcceptLinkedInSuggestionPayload:
    candidate: Annotated[Candidate, strawberry.lazy("graph.candidate")] | None = strawberry.field(
        description="The candidate with the accepted value; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class LinkedInSuggestionMutation:
    @strawberry.mutation(
        description="Write LinkedIn's suggested value into the candidate as an ATS update (LinkedIn is "
        "told through the outbox, as for `updateCandidate`); the suggestion is then gone."
    )
    async def accept_linked_in_suggestion(
        self, info: Info, input: AcceptLinkedInSuggestionInput
    ) -> AcceptLinkedInSuggestionPayload:
        from graph.candidate import Candidate

        try:
            candidate_id = node_id(input.candidate_id, "Candidate", "candidateId")
            row = await member_matching.accept_suggestion(
                info.context.services.sessions, info.context.tenant.id, candidate_id, input.field
            )
        except DomainError as error:
            return AcceptLinkedInSuggestionPayload(candidate=None, user_errors=user_errors(error))
        return AcceptLinkedInSuggestionPayload(candidate=Candidate.from_row(row), user_errors=[])

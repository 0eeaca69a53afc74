"""Manual candidate ↔ LinkedIn member links (the profile widget's link and unlink callbacks)."""

from __future__ import annotations

import strawberry

from graph.candidate import Candidate
from graph.context import Info
from graph.errors import UserError
from graph.mutations.common import node_id
from resolvers import identity
from resolvers.errors import DomainError

_PUSHED = (
    "Whether LinkedIn now shows the change (manualMatchedMember). The change is stored here either way; "
    "when false, `userErrors` says why: LINKEDIN_UNAVAILABLE (unreachable) or NOT_ELIGIBLE (refused)."
)
_ERRORS = (
    "Why nothing was changed (INVALID, NOT_FOUND, CONFLICT naming the input field), or "
    "LINKEDIN_UNAVAILABLE / NOT_ELIGIBLE when the change is stored but LinkedIn was not told or refused it."
)


@strawberry.input(description="Which candidate is which LinkedIn member.")
class LinkLinkedInMemberInput:
    candidate_id: strawberry.ID = strawberry.field(description="The candidate's global ID.")
    person_urn: str = strawberry.field(description="The member's person URN, `urn:li:person:<id>`.")


@strawberry.type(description="The result of `linkLinkedInMember`.")
class LinkLinkedInMemberPayload:
    candidate: Candidate | None = strawberry.field(description="The candidate; null when nothing changed.")
    person_urn: str | None = strawberry.field(description="The member now linked; null when nothing changed.")
    pushed: bool = strawberry.field(description=_PUSHED)
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="The candidate whose LinkedIn member link to remove.")
class UnlinkLinkedInMemberInput:
    candidate_id: strawberry.ID = strawberry.field(description="The candidate's global ID.")


@strawberry.type(description="The result of `unlinkLinkedInMember`.")
class UnlinkLinkedInMemberPayload:
    candidate: Candidate | None = strawberry.field(description="The candidate; null when nothing changed.")
    pushed: bool = strawberry.field(description=_PUSHED)
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


def _push_errors(outcome: identity.LinkOutcome) -> list[UserError]:
    return [UserError.from_domain(outcome.push_error)] if outcome.push_error is not None else []


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(
        description="Link a candidate to a LinkedIn member by hand (match source MANUAL) and tell LinkedIn."
    )
    async def link_linked_in_member(
        self, info: Info, input: LinkLinkedInMemberInput
    ) -> LinkLinkedInMemberPayload:
        try:
            outcome = await identity.link_member(
                info.context.services,
                info.context.tenant,
                node_id(input.candidate_id, "Candidate", "candidateId"),
                input.person_urn,
            )
        except DomainError as error:
            return LinkLinkedInMemberPayload(
                candidate=None, person_urn=None, pushed=False, user_errors=[UserError.from_domain(error)]
            )
        return LinkLinkedInMemberPayload(
            candidate=Candidate.from_row(outcome.candidate),
            person_urn=outcome.identity.person_urn if outcome.identity else None,
            pushed=outcome.pushed,
            user_errors=_push_errors(outcome),
        )

    @strawberry.mutation(description="Remove a candidate's LinkedIn member link and tell LinkedIn.")
    async def unlink_linked_in_member(
        self, info: Info, input: UnlinkLinkedInMemberInput
    ) -> UnlinkLinkedInMemberPayload:
        try:
            outcome = await identity.unlink_member(
                info.context.services,
                info.context.tenant,
                node_id(input.candidate_id, "Candidate", "candidateId"),
            )
        except DomainError as error:
            return UnlinkLinkedInMemberPayload(
                candidate=None, pushed=False, user_errors=[UserError.from_domain(error)]
            )
        return UnlinkLinkedInMemberPayload(
            candidate=Candidate.from_row(outcome.candidate),
            pushed=outcome.pushed,
            user_errors=_push_errors(outcome),
        )

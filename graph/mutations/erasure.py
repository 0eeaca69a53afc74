"""`eraseCandidate`: a person's right to be forgotten (resolvers/erasure.py does the work)."""

from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import UserError
from graph.ids import global_id
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from resolvers import erasure
from resolvers.ats_writes.common import not_found
from resolvers.errors import DomainError


@strawberry.input(description="The candidate to erase, and why.")
class EraseCandidateInput:
    id: strawberry.ID = strawberry.field(description="The candidate's global ID.")
    reason: str | None = strawberry.field(
        default=None,
        description="Why (e.g. a request reference); kept with the tombstone. No personal data, please.",
    )


@strawberry.type(description="The result of `eraseCandidate`.")
class EraseCandidatePayload:
    erased_candidate_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the erased candidate; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class ErasureMutation:
    @strawberry.mutation(
        description="Erase a candidate and everything held about the person (applications, notes, "
        "feedback, the LinkedIn identity, snapshots and the local copy of their InMails and LinkedIn "
        "notes), delete them on LinkedIn, and keep a tombstone (a keyed hash of the member, never the "
        "member) so polling does not bring them back; a new One-Click Export does."
    )
    async def erase_candidate(self, info: Info, input: EraseCandidateInput) -> EraseCandidatePayload:
        try:
            candidate_id = node_id(input.id, "Candidate", "id")
            erased = await erasure.erase_candidate(
                info.context.services.sessions,
                info.context.tenant,
                candidate_id,
                reason=input.reason,
                actor=info.context.viewer,
            )
            if erased is None:
                raise not_found("candidate", "id")
        except DomainError as error:
            return EraseCandidatePayload(erased_candidate_id=None, user_errors=user_errors(error))
        return EraseCandidatePayload(
            erased_candidate_id=global_id("Candidate", erased.candidate_id), user_errors=[]
        )

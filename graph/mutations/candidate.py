"""Mutations on candidates: create, update (partial), delete."""

from __future__ import annotations

import strawberry

from graph.candidate import Candidate
from graph.context import Info
from graph.errors import UserError
from graph.ids import global_id
from graph.mutations.common import USER_ERRORS, given_fields, node_id, user_errors
from resolvers.ats_writes import candidates, merge
from resolvers.errors import DomainError

_FIELDS = ("first_name", "last_name", "email", "phone", "title", "company", "mailing_city", "do_not_contact")


@strawberry.input(description="A new candidate. Names are required; the email is stored lower-cased.")
class CreateCandidateInput:
    first_name: str = strawberry.field(description="First name (surrounding spaces are removed).")
    last_name: str = strawberry.field(description="Last name (surrounding spaces are removed).")
    email: str | None = strawberry.field(default=None, description="Email address (LinkedIn needs one).")
    phone: str | None = strawberry.field(default=None, description="Phone number.")
    title: str | None = strawberry.field(default=None, description="Current job title.")
    company: str | None = strawberry.field(default=None, description="Current employer.")
    mailing_city: str | None = strawberry.field(default=None, description="City of the mailing address.")
    do_not_contact: bool = strawberry.field(
        default=False, description="The candidate asked not to be contacted."
    )


@strawberry.type(description="The result of `createCandidate`.")
class CreateCandidatePayload:
    candidate: Candidate | None = strawberry.field(description="The new candidate; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="Changes to a candidate: only the fields given change; null clears a field.")
class UpdateCandidateInput:
    id: strawberry.ID = strawberry.field(description="The candidate's global ID.")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="First name; not empty.")
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="Last name; not empty.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="Email address.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Phone number.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Current job title.")
    company: str | None = strawberry.field(default=strawberry.UNSET, description="Current employer.")
    mailing_city: str | None = strawberry.field(
        default=strawberry.UNSET, description="City of the mailing address."
    )
    do_not_contact: bool | None = strawberry.field(
        default=strawberry.UNSET, description="The candidate asked not to be contacted."
    )


@strawberry.type(description="The result of `updateCandidate`.")
class UpdateCandidatePayload:
    candidate: Candidate | None = strawberry.field(description="The candidate as it now is; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The candidate to delete, with its applications and notes.")
class DeleteCandidateInput:
    id: strawberry.ID = strawberry.field(description="The candidate's global ID.")


@strawberry.type(description="The result of `deleteCandidate`.")
class DeleteCandidatePayload:
    deleted_candidate_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the deleted candidate; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="Two candidates that are one person: the first stays, the second goes.")
class MergeCandidatesInput:
    keep_id: strawberry.ID = strawberry.field(description="The global ID of the candidate to keep.")
    merge_id: strawberry.ID = strawberry.field(
        description="The global ID of the candidate folded into it and then deleted."
    )


@strawberry.type(description="The result of `mergeCandidates`.")
class MergeCandidatesPayload:
    candidate: Candidate | None = strawberry.field(description="The kept candidate; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class CandidateMutation:
    @strawberry.mutation(description="Create a candidate; LinkedIn is told through the outbox.")
    async def create_candidate(self, info: Info, input: CreateCandidateInput) -> CreateCandidatePayload:
        fields = candidates.CandidateFields(**given_fields(input, _FIELDS))  # type: ignore[arg-type]
        try:
            row = await candidates.create_candidate(
                info.context.services.sessions, info.context.tenant.id, fields
            )
        except DomainError as error:
            return CreateCandidatePayload(candidate=None, user_errors=user_errors(error))
        return CreateCandidatePayload(candidate=Candidate.from_row(row), user_errors=[])

    @strawberry.mutation(description="Change some of a candidate's fields; the others stay as they are.")
    async def update_candidate(self, info: Info, input: UpdateCandidateInput) -> UpdateCandidatePayload:
        try:
            candidate_id = node_id(input.id, "Candidate", "id")
            row = await candidates.update_candidate(
                info.context.services.sessions,
                info.context.tenant.id,
                candidate_id,
                given_fields(input, _FIELDS),
            )
        except DomainError as error:
            return UpdateCandidatePayload(candidate=None, user_errors=user_errors(error))
        return UpdateCandidatePayload(candidate=Candidate.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Delete a candidate with its applications and notes, here and on LinkedIn."
    )
    async def delete_candidate(self, info: Info, input: DeleteCandidateInput) -> DeleteCandidatePayload:
        try:
            candidate_id = node_id(input.id, "Candidate", "id")
            await candidates.delete_candidate(
                info.context.services.sessions, info.context.tenant.id, candidate_id
            )
        except DomainError as error:
            return DeleteCandidatePayload(deleted_candidate_id=None, user_errors=user_errors(error))
        return DeleteCandidatePayload(
            deleted_candidate_id=global_id("Candidate", candidate_id), user_errors=[]
        )

    @strawberry.mutation(
        description="Merge a duplicate into the candidate to keep: its applications (one per job), notes, "
        "LinkedIn member and mirror move over, empty fields are filled from it, and it is deleted; "
        "LinkedIn is told through the outbox."
    )
    async def merge_candidates(self, info: Info, input: MergeCandidatesInput) -> MergeCandidatesPayload:
        try:
            keep_id = node_id(input.keep_id, "Candidate", "keepId")
            merge_id = node_id(input.merge_id, "Candidate", "mergeId")
            row = await merge.merge_candidates(
                info.context.services.sessions, info.context.tenant.id, keep_id, merge_id
            )
        except DomainError as error:
            return MergeCandidatesPayload(candidate=None, user_errors=user_errors(error))
        # The kept candidate may have taken the merged one's member: its cached live match is stale.
        await info.context.tenant.live_matches.forget([keep_id, merge_id])
        return MergeCandidatesPayload(candidate=Candidate.from_row(row), user_errors=[])

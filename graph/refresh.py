"""`refreshLinkedInActivity`: pull the newest InMails, prospect notes and mail stubs from LinkedIn now."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.candidate import Candidate
from graph.context import Info
from graph.errors import UserError
from graph.mutations.common import decode_id, node_id
from resolvers.errors import DomainError, InvalidInput
from resolvers.refresh_candidate import refresh_candidate_activity

_FIELD = "candidateId"


@strawberry.input(description="The candidate whose LinkedIn activity to bring up to date.")
class RefreshLinkedInActivityInput:
    candidate_id: strawberry.ID = strawberry.field(description="The candidate's global ID.")


@strawberry.type(description="The result of `refreshLinkedInActivity`.")
class RefreshLinkedInActivityPayload:
    candidate: Candidate | None = strawberry.field(
        description="The candidate after the refresh, with its InMail threads and LinkedIn notes; "
        "null only when the ID is unknown or malformed."
    )
    synced_at: datetime | None = strawberry.field(
        description="LinkedIn activity up to this time is stored, for every recruiter seat; null when no "
        "poll has completed yet."
    )
    user_errors: list[UserError] = strawberry.field(
        description="INVALID or NOT_FOUND naming `candidateId`. When no fresh data could be had, one entry "
        "without a field and with a message for a person: LINKEDIN_UNAVAILABLE when LinkedIn failed mid-poll "
        "or did not answer within the refresh deadline (the poll goes on in the background), "
        "LINKEDIN_AUTH_FAILED when LinkedIn refuses the customer's credentials, LINKEDIN_RATE_LIMITED when "
        "it is rate-limiting the customer. The candidate is then what is stored (what the poll stored "
        "before the failure is kept and shown), and `candidate.linkedinActivity` says it is stale."
    )


def _candidate_id(value: str) -> int:
    """The candidate's database id; unlike the write API, another type's ID is INVALID here."""
    found_type, _ = decode_id(value, _FIELD)
    if found_type != "Candidate":
        raise InvalidInput(f"Not the global ID of a Candidate: {value!r}", field=_FIELD)
    return node_id(value, "Candidate", _FIELD)


@strawberry.type
class RefreshMutation:
    @strawberry.mutation(
        description="Poll the viewer's customer's LinkedIn now for every recruiter seat's new InMails, "
        "prospect notes and mail stubs (shared with any poll of that customer already running) and return "
        "the candidate; answers within the refresh deadline (RSC_REFRESH_DEADLINE_S) whatever LinkedIn does."
    )
    async def refresh_linked_in_activity(
        self, info: Info, input: RefreshLinkedInActivityInput
    ) -> RefreshLinkedInActivityPayload:
        try:
            outcome = await refresh_candidate_activity(
                info.context.services, info.context.tenant, _candidate_id(input.candidate_id)
            )
        except DomainError as error:
            return RefreshLinkedInActivityPayload(
                candidate=None, synced_at=None, user_errors=[UserError.from_domain(error)]
            )
        return RefreshLinkedInActivityPayload(
            candidate=Candidate.from_row(outcome.candidate),
            synced_at=outcome.synced_at,
            user_errors=[UserError.from_domain(outcome.error)] if outcome.error else [],
        )

"""Per-request DataLoaders, named `<thing>_by_<key>`, bound to the viewer's customer. Their batches read
through the request's `RequestReads`: in a query operation one session for all of them (`SharedReads`),
one batch at a time; otherwise a short session per batch."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

import models
from models.db import RequestReads
from resolvers import acls, activity, candidates, exports, live_matches, member_matching, seats, tabs, users
from resolvers.match_cache import LiveMatch
from resolvers.profile_view import Freshness
from resolvers.services import Services
from resolvers.viewer import Viewer


async def _no_customer(keys: Sequence[Any]) -> list[Any]:
    # A viewer of no customer (an operator) reaches no customer's rows: every key names nothing.
    return [None for _ in keys]


@dataclass(slots=True)
class Loaders:
    """Every relation the schema resolves goes through one of these, so SQL counts stay flat."""

    candidate_by_id: DataLoader[int, models.Candidate | None]
    job_by_id: DataLoader[int, models.Job | None]
    user_by_id: DataLoader[int, models.User | None]
    seats_by_user_id: DataLoader[int, list[models.Seat]]
    seat_by_id: DataLoader[int, models.Seat | None]
    application_by_id: DataLoader[int, models.Application | None]
    applications_by_candidate_id: DataLoader[int, list[models.Application]]
    stages_by_application_id: DataLoader[int, list[models.ApplicationStage]]
    notes_by_candidate_id: DataLoader[int, list[models.Note]]
    identity_by_candidate_id: DataLoader[int, models.LinkedInIdentity | None]
    profile_by_candidate_id: DataLoader[int, models.LinkedInProfile | None]
    live_match_by_candidate_id: DataLoader[int, LiveMatch]
    recruiter_by_seat_urn: DataLoader[str, models.User | None]
    note_owner_by_seat_urn: DataLoader[str, models.User | None]
    threads_by_member_urn: DataLoader[str, list[models.InMailThread]]
    messages_by_thread_id: DataLoader[int, list[models.InMailMessage]]
    linkedin_notes_by_member_urn: DataLoader[str, list[models.LinkedInNote]]
    linkedin_export_by_id: DataLoader[int, models.ExportRequest | None]
    suggestions_by_candidate_id: DataLoader[int, list[models.LinkedInSuggestion]]
    activity_freshness_by_candidate_id: DataLoader[int, Freshness]
    # Where the batches above read (shared by all of them during a query operation).
    reads: RequestReads

    @classmethod
    def create(cls, services: Services, viewer: Viewer) -> Loaders:
        """New loaders for one request of `viewer` (bound to its customer and to what it may see; an
        operator, who has no customer, sees no rows)."""
        tenant = viewer.tenant
        reads = RequestReads(services.sessions)
        if tenant is None:
            nothing = {name: DataLoader(_no_customer) for name in cls.__dataclass_fields__ if name != "reads"}
            return cls(**nothing, reads=reads)
        sessions, customer_id = reads, tenant.id
        # Secured jobs (ACLs): the viewer's sight joins every statement that reads jobs or applications.
        sight = acls.job_sight(viewer)
        # InMails and LinkedIn notes are read only as far as this viewer may see them (in the SQL).
        audience = tabs.audience_of(viewer)
        return cls(
            candidate_by_id=DataLoader(partial(candidates.candidates_by_ids, sessions, customer_id)),
            job_by_id=DataLoader(partial(candidates.jobs_by_ids, sessions, customer_id, sight)),
            user_by_id=DataLoader(partial(users.users_by_ids, sessions, customer_id)),
            seats_by_user_id=DataLoader(partial(seats.seats_by_user_ids, sessions, customer_id)),
            seat_by_id=DataLoader(partial(seats.seats_by_ids, sessions, customer_id)),
            application_by_id=DataLoader(
                partial(candidates.applications_by_ids, sessions, customer_id, sight)
            ),
            applications_by_candidate_id=DataLoader(
                partial(candidates.applications_by_candidate_ids, sessions, customer_id, sight)
            ),
            stages_by_application_id=DataLoader(
                partial(candidates.stages_by_application_ids, sessions, customer_id)
            ),
            notes_by_candidate_id=DataLoader(
                partial(candidates.notes_by_candidate_ids, sessions, customer_id, sight)
            ),
            identity_by_candidate_id=DataLoader(
                partial(candidates.identities_by_candidate_ids, sessions, customer_id)
            ),
            profile_by_candidate_id=DataLoader(
                partial(tabs.profiles_by_candidate_ids, sessions, customer_id)
            ),
            live_match_by_candidate_id=DataLoader(
                partial(live_matches.live_matches_by_candidate_ids, services, tenant)
            ),
            recruiter_by_seat_urn=DataLoader(partial(users.users_by_seat_urns, sessions, customer_id)),
            note_owner_by_seat_urn=DataLoader(partial(users.users_by_seat_urns, sessions, customer_id)),
            threads_by_member_urn=DataLoader(
                partial(tabs.threads_by_member_urns, sessions, customer_id, audience)
            ),
            messages_by_thread_id=DataLoader(
                partial(tabs.messages_by_thread_ids, sessions, customer_id, audience)
            ),
            linkedin_notes_by_member_urn=DataLoader(
                partial(tabs.linkedin_notes_by_member_urns, sessions, customer_id, audience)
            ),
            linkedin_export_by_id=DataLoader(
                partial(exports.export_requests_by_ids, sessions, customer_id, sight)
            ),
            suggestions_by_candidate_id=DataLoader(
                partial(member_matching.suggestions_by_candidate_ids, sessions, customer_id)
            ),
            activity_freshness_by_candidate_id=DataLoader(
                partial(activity.activity_freshness_by_candidate_ids, services, tenant)
            ),
            reads=reads,
        )


class SharedReads(SchemaExtension):
    """A query operation's loader batches share one session (`RequestReads.shared`): one connection,
    one transaction. Mutations and subscriptions keep a short session per batch, so what a mutation
    commits is what its payload reads."""

    async def on_execute(self) -> AsyncIterator[None]:
        loaders = getattr(self.execution_context.context, "loaders", None)
        query = self.execution_context.operation_type is OperationType.QUERY
        if not query or not isinstance(loaders, Loaders):
            yield
            return
        async with loaders.reads.shared():
            yield

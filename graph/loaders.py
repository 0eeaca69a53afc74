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
from models.ats import ApplicationFields, AtsNoteFields, IdentityFields, JobFields, StageFields
from models.db import RequestReads
from models.job_sight import JobSight
from models.mirror import MessageFields, NoteFields, SnapshotFields, ThreadFields
from models.mirror_visibility import Audience
from models.tab_queries import LinkedInRows
from models.users import UserFields
from resolvers import (
    acls,
    activity,
    candidates,
    exports,
    interview_feedback,
    live_matches,
    member_matching,
    seats,
    tab_nodes,
    tabs,
    users,
)
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
    job_by_id: DataLoader[int, JobFields | None]
    user_by_id: DataLoader[int, models.User | None]
    seats_by_user_id: DataLoader[int, list[models.Seat]]
    seat_by_id: DataLoader[int, models.Seat | None]
    application_by_id: DataLoader[int, models.Application | None]
    applications_by_candidate_id: DataLoader[int, Sequence[ApplicationFields]]
    stages_by_application_id: DataLoader[int, Sequence[StageFields]]
    interview_feedback_by_application_id: DataLoader[int, list[models.InterviewFeedback]]
    interview_feedback_by_id: DataLoader[int, models.InterviewFeedback | None]
    notes_by_candidate_id: DataLoader[int, Sequence[AtsNoteFields]]
    identity_by_candidate_id: DataLoader[int, IdentityFields | None]
    profile_by_candidate_id: DataLoader[int, SnapshotFields | None]
    live_match_by_candidate_id: DataLoader[int, LiveMatch]
    recruiter_by_seat_urn: DataLoader[str, UserFields | None]
    note_owner_by_seat_urn: DataLoader[str, UserFields | None]
    threads_by_member_urn: DataLoader[str, list[models.InMailThread]]
    messages_by_thread_id: DataLoader[int, Sequence[MessageFields]]
    linkedin_notes_by_member_urn: DataLoader[str, list[models.LinkedInNote]]
    # The tab's joined reads keyed by candidate (each primes the loaders of what it joined).
    linkedin_rows_by_candidate_id: DataLoader[int, LinkedInRows]
    threads_by_candidate_id: DataLoader[int, Sequence[ThreadFields]]
    linkedin_notes_by_candidate_id: DataLoader[int, Sequence[NoteFields]]
    linkedin_export_by_id: DataLoader[int, models.ExportRequest | None]
    suggestions_by_candidate_id: DataLoader[int, list[models.LinkedInSuggestion]]
    activity_freshness_by_candidate_id: DataLoader[int, Freshness]
    # The tabs' rows by their own ids, for `node(id)` (resolvers/tab_nodes.py).
    inmail_thread_by_id: DataLoader[int, models.InMailThread | None]
    inmail_message_by_id: DataLoader[int, models.InMailMessage | None]
    linkedin_note_by_id: DataLoader[int, models.LinkedInNote | None]
    note_by_id: DataLoader[int, models.Note | None]
    stage_by_id: DataLoader[int, models.ApplicationStage | None]
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
        job_by_id: DataLoader[int, JobFields | None] = DataLoader(
            partial(candidates.jobs_by_ids, sessions, customer_id, sight)
        )
        stages_by_application_id: DataLoader[int, Sequence[StageFields]] = DataLoader(
            partial(candidates.stages_by_application_ids, sessions, customer_id)
        )
        recruiter_by_seat_urn: DataLoader[str, UserFields | None] = DataLoader(
            partial(users.users_by_seat_urns, sessions, customer_id)
        )
        note_owner_by_seat_urn: DataLoader[str, UserFields | None] = DataLoader(
            partial(users.users_by_seat_urns, sessions, customer_id)
        )
        messages_by_thread_id = DataLoader(
            partial(tabs.messages_by_thread_ids, sessions, customer_id, audience)
        )
        # Identity and snapshot are read together; both loaders ask the one joined loader, in one batch.
        linkedin_rows = DataLoader(partial(tabs.linkedin_rows_by_candidate_ids, sessions, customer_id))
        return cls(
            candidate_by_id=DataLoader(partial(candidates.candidates_by_ids, sessions, customer_id)),
            job_by_id=job_by_id,
            user_by_id=DataLoader(partial(users.users_by_ids, sessions, customer_id)),
            seats_by_user_id=DataLoader(partial(seats.seats_by_user_ids, sessions, customer_id)),
            seat_by_id=DataLoader(partial(seats.seats_by_ids, sessions, customer_id)),
            application_by_id=DataLoader(
                partial(candidates.applications_by_ids, sessions, customer_id, sight)
            ),
            applications_by_candidate_id=DataLoader(
                partial(_applications, sessions, customer_id, sight, job_by_id, stages_by_application_id)
            ),
            interview_feedback_by_application_id=DataLoader(
                partial(interview_feedback.feedback_by_application_ids, sessions, customer_id)
            ),
            interview_feedback_by_id=DataLoader(
                partial(interview_feedback.feedback_by_ids, sessions, customer_id)
            ),
            stages_by_application_id=stages_by_application_id,
            notes_by_candidate_id=DataLoader(
                partial(candidates.notes_by_candidate_ids, sessions, customer_id, sight)
            ),
            identity_by_candidate_id=DataLoader(partial(_identities, linkedin_rows)),
            profile_by_candidate_id=DataLoader(partial(_snapshots, linkedin_rows)),
            live_match_by_candidate_id=DataLoader(
                partial(live_matches.live_matches_by_candidate_ids, services, tenant)
            ),
            recruiter_by_seat_urn=recruiter_by_seat_urn,
            note_owner_by_seat_urn=note_owner_by_seat_urn,
            threads_by_member_urn=DataLoader(
                partial(tabs.threads_by_member_urns, sessions, customer_id, audience)
            ),
            messages_by_thread_id=messages_by_thread_id,
            linkedin_notes_by_member_urn=DataLoader(
                partial(tabs.linkedin_notes_by_member_urns, sessions, customer_id, audience)
            ),
            linkedin_rows_by_candidate_id=linkedin_rows,
            threads_by_candidate_id=DataLoader(
                partial(
                    _threads, sessions, customer_id, audience, messages_by_thread_id, recruiter_by_seat_urn
                )
            ),
            linkedin_notes_by_candidate_id=DataLoader(
                partial(_linkedin_notes, sessions, customer_id, audience, note_owner_by_seat_urn)
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
            inmail_thread_by_id=DataLoader(
                partial(tab_nodes.threads_by_ids, sessions, customer_id, audience)
            ),
            inmail_message_by_id=DataLoader(
                partial(tab_nodes.messages_by_ids, sessions, customer_id, audience)
            ),
            linkedin_note_by_id=DataLoader(
                partial(tab_nodes.linkedin_notes_by_ids, sessions, customer_id, audience)
            ),
            note_by_id=DataLoader(partial(tab_nodes.notes_by_ids, sessions, customer_id, sight)),
            stage_by_id=DataLoader(partial(tab_nodes.stages_by_ids, sessions, customer_id, sight)),
            reads=reads,
        )


# The joined loads answer their own keys and prime the loaders of what they joined, so a tab's
# `job`, `stages`, `messages`, `recruiter` and `ownerRecruiter` cost no statement of their own.


async def _identities(
    linkedin_rows: DataLoader[int, LinkedInRows], candidate_ids: Sequence[int]
) -> list[IdentityFields | None]:
    return [rows.identity for rows in await linkedin_rows.load_many(candidate_ids)]


async def _snapshots(
    linkedin_rows: DataLoader[int, LinkedInRows], candidate_ids: Sequence[int]
) -> list[SnapshotFields | None]:
    return [rows.snapshot for rows in await linkedin_rows.load_many(candidate_ids)]


async def _applications(
    reads: RequestReads,
    customer_id: int,
    sight: JobSight,
    job_by_id: DataLoader[int, JobFields | None],
    stages_by_application_id: DataLoader[int, Sequence[StageFields]],
    candidate_ids: Sequence[int],
) -> list[Sequence[ApplicationFields]]:
    rows = await tabs.applications_with_jobs_and_stages(reads, customer_id, sight, candidate_ids)
    for job_id, job in rows.jobs.items():
        job_by_id.prime(job_id, job)
    for application_id, stages in rows.stages.items():
        stages_by_application_id.prime(application_id, stages)
    return [rows.by_candidate[i] for i in candidate_ids]


async def _threads(
    reads: RequestReads,
    customer_id: int,
    audience: Audience,
    messages_by_thread_id: DataLoader[int, Sequence[MessageFields]],
    recruiter_by_seat_urn: DataLoader[str, UserFields | None],
    candidate_ids: Sequence[int],
) -> list[Sequence[ThreadFields]]:
    rows = await tabs.threads_with_messages_by_candidate_ids(reads, customer_id, audience, candidate_ids)
    for thread_id, messages in rows.messages.items():
        messages_by_thread_id.prime(thread_id, messages)
    for seat_urn, user in rows.recruiters.items():
        recruiter_by_seat_urn.prime(seat_urn, user)
    return [rows.by_candidate[i] for i in candidate_ids]


async def _linkedin_notes(
    reads: RequestReads,
    customer_id: int,
    audience: Audience,
    note_owner_by_seat_urn: DataLoader[str, UserFields | None],
    candidate_ids: Sequence[int],
) -> list[Sequence[NoteFields]]:
    rows = await tabs.linkedin_notes_by_candidate_ids(reads, customer_id, audience, candidate_ids)
    for seat_urn, user in rows.owners.items():
        note_owner_by_seat_urn.prime(seat_urn, user)
    return [rows.by_candidate[i] for i in candidate_ids]


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

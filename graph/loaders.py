"""Per-request DataLoaders, named `<thing>_by_<key>`, bound to the viewer's customer; each batch opens
its own short session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

import models
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
    job_by_id: DataLoader[int, models.Job | None]
    user_by_id: DataLoader[int, models.User | None]
    seats_by_user_id: DataLoader[int, list[models.Seat]]
    seat_by_id: DataLoader[int, models.Seat | None]
    application_by_id: DataLoader[int, models.Application | None]
    applications_by_candidate_id: DataLoader[int, list[models.Application]]
    stages_by_application_id: DataLoader[int, list[models.ApplicationStage]]
    interview_feedback_by_application_id: DataLoader[int, list[models.InterviewFeedback]]
    interview_feedback_by_id: DataLoader[int, models.InterviewFeedback | None]
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
    # The tabs' rows by their own ids, for `node(id)` (resolvers/tab_nodes.py).
    inmail_thread_by_id: DataLoader[int, models.InMailThread | None]
    inmail_message_by_id: DataLoader[int, models.InMailMessage | None]
    linkedin_note_by_id: DataLoader[int, models.LinkedInNote | None]
    note_by_id: DataLoader[int, models.Note | None]
    stage_by_id: DataLoader[int, models.ApplicationStage | None]

    @classmethod
    def create(cls, services: Services, viewer: Viewer) -> Loaders:
        """New loaders for one request of `viewer` (bound to its customer and to what it may see; an
        operator, who has no customer, sees no rows)."""
        tenant = viewer.tenant
        if tenant is None:
            return cls(**{name: DataLoader(_no_customer) for name in cls.__dataclass_fields__})
        sessions, customer_id = services.sessions, tenant.id
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
            interview_feedback_by_application_id=DataLoader(
                partial(interview_feedback.feedback_by_application_ids, sessions, customer_id)
            ),
            interview_feedback_by_id=DataLoader(
                partial(interview_feedback.feedback_by_ids, sessions, customer_id)
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
        )

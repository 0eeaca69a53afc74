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
from graph.described import described
from graph.errors import ClientError, NotFoundError
from graph.ids import decode_node_id, int_ids
from graph.inmail import InMailThread
from graph.linkedin_note import LinkedInNote
from graph.linkedin_profile import Freshness, LinkedInProfile
from graph.linkedin_suggestion import FieldSuggestion
from graph.note import Note
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from models.candidate_queries import CandidateFilter as CandidateWhere
from resolvers import candidates, purged_profiles
from resolvers.ats_writes.common import camel
from resolvers.member_matching import still_suggested
from resolvers.profile_view import merge_profile
from resolvers.sync.payloads import missing_fields


@strawberry.enum(description="How a candidate came into the ATS.")
class CandidateSource(enum.Enum):
    MANUAL = described(
        "MANUAL",
        "Created in the ATS by a person or a program.",
    )
    LINKEDIN_EXPORT = described(
        "LINKEDIN_EXPORT",
        "Created by a One-Click Export from LinkedIn Recruiter.",
    )
    LINKEDIN_INMAIL = described(
        "LINKEDIN_INMAIL",
        "Created from an InMail reply's mail stub (the member shared contact details).",
    )


@strawberry.enum(
    description="What to do with a candidate whose LinkedIn profile was closed or purged: ERASE it "
    "(`eraseCandidate`) when LinkedIn's data was the only reason to hold it; REVIEW whether the customer "
    "still has a legal basis to keep it (made in the ATS, or in a hiring process)."
)
class RecommendedAction(enum.Enum):
    ERASE = described("ERASE", "Erase the candidate: LinkedIn's data was the only reason to hold it.")
    REVIEW = described("REVIEW", "Check whether the customer still has a legal basis to keep the candidate.")


EXPLANATIONS = {
    purged_profiles.RecommendedAction.ERASE: "The candidate came from LinkedIn and is in no hiring process: "
    "erase it unless you have another legal basis to keep it.",
    purged_profiles.RecommendedAction.REVIEW: "The ATS also holds this candidate on its own account (made "
    "in the ATS, or with applications): check whether you still have a legal basis to keep it.",
}


@strawberry.type(description="What to do about a candidate LinkedIn lists as closed or purged.")
class PurgedProfileAction:
    recommended_action: RecommendedAction = strawberry.field(description="ERASE or REVIEW.")
    explanation: str = strawberry.field(description="Why, in a sentence for the admin.")


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
    linkedin_profile_purged_at: datetime | None = strawberry.field(
        description="When LinkedIn closed or purged the member's profile this candidate was exported from "
        "(its closed-or-purged exported profiles, read at least every 30 days); null when it did not. The "
        "customer may have no legal basis left to keep the candidate: see `purgedProfileAction`."
    )
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
            linkedin_profile_purged_at=row.linkedin_profile_purged_at,
            row=row,
        )

    @strawberry.field(description="Whether LinkedIn can receive this candidate (it needs names and email).")
    def sync_eligibility(self) -> SyncEligibility:
        # The sync's own rule, so the badge never disagrees with what the worker skips.
        missing = [camel(attr) for attr in missing_fields(self.row)]
        return SyncEligibility(eligible=not missing, missing=missing)

    @strawberry.field(
        description="The earlier candidate with the same email that this one may repeat, flagged for a "
        "person to review (resolve it with `mergeCandidates`); null when not flagged."
    )
    async def possible_duplicate_of(self, info: Info) -> Candidate | None:
        if self.row.possible_duplicate_of_id is None:
            return None
        row = await info.context.loaders.candidate_by_id.load(self.row.possible_duplicate_of_id)
        return Candidate.from_row(row) if row is not None else None

    @strawberry.field(
        description="What to do about a candidate whose LinkedIn profile was closed or purged "
        "(`linkedinProfilePurgedAt`); null when it was not."
    )
    async def purged_profile_action(self, info: Info) -> PurgedProfileAction | None:
        if self.row.linkedin_profile_purged_at is None:
            return None
        rows = await info.context.loaders.applications_by_candidate_id.load(self.id)
        action = purged_profiles.recommended_action(self.row, len(rows))
        return PurgedProfileAction(
            recommended_action=RecommendedAction(action.value), explanation=EXPLANATIONS[action]
        )

    @strawberry.field(description="The candidate's applications, most recently active first.")
    async def applications(self, info: Info) -> list[Application]:
        rows = await info.context.loaders.applications_by_candidate_id.load(self.id)
        return [Application.from_row(row) for row in rows]

    @strawberry.field(description="The ATS's own notes on the candidate, newest first (never LinkedIn's).")
    async def notes(self, info: Info) -> list[Note]:
        rows = await info.context.loaders.notes_by_candidate_id.load(self.id)
        return [Note.from_row(row) for row in rows]

    @strawberry.field(
        description="`notes` a page at a time (newest first), for clients that cache connections."
    )
    async def notes_connection(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[Note]:
        window = page_window(first, after, max_page_size=info.context.services.config.max_page_size)
        rows = await info.context.loaders.notes_by_candidate_id.load(self.id)
        page = [Note.from_row(row) for row in rows[window.offset : window.offset + window.limit]]
        return build_connection(Connection[Note], page, window=window, total=len(rows))

    @strawberry.field(
        description="The candidate on LinkedIn: linked member, LinkedIn's live matches (with freshness) and "
        "the profile widget, for every candidate: `personUrn` is null while no member is linked or "
        "matched, and `widget.available` says whether the plugin can show the candidate (and why not). "
        "When LinkedIn cannot be asked, the last snapshot with `freshness.stale`. Null only for a viewer "
        "whose role may not read it (an error says so), so the rest of the candidate still answers."
    )
    async def linkedin_profile(self, info: Info) -> LinkedInProfile | None:
        loaders = info.context.loaders
        # All three keys join their batches now, in this step (gather would defer them to new tasks).
        pending = (
            loaders.identity_by_candidate_id.load(self.id),
            loaders.profile_by_candidate_id.load(self.id),
            loaders.live_match_by_candidate_id.load(self.id),
        )
        identity, snapshot, live = await pending[0], await pending[1], await pending[2]
        view = merge_profile(
            self.row, identity, snapshot, live, info.context.services.config, info.context.tenant
        )
        return LinkedInProfile.from_view(view)

    @strawberry.field(
        description="InMails with the candidate's LinkedIn member: one thread per recruiter seat, most "
        "recent first. Empty when the candidate is linked to no member."
    )
    async def inmail_threads(self, info: Info) -> list[InMailThread]:
        # Keyed by candidate (the SQL joins its member): no wait for the identity first.
        rows = await info.context.loaders.threads_by_candidate_id.load(self.id)
        return [InMailThread.from_row(row) for row in rows]

    @strawberry.field(
        description="LinkedIn Recruiter prospect notes on the candidate's member, newest first."
    )
    async def linkedin_notes(self, info: Info) -> list[LinkedInNote]:
        rows = await info.context.loaders.linkedin_notes_by_candidate_id.load(self.id)
        return [LinkedInNote.from_row(row) for row in rows]

    @strawberry.field(
        description="`linkedinNotes` a page at a time (newest first), for clients that cache connections."
    )
    async def linkedin_notes_connection(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[LinkedInNote]:
        window = page_window(first, after, max_page_size=info.context.services.config.max_page_size)
        rows = await info.context.loaders.linkedin_notes_by_candidate_id.load(self.id)
        page = [LinkedInNote.from_row(row) for row in rows[window.offset : window.offset + window.limit]]
        return build_connection(Connection[LinkedInNote], page, window=window, total=len(rows))

    @strawberry.field(
        description="LinkedIn's values for fields where it disagrees with what an ATS user set (the ATS "
        "value stays), at most one per field; accept one with `acceptLinkedInSuggestion`."
    )
    async def linkedin_suggestions(self, info: Info) -> list[FieldSuggestion]:
        rows = await info.context.loaders.suggestions_by_candidate_id.load(self.id)
        return [FieldSuggestion.from_row(row) for row in rows if still_suggested(self.row, row)]

    @strawberry.field(
        description="How current `inmailThreads` and `linkedinNotes` are: `fetchedAt` is the time up to "
        "which every recruiter seat's InMails, notes and mail stubs are stored; `stale` when the last poll "
        "failed (`error`, `errorCode`), a refresh's deadline passed with the poll still running, nothing was "
        "polled yet, or the data is older than twice the poll interval (15 minutes without the poller)."
    )
    async def linkedin_activity(self, info: Info) -> Freshness:
        view = await info.context.loaders.activity_freshness_by_candidate_id.load(self.id)
        return Freshness.from_view(view)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[Candidate | None]:
        rows = await info.context.loaders.candidate_by_id.load_many(int_ids(node_ids))
        return [cls.from_row(row) if row is not None else None for row in rows]


# Each word becomes one condition over three columns; bound them so a query stays cheap.
MAX_SEARCH_WORDS = 8
MAX_SEARCH_CHARS = 200


@strawberry.input(description="Which candidates to list; every field given must hold.")
class CandidateFilter:
    search: str | None = strawberry.field(
        default=None, description="Words that must all appear in the first name, last name or email."
    )
    source: CandidateSource | None = strawberry.field(default=None, description="How candidates came in.")
    has_linked_in_match: bool | None = strawberry.field(
        default=None, description="Whether the candidate is linked to, or matched with, a LinkedIn member."
    )
    has_applied: bool | None = strawberry.field(
        default=None, description="Whether the candidate applied to any job."
    )
    applied_to_job: strawberry.ID | None = strawberry.field(
        default=None, description="Only candidates who applied to this job (a Job ID)."
    )
    in_ats: bool | None = strawberry.field(
        default=None,
        description="Whether the candidate is linked to a LinkedIn member (Recruiter shows them as In-ATS).",
    )
    past_applicant: bool | None = strawberry.field(
        default=None, description="Whether the candidate has applied to a job (LinkedIn's Past Applicant)."
    )

    def to_where(self) -> CandidateWhere:
        """The query filter; a bad job ID is a BAD_USER_INPUT error naming `filter.appliedToJob`."""
        job_id = (
            decode_node_id(self.applied_to_job, "Job", argument="filter.appliedToJob")
            if self.applied_to_job is not None
            else None
        )
        search = " ".join(self.search.split()) if self.search else ""
        if len(search) > MAX_SEARCH_CHARS or len(search.split()) > MAX_SEARCH_WORDS:
            raise ClientError(
                f"`filter.search` takes at most {MAX_SEARCH_WORDS} words and {MAX_SEARCH_CHARS} characters",
                argument="filter.search",
            )
        return CandidateWhere(
            search=search or None,
            source=models.CandidateSource(self.source.value) if self.source is not None else None,
            has_linkedin_match=self.has_linked_in_match,
            has_applied=self.has_applied,
            applied_to_job_id=job_id,
            in_ats=self.in_ats,
            past_applicant=self.past_applicant,
        )


@strawberry.type
class CandidateQuery:
    @strawberry.field(description="Candidates, most recently updated first, optionally filtered.")
    async def candidates(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        filter: Annotated[
            CandidateFilter | None, strawberry.argument(description="Which candidates to list.")
        ] = None,
    ) -> Connection[Candidate]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        where = filter.to_where() if filter is not None else CandidateWhere()
        rows, total = await candidates.candidates_page(
            info.context.loaders.reads,
            info.context.tenant.id,
            where,
            info.context.job_sight,
            offset=window.offset,
            limit=window.limit,
        )
        nodes = [Candidate.from_row(row) for row in rows]
        return build_connection(Connection[Candidate], nodes, window=window, total=total)

    @strawberry.field(
        description="The candidates whose LinkedIn profile LinkedIn lists as closed or purged, earliest "
        "first, each with `purgedProfileAction` (admins; the customer's `purgedProfileAutoEraseDays` erases "
        "them automatically when set)."
    )
    async def purged_linked_in_profiles(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[Candidate]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        rows, total = await purged_profiles.purged_page(
            services.sessions, info.context.tenant.id, offset=window.offset, limit=window.limit
        )
        nodes = [Candidate.from_row(row.candidate) for row in rows]
        return build_connection(Connection[Candidate], nodes, window=window, total=total)

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

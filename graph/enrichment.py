"""Search enrichment: `linkedinMembers` says which members are in the ATS (In-ATS, Past Applicant)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.application import Application
from graph.candidate import Candidate, CandidateSource
from graph.context import Info
from graph.job import JobAvailability, JobState
from graph.preshaped import Child, Leaf, Shape, answer
from models.identity_lookups import (
    APPLICATION_COLUMNS,
    IDENTITY_COLUMNS,
    JOB_PREFIX,
    application_of,
    candidate_of,
    job_of,
)
from resolvers.enrichment import MAX_MEMBERS, MemberEnrichment, enrich_members


@strawberry.type(description="What the ATS knows about one LinkedIn member asked for.")
class LinkedInMember:
    person_urn: str | None = strawberry.field(description="The person URN, as asked (null if asked by URL).")
    profile_url: str | None = strawberry.field(
        description="The profile URL, as asked (null if asked by URN)."
    )
    error: str | None = strawberry.field(
        description="Why this entry could not be looked up (a malformed URN or URL); null when it was."
    )
    in_ats: bool = strawberry.field(
        description="The member is a candidate in the ATS (LinkedIn's In-ATS), even when every one of its "
        "applications is on a secured job the viewer may not see."
    )
    past_applicant: bool = strawberry.field(
        description="The member has applied to one of the ATS's jobs the viewer may see, whatever became "
        "of the application (applications on secured jobs outside the viewer's ACL groups do not count)."
    )
    candidate: Candidate | None = strawberry.field(description="The member's candidate, if in the ATS.")
    applications: list[Application] = strawberry.field(
        description="The member's applications the viewer may see (none on secured jobs outside its ACL "
        "groups), latest activity first (`job`, `status`, `lastActivityAt`)."
    )

    @classmethod
    def from_enrichment(cls, member: MemberEnrichment) -> LinkedInMember:
        """The GraphQL view of one enrichment answer."""
        candidate = member.candidate
        return cls(
            person_urn=member.person_urn,
            profile_url=member.profile_url,
            error=member.error,
            in_ats=member.in_ats,
            past_applicant=member.past_applicant,
            candidate=Candidate.from_row(candidate_of(candidate)) if candidate is not None else None,
            applications=[Application.from_row(application_of(row)) for row in member.applications],
        )


# How each field of the member list reads the rows of resolvers/enrichment.py, for plain selections
# (graph/preshaped.py); the same values the GraphQL objects above resolve to (a test compares them).
_JOB = Shape(
    "Job",
    {
        "id": Leaf(JOB_PREFIX + "id", node_id=True),
        "title": Leaf(JOB_PREFIX + "title"),
        "description": Leaf(JOB_PREFIX + "description"),
        "location": Leaf(JOB_PREFIX + "location"),
        "companyApplyUrl": Leaf(JOB_PREFIX + "company_apply_url"),
        "state": Leaf(JOB_PREFIX + "state", before=lambda state: JobState(state.value)),
        "availability": Leaf(
            JOB_PREFIX + "availability", before=lambda availability: JobAvailability(availability.value)
        ),
        "createdAt": Leaf(JOB_PREFIX + "created_at"),
        "updatedAt": Leaf(JOB_PREFIX + "updated_at"),
    },
    APPLICATION_COLUMNS,
)
_APPLICATION = Shape(
    "Application",
    {
        "id": Leaf("id", node_id=True),
        "status": Leaf("status"),
        "source": Leaf("source"),
        "createdAt": Leaf("created_at"),
        "lastActivityAt": Leaf("last_activity_at"),
        # `job` reads the job loader, primed with these very columns.
        "job": Child(None, _JOB, asynchronous=True),
    },
    APPLICATION_COLUMNS,
)
_CANDIDATE = Shape(
    "Candidate",
    {
        "id": Leaf("id", node_id=True),
        "firstName": Leaf("first_name"),
        "lastName": Leaf("last_name"),
        "email": Leaf("email"),
        "phone": Leaf("phone"),
        "title": Leaf("title"),
        "company": Leaf("company"),
        "mailingCity": Leaf("mailing_city"),
        "source": Leaf("source", before=lambda source: CandidateSource(source.value)),
        "doNotContact": Leaf("do_not_contact"),
        "createdAt": Leaf("created_at"),
        "updatedAt": Leaf("updated_at"),
        "linkedinProfilePurgedAt": Leaf("linkedin_profile_purged_at"),
    },
    IDENTITY_COLUMNS,
)
MEMBER_SHAPE = Shape(
    "LinkedInMember",
    {
        "personUrn": Leaf("person_urn"),
        "profileUrl": Leaf("profile_url"),
        "error": Leaf("error"),
        "inAts": Leaf("in_ats"),
        "pastApplicant": Leaf("past_applicant"),
        "candidate": Child("candidate", _CANDIDATE),
        "applications": Child("applications", _APPLICATION),
    },
)


@strawberry.type
class EnrichmentQuery:
    @strawberry.field(
        description=(
            f"For up to {MAX_MEMBERS} LinkedIn members (personUrns and profileUrls together), whether "
            "each is in the ATS, its candidate, and its applications. One entry per member asked, in the "
            "order asked: person URNs first, then profile URLs. A malformed URN (not "
            "`urn:li:person:<id>`) or URL (not a linkedin.com/in/ profile) gets its own entry with "
            "`error` set and `inAts: false`, so one bad value never fails the page; an unknown member "
            f"is `inAts: false`. More than {MAX_MEMBERS} members is a BAD_USER_INPUT error for the "
            "whole query. Profile URLs match whatever their scheme, `www.`, trailing slash or query."
        )
    )
    async def linkedin_members(
        self,
        info: Info,
        person_urns: Annotated[
            list[str] | None, strawberry.argument(description="Person URNs, e.g. `urn:li:person:AbC123`.")
        ] = None,
        profile_urls: Annotated[
            list[str] | None,
            strawberry.argument(description="Profile URLs, e.g. `https://www.linkedin.com/in/ada-lovelace`."),
        ] = None,
    ) -> list[LinkedInMember]:
        members = await enrich_members(
            info.context.services.sessions,
            info.context.tenant.id,
            person_urns or [],
            profile_urls or [],
            sight=info.context.job_sight,
        )
        job_by_id = info.context.loaders.job_by_id

        def objects() -> list[LinkedInMember]:
            # The jobs came with the applications: hand them to the loader so `job` costs no statement.
            for member in members:
                for row in member.applications:
                    job_by_id.prime(row.job_id, job_of(row))
            return [LinkedInMember.from_enrichment(member) for member in members]

        return answer(info, members, MEMBER_SHAPE, objects)

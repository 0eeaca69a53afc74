"""The LinkedIn Profile tab: who the candidate is on LinkedIn, LinkedIn's matches, and the widget."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from graph.described import described
from resolvers import profile_view


@strawberry.enum(description="How the candidate was linked to a LinkedIn member.")
class MatchSource(enum.Enum):
    MANUAL = described(
        "MANUAL",
        "A person linked them (linkLinkedInMember, or LinkedIn's manual match in the plugin).",
    )
    EXPORT = described(
        "EXPORT",
        "A One-Click Export named the member.",
    )
    STUB = described(
        "STUB",
        "An InMail reply's mail stub named the member.",
    )
    ALGORITHMIC = described(
        "ALGORITHMIC",
        "LinkedIn's matching found the member (names, email).",
    )


@strawberry.enum(description="Why LinkedIn could not give fresh data (the LinkedIn values of UserErrorCode).")
class LinkedInErrorCode(enum.Enum):
    LINKEDIN_UNAVAILABLE = strawberry.enum_value(
        "LINKEDIN_UNAVAILABLE", description="LinkedIn failed, did not answer in time or could not be reached."
    )
    LINKEDIN_AUTH_FAILED = strawberry.enum_value(
        "LINKEDIN_AUTH_FAILED",
        description="LinkedIn refused the customer's credentials or access; it stays so until they change.",
    )
    LINKEDIN_RATE_LIMITED = strawberry.enum_value(
        "LINKEDIN_RATE_LIMITED", description="LinkedIn is rate-limiting the customer for now."
    )


@strawberry.type(description="How current LinkedIn-backed data is.")
class Freshness:
    fetched_at: datetime | None = strawberry.field(
        description="When LinkedIn last answered for this data (null if it never has)."
    )
    stale: bool = strawberry.field(
        description="True when LinkedIn could not be asked now and the data is the last snapshot."
    )
    error: str | None = strawberry.field(description="Why the data is stale, for a person.")
    error_code: LinkedInErrorCode | None = strawberry.field(
        description="Why the data is stale, for a program; null when no LinkedIn failure is the reason."
    )

    @classmethod
    def from_view(cls, view: profile_view.Freshness) -> Freshness:
        """The GraphQL view of a freshness record."""
        code = LinkedInErrorCode(view.error_code.value) if view.error_code is not None else None
        return cls(fetched_at=view.fetched_at, stale=view.stale, error=view.error, error_code=code)


@strawberry.enum(description="Why LinkedIn's profile plugin cannot show a candidate.")
class ProfileWidgetUnavailableCode(enum.Enum):
    NOT_ELIGIBLE = strawberry.enum_value(
        "NOT_ELIGIBLE",
        description="The candidate lacks what LinkedIn needs (first name, last name, email), so it is never "
        "synced (`syncEligibility.missing` names what).",
    )
    NOT_SYNCED = strawberry.enum_value(
        "NOT_SYNCED", description="LinkedIn does not have the candidate yet: the sync has not sent it."
    )


@strawberry.type(
    description="What the frontend needs to embed LinkedIn's profile plugin as LinkedIn documents it: "
    "`<script src=scriptUrl>` whose body is `api_key: <apiKey>` and `extensions: <extension>` on two lines, "
    'then `<script type="IN/HcmWidget" data-widget-type=widgetType data-ats-candidate-id=atsCandidateId '
    "data-integration-context=integrationContext data-onlink=… data-onunlink=…>`. Against the sandbox "
    "the same configuration loads the sandbox's offline plugin."
)
class ProfileWidget:
    api_key: str = strawberry.field(description="The customer app's client id (`api_key` of in.js).")
    integration_context: str = strawberry.field(
        description="The organization URN (`data-integration-context`)."
    )
    ats_candidate_id: str = strawberry.field(
        description="The candidate's id as synced to LinkedIn (`data-ats-candidate-id`)."
    )
    script_url: str = strawberry.field(description="LinkedIn's in.js script URL (the `src` to load).")
    extension: str = strawberry.field(
        description="in.js's `extensions:` value, the HcmWidget extension: `HcmWidget@<url>`."
    )
    widget_type: str = strawberry.field(description="The tag's `data-widget-type`: `ATS`.")
    available: bool = strawberry.field(
        description="Whether the plugin can show the candidate: LinkedIn finds it only once synced."
    )
    unavailable_reason: str | None = strawberry.field(
        description="Why the plugin cannot show the candidate, for a person; null when `available`."
    )
    unavailable_code: ProfileWidgetUnavailableCode | None = strawberry.field(
        description="Why the plugin cannot show the candidate, for a program; null when `available`."
    )


@strawberry.type(description="The candidate as LinkedIn knows them; LinkedIn-backed fields carry freshness.")
class LinkedInProfile:
    person_urn: str | None = strawberry.field(
        description="The LinkedIn member the candidate is, or LinkedIn's best match (null if unknown)."
    )
    profile_url: str | None = strawberry.field(description="The member's public profile URL, if known.")
    match_source: MatchSource | None = strawberry.field(description="How the member was linked.")
    matched_at: datetime | None = strawberry.field(description="When the ATS linked the member.")
    algorithmic_matches: list[str] = strawberry.field(
        description="The members LinkedIn matches algorithmically (person URNs), best first."
    )
    manual_match: str | None = strawberry.field(
        description="The member a user linked by hand on LinkedIn (manualMatchedMember)."
    )
    view_in_recruiter_url: str | None = strawberry.field(
        description="Where LinkedIn Recruiter shows the member."
    )
    widget: ProfileWidget = strawberry.field(description="How to embed LinkedIn's profile widget.")
    freshness: Freshness = strawberry.field(description="How current the LinkedIn matches are.")

    @classmethod
    def from_view(cls, view: profile_view.ProfileView) -> LinkedInProfile:
        """The GraphQL view of the merged profile."""
        widget = view.widget
        return cls(
            person_urn=view.person_urn,
            profile_url=view.profile_url,
            match_source=MatchSource(view.match_source.value) if view.match_source else None,
            matched_at=view.matched_at,
            algorithmic_matches=view.algorithmic_matches,
            manual_match=view.manual_match,
            view_in_recruiter_url=view.view_in_recruiter_url,
            widget=ProfileWidget(
                api_key=widget.api_key,
                integration_context=widget.integration_context,
                ats_candidate_id=widget.ats_candidate_id,
                script_url=widget.script_url,
                extension=widget.extension,
                widget_type=widget.widget_type,
                available=widget.available,
                unavailable_reason=widget.unavailable_reason,
                unavailable_code=(
                    ProfileWidgetUnavailableCode(widget.unavailable_code.value)
                    if widget.unavailable_code is not None
                    else None
                ),
            ),
            freshness=Freshness.from_view(view.freshness),
        )

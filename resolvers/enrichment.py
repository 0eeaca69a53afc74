"""Search enrichment: which of up to 1,000 LinkedIn members are in the ATS, and what they applied to."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from models import identity_lookups as queries
from models.db import SessionFactory
from models.identity_lookups import APPLICATION_COLUMNS, IDENTITY_COLUMNS, ApplicationRow, IdentityRow
from models.job_sight import JobSight
from models.profile_urls import name_key, profile_name, spelling_of, spelling_rank
from resolvers.errors import InvalidInput

MAX_MEMBERS = 1000

_PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]{1,100}$")
# Where the rows hold what is read here (by position: cheaper than by attribute).
_URN, _URL, _URL_KEY, _CANDIDATE_ID = (
    IDENTITY_COLUMNS.index(name) for name in ("person_urn", "profile_url", "profile_url_key", "id")
)
_APPLICANT = APPLICATION_COLUMNS.index("candidate_id")


@dataclass(slots=True)
class MemberEnrichment:
    """What the ATS knows about one member asked for; `error` says why an entry could not be looked up."""

    person_urn: str | None = None
    profile_url: str | None = None
    error: str | None = None
    # The matched identity with its candidate's columns (models/identity_lookups.py).
    candidate: IdentityRow | None = None
    # Each with its job's columns.
    applications: list[ApplicationRow] = field(default_factory=list)

    @property
    def in_ats(self) -> bool:
        """The member is a candidate in the ATS (whatever ACLs hide of its applications: the candidate
        is visible, as LinkedIn's In-ATS shows the candidate and hides only secured applications)."""
        return self.candidate is not None

    @property
    def past_applicant(self) -> bool:
        """The member has applied to one of the ATS's jobs the viewer may see (whatever became of it);
        an application hidden by ACL does not make the member a past applicant, so the flag never
        reveals what `applications` hides."""
        return bool(self.applications)


def check_request_size(person_urns: Sequence[str], profile_urls: Sequence[str]) -> None:
    """Refuse more than MAX_MEMBERS members in one request."""
    asked = len(person_urns) + len(profile_urls)
    if asked > MAX_MEMBERS:
        raise InvalidInput(
            f"At most {MAX_MEMBERS} members per query (personUrns and profileUrls together); "
            f"{asked} were asked",
            field="personUrns" if person_urns else "profileUrls",
        )


async def enrich_members(
    sessions: SessionFactory,
    customer_id: int,
    person_urns: Sequence[str],
    profile_urls: Sequence[str],
    *,
    sight: JobSight,
) -> list[MemberEnrichment]:
    """One answer per member asked, person URNs first then profile URLs, in the order asked: what the
    customer's ATS knows of each (another customer's candidates are not in this ATS).

    Two SQL statements whatever the count: identities with candidates, then the applications (on jobs
    `sight` sees) with their jobs.
    """
    check_request_size(person_urns, profile_urls)
    by_urn = [_urn_entry(urn) for urn in person_urns]
    # Each URL's name as spelled (None: not a profile URL), read once.
    names = [profile_name(url) for url in profile_urls]
    by_url = [_url_entry(url, name) for url, name in zip(profile_urls, names, strict=True)]
    urns = list(dict.fromkeys(e.person_urn.strip() for e in by_urn if e.error is None and e.person_urn))
    # One indexed key per profile asked (every spelling of a profile shares it), not eight spellings.
    keys = list(dict.fromkeys(name_key(name) for name in names if name is not None))
    if not urns and not keys:
        return [*by_urn, *by_url]

    async with sessions() as db:
        matched = await queries.identities_with_candidates(db, customer_id, urns, keys)
        candidate_ids = list(dict.fromkeys(row[_CANDIDATE_ID] for row in matched))
        applications = await queries.applications_with_jobs(db, customer_id, candidate_ids, sight=sight)

    candidate_by_urn = {row[_URN]: row for row in matched}
    # By key, each stored spelling (parsed once) with its candidate.
    stored_by_key: defaultdict[str, list[tuple[tuple[str, int], IdentityRow]]] = defaultdict(list)
    for row in matched:
        spelling = spelling_of(row[_URL])
        if spelling is not None and row[_URL_KEY] is not None:
            stored_by_key[row[_URL_KEY]].append((spelling, row))
    applications_of: defaultdict[int, list[ApplicationRow]] = defaultdict(list)
    for application in applications:
        applications_of[application[_APPLICANT]].append(application)

    for entry in by_urn:
        if entry.error is None and entry.person_urn is not None:
            entry.candidate = candidate_by_urn.get(entry.person_urn.strip())
    for entry, name in zip(by_url, names, strict=True):
        if name is not None:
            entry.candidate = _stored_match(name, stored_by_key.get(name_key(name), ()))
    for entry in (*by_urn, *by_url):
        if entry.candidate is not None:
            entry.applications = applications_of.get(entry.candidate[_CANDIDATE_ID], [])
    return [*by_urn, *by_url]


def _stored_match(name: str, stored: Sequence[tuple[tuple[str, int], IdentityRow]]) -> IdentityRow | None:
    # A stored spelling the URL asked may take (scheme, www, slash, name as asked or lower case), the
    # first in that order (`profile_url_spellings`): the key only narrows the rows read. Of two rows
    # with the same spelling the later one, as a mapping of spelling to row would keep.
    best: IdentityRow | None = None
    best_rank = 0
    for spelling, row in stored:
        rank = spelling_rank(name, spelling)
        if rank is not None and (best is None or rank <= best_rank):
            best, best_rank = row, rank
    return best


def _urn_entry(urn: str) -> MemberEnrichment:
    if _PERSON_URN.match(urn.strip()):
        return MemberEnrichment(person_urn=urn)
    return MemberEnrichment(person_urn=urn, error=f"Not a person URN (urn:li:person:<id>): {_shown(urn)}")


def _url_entry(url: str, name: str | None) -> MemberEnrichment:
    if name is not None:
        return MemberEnrichment(profile_url=url)
    return MemberEnrichment(
        profile_url=url,
        error=f"Not a LinkedIn profile URL (https://www.linkedin.com/in/<name>): {_shown(url)}",
    )


def _shown(value: str) -> str:
    # Quoted back in the answer; a huge value should not be repeated in full.
    return repr(value if len(value) <= 120 else value[:120] + "…")

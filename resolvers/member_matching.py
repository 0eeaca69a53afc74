"""Member ↔ candidate matching and merging: the one rule for what LinkedIn may write into a candidate.

A member's candidate is found among the customer's own candidates only (one member may be a candidate
of several customers, each with its own data): by person URN, then by email among candidates linked to
no member yet, then by profile URL; never by name. LinkedIn's member details then fill the candidate's
blank fields. Where LinkedIn disagrees with a value an ATS user set, the ATS value stays and LinkedIn's
is kept as a suggestion (one per candidate and field, the newest LinkedIn value winning) that a user
may accept.

Provenance: `linkedin_fill` keeps the value LinkedIn last wrote into each field. A field whose value is
still exactly that one is LinkedIn's, and a later LinkedIn value replaces it; any other value was set by
an ATS user (typed, accepted from a suggestion, or there before LinkedIn knew the candidate) and is
never overwritten. The rule needs no hook in the ATS's own writes: an edit shows by the value differing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import linkedin_identities as queries
from models.db import ReadSessions, SessionFactory
from models.linkedin_identities import FieldValue

# The profile-URL rule lives in models (the stored key is computed there); re-exported for callers.
from models.profile_urls import normalise_profile_url as normalise_profile_url
from models.profile_urls import profile_url_spellings as profile_url_spellings
from resolvers.ats_writes.candidates import update_candidate
from resolvers.ats_writes.common import camel
from resolvers.ats_writes.validation import InvalidFields
from resolvers.errors import DomainError, InvalidInput, NotFound

log = logging.getLogger("rscgraph.member_matching")

# The candidate attributes a member's shared details fill, in the order the API lists them.
MEMBER_FIELDS = ("first_name", "last_name", "email", "phone", "title", "mailing_city")
# The API's names of those fields (`mailingCity`), which suggestions are named by.
API_FIELDS = {camel(attr): attr for attr in MEMBER_FIELDS}
_LENGTHS = queries.candidate_field_lengths()


def normalise_email(value: str | None) -> str | None:
    """The email trimmed and lower-cased, as the ATS stores and matches it; None when blank."""
    text = (value or "").strip().lower()
    return text or None


@dataclass(frozen=True, slots=True)
class MemberDetails:
    """What one LinkedIn record (a mail stub, an export) says about a member, ready to merge."""

    member_urn: str
    profile_url: str | None
    source: models.LinkedInSource
    at: datetime
    # Candidate attribute → trimmed value; fields the member did not share are absent.
    values: dict[str, str]

    @property
    def email(self) -> str | None:
        """The member's email, lower-cased."""
        return self.values.get("email")


def member_details(
    *,
    member_urn: str,
    profile_url: str | None,
    source: models.LinkedInSource,
    at: datetime,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None,
    title: str | None,
    city: str | None,
) -> MemberDetails:
    """The details shared, trimmed (the email lower-cased); a blank one, or one no column holds, left out."""
    given = {
        "first_name": first_name,
        "last_name": last_name,
        "email": normalise_email(email),
        "phone": phone,
        "title": title,
        "mailing_city": city,
    }
    values: dict[str, str] = {}
    for attr, value in given.items():
        text = (value or "").strip()
        if not text:
            continue
        if len(text) > _LENGTHS[attr]:
            # Truncating would store a value nobody entered; leaving it out keeps what the ATS has.
            log.warning("LinkedIn's %s for %s is %d characters; not used", attr, member_urn, len(text))
            continue
        values[attr] = text
    return MemberDetails(member_urn, profile_url, source, at, values)


@dataclass(frozen=True, slots=True)
class Match:
    """The member's existing candidate, the identity it was found through, and why it matched."""

    candidate: models.Candidate | None
    identity: models.LinkedInIdentity | None
    reason: str | None


async def find_candidate(db: AsyncSession, customer_id: int, details: MemberDetails) -> Match:
    """The member's candidate in the customer's ATS: by person URN, then email (unlinked candidates,
    oldest first), then profile URL; never by name. No match is `Match(None, None, None)`."""
    urn = details.member_urn
    linked = await queries.candidate_with_identity(db, customer_id, urn)
    if linked is not None:
        return Match(linked[0], linked[1], f"person URN {urn} already linked")
    if details.email:
        by_email = await queries.oldest_unlinked_candidate_by_email(db, customer_id, details.email)
        if by_email is not None:
            return Match(by_email, None, f"email {details.email}")
    canonical = normalise_profile_url(details.profile_url or "")
    spellings = profile_url_spellings(canonical) if canonical else []
    by_url = await queries.identity_by_profile_urls(db, customer_id, spellings)
    if by_url is not None:
        candidate = await queries.candidate(db, customer_id, by_url.candidate_id)
        return Match(candidate, by_url, f"profile URL {details.profile_url}")
    return Match(None, None, None)


@dataclass(frozen=True, slots=True)
class MemberOutcome:
    """The member's candidate after a merge: created, or matched with the fields LinkedIn changed."""

    candidate: models.Candidate
    created: bool
    changed: list[str]
    reason: str
    # The member was newly linked to the candidate (created, or matched by email).
    linked: bool


async def apply_member(
    db: AsyncSession,
    customer_id: int,
    details: MemberDetails,
    *,
    candidate_source: models.CandidateSource,
    match_source: models.MatchSource,
    label: str,
) -> MemberOutcome:
    """Find or create the member's candidate of the customer, merge the details into it and link the
    member, inside the caller's transaction (the caller enqueues what changed). `label` names the
    LinkedIn record."""
    found = await find_candidate(db, customer_id, details)
    if found.candidate is None:
        candidate = await _create(db, customer_id, details, candidate_source)
        reason = "no candidate matched the person URN, email or profile URL: created"
        await _link(db, candidate, None, details, match_source, f"{label}: {reason}")
        return MemberOutcome(candidate, True, list(details.values), reason, linked=True)
    assert found.reason is not None
    changed = await merge_details(db, found.candidate, details)
    await _link(db, found.candidate, found.identity, details, match_source, f"{label}: {found.reason}")
    linked = found.identity is None
    return MemberOutcome(found.candidate, False, changed, found.reason, linked=linked)


async def _create(
    db: AsyncSession, customer_id: int, details: MemberDetails, source: models.CandidateSource
) -> models.Candidate:
    candidate = models.Candidate(customer_id=customer_id, source=source)
    for attr, value in details.values.items():
        setattr(candidate, attr, value)
    db.add(candidate)
    await db.flush()
    for attr, value in details.values.items():
        value_at = FieldValue(value, details.source, details.at)
        await queries.save_fill(db, customer_id, _id(candidate), attr, value_at)
    return candidate


async def merge_details(db: AsyncSession, candidate: models.Candidate, details: MemberDetails) -> list[str]:
    """Apply LinkedIn's values to an existing candidate by the module's rule; the attributes changed.

    Per field: equal to the candidate's value → the field's suggestion goes; blank, or still the value
    LinkedIn filled → LinkedIn's value is written (and recorded as filled); anything else → suggested.
    A record older than what LinkedIn already wrote or suggested for the field changes nothing there:
    records may arrive newest first (a first poll's history walks back), and order must not matter.
    """
    candidate_id, customer_id = _id(candidate), candidate.customer_id
    fills = await queries.fills_of(db, customer_id, candidate_id)
    suggestions = await queries.suggestions_of(db, customer_id, candidate_id)
    offered_at = details.at
    changed: list[str] = []
    for attr, value in details.values.items():
        current = getattr(candidate, attr)
        fill, suggestion = fills.get(attr), suggestions.get(attr)
        superseded = suggestion is not None and suggestion.at > offered_at
        if current == value:
            if suggestion is not None and not superseded:
                await queries.delete_suggestion(db, customer_id, candidate_id, attr)
            continue
        linkedin_owned = fill is not None and fill.value == current
        if not current or linkedin_owned:
            if linkedin_owned and fill is not None and fill.at > offered_at:
                continue  # an older record than the one that wrote the field
            setattr(candidate, attr, value)
            await queries.save_fill(
                db, customer_id, candidate_id, attr, FieldValue(value, details.source, offered_at)
            )
            if suggestion is not None and not superseded:
                await queries.delete_suggestion(db, customer_id, candidate_id, attr)
            changed.append(attr)
        elif fill is not None and fill.at > offered_at:
            # An ATS user changed what a newer record wrote: this older value (the poll's history walks
            # back, newest first) is no news to suggest.
            continue
        else:
            offered = FieldValue(value, details.source, offered_at)
            await queries.save_suggestion(db, customer_id, candidate_id, attr, offered)
    if changed:
        candidate.updated_at = models.utcnow()
        await db.flush()
    return changed


async def _link(
    db: AsyncSession,
    candidate: models.Candidate,
    identity: models.LinkedInIdentity | None,
    details: MemberDetails,
    match_source: models.MatchSource,
    reason: str,
) -> None:
    """Record which member the candidate is; an identity found by profile URL takes LinkedIn's URN."""
    if identity is None:
        db.add(
            models.LinkedInIdentity(
                customer_id=candidate.customer_id,
                candidate_id=_id(candidate),
                person_urn=details.member_urn,
                profile_url=details.profile_url,
                match_source=match_source,
                match_reason=reason[:200],
                matched_at=models.utcnow(),
            )
        )
        log.info("linked candidate %s to %s (%s)", candidate.id, details.member_urn, reason)
    else:
        if identity.person_urn != details.member_urn:
            # Matched by profile URL under another URN spelling: LinkedIn's record is authoritative.
            identity.person_urn = details.member_urn
            identity.match_source = match_source
            identity.match_reason = reason[:200]
        if identity.profile_url is None and details.profile_url:
            identity.profile_url = details.profile_url
    await db.flush()


def _id(candidate: models.Candidate) -> int:
    assert candidate.id is not None, "flushed candidates have ids"
    return candidate.id


# --- suggestions ----------------------------------------------------------------------------------


async def suggestions_by_candidate_ids(
    sessions: ReadSessions, customer_id: int, candidate_ids: Sequence[int]
) -> list[list[models.LinkedInSuggestion]]:
    """Each candidate's LinkedIn suggestions in field order, in key order (a DataLoader batch)."""
    async with sessions() as db:
        grouped = await queries.suggestions_by_candidate_ids(db, customer_id, candidate_ids)
    order = {attr: i for i, attr in enumerate(MEMBER_FIELDS)}
    return [sorted(grouped.get(i, []), key=lambda s: order.get(s.field, len(order))) for i in candidate_ids]


def still_suggested(candidate: models.Candidate, suggestion: models.LinkedInSuggestion) -> bool:
    """False once the candidate holds the suggested value (an accept whose clean-up has not run)."""
    return bool(getattr(candidate, suggestion.field, None) != suggestion.value)


async def accept_suggestion(
    sessions: SessionFactory, customer_id: int, candidate_id: int, field: str
) -> models.Candidate:
    """Write the field's LinkedIn suggestion as an ATS user's update (outbox included), then drop it.

    `field` is the API's name (`title`, `mailingCity`). Unknown field: INVALID; unknown candidate or
    no suggestion for the field: NOT_FOUND; a value the ATS refuses: the update's own error.
    """
    attr = API_FIELDS.get(field)
    if attr is None:
        raise InvalidInput(
            f"LinkedIn suggests only {', '.join(API_FIELDS)}; not {_shown(field)}", field="field"
        )
    async with sessions() as db:
        if await queries.candidate(db, customer_id, candidate_id) is None:
            raise NotFound("No candidate has this id", field="candidateId")
        suggestion = await queries.suggestion(db, customer_id, candidate_id, attr)
    if suggestion is None:
        raise NotFound(f"LinkedIn suggests nothing for {field} on this candidate", field="field")
    value = suggestion.value

    async def settle(db: AsyncSession) -> None:
        # In the update's transaction. Guarded by value, so a newer suggestion that arrived meanwhile stays.
        await queries.delete_suggestion(db, customer_id, candidate_id, attr, value)
        # Accepted by a user, the value is theirs now: LinkedIn suggests, no longer overwrites.
        await queries.delete_fill(db, customer_id, candidate_id, attr)

    try:
        return await update_candidate(sessions, customer_id, candidate_id, {attr: value}, also=settle)
    except DomainError as error:
        raise _named_for_input(error) from None


def _named_for_input(error: DomainError) -> DomainError:
    """The update's error with its field renamed to this input's (`candidateId` or `field`)."""
    for each in error.errors if isinstance(error, InvalidFields) else [error]:
        each.field = "candidateId" if each.field == "id" else "field"
    error.field = "candidateId" if error.field == "id" else "field"
    return error


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:60] + "…")

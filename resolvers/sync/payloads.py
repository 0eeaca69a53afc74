"""ATS rows → LinkedIn request bodies, through the `linkedin.wire` builders only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from linkedin import wire
from models import ApplicationStage, Candidate, InterviewFeedback, Job, JobAvailability, JobState, Note
from models.sync_source_queries import ApplicationSource, CandidateSource
from resolvers.sync.config import SyncConfig

Body = dict[str, Any]


def missing_fields(candidate: Candidate) -> list[str]:
    """The empty attributes that keep a candidate from being sent (LinkedIn needs names and email)."""
    wanted = ("first_name", "last_name", "email")
    return [attr for attr in wanted if not ((value := getattr(candidate, attr)) and value.strip())]


def skip_reason(candidate: Candidate) -> str | None:
    """`missing email` (etc.) when the candidate cannot be sent, else None."""
    missing = [attr.replace("_", " ") for attr in missing_fields(candidate)]
    return f"missing {', '.join(missing)}" if missing else None


def _modified(created: datetime, modified: datetime) -> datetime:
    # LinkedIn refuses atsLastModifiedAt < atsCreatedAt.
    return max(created, modified)


def candidate_body(source: CandidateSource, config: SyncConfig) -> Body:
    """An atsCandidate (§3.1); call only for candidates without a `skip_reason`."""
    c = source.candidate
    return wire.candidate_to_wire(
        first_name=c.first_name or "",
        last_name=c.last_name or "",
        email_addresses=[c.email] if c.email else [],
        created_at=c.created_at,
        last_modified_at=_modified(c.created_at, c.updated_at),
        external_profile_url=config.candidate_url_template.format(id=c.id),
        phone_numbers=[c.phone] if c.phone else [],
        addresses=[wire.address_to_wire(city=c.mailing_city)] if c.mailing_city else [],
        current_company_name=c.company,
        current_job_title=c.title,
        linkedin_profile_url=source.linkedin_profile_url,
        do_not_contact=c.do_not_contact,
        manual_matched_member=source.manual_matched_member,
    )


def job_body(job: Job, config: SyncConfig, org_urn: str, *, first_push: bool) -> Body:
    """A simpleJobPostings element (§2.4); closed jobs are sent too, as CLOSED."""
    closed = job.state is JobState.CLOSED
    operation = "CREATE" if first_push else "CLOSE" if closed else "UPDATE"
    return wire.job_to_wire(
        external_job_posting_id=str(job.id),
        integration_context=org_urn,
        title=job.title,
        description=job.description,
        company_apply_url=job.company_apply_url or config.job_url_template.format(id=job.id),
        listed_at=job.created_at,
        closed=closed,
        location=job.location,
        public=job.availability is JobAvailability.PUBLIC,
        operation=operation,
    )


def application_body(source: ApplicationSource) -> Body:
    """An atsApplication (§3.3); call only when the candidate has no `skip_reason`."""
    a, c, j = source.application, source.candidate, source.job
    return wire.application_to_wire(
        ats_candidate_id=str(c.id),
        ats_job_posting_id=str(j.id),
        ats_job_posting_name=j.title,
        candidate_email=c.email or "",
        first_name=c.first_name or "",
        last_name=c.last_name or "",
        created_at=a.created_at,
        last_modified_at=_modified(a.created_at, a.last_activity_at),
        source=a.source,
    )


def author_names(author: str) -> tuple[str, str]:
    """First and last name of a free-text author ("Ada King Lovelace" → "Ada", "King Lovelace").

    LinkedIn requires both; a one-word author is used for both rather than inventing a name.
    """
    parts = author.split()
    if not parts:
        return "ATS", "ATS"
    if len(parts) == 1:
        return parts[0], parts[0]
    return parts[0], " ".join(parts[1:])


def note_body(note: Note) -> Body:
    """A candidate or application note (§2.6, §2.7)."""
    first, last = author_names(note.author)
    return wire.note_to_wire(
        created_at=note.created_at, note=note.body, author_first_name=first, author_last_name=last
    )


def stage_body(stage: ApplicationStage) -> Body:
    """An application stage (§2.7): when and which."""
    return wire.stage_to_wire(created_at=stage.at, stage=stage.stage)


def feedback_body(row: InterviewFeedback) -> Body:
    """Interview feedback on an application (§2.7)."""
    return wire.feedback_to_wire(
        created_at=row.created_at,
        interviewer_first_name=row.interviewer_first_name,
        interviewer_last_name=row.interviewer_last_name,
        evaluations=[{"attribute": str(e["attribute"]), "result": str(e["result"])} for e in row.evaluations],
        feedback=row.feedback,
        interview_type=row.interview_type.value if row.interview_type is not None else None,
    )


def closed_job_body(job_id: int, key: dict[str, Any], org_urn: str, config: SyncConfig) -> Body | None:
    """The CLOSE of a deleted job, from its outbox key (`resolvers.ats_writes.jobs.closing_key`); None
    when the key lacks what LinkedIn needs."""
    title, listed_at = key.get("title"), key.get("listed_at")
    if not isinstance(title, str) or not isinstance(listed_at, str):
        return None
    location = key.get("location")
    apply_url = key.get("company_apply_url")
    if not isinstance(apply_url, str):
        apply_url = config.job_url_template.format(id=job_id)
    return wire.job_to_wire(
        external_job_posting_id=str(job_id),
        integration_context=org_urn,
        title=title,
        description=str(key.get("description") or ""),
        company_apply_url=apply_url
        if isinstance(apply_url, str)
        else config.job_url_template.format(id=job_id),
        listed_at=datetime.fromisoformat(listed_at),
        closed=True,
        location=location if isinstance(location, str) else None,
        public=key.get("public") is True,
        operation="CLOSE",
    )

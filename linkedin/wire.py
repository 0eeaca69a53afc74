"""The only module that reads or writes LinkedIn JSON shapes (linkedin/WIRE.md): [I] lives here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from linkedin.errors import LinkedInMalformedResponse
from linkedin.records import (
    AtsIntegration,
    BatchItemError,
    BatchResult,
    CandidateMatch,
    ConversationEvent,
    ExportedCandidate,
    IntegrationType,
    JobPostingTask,
    JobPostingTaskStatus,
    MailStub,
    ProspectNote,
    ProvisionedApplication,
    PurgedExportedCandidate,
    Seat,
    TokenIntrospection,
    Visibility,
)

log = logging.getLogger("rscgraph.linkedin.wire")

DATA_PROVIDER = "ATS"
JSON = dict[str, Any]


# --- time -------------------------------------------------------------------------------------------


def to_epoch_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (LinkedIn's timestamps); naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: LinkedIn times are UTC, pass an aware datetime")
    return int(moment.timestamp() * 1000)


def from_epoch_ms(ms: int) -> datetime:
    """Aware UTC datetime of epoch milliseconds."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


# --- keys ([I] beyond what §2.0 shows) -----------------------------------------------------------------


def candidate_key(ats_candidate_id: str, org_urn: str) -> dict[str, str]:
    """The compound key of an atsCandidate."""
    return {"atsCandidateId": ats_candidate_id, "dataProvider": DATA_PROVIDER, "integrationContext": org_urn}


def application_key(ats_application_id: str, org_urn: str, *, versioned: bool) -> dict[str, str]:
    """The compound key of an atsApplication; the versioned /rest surface drops dataProvider."""
    if versioned:
        return {"atsJobApplicationId": ats_application_id, "integrationContext": org_urn}
    return {
        "atsJobApplicationId": ats_application_id,
        "dataProvider": DATA_PROVIDER,
        "integrationContext": org_urn,
    }


def integration_key(org_urn: str, integration_type: str) -> dict[str, str]:
    """The compound key of an atsIntegration."""
    return {
        "integrationContext": org_urn,
        "integrationType": integration_type,
        "tenantType": "RECRUITER",
        "dataProvider": DATA_PROVIDER,
    }


# --- ACLs (§2.8: keys [V-pm]; finder element fields [I]) -------------------------------------------

JOB_POSTING_ENTITY = "JOB_POSTING"
ACL_ID_FIELD = "atsEntityAclId"
ACL_ENTITY_ID_FIELD = "atsEntityId"
ACL_ASSIGNEE_FIELD = "assignee"


def entity_acl_key(acl_id: str, org_urn: str, job_posting_id: str) -> dict[str, str]:
    """The compound key of an atsEntityAcl: a group (`acl_id`) securing one job posting."""
    return {
        ACL_ID_FIELD: acl_id,
        "dataProvider": DATA_PROVIDER,
        "integrationContext": org_urn,
        ACL_ENTITY_ID_FIELD: job_posting_id,
        "atsEntityType": JOB_POSTING_ENTITY,
    }


def acl_assignee_key(acl_id: str, org_urn: str, person_urn: str) -> dict[str, str]:
    """The compound key of an atsEntityAclAssignee: a member assigned to a group for job postings."""
    return {
        ACL_ID_FIELD: acl_id,
        "integrationContext": org_urn,
        "dataProvider": DATA_PROVIDER,
        ACL_ASSIGNEE_FIELD: person_urn,
        "atsEntityType": JOB_POSTING_ENTITY,
    }


def entity_acls_criteria(org_urn: str, job_posting_id: str) -> list[tuple[str, str]]:
    """The `q=criteria` params that list the ACLs of one job posting."""
    return [
        ("q", "criteria"),
        (ACL_ENTITY_ID_FIELD, job_posting_id),
        ("atsEntityType", JOB_POSTING_ENTITY),
        ("dataProvider", DATA_PROVIDER),
        ("integrationContext", org_urn),
    ]


def acl_assignees_criteria(org_urn: str, person_urn: str) -> list[tuple[str, str]]:
    """The `q=criteria` params that list one member's ACL assignments."""
    return [
        ("q", "criteria"),
        (ACL_ASSIGNEE_FIELD, person_urn),
        ("dataProvider", DATA_PROVIDER),
        ("integrationContext", org_urn),
    ]


def parse_acl_id(data: object, *, job_postings_only: bool = True) -> str | None:
    """The group id (`atsEntityAclId`) of an atsEntityAcl or atsEntityAclAssignee finder element [I];
    None for another entity type's."""
    d = _obj(data, "ACL element")
    entity_type = d.get("atsEntityType", JOB_POSTING_ENTITY)
    if job_postings_only and entity_type != JOB_POSTING_ENTITY:
        return None
    return _str(d, ACL_ID_FIELD, "ACL element")


CANDIDATE_ID_FIELD = "atsCandidateId"
APPLICATION_ID_FIELD = "atsJobApplicationId"
MATCH_FIELDS = "matchedMembers,manualMatchedMember"


# --- reading helpers ----------------------------------------------------------------------------------


def _malformed(what: str, name: str, data: object) -> LinkedInMalformedResponse:
    return LinkedInMalformedResponse(f"{what}: field {name!r} missing or ill-typed in {data!r:.300}")


def _obj(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise LinkedInMalformedResponse(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], name: str, what: str) -> str:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _malformed(what, name, data)
    return str(value)


def _opt_str(data: Mapping[str, Any], name: str, what: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _malformed(what, name, data)
    return value


def _bool(data: Mapping[str, Any], name: str, what: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise _malformed(what, name, data)
    return value


def _ms(value: object, name: str, what: str, data: object) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(what, name, data)
    return from_epoch_ms(value)


def _time(data: Mapping[str, Any], name: str, what: str) -> datetime:
    # LinkedIn audit stamps are {"time": ms}.
    stamp = data.get(name)
    if not isinstance(stamp, Mapping):
        raise _malformed(what, name, data)
    return _ms(stamp.get("time"), f"{name}.time", what, data)


def _str_list(data: Mapping[str, Any], name: str, what: str) -> tuple[str, ...]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _malformed(what, name, data)
    return tuple(value)


def elements(page: object) -> list[Mapping[str, Any]]:
    """The `elements` of a finder or batch-create answer."""
    body = _obj(page, "finder page")
    items = body.get("elements")
    if not isinstance(items, list) or not all(isinstance(e, Mapping) for e in items):
        raise _malformed("finder page", "elements", body)
    return items


# Visibility of InMails and prospect notes [I] (shared/linkedin-rsc.md §3.4-3.5: the values are LinkedIn's
# three choices, the field names are our proposal).
VISIBILITY_FIELD = "visibility"
PROJECT_FIELD = "project"
_VISIBILITIES = {v.value: v for v in Visibility}
# Unknown visibility values already logged: LinkedIn may add one, and a poll must not log it per item.
_unknown_visibilities: set[str] = set()


def _visibility(d: Mapping[str, Any], what: str) -> tuple[Visibility, str | None]:
    """An item's visibility and, when PROJECT, its project. Missing means PUBLIC (as every mirrored item
    was before visibility was read); an unknown value is treated as PRIVATE, the side that shows least."""
    raw = d.get(VISIBILITY_FIELD)
    if raw is None:
        return Visibility.PUBLIC, None
    known = _VISIBILITIES.get(raw) if isinstance(raw, str) else None
    if known is None:
        text = repr(raw)[:60]
        if text not in _unknown_visibilities:
            _unknown_visibilities.add(text)
            log.warning("%s: unknown visibility %s, treated as PRIVATE (logged once)", what, text)
        return Visibility.PRIVATE, None
    project = _opt_str(d, PROJECT_FIELD, what) if known is Visibility.PROJECT else None
    return known, project


# --- parsers -------------------------------------------------------------------------------------------


def parse_seat(data: object) -> Seat:
    """A seatsV2 element."""
    d = _obj(data, "seat")
    return Seat(
        urn=f"urn:li:seat:{_str(d, 'id', 'seat')}",
        contract_urn=_str(d, "contract", "seat"),
        seatholder_urn=_opt_str(d, "seatholder", "seat"),
        active=bool(d.get("active", True)),
        first_name=_opt_str(d, "firstName", "seat"),
        last_name=_opt_str(d, "lastName", "seat"),
    )


def parse_conversation_event(data: object) -> ConversationEvent:
    """A conversationEvents element."""
    what = "conversation event"
    d = _obj(data, what)
    visibility, project = _visibility(d, what)
    return ConversationEvent(
        id=_str(d, "id", what),
        conversation_urn=_str(d, "conversation", what),
        viewer_seat_urn=_str(d, "viewer", what),
        author_urn=_str(d, "author", what),
        recipient_urns=_str_list(d, "recipients", what),
        created_at=_time(d, "created", what),
        subject=_opt_str(d, "subject", what),
        body=_opt_str(d, "body", what),
        visibility=visibility,
        project_urn=project,
    )


def parse_prospect_note(data: object) -> ProspectNote:
    """A prospectNotes element."""
    what = "prospect note"
    d = _obj(data, what)
    visibility, project = _visibility(d, what)
    return ProspectNote(
        id=_str(d, "id", what),
        owner_seat_urn=_str(d, "owner", what),
        member_urn=_str(d, "member", what),
        body=_opt_str(d, "note", what) or "",
        active=_bool(d, "active", what),
        created_at=_time(d, "created", what),
        last_modified_at=_time(d, "lastModified", what),
        visibility=visibility,
        project_urn=project,
    )


def parse_mail_stub(data: object) -> MailStub:
    """A mailStubs element."""
    what = "mail stub"
    d = _obj(data, what)
    return MailStub(
        id=_str(d, "id", what),
        owner_seat_urn=_str(d, "owner", what),
        member_urn=_str(d, "member", what),
        first_name=_opt_str(d, "firstName", what),
        last_name=_opt_str(d, "lastName", what),
        email=_opt_str(d, "emailAddress", what),
        phone=_opt_str(d, "phoneNumber", what),
        title=_opt_str(d, "title", what),
        city=_opt_str(d, "city", what),
        profile_url=_opt_str(d, "profileUrl", what),
        created_at=_time(d, "created", what),
    )


def parse_candidate_match(ats_candidate_id: str, data: object) -> CandidateMatch:
    """One BATCH_GET result of atsCandidates with fields=matchedMembers,manualMatchedMember."""
    what = "candidate match"
    d = _obj(data, what)
    return CandidateMatch(
        ats_candidate_id=ats_candidate_id,
        matched_members=_str_list(d, "matchedMembers", what),
        manual_matched_member=_opt_str(d, "manualMatchedMember", what),
    )


def parse_exported_candidate(data: object) -> ExportedCandidate:
    """An exportedCandidates element."""
    what = "exported candidate"
    d = _obj(data, what)
    c = _obj(d.get("candidate"), what + ".candidate")
    exported_at = d.get("exportedAt")
    return ExportedCandidate(
        request_id=_str(d, "requestId", what),
        integration_context=_str(d, "integrationContext", what),
        external_job_posting_id=_opt_str(d, "externalJobPostingId", what),
        seat_urn=_opt_str(d, "seat", what),
        exported_at=None if exported_at is None else _ms(exported_at, "exportedAt", what, d),
        member_urn=_str(c, "member", what),
        first_name=_opt_str(c, "firstName", what),
        last_name=_opt_str(c, "lastName", what),
        email=_opt_str(c, "emailAddress", what),
        phone=_opt_str(c, "phoneNumber", what),
        headline=_opt_str(c, "headline", what),
        city=_opt_str(c, "city", what),
        profile_url=_opt_str(c, "profileUrl", what),
    )


# --- closed or purged exported profiles [I] --------------------------------------------------------------
# `GET /rest/atsPurgedExportedCandidates?q=integrationContext&integrationContext=<org URN>
#  &purgedAfter=<ms>&start=..&count=..` (the finder, its parameter names and the element are [I]; the
# endpoint's name and its 30-day duty are [V], shared/linkedin-rsc.md §6.3). Element:
# {"member": "urn:li:person:P", "integrationContext": "urn:li:organization:O", "reason": "CLOSED",
#  "purgedAt": ms}.
PURGED_RESOURCE = "atsPurgedExportedCandidates"
PURGED_FINDER = "integrationContext"
PURGED_AFTER_PARAM = "purgedAfter"


def purged_candidates_criteria(org_urn: str, purged_after: datetime | None) -> list[tuple[str, str]]:
    """The finder's parameters: the customer's organization, and optionally only purges after a time."""
    params = [("q", PURGED_FINDER), ("integrationContext", org_urn)]
    if purged_after is not None:
        params.append((PURGED_AFTER_PARAM, str(to_epoch_ms(purged_after))))
    return params


def parse_purged_exported_candidate(data: object) -> PurgedExportedCandidate:
    """An atsPurgedExportedCandidates element."""
    what = "purged exported candidate"
    d = _obj(data, what)
    return PurgedExportedCandidate(
        member_urn=_str(d, "member", what),
        integration_context=_str(d, "integrationContext", what),
        reason=_opt_str(d, "reason", what) or "PURGED",
        purged_at=_ms(d.get("purgedAt"), "purgedAt", what, d),
    )


def parse_token(data: object) -> tuple[str, float | None]:
    """The access token and its lifetime in seconds (None when LinkedIn does not say)."""
    d = _obj(data, "access token")
    token = d.get("access_token")
    if not isinstance(token, str) or not token:
        raise _malformed("access token", "access_token", d)
    expires_in = d.get("expires_in")
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float | None):
        raise _malformed("access token", "expires_in", d)
    return token, None if expires_in is None else float(expires_in)


def _seconds(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def parse_introspection(data: object) -> TokenIntrospection:
    """An introspectToken answer (its times are epoch seconds, not milliseconds)."""
    what = "token introspection"
    d = _obj(data, what)
    return TokenIntrospection(
        active=_bool(d, "active", what),
        status=_opt_str(d, "status", what),
        client_id=_opt_str(d, "client_id", what),
        authorized_at=_seconds(d.get("authorized_at")),
        created_at=_seconds(d.get("created_at")),
        expires_at=_seconds(d.get("expires_at")),
        scope=_opt_str(d, "scope", what),
        auth_type=_opt_str(d, "auth_type", what),
    )


def parse_item_error(data: object) -> BatchItemError:
    """One per-key error of a batch answer."""
    d = data if isinstance(data, Mapping) else {}
    status = d.get("status")
    code = d.get("serviceErrorCode")
    return BatchItemError(
        status=status if isinstance(status, int) and not isinstance(status, bool) else 0,
        message=str(d.get("message") or ""),
        service_error_code=code if isinstance(code, int) and not isinstance(code, bool) else None,
    )


def parse_batch_result(data: object, id_of: Callable[[str], str]) -> BatchResult:
    """A BATCH_UPDATE/PARTIAL_UPDATE/DELETE answer; `id_of` turns a wire key into our id."""
    results, errors = batch_get_maps({} if data is None else data, "batch result")
    succeeded: set[str] = set()
    failed: dict[str, BatchItemError] = {}
    for key, outcome in results.items():
        status = outcome.get("status") if isinstance(outcome, Mapping) else None
        if isinstance(status, int) and status >= 400:
            failed[id_of(key)] = parse_item_error(outcome)
        else:
            succeeded.add(id_of(key))
    for key, error in errors.items():
        failed[id_of(key)] = parse_item_error(error)
    return BatchResult(frozenset(succeeded - failed.keys()), failed)


def batch_get_maps(data: object, what: str = "batch get") -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The `results` and `errors` maps of a batch answer (BATCH_GET, or a batch write's)."""
    d = _obj(data, what)
    results = d.get("results") or {}
    errors = d.get("errors") or {}
    if not isinstance(results, Mapping) or not isinstance(errors, Mapping):
        raise _malformed(what, "results/errors", d)
    return results, errors


def parse_batch_create(data: object) -> list[str | BatchItemError]:
    """A BATCH_CREATE answer, in request order: the created id, or why that element failed."""
    out: list[str | BatchItemError] = []
    for element in elements(data):
        status = element.get("status")
        if isinstance(status, int) and status >= 400:
            out.append(parse_item_error(element))
        else:
            out.append(_str(element, "id", "batch create element"))
    return out


def parse_job_posting_task(task_id: str, data: object) -> JobPostingTask:
    """One simpleJobPostingTasks result."""
    what = "job posting task"
    d = _obj(data, what)
    try:
        status = JobPostingTaskStatus(_str(d, "status", what))
    except ValueError as exc:
        raise _malformed(what, "status", d) from exc
    job_id = d.get("jobPostingId")
    return JobPostingTask(
        task_id=task_id,
        status=status,
        job_posting_id=None if job_id is None else str(job_id),
        message=_opt_str(d, "message", what),
    )


# --- builders (request bodies) -------------------------------------------------------------------------


def _without_none(fields: Mapping[str, Any]) -> JSON:
    return {k: v for k, v in fields.items() if v is not None}


def address_to_wire(
    *,
    line1: str | None = None,
    line2: str | None = None,
    city: str | None = None,
    geographic_area: str | None = None,
    geographic_area_type: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
) -> JSON:
    """An atsCandidate Address (§3.1)."""
    return _without_none(
        {
            "line1": line1,
            "line2": line2,
            "city": city,
            "geographicArea": geographic_area,
            "geographicAreaType": geographic_area_type,
            "postalCode": postal_code,
            "country": country,
        }
    )


def candidate_to_wire(
    *,
    first_name: str,
    last_name: str,
    email_addresses: Sequence[str],
    created_at: datetime,
    last_modified_at: datetime,
    external_profile_url: str,
    phone_numbers: Sequence[str] = (),
    addresses: Sequence[JSON] = (),
    current_company_name: str | None = None,
    current_job_title: str | None = None,
    linkedin_profile_url: str | None = None,
    do_not_contact: bool | None = None,
    manual_matched_member: str | None = None,
) -> JSON:
    """An atsCandidate body for batch_update (§3.1); `addresses` and `phoneNumbers` are always sent.

    With `manual_matched_member` (a person URN) LinkedIn accepts a candidate without email addresses.
    """
    return _without_none(
        {
            "firstName": first_name,
            "lastName": last_name,
            # Omitted (not []) when empty and a member is attached: then LinkedIn needs no email.
            "emailAddresses": list(email_addresses) or (None if manual_matched_member else []),
            "phoneNumbers": [{"number": n} for n in phone_numbers],
            "addresses": list(addresses),
            "atsCreatedAt": to_epoch_ms(created_at),
            "atsLastModifiedAt": to_epoch_ms(last_modified_at),
            "externalProfileUrl": external_profile_url,
            "linkedInProfileUrl": linkedin_profile_url,
            "currentCompanyName": current_company_name,
            "currentJobTitle": current_job_title,
            "doNotContact": do_not_contact,
            "manualMatchedMember": manual_matched_member,
        }
    )


def job_to_wire(
    *,
    external_job_posting_id: str,
    integration_context: str,
    title: str,
    description: str,
    company_apply_url: str,
    listed_at: datetime,
    closed: bool = False,
    location: str | None = None,
    country_code: str | None = None,
    postal_code: str | None = None,
    public: bool = False,
    operation: str = "CREATE",
) -> JSON:
    """A simpleJobPostings element (§2.4); private to the ATS integration unless `public`."""
    return _without_none(
        {
            "integrationContext": integration_context,
            "externalJobPostingId": external_job_posting_id,
            "title": title,
            "description": description,
            "location": location,
            "countryCode": country_code,
            "postalCode": postal_code,
            "state": "CLOSED" if closed else "LISTED",
            "companyApplyUrl": company_apply_url,
            "listedAt": to_epoch_ms(listed_at),
            "availability": "PUBLIC" if public else "PRIVATE_TO_ATS_INTEGRATION",
            "jobPostingOperationType": operation,
        }
    )


def application_to_wire(
    *,
    ats_candidate_id: str,
    ats_job_posting_id: str,
    ats_job_posting_name: str,
    candidate_email: str,
    first_name: str,
    last_name: str,
    created_at: datetime,
    last_modified_at: datetime,
    source: str | None = None,
    disposition_reason: str | None = None,
) -> JSON:
    """An atsApplication body for batch_update (§3.3); PUT replaces, so every field is sent."""
    return {
        "atsCandidateId": ats_candidate_id,
        "atsJobPostingId": ats_job_posting_id,
        "atsJobPostingName": ats_job_posting_name,
        "candidateEmail": candidate_email,
        "firstName": first_name,
        "lastName": last_name,
        "atsCreatedAt": to_epoch_ms(created_at),
        "atsLastModifiedAt": to_epoch_ms(last_modified_at),
        "source": source,
        "dispositionReason": disposition_reason,
    }


def note_to_wire(*, created_at: datetime, note: str, author_first_name: str, author_last_name: str) -> JSON:
    """A candidate or application note body (§2.6)."""
    return {
        "atsCreatedAt": to_epoch_ms(created_at),
        "note": note,
        "author": {"firstName": author_first_name, "lastName": author_last_name},
    }


def stage_to_wire(*, created_at: datetime, stage: str) -> JSON:
    """An application stage body (§2.7)."""
    return {"atsCreatedAt": to_epoch_ms(created_at), "stage": stage}


def feedback_to_wire(
    *,
    created_at: datetime,
    interviewer_first_name: str,
    interviewer_last_name: str,
    evaluations: Sequence[Mapping[str, str]],
    feedback: str,
    interview_type: str | None,
) -> JSON:
    """An application's interview feedback body (§2.7); PUT replaces, so every field is sent."""
    return {
        "atsCreatedAt": to_epoch_ms(created_at),
        "interviewer": {"firstName": interviewer_first_name, "lastName": interviewer_last_name},
        "evaluations": [{"attribute": e["attribute"], "result": e["result"]} for e in evaluations],
        "feedback": feedback,
        "interviewType": interview_type,
    }


def manual_match_patch(person_urn: str | None) -> JSON:
    """The batch_partial_update patch that sets or removes manualMatchedMember."""
    if person_urn is None:
        return {"patch": {"$delete": ["manualMatchedMember"]}}
    return {"patch": {"$set": {"manualMatchedMember": person_urn}}}


def callback_url_config(url: str) -> JSON:
    """The CALLBACK_URL configuration value (a Rest.li union keyed by type)."""
    return string_config(url)


# --- provisioning and integrations ([I] where linkedin/WIRE.md says so) --------------------------------

PROVISIONING_FINDER = "credentialsByUniqueForeignId"
# [S] the status a BATCH_GET of atsIntegrations shows once the customer enabled the integration.
INTEGRATION_STATUS_ENABLED = "ENABLED"
ALL_PRODUCT_USERS = "ALL_PRODUCT_USERS"
# [V-pm] for ONE_CLICK_EXPORT; the other names follow the same pattern [I].
_INTEGRATION_NAMES = {
    IntegrationType.ONE_CLICK_EXPORT: "{customer} LinkedIn Recruiter One-Click Export Integration",
    IntegrationType.IN_ATS_INDICATOR: "{customer} LinkedIn Recruiter In-ATS Indicator Integration",
    IntegrationType.PROFILE_PLUGIN: "{customer} LinkedIn Recruiter Profile Plugin Integration",
    IntegrationType.CSA_API: "{customer} LinkedIn Recruiter System Connect Data Integration",
}


def integration_name(customer: str, integration_type: IntegrationType) -> str:
    """The integrationName the customer sees in Recruiter for one of their integrations."""
    pattern = _INTEGRATION_NAMES.get(integration_type, "{customer} LinkedIn Recruiter {kind} Integration")
    return pattern.format(customer=customer, kind=integration_type.value)


def provision_request(
    *,
    unique_foreign_id: str,
    name: str,
    description: str | None = None,
    js_sdk_domains: Sequence[str] = (),
    callback_urls: Sequence[str] = (),
) -> JSON:
    """The body of `POST provisionedApplications` (§2.2)."""
    return _without_none(
        {
            "uniqueForeignId": unique_foreign_id,
            "name": name,
            "description": description,
            "validJsSdkDomains": list(js_sdk_domains),
            "oauth2AuthorizedCallbackUrls": list(callback_urls),
        }
    )


def js_sdk_domains_patch(domains: Sequence[str]) -> JSON:
    """The single-entity partial update that replaces a child app's JS SDK domains."""
    return {"patch": {"$set": {"validJsSdkDomains": list(domains)}}}


def parse_provisioned_application(data: object) -> ProvisionedApplication:
    """A provisioned application: `key` is its URN [V-pm]; the credentials' shape is [I]."""
    what = "provisioned application"
    d = _obj(data, what)
    creds = d.get("credentials")
    c = _obj(creds, what + ".credentials") if creds is not None else d
    return ProvisionedApplication(
        urn=_str(d, "key", what),
        unique_foreign_id=_str(d, "uniqueForeignId", what),
        name=_opt_str(d, "name", what) or "",
        client_id=_str(c, "clientId", what),
        client_secret=SecretStr(_str(c, "clientSecret", what)),
        js_sdk_domains=_str_list(d, "validJsSdkDomains", what),
        callback_urls=_str_list(d, "oauth2AuthorizedCallbackUrls", what),
        description=_opt_str(d, "description", what),
    )


def integration_context(integration_type: IntegrationType, org_urn: str, contract_urn: str) -> str:
    """The integrationContext of an integration type: the contract for CSA_API, else the org."""
    return contract_urn if integration_type.uses_contract else org_urn


def integration_name_patch(name: str) -> JSON:
    """The batch_partial_update patch that names an integration."""
    return {"patch": {"$set": {"integrationName": name}}}


def parse_integration_type(value: str) -> IntegrationType:
    """An integration type from its wire name; unknown names are malformed."""
    try:
        return IntegrationType(value)
    except ValueError as exc:
        raise LinkedInMalformedResponse(f"unknown integrationType {value!r}") from exc


def parse_integration(data: object) -> AtsIntegration:
    """A BATCH_GET result or `q=request` element of atsIntegrations (`status`, `preAuthorized`: [I])."""
    what = "ats integration"
    d = _obj(data, what)
    status = _opt_str(d, "status", what)
    preauthorized = d.get("preAuthorized")
    return AtsIntegration(
        integration_type=parse_integration_type(_str(d, "integrationType", what)),
        integration_context=_str(d, "integrationContext", what),
        name=_opt_str(d, "integrationName", what),
        status=status,
        enabled=status == INTEGRATION_STATUS_ENABLED,
        preauthorized=preauthorized if isinstance(preauthorized, bool) else None,
        request_id=_opt_str(d, "requestId", what),
    )


def string_config(value: str) -> JSON:
    """A configuration value: a Rest.li union keyed by type (`{"string": ...}`)."""
    return {"configurationValue": {"string": value}}


def parse_config_value(data: object) -> str:
    """The string inside one configuration's `configurationValue` union."""
    what = "integration configuration"
    d = _obj(data, what)
    union = _obj(d.get("configurationValue"), what + ".configurationValue")
    return _str(union, "string", what)

"""atsEntityAcls and atsEntityAclAssignees (§2.8), and what LinkedIn shows through them: the One-Click
Export job drop-down and the In-ATS view of a candidate's applications, as one member (seat holder)
sees them.

Visibility, as LinkedIn's ACL overview describes it: a job posting with ACLs is visible only to members
assigned to one of its ACLs (for JOB_POSTING); a job posting without ACLs is visible to everyone when
the integration's `*_VIEWERS` configuration is `ALL_PRODUCT_USERS`, and hidden otherwise.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.batch import body_key, compound_keys, deleted, update_entities
from linkedin.sandbox.restli import Key, RestliError, key_string, page, required
from linkedin.sandbox.state import SandboxState

Json = dict[str, Any]
JOB_POSTING = "JOB_POSTING"
ALL_PRODUCT_USERS = "ALL_PRODUCT_USERS"
ACL_FIELDS = ("atsEntityAclId", "integrationContext", "atsEntityId", "atsEntityType")
ASSIGNEE_FIELDS = ("atsEntityAclId", "integrationContext", "assignee", "atsEntityType")
# Which configuration governs entities without ACLs, per place they show.
EXPORT_VIEWERS = ("ONE_CLICK_EXPORT", "JOB_POSTING_VIEWERS")
IN_ATS_VIEWERS = ("IN_ATS_INDICATOR", "APPLICATION_VIEWERS")


def _store_into(records: set[Key], fields: tuple[str, ...]) -> Any:
    def store(text: str, entity: Json) -> str | None:
        key = body_key(text, fields)
        if entity:
            return "ACL records take an empty body ({})"
        if dict(key)["atsEntityType"] != JOB_POSTING:
            return f"Invalid atsEntityType {dict(key)['atsEntityType']!r}; only JOB_POSTING is securable"
        records.add(key)
        return None

    return store


async def put_acls(request: Request, state: SandboxState) -> Response:
    """PUT batch_update: secure job postings by ACL ids (empty body per key)."""
    return await update_entities(request, state, "atsEntityAcls", _store_into(state.entity_acls, ACL_FIELDS))


async def delete_acls(request: Request, state: SandboxState) -> Response:
    """BATCH_DELETE of ACLs."""
    keys = compound_keys(request, state, ACL_FIELDS)
    state.count_deletes("atsEntityAcls", [key_string(key) for _, key in keys])
    missing = {text for text, key in keys if not _discard(state.entity_acls, key)}
    return deleted([text for text, _ in keys], missing)


async def put_assignees(request: Request, state: SandboxState) -> Response:
    """PUT batch_update: assign members to ACL ids for an entity type (empty body per key)."""
    store = _store_into(state.acl_assignees, ASSIGNEE_FIELDS)
    return await update_entities(request, state, "atsEntityAclAssignees", store)


async def delete_assignees(request: Request, state: SandboxState) -> Response:
    """BATCH_DELETE of assignees."""
    keys = compound_keys(request, state, ASSIGNEE_FIELDS)
    state.count_deletes("atsEntityAclAssignees", [key_string(key) for _, key in keys])
    missing = {text for text, key in keys if not _discard(state.acl_assignees, key)}
    return deleted([text for text, _ in keys], missing)


def _discard(records: set[Key], key: Key) -> bool:
    if key in records:
        records.remove(key)
        return True
    return False


def _element(key: Key) -> Json:
    return {**dict(key), "dataProvider": "ATS"}


def _criteria(request: Request) -> None:
    if request.query_params.get("q") != "criteria":
        raise RestliError(400, "Unsupported or missing finder 'q'; expected q=criteria")


async def find_acls(request: Request, state: SandboxState) -> Response:
    """GET q=criteria&atsEntityId=&atsEntityType=&integrationContext=: one entity's ACLs."""
    _criteria(request)
    params = request.query_params
    wanted = (required(params, "integrationContext"), required(params, "atsEntityId"))
    entity_type = required(params, "atsEntityType")
    found = [
        _element(k)
        for k in sorted(state.entity_acls)
        if (dict(k)["integrationContext"], dict(k)["atsEntityId"]) == wanted
        and dict(k)["atsEntityType"] == entity_type
    ]
    return JSONResponse(page(params, found))


async def find_assignees(request: Request, state: SandboxState) -> Response:
    """GET q=criteria&assignee=&integrationContext=: one member's assignments."""
    _criteria(request)
    params = request.query_params
    wanted = (required(params, "integrationContext"), required(params, "assignee"))
    found = [
        _element(k)
        for k in sorted(state.acl_assignees)
        if (dict(k)["integrationContext"], dict(k)["assignee"]) == wanted
    ]
    return JSONResponse(page(params, found))


# --- what a member sees ---------------------------------------------------------------------------------


def _configured(state: SandboxState, context: str, where: tuple[str, str]) -> str | None:
    integration_type, name = where
    for key, configs in state.configurations.items():
        fields = dict(key)
        if fields.get("integrationContext") == context and fields.get("integrationType") == integration_type:
            entry = configs.get(name)
            if entry is not None:
                value = entry.get("configurationValue", {}).get("string")
                return value if isinstance(value, str) else None
    return None


def acl_ids_of(state: SandboxState, context: str, posting_id: str) -> set[str]:
    """The ACL ids securing one job posting."""
    return {
        dict(k)["atsEntityAclId"]
        for k in state.entity_acls
        if dict(k)["integrationContext"] == context
        and dict(k)["atsEntityId"] == posting_id
        and dict(k)["atsEntityType"] == JOB_POSTING
    }


def assigned_acl_ids(state: SandboxState, context: str, person: str) -> set[str]:
    """The ACL ids a member is assigned to for job postings."""
    return {
        dict(k)["atsEntityAclId"]
        for k in state.acl_assignees
        if dict(k)["integrationContext"] == context
        and dict(k)["assignee"] == person
        and dict(k)["atsEntityType"] == JOB_POSTING
    }


def sees_job(state: SandboxState, context: str, posting_id: str, person: str, where: tuple[str, str]) -> bool:
    """Whether `person` sees the job posting in that place (export drop-down or In-ATS)."""
    secured_by = acl_ids_of(state, context, posting_id)
    if secured_by:
        return bool(secured_by & assigned_acl_ids(state, context, person))
    return _configured(state, context, where) == ALL_PRODUCT_USERS


def _person(request: Request, state: SandboxState) -> str:
    params = request.query_params
    if params.get("seat"):
        seat = state.world.seat(params["seat"])
        if seat is None:
            raise RestliError(404, f"Unknown seat {params['seat']!r}")
        return seat.seatholder
    person = params.get("person")
    if not person:
        raise RestliError(400, "Give 'seat' or 'person'")
    return person


async def admin_export_jobs(request: Request, state: SandboxState) -> Json:
    """Admin: the jobs a seat (or person) may export to: listed jobs it sees under its ACLs."""
    person = _person(request, state)
    jobs = [
        {"externalJobPostingId": posting, "title": job.get("title"), "integrationContext": context}
        for (context, posting), job in sorted(state.jobs.items())
        if job.get("state", "LISTED") == "LISTED"
        and sees_job(state, context, posting, person, EXPORT_VIEWERS)
    ]
    return {"person": person, "jobs": jobs}


def _candidate_id(key: Key) -> tuple[str, str]:
    fields = dict(key)
    return fields["integrationContext"], fields["atsCandidateId"]


async def admin_in_ats(request: Request, state: SandboxState) -> Json:
    """Admin: what a person sees of a member in the In-ATS indicator: the member's candidates (with the
    ids of their notes) and the applications on jobs it may see (with the ids of their notes, stages
    and interview feedback)."""
    person = _person(request, state)
    member = required(request.query_params, "member")
    candidates: list[Json] = []
    for candidate in state.candidates.values():
        if member not in candidate.matched and candidate.manual != member:
            continue
        context, ats_id = _candidate_id(candidate.key)
        applications = [
            {
                "atsJobApplicationId": dict(a.key)["atsJobApplicationId"],
                "atsJobPostingId": a.body.get("atsJobPostingId"),
                "atsJobPostingName": a.body.get("atsJobPostingName"),
                # What the indicator shows of the application's history (LinkedIn drops it with it).
                "notes": sorted(a.notes),
                "stages": sorted(a.stages),
                "interviewFeedback": sorted(a.feedback),
            }
            for a in state.applications.values()
            if dict(a.key)["integrationContext"] == context
            and a.body.get("atsCandidateId") == ats_id
            and sees_job(state, context, str(a.body.get("atsJobPostingId")), person, IN_ATS_VIEWERS)
        ]
        candidates.append(
            {"atsCandidateId": ats_id, "notes": sorted(candidate.notes), "applications": applications}
        )
    return {"person": person, "member": member, "inAts": bool(candidates), "candidates": candidates}

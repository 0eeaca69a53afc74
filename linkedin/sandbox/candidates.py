"""atsCandidates: sync (PUT), matches (BATCH_GET), manual match (partial update), delete, and notes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox import validation
from linkedin.sandbox.batch import body_key, compound_keys, deleted, path_key, sub_collection, update_entities
from linkedin.sandbox.restli import (
    RestliError,
    batch_entities,
    error_body,
    json_body,
    key_string,
    restli_method,
)
from linkedin.sandbox.state import Candidate, SandboxState
from linkedin.sandbox.world import World

Json = dict[str, Any]
KEY_FIELDS = ("atsCandidateId", "integrationContext")


def normalise_url(url: str) -> str:
    """Compare profile URLs by host and path only (scheme, www, query and trailing slash ignored)."""
    text = url.strip().lower().split("?")[0].split("#")[0].rstrip("/")
    for prefix in ("https://", "http://", "www."):
        text = text.removeprefix(prefix)
    return text


def match_members(world: World, body: Json) -> list[str]:
    """LinkedIn's algorithmic match: members whose email or profile URL equals the candidate's."""
    emails = {e.lower() for e in body.get("emailAddresses") or [] if isinstance(e, str)}
    url = body.get("linkedInProfileUrl")
    wanted = normalise_url(url) if isinstance(url, str) else None
    return [m.urn for m in world.members if m.email in emails or normalise_url(m.profile_url) == wanted]


async def put(request: Request, state: SandboxState) -> Response:
    """PUT batch_update: upsert candidates; each key validated on its own."""

    def store(text: str, entity: Json) -> str | None:
        key = body_key(text, KEY_FIELDS)
        existing = state.candidates.get(key)
        problem = validation.candidate(entity, existing is not None and existing.manual is not None)
        if problem:
            return problem
        manual = entity.get("manualMatchedMember") or (existing.manual if existing else None)
        notes = existing.notes if existing else {}
        state.candidates[key] = Candidate(key, entity, match_members(state.world, entity), manual, notes)
        return None

    return await update_entities(request, state, "atsCandidates", store)


async def post(request: Request, state: SandboxState) -> Response:
    """POST batch_partial_update: `$set` / `$delete` of manualMatchedMember."""
    if restli_method(request) not in ("batch_partial_update", ""):
        raise RestliError(400, f"Unsupported X-RestLi-Method {restli_method(request)!r}")
    entities = batch_entities(await json_body(request), state.config.max_batch)
    results: dict[str, Json] = {}
    errors: dict[str, Json] = {}
    for text, entity in entities.items():
        candidate = state.candidates.get(body_key(text, KEY_FIELDS))
        patch = entity.get("patch", {}) if isinstance(entity, dict) else {}
        if candidate is None:
            errors[text] = error_body(404, "Candidate not found; sync it first")
            continue
        member = patch.get("$set", {}).get("manualMatchedMember")
        if member is not None and not (isinstance(member, str) and member.startswith("urn:li:person:")):
            errors[text] = error_body(400, "'manualMatchedMember' must be a person URN", 100)
            continue
        if member is not None:
            candidate.manual = member
        if "manualMatchedMember" in patch.get("$delete", []):
            candidate.manual = None
        results[text] = {"status": 204}
    return JSONResponse({"results": results, "errors": errors})


async def get(request: Request, state: SandboxState) -> Response:
    """BATCH_GET: matchedMembers and manualMatchedMember per key; 404 per never-synced key."""
    results: dict[str, Json] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, Json] = {}
    for text, key in compound_keys(request, state, KEY_FIELDS):
        candidate = state.candidates.get(key)
        if candidate is None:
            errors[text] = error_body(404, "Candidate not found")
            continue
        entity: Json = {"matchedMembers": list(candidate.matched)}
        if candidate.manual:
            entity["manualMatchedMember"] = candidate.manual
        results[text], statuses[text] = entity, 200
    return JSONResponse({"results": results, "statuses": statuses, "errors": errors})


async def delete(request: Request, state: SandboxState) -> Response:
    """BATCH_DELETE of candidates (and their notes)."""
    keys = compound_keys(request, state, KEY_FIELDS)
    state.count_deletes("atsCandidates", [key_string(key) for _, key in keys])
    missing = {text for text, key in keys if state.candidates.pop(key, None) is None}
    return deleted([text for text, _ in keys], missing)


def _parent(request: Request, state: SandboxState) -> Candidate:
    candidate = state.candidates.get(path_key(request, KEY_FIELDS))
    if candidate is None:
        raise RestliError(404, "Candidate not found; sync it before its notes")
    return candidate


put_notes, delete_notes = sub_collection(_parent, "notes", "atsCandidates", validation.note)

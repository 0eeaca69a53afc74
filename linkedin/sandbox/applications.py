"""atsApplications: upsert, delete (cascading) and the stages / notes / interviewFeedback sub-collections."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from linkedin.sandbox import validation
from linkedin.sandbox.batch import body_key, compound_keys, deleted, path_key, sub_collection, update_entities
from linkedin.sandbox.restli import RestliError, key_string
from linkedin.sandbox.state import Application, SandboxState

Json = dict[str, Any]
KEY_FIELDS = ("atsJobApplicationId", "integrationContext")
FAMILY = "atsApplications"


async def put(request: Request, state: SandboxState) -> Response:
    """PUT batch_update: full replace of each application; sub-collections survive a replace."""

    def store(text: str, entity: Json) -> str | None:
        key = body_key(text, KEY_FIELDS)
        problem = validation.application(entity)
        if problem:
            return problem
        existing = state.applications.get(key)
        state.applications[key] = Application(key, entity) if existing is None else existing
        state.applications[key].body = entity
        return None

    return await update_entities(request, state, FAMILY, store)


async def delete(request: Request, state: SandboxState) -> Response:
    """BATCH_DELETE; an application's stages, notes and feedback go with it."""
    keys = compound_keys(request, state, KEY_FIELDS)
    state.count_deletes("atsApplications", [key_string(key) for _, key in keys])
    missing = {text for text, key in keys if state.applications.pop(key, None) is None}
    return deleted([text for text, _ in keys], missing)


def _parent(request: Request, state: SandboxState) -> Application:
    application = state.applications.get(path_key(request, KEY_FIELDS))
    if application is None:
        raise RestliError(404, "Application not found; sync it before its sub-resources")
    return application


put_stages, delete_stages = sub_collection(_parent, "stages", FAMILY, validation.stage)
put_notes, delete_notes = sub_collection(_parent, "notes", FAMILY, validation.note)
put_feedback, delete_feedback = sub_collection(_parent, "feedback", FAMILY, validation.feedback)

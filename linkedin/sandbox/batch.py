"""Generic Rest.li batch_update / batch_delete over a keyed store, with per-key errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.dispatch import Handler
from linkedin.sandbox.restli import (
    Key,
    RestliError,
    batch_entities,
    batch_result,
    canonical,
    error_body,
    json_body,
    key_string,
    parse_key,
    query_keys,
    simple_ids,
)
from linkedin.sandbox.state import SandboxState

Json = dict[str, Any]
Store = Callable[[str, Json], str | None]


async def update_entities(request: Request, state: SandboxState, family: str, store: Store) -> Response:
    """PUT batch_update: `store(key, entity)` returns an error message or None; one bad key fails alone."""
    entities = batch_entities(await json_body(request), state.config.max_batch)
    state.charge_records(family, len(entities))
    results: dict[str, Json] = {}
    errors: dict[str, Json] = {}
    for key, entity in entities.items():
        try:
            problem = store(key, entity) if isinstance(entity, dict) else "Entity must be a JSON object"
        except RestliError as exc:
            errors[key] = error_body(exc.status, exc.message, 100 if exc.status == 400 else None)
            continue
        if problem is None:
            results[key] = {"status": 204}
        else:
            errors[key] = error_body(400, problem, 100)
    return batch_result(results, errors)


def compound_keys(request: Request, state: SandboxState, fields: tuple[str, ...]) -> list[tuple[str, Key]]:
    """The `ids[i].*` keys of a request, canonicalised; 400 when absent, malformed or too many."""
    keys = query_keys(request.query_params)
    if not keys:
        raise RestliError(400, "Missing required parameter 'ids'")
    if len(keys) > state.config.max_batch:
        raise RestliError(400, f"Batch of {len(keys)} keys exceeds the limit of {state.config.max_batch}")
    return [(text, canonical(key, fields)) for text, key in keys]


def body_key(text: str, fields: tuple[str, ...]) -> Key:
    """A body-map key string canonicalised to its identity fields."""
    return canonical(parse_key(text), fields)


def path_key(request: Request, fields: tuple[str, ...]) -> Key:
    """The parent compound key carried in the URL path."""
    return canonical(parse_key(request.path_params["key"]), fields)


def sub_ids(request: Request, state: SandboxState) -> list[str]:
    """The simple `ids` of a sub-collection call; 400 when absent or too many."""
    ids = simple_ids(request.query_params)
    if not ids:
        raise RestliError(400, "Missing required parameter 'ids'")
    if len(ids) > state.config.max_batch:
        raise RestliError(400, f"Batch of {len(ids)} ids exceeds the limit of {state.config.max_batch}")
    return ids


def deleted(keys: list[str], missing: set[str]) -> Response:
    """A BATCH_DELETE answer: 204 per deleted key, 404 per unknown key."""
    results = {k: {"status": 204} for k in keys if k not in missing}
    errors = {k: error_body(404, "Entity not found") for k in keys if k in missing}
    return JSONResponse({"results": results, "errors": errors})


def sub_collection(
    parent: Callable[[Request, SandboxState], object],
    attribute: str,
    family: str,
    validate: Callable[[Json], str | None],
) -> tuple[Handler, Handler]:
    """PUT and DELETE handlers of one sub-collection (`notes`, `stages`, `feedback`) of the entity that
    `parent` finds from the URL path (it raises 404 when that entity was never synced)."""

    async def put_items(request: Request, state: SandboxState) -> Response:
        items: dict[str, Json] = getattr(parent(request, state), attribute)

        def store(item_id: str, entity: Json) -> str | None:
            problem = validate(entity)
            if problem is None:
                items[item_id] = entity
            return problem

        return await update_entities(request, state, family, store)

    async def delete_items(request: Request, state: SandboxState) -> Response:
        items: dict[str, Json] = getattr(parent(request, state), attribute)
        ids = sub_ids(request, state)
        fields = dict(parse_key(request.path_params["key"]))
        fields.pop("dataProvider", None)
        parent_key = key_string(tuple(sorted(fields.items())))
        state.count_deletes(f"{family}/{attribute}", [f"{parent_key}/{i}" for i in ids])
        missing = {i for i in ids if items.pop(i, None) is None}
        return deleted(ids, missing)

    return put_items, delete_items

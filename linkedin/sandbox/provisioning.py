"""Provisioning API (partner token only): create, find and update customer (child) applications."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.restli import RestliError, json_body, required
from linkedin.sandbox.state import ChildApp, SandboxState

Json = dict[str, Any]
MAX_NAME = 50
# scheme + host (+ port), nothing after it: the widgets compare the page origin with these.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


def app_json(child: SandboxState) -> Json:
    """The provisioned application as the sandbox answers it ([I] beyond `key`, see linkedin/WIRE.md)."""
    app = child.app
    assert app is not None
    return {
        "key": app.urn,
        "uniqueForeignId": app.unique_foreign_id,
        "name": app.name,
        "description": app.description,
        "validJsSdkDomains": list(app.js_sdk_domains),
        "oauth2AuthorizedCallbackUrls": list(app.callback_urls),
        "createdAt": app.created_ms,
        "credentials": {"clientId": child.config.client_id, "clientSecret": child.config.client_secret},
    }


def _str_list(body: Json, name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RestliError(400, f"'{name}' must be a list of strings")
    return list(value)


def _domains(body: Json) -> list[str]:
    domains = _str_list(body, "validJsSdkDomains")
    bad = [d for d in domains if not _ORIGIN.match(d)]
    if bad:
        raise RestliError(400, f"'validJsSdkDomains' must be scheme+host(+port) without a path: {bad}")
    return domains


async def create(request: Request, state: SandboxState) -> Response:
    """POST provisionedApplications: one child app per uniqueForeignId (a repeat makes no second app)."""
    body = await json_body(request)
    foreign_id = body.get("uniqueForeignId")
    name = body.get("name")
    if not isinstance(foreign_id, str) or not foreign_id.strip():
        raise RestliError(400, "'uniqueForeignId' is required")
    if not isinstance(name, str) or not name.strip():
        raise RestliError(400, "'name' is required")
    if len(name) > MAX_NAME:
        raise RestliError(400, f"'name' must be at most {MAX_NAME} characters")
    if "linkedin" in name.lower():
        raise RestliError(400, "'name' must not contain 'LinkedIn'")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        raise RestliError(400, "'description' must be a string")
    domains = _domains(body)
    callbacks = _str_list(body, "oauth2AuthorizedCallbackUrls")
    existing = state.child_by_foreign_id(foreign_id)
    if existing is not None:
        if state.config.provisioning_duplicate == "existing":
            return JSONResponse(app_json(existing), 200)
        raise RestliError(409, f"An application with uniqueForeignId {foreign_id!r} already exists")
    n = len(state.root.children) + 1
    app = ChildApp(
        urn=f"{state.config.app_urn_prefix}{n}",
        unique_foreign_id=foreign_id,
        name=name,
        description=description,
        js_sdk_domains=domains,
        callback_urls=callbacks,
        created_ms=state.config.now_ms(),
    )
    child = state.provision(app)
    return JSONResponse(app_json(child), 201, headers={"X-RestLi-Id": app.urn})


async def find(request: Request, state: SandboxState) -> Response:
    """GET provisionedApplications?q=credentialsByUniqueForeignId&uniqueForeignId=: zero or one app."""
    if request.query_params.get("q") != "credentialsByUniqueForeignId":
        raise RestliError(400, "Unsupported or missing finder 'q'; expected q=credentialsByUniqueForeignId")
    child = state.child_by_foreign_id(required(request.query_params, "uniqueForeignId"))
    elements = [] if child is None else [app_json(child)]
    return JSONResponse({"elements": elements, "paging": {"start": 0, "count": 10, "total": len(elements)}})


def _child(request: Request, state: SandboxState) -> SandboxState:
    urn = request.path_params["key"]
    child = state.child_by_urn(urn)
    if child is None:
        raise RestliError(404, f"No provisioned application {urn!r}")
    return child


async def get(request: Request, state: SandboxState) -> Response:
    """GET provisionedApplications/{urn}: one app."""
    return JSONResponse(app_json(_child(request, state)))


async def update(request: Request, state: SandboxState) -> Response:
    """POST provisionedApplications/{urn} `{"patch": {"$set": {...}}}`: JS SDK domains, callback URLs."""
    child = _child(request, state)
    assert child.app is not None
    patch = (await json_body(request)).get("patch")
    changes = patch.get("$set") if isinstance(patch, dict) else None
    if not isinstance(changes, dict) or not changes:
        raise RestliError(400, 'Body must be {"patch": {"$set": {...}}}')
    unknown = set(changes) - {"validJsSdkDomains", "oauth2AuthorizedCallbackUrls", "description"}
    if unknown:
        raise RestliError(400, f"Fields that cannot be updated: {sorted(unknown)}")
    # Validate everything before writing anything: a bad field leaves the app as it was.
    domains = _domains(changes) if "validJsSdkDomains" in changes else None
    callbacks = (
        _str_list(changes, "oauth2AuthorizedCallbackUrls")
        if "oauth2AuthorizedCallbackUrls" in changes
        else None
    )
    description = changes.get("description", child.app.description)
    if description is not None and not isinstance(description, str):
        raise RestliError(400, "'description' must be a string")
    if domains is not None:
        child.app.js_sdk_domains = domains
    if callbacks is not None:
        child.app.callback_urls = callbacks
    child.app.description = description
    return Response(status_code=204)

"""atsIntegrations of one app: naming, BATCH_GET, the status-change push and the plugin stand-in page."""

from __future__ import annotations

import html
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from linkedin.sandbox.batch import body_key, compound_keys
from linkedin.sandbox.dispatch import sandbox_state
from linkedin.sandbox.exports import INTEGRATION_FIELDS, NOTIFICATION_TTL_MS, callback_url, first_delivery
from linkedin.sandbox.restli import (
    Key,
    RestliError,
    batch_entities,
    error_body,
    json_body,
    key_string,
    required,
    restli_method,
)
from linkedin.sandbox.state import Delivery, Integration, SandboxState

Json = dict[str, Any]
CONTRACT_TYPES = frozenset({"CSA_API"})
ORG_TYPES = frozenset(
    {
        "APPLY_CONNECT",
        "APPLY_WITH_LINKEDIN",
        "IN_ATS_INDICATOR",
        "ONE_CLICK_EXPORT",
        "PROFILE_PLUGIN",
        "RECOMMENDED_MATCHES",
        "UNIFIED_SEARCH",
    }
)
# The four integrations of Recruiter System Connect, what the plugin pre-authorizes by default.
RSC_TYPES = ("ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN", "CSA_API")


def integration_json(state: SandboxState, integration: Integration) -> Json:
    """The wire view of one integration ([I] `status`, `preAuthorized`: see linkedin/WIRE.md)."""
    fields = dict(integration.key)
    cfg = state.config
    return {
        "integrationContext": fields["integrationContext"],
        "integrationType": fields["integrationType"],
        "tenantType": "RECRUITER",
        "dataProvider": "ATS",
        "integrationName": integration.name,
        "preAuthorized": integration.preauthorized,
        "status": cfg.integration_status_enabled if integration.enabled else cfg.integration_status_pending,
    }


def _own_key(state: SandboxState, key: Key) -> str | None:
    """Why this app may not hold an integration under that key, or None when it may."""
    fields = dict(key)
    kind, context = fields["integrationType"], fields["integrationContext"]
    if kind in CONTRACT_TYPES:
        if not context.startswith("urn:li:contract:"):
            return f"{kind} takes a contract URN as integrationContext"
        return None if context == state.config.contract_urn else f"{context} is not this application's"
    if kind in ORG_TYPES:
        if not context.startswith("urn:li:organization:"):
            return f"{kind} takes an organization URN as integrationContext"
        return None if context == state.config.org_urn else f"{context} is not this application's"
    return f"Unknown integrationType {kind!r}"


async def name(request: Request, state: SandboxState) -> Response:
    """POST atsIntegrations batch_partial_update `$set integrationName`: create or rename integrations."""
    if restli_method(request) not in ("batch_partial_update", ""):
        raise RestliError(400, f"Unsupported X-RestLi-Method {restli_method(request)!r}")
    entities = batch_entities(await json_body(request), state.config.max_batch)
    results: dict[str, Json] = {}
    errors: dict[str, Json] = {}
    for text, entity in entities.items():
        try:
            key = body_key(text, INTEGRATION_FIELDS)
        except RestliError as exc:
            errors[text] = error_body(exc.status, exc.message, 100)
            continue
        problem = _own_key(state, key)
        patch = entity.get("patch") if isinstance(entity, dict) else None
        changes = patch.get("$set") if isinstance(patch, dict) else None
        new_name = changes.get("integrationName") if isinstance(changes, dict) else None
        if problem is not None:
            status = 403 if "not this application's" in problem else 400
            errors[text] = error_body(status, problem, 100)
        elif not isinstance(new_name, str) or not new_name.strip():
            errors[text] = error_body(400, "'integrationName' must be set to a non-empty string", 100)
        else:
            state.integrations.setdefault(key, Integration(key)).name = new_name
            results[text] = {"status": 204}
    return JSONResponse({"results": results, "errors": errors})


async def get(request: Request, state: SandboxState) -> Response:
    """GET atsIntegrations: BATCH_GET by ids, or `q=request&requestId=` after a status-change push."""
    params = request.query_params
    if "q" in params:
        if params["q"] != "request":
            raise RestliError(400, "Unsupported finder 'q'; expected q=request")
        changed = state.status_changes.get(required(params, "requestId"))
        if changed is None:
            raise RestliError(404, "No integration status change with that requestId")
        return JSONResponse({"elements": changed, "paging": {"start": 0, "count": 10, "total": len(changed)}})
    results: dict[str, Json] = {}
    errors: dict[str, Json] = {}
    for text, key in compound_keys(request, state, INTEGRATION_FIELDS):
        integration = state.integrations.get(key)
        if integration is None:
            errors[text] = error_body(404, "Integration not found")
        else:
            results[text] = integration_json(state, integration)
    return JSONResponse({"results": results, "statuses": dict.fromkeys(results, 200), "errors": errors})


def _key(state: SandboxState, kind: str) -> Key:
    if kind not in CONTRACT_TYPES | ORG_TYPES:
        raise RestliError(400, f"Unknown integrationType {kind!r}")
    context = state.config.contract_urn if kind in CONTRACT_TYPES else state.config.org_urn
    return (("integrationContext", context), ("integrationType", kind))


def _types(raw: object) -> list[str]:
    if raw is None:
        return list(RSC_TYPES)
    if not isinstance(raw, list) or not raw or not all(isinstance(t, str) for t in raw):
        raise RestliError(400, "'types' must be a non-empty list of integration types")
    return list(dict.fromkeys(raw))


def preauthorize(state: SandboxState, kinds: list[str]) -> Json:
    """The customer pre-authorizes integrations; answers what the widget's onintegrate callback gets."""
    keys = [_key(state, k) for k in kinds]
    for key in keys:
        state.integrations.setdefault(key, Integration(key)).preauthorized = True
    return {
        "clientId": state.config.client_id,
        "organizationUrn": state.config.org_urn,
        "contractUrn": state.config.contract_urn,
        "integrations": [dict(key) for key in keys],
    }


async def enable(state: SandboxState, kinds: list[str]) -> Json:
    """The customer enables integrations in Recruiter: record the change, push INTEGRATION_STATUS_CHANGE."""
    keys = [_key(state, k) for k in kinds]
    request_id = str(uuid.uuid4())
    for key in keys:
        integration = state.integrations.setdefault(key, Integration(key))
        integration.preauthorized = integration.enabled = True
        integration.last_request_id = request_id
    state.status_changes[request_id] = [
        {**integration_json(state, state.integrations[k]), "requestId": request_id} for k in keys
    ]
    notification = {
        "type": "INTEGRATION_STATUS_CHANGE",
        "id": request_id,
        "requestId": request_id,
        "expiresAt": state.config.now_ms() + NOTIFICATION_TTL_MS,
    }
    delivery = Delivery(request_id, callback_url(state, state.config.org_urn))
    state.deliveries[request_id] = delivery
    await first_delivery(state, delivery, json.dumps(notification).encode())
    return {"requestId": request_id, "integrations": [dict(k) for k in keys], "delivery": delivery.to_json()}


# --- admin and the plugin stand-in ---------------------------------------------------------------------


def _app(request: Request) -> SandboxState:
    client_id = request.path_params["client_id"]
    state = sandbox_state(request).app_state(client_id)
    if state is None:
        raise RestliError(404, f"Unknown application {client_id!r}")
    return state


async def admin_preauthorize(request: Request, root: SandboxState) -> Json:
    """Admin: the customer of app `client_id` pre-authorizes `types` (default: the four RSC ones)."""
    state = _app(request)
    return preauthorize(state, _types((await json_body(request)).get("types")))


async def admin_enable(request: Request, root: SandboxState) -> Json:
    """Admin: the customer of app `client_id` enables `types`; the signed push goes to its CALLBACK_URL."""
    state = _app(request)
    return await enable(state, _types((await json_body(request)).get("types")))


async def admin_integrations(request: Request, root: SandboxState) -> Json:
    """Admin: the integrations and configurations of app `client_id`."""
    state = _app(request)
    return {
        "integrations": [integration_json(state, i) for i in state.integrations.values()],
        "configurations": {key_string(k): v for k, v in state.configurations.items()},
    }


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>ATS Integration Configuration (sandbox)</title></head>
<body>
<h1>LinkedIn ATS Integration Configuration (sandbox stand-in)</h1>
<p>Application <code>{client_id}</code> &middot; organization <code>{org}</code> &middot;
contract <code>{contract}</code></p>
<form method="post" action="/_plugin/atsIntegration">
<input type="hidden" name="api_key" value="{client_id}">
{checkboxes}
<p><button type="submit" name="action" value="preauthorize">Pre-authorize</button>
<button type="submit" name="action" value="enable">Enable integrations</button></p>
</form>
{result}
</body></html>
"""


def _page(state: SandboxState, result: Json | None = None) -> HTMLResponse:
    boxes = "\n".join(
        f'<label><input type="checkbox" name="types" value="{t}" checked> {t}</label><br>' for t in RSC_TYPES
    )
    shown = "" if result is None else f'<pre id="result">{html.escape(json.dumps(result, indent=2))}</pre>'
    cfg = state.config
    return HTMLResponse(
        _PAGE.format(
            client_id=html.escape(cfg.client_id),
            org=html.escape(cfg.org_urn),
            contract=html.escape(cfg.contract_urn),
            checkboxes=boxes,
            result=shown,
        )
    )


def _plugin_app(request: Request, client_id: str | None) -> SandboxState | None:
    return None if not client_id else sandbox_state(request).app_state(client_id)


async def plugin_page(request: Request) -> Response:
    """GET /_plugin/atsIntegration?api_key=<child client id>: the offline stand-in of the JS widget."""
    state = _plugin_app(request, request.query_params.get("api_key"))
    if state is None:
        return HTMLResponse("<p>Unknown api_key</p>", 404)
    return _page(state)


async def plugin_submit(request: Request) -> Response:
    """POST the plugin form: pre-authorize, or enable (which sends the status-change push)."""
    form = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    values: dict[str, list[str]] = {}
    for field_name, value in form:
        values.setdefault(field_name, []).append(value)
    state = _plugin_app(request, next(iter(values.get("api_key", [])), None))
    if state is None:
        return HTMLResponse("<p>Unknown api_key</p>", 404)
    kinds = values.get("types") or []
    if not kinds:
        return HTMLResponse("<p>Choose at least one integration</p>", 400)
    try:
        if (values.get("action") or [""])[0] == "enable":
            result = await enable(state, kinds)
        else:
            result = preauthorize(state, kinds)
    except RestliError as exc:
        return HTMLResponse(f"<p>{html.escape(exc.message)}</p>", exc.status)
    return _page(state, result)

"""One-Click Export: callback configuration, signed push delivery with retries, exportedCandidates."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox.acls import EXPORT_VIEWERS, acl_ids_of, sees_job
from linkedin.sandbox.batch import path_key, sub_ids, update_entities
from linkedin.sandbox.restli import RestliError, error_body, json_body, required
from linkedin.sandbox.state import Delivery, SandboxState

Json = dict[str, Any]
INTEGRATION_FIELDS = ("integrationContext", "integrationType")
NOTIFICATION_TTL_MS = 24 * 3_600_000


def sign(secret: str, message: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of `message` under `secret`."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


async def put_configurations(request: Request, state: SandboxState) -> Response:
    """PUT atsIntegrations/{key}/configurations batch_update (values are `{"string": ...}` unions)."""
    configs = state.configurations.setdefault(path_key(request, INTEGRATION_FIELDS), {})

    def store(name: str, entity: Json) -> str | None:
        value = entity.get("configurationValue")
        if not isinstance(value, dict) or not isinstance(value.get("string"), str):
            return '\'configurationValue\' must be a union like {"string": "..."}'
        configs[name] = entity
        return None

    return await update_entities(request, state, "atsIntegrations", store)


async def get_configurations(request: Request, state: SandboxState) -> Response:
    """GET atsIntegrations/{key}/configurations?ids=: BATCH_GET of configuration values."""
    configs = state.configurations.get(path_key(request, INTEGRATION_FIELDS), {})
    ids = sub_ids(request, state)
    results = {i: configs[i] for i in ids if i in configs}
    errors = {i: error_body(404, f"Configuration {i!r} not set") for i in ids if i not in configs}
    return JSONResponse({"results": results, "statuses": dict.fromkeys(results, 200), "errors": errors})


async def delete_configurations(request: Request, state: SandboxState) -> Response:
    """DELETE atsIntegrations/{key}/configurations?ids=."""
    configs = state.configurations.get(path_key(request, INTEGRATION_FIELDS), {})
    ids = sub_ids(request, state)
    missing = {i for i in ids if configs.pop(i, None) is None}
    return JSONResponse(
        {
            "results": {i: {"status": 204} for i in ids if i not in missing},
            "errors": {i: error_body(404, "Configuration not set") for i in missing},
        }
    )


async def exported_candidates(request: Request, state: SandboxState) -> Response:
    """GET exportedCandidates?q=request&requestId=: the export behind a push; 404 when unknown."""
    if request.query_params.get("q") != "request":
        raise RestliError(400, "Unsupported or missing finder 'q'; expected q=request")
    export = state.exports.get(required(request.query_params, "requestId"))
    if export is None:
        raise RestliError(404, "No export with that requestId")
    return JSONResponse({"elements": [export]})


def callback_url(state: SandboxState, integration_context: str) -> str | None:
    """The CALLBACK_URL configured for an integration context (ONE_CLICK_EXPORT preferred)."""
    found: list[tuple[bool, str]] = []
    for key, configs in state.configurations.items():
        fields = dict(key)
        entry = configs.get("CALLBACK_URL")
        if fields.get("integrationContext") == integration_context and entry is not None:
            found.append(
                (fields.get("integrationType") != "ONE_CLICK_EXPORT", entry["configurationValue"]["string"])
            )
    return min(found)[1] if found else None


async def admin_export(request: Request, state: SandboxState) -> Json:
    """Admin: a seat exports a member to a job; store it, push the signed notification, report delivery."""
    body = await json_body(request)
    world, cfg = state.world, state.config
    seat = world.seat(body.get("seat", ""))
    member = world.member(str(body.get("member", "")))
    job_id = body.get("externalJobPostingId")
    if seat is None or member is None or not isinstance(job_id, str) or not job_id:
        raise RestliError(
            400, "'seat', 'member' and 'externalJobPostingId' must name a seat, a member and a job"
        )
    context = str(body.get("integrationContext") or cfg.org_urn)
    # A secured job is not in the drop-down of a seat outside its ACLs, so it cannot export to it.
    if acl_ids_of(state, context, job_id) and not sees_job(
        state, context, job_id, seat.seatholder, EXPORT_VIEWERS
    ):
        raise RestliError(403, f"Job {job_id} is not in the export list of seat {seat.urn} (ACL)")
    now = cfg.now_ms()
    month = (seat.urn, datetime.fromtimestamp(now / 1000, UTC).strftime("%Y-%m"))
    if state.exports_per_seat_month.get(month, 0) >= cfg.exports_per_seat_per_month:
        raise RestliError(429, f"Seat {seat.urn} reached {cfg.exports_per_seat_per_month} exports this month")
    state.exports_per_seat_month[month] = state.exports_per_seat_month.get(month, 0) + 1
    request_id = str(uuid.uuid4())
    state.exports[request_id] = {
        "requestId": request_id,
        "integrationContext": context,
        "externalJobPostingId": job_id,
        "seat": seat.urn,
        "exportedAt": now,
        "candidate": {
            "member": member.urn,
            "firstName": member.first_name,
            "lastName": member.last_name,
            "emailAddress": member.email,
            "phoneNumber": member.phone,
            "headline": member.title,
            "city": member.city,
            "profileUrl": member.profile_url,
        },
    }
    notification = {
        "type": "EXPORT_CANDIDATE_PROFILE",
        "id": request_id,
        "requestId": request_id,
        "expiresAt": now + NOTIFICATION_TTL_MS,
    }
    delivery = Delivery(request_id, callback_url(state, cfg.org_urn) or callback_url(state, context))
    state.deliveries[request_id] = delivery
    await first_delivery(state, delivery, json.dumps(notification).encode())
    return {"requestId": request_id, "delivery": delivery.to_json()}


async def admin_deliveries(request: Request, state: SandboxState) -> Json:
    """Admin: delivery records; `?wait=1` first waits for background retries and duplicates to finish."""
    if request.query_params.get("wait"):
        await state.drain()
    return {"deliveries": [d.to_json() for d in state.deliveries.values()]}


async def first_delivery(state: SandboxState, delivery: Delivery, body: bytes) -> None:
    """Challenge the URL when configured, sign and POST `body`; retry in the background on failure."""
    if delivery.url is None:
        delivery.state = "no_callback_url"
        return
    if state.config.challenge and delivery.url not in state.challenged_urls:
        if not await _challenge(state, delivery.url):
            delivery.state = "challenge_failed"
            return
        state.challenged_urls.add(delivery.url)
    if await _attempt(state, delivery, body):
        delivery.state = "delivered"
        if state.config.duplicate_delivery:
            state.spawn(_duplicate(state, delivery, body))
        return
    state.spawn(_retry(state, delivery, body))


async def _retry(state: SandboxState, delivery: Delivery, body: bytes) -> None:
    cfg = state.config
    for attempt in range(cfg.delivery_retries):
        await asyncio.sleep(cfg.delivery_backoff_seconds * 2**attempt)
        if await _attempt(state, delivery, body):
            delivery.state = "delivered"
            if cfg.duplicate_delivery:
                await _duplicate(state, delivery, body)
            return
    delivery.state = "failed"


async def _duplicate(state: SandboxState, delivery: Delivery, body: bytes) -> None:
    if await _attempt(state, delivery, body):
        delivery.duplicates_sent += 1


def _session(state: SandboxState) -> aiohttp.ClientSession:
    if state.http is None or state.http.closed:
        timeout = aiohttp.ClientTimeout(total=state.config.delivery_timeout_seconds)
        state.http = aiohttp.ClientSession(timeout=timeout)
    return state.http


async def _attempt(state: SandboxState, delivery: Delivery, body: bytes) -> bool:
    assert delivery.url is not None
    signature = sign(state.config.signing_secret(), b"hmacsha256=" + body)
    headers = {"Content-Type": "application/json", "X-LI-Signature": signature}
    try:
        async with _session(state).post(delivery.url, data=body, headers=headers) as resp:
            delivery.attempts.append({"status": resp.status, "at": state.config.now_ms()})
            return 200 <= resp.status < 300
    except (aiohttp.ClientError, TimeoutError) as exc:
        delivery.attempts.append({"status": None, "error": type(exc).__name__, "at": state.config.now_ms()})
        return False


async def _challenge(state: SandboxState, url: str) -> bool:
    """GET url?challengeCode=..; the endpoint must echo the code and its HMAC under the signing secret."""
    code = str(uuid.uuid4())
    params = {"challengeCode": code}
    if state.config.signing_key == "parent":
        params["applicationId"] = state.config.parent_client_id
    try:
        async with _session(state).get(url, params=params) as resp:
            answer = await resp.json(content_type=None) if resp.status == 200 else None
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return False
    expected = sign(state.config.signing_secret(), code.encode())
    return (
        isinstance(answer, dict)
        and answer.get("challengeCode") == code
        and hmac.compare_digest(str(answer.get("challengeResponse", "")), expected)
    )

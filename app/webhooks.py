"""`/webhooks/linkedin`: LinkedIn's GET challenge and signed push notifications (shared/linkedin-rsc.md §4).

A push is verified on its raw bytes, recorded durably (with a PENDING export request) and only then
acknowledged; the export worker does the processing off the request path.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app import metrics
from app.export_worker import EXPORT_JOB
from app.settings import Settings
from app.workers import Workers
from linkedin import push
from linkedin.client import LinkedInClient
from models.safe_input import UnsafeInput, decode_json
from resolvers import exports
from resolvers.services import Services

log = logging.getLogger("rscgraph.webhooks")
PATH = "/webhooks/linkedin"


class BodyTooLarge(Exception):
    """The request body is larger than the configured limit."""


def _reject(status: int, message: str, reason: str = "invalid") -> JSONResponse:
    # `reason` is a metric label: one of a few fixed words, never the message.
    metrics.webhook_refused(reason)
    log.warning("webhook rejected (%d): %s", status, message)
    return JSONResponse({"error": message}, status_code=status)


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, refusing it as soon as it is known to exceed `limit` bytes (never buffered whole)."""
    declared = request.headers.get("content-length")
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def _secret(settings: Settings) -> str:
    # Most likely LinkedIn signs RSC pushes with the customer (child) app's client secret (§4, [I]);
    # `webhook_signing_secret` overrides it (e.g. with the parent's) without a code change.
    secret = settings.webhook_signing_secret or settings.linkedin_client_secret
    return secret.get_secret_value()


async def challenge(request: Request) -> Response:
    """GET ?challengeCode=: prove we hold the client secret (LinkedIn expects an answer within 3 s)."""
    code = request.query_params.get("challengeCode", "")
    if not code or len(code) > 200:
        return _reject(400, "challengeCode is required", "bad_challenge")
    return JSONResponse(push.challenge_response(_secret(request.state.settings), code))


async def notification(request: Request) -> Response:
    """POST: verify, record, acknowledge, wake the export worker. 4xx and no write when invalid."""
    settings: Settings = request.state.settings
    try:
        body = await read_limited(request, settings.webhook_max_body_bytes)
    except BodyTooLarge:
        return _reject(413, f"body larger than {settings.webhook_max_body_bytes} bytes", "too_large")
    header = request.headers.get(push.SIGNATURE_HEADER)
    if not header:
        return _reject(401, f"missing {push.SIGNATURE_HEADER}", "missing_signature")
    if not push.signature_valid(_secret(settings), body, header):
        return _reject(401, f"{push.SIGNATURE_HEADER} does not match the body", "bad_signature")
    now = datetime.now(UTC)
    try:
        # The same guarded decoder as /graphql: bounded nesting, text the database can store.
        data = decode_json(body)
        parsed = push.parse_notification(data, now=now, max_age=timedelta(seconds=settings.webhook_max_age_s))
    except (UnsafeInput, push.MalformedNotification) as exc:
        return _reject(400, f"malformed notification: {exc}", "malformed")
    if parsed.expired(now):
        return _reject(400, f"notification {parsed.id} expired at {parsed.expires_at}", "expired")
    services: Services = request.state.services
    recorded = await exports.record_notification(services.sessions, parsed)
    if recorded.new and recorded.export_request_id is not None:
        workers: Workers | None = getattr(request.state, "workers", None)
        if workers is not None:
            workers.wake(EXPORT_JOB)
    log.info("webhook %s %s (%s)", parsed.type, parsed.id, "new" if recorded.new else "replay")
    return JSONResponse({"id": parsed.id, "status": "accepted" if recorded.new else "duplicate"})


routes = [
    Route(PATH, challenge, methods=["GET"]),
    Route(PATH, notification, methods=["POST"]),
]


async def register_callback(settings: Settings, url: str) -> None:
    """Tell LinkedIn (ONE_CLICK_EXPORT CALLBACK_URL) to push this customer's notifications to `url`."""
    async with aiohttp.ClientSession() as http:
        await LinkedInClient(http, settings.linkedin_config()).set_callback_url(url)

"""`/webhooks/linkedin/{customer key}`: LinkedIn's GET challenge and signed push notifications, one URL per
customer (shared/linkedin-rsc.md §4).

Each customer registers its own URL (its CALLBACK_URL), and its pushes are signed with its own child app's
client secret (or RSC_WEBHOOK_SIGNING_SECRET when set): the URL names the customer, the secret proves the
push is LinkedIn's for that customer. A push is verified on its raw bytes, recorded durably for that
customer (with a PENDING export request) and only then acknowledged; the export worker does the
processing off the request path. The old single URL `/webhooks/linkedin` still serves the customer
migrated from the single-customer schema (`legacy_webhook`), and no other.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app import metrics
from app.export_worker import EXPORT_JOB
from app.scheduler import run_soon
from app.settings import Settings
from app.tenancy import bind_customer
from linkedin import push
from linkedin.client import LinkedInClient
from linkedin.errors import LinkedInNotFound
from models.customers import CUSTOMER_KEY_PATTERN
from models.safe_input import UnsafeInput, decode_json
from resolvers import exports, onboarding
from resolvers.errors import LinkedInUnavailable
from resolvers.services import Services
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.webhooks")
# The old single URL (the migrated first customer's); every customer's own is `callback_path(key)`.
PATH = "/webhooks/linkedin"
_KEY = re.compile(CUSTOMER_KEY_PATTERN)


def callback_path(customer_key: str) -> str:
    """The path of a customer's own callback URL (its CALLBACK_URL is the public origin plus this)."""
    return f"{PATH}/{customer_key}"


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


def _secret(settings: Settings, tenant: Tenant) -> str:
    # Most likely LinkedIn signs RSC pushes with the customer (child) app's client secret (§4, [I]);
    # `webhook_signing_secret` overrides it (e.g. with the parent's) without a code change.
    secret = settings.webhook_signing_secret or tenant.linkedin.config.client_secret
    return secret.get_secret_value()


async def _tenant_of(request: Request) -> Tenant | None:
    """The customer the URL names (the legacy URL: the migrated customer), or None: answer 404."""
    key: str | None = request.path_params.get("customer")
    if key is not None and _KEY.fullmatch(key) is None:
        return None  # no customer can have this key: no need to ask the database
    services: Services = request.state.services
    tenant = await exports.receiving_tenant(services, key)
    if tenant is not None:
        bind_customer(tenant.key)
    return tenant


def _unknown() -> JSONResponse:
    # The same answer for a key that never existed and for the legacy URL of a deployment without one:
    # nothing tells a prober which customers exist.
    return _reject(404, "no customer receives pushes at this URL", "unknown_customer")


async def challenge(request: Request) -> Response:
    """GET ?challengeCode=: prove we hold the customer's secret (LinkedIn expects an answer within 3 s)."""
    tenant = await _tenant_of(request)
    if tenant is None:
        return _unknown()
    code = request.query_params.get("challengeCode", "")
    if not code or len(code) > 200:
        return _reject(400, "challengeCode is required", "bad_challenge")
    return JSONResponse(push.challenge_response(_secret(request.state.settings, tenant), code))


async def notification(request: Request) -> Response:
    """POST: verify with the customer's secret, record for that customer, acknowledge, wake the export
    worker. 4xx and no write when invalid; a push naming another customer is recorded and refused."""
    tenant = await _tenant_of(request)
    if tenant is None:
        return _unknown()
    settings: Settings = request.state.settings
    try:
        body = await read_limited(request, settings.webhook_max_body_bytes)
    except BodyTooLarge:
        return _reject(413, f"body larger than {settings.webhook_max_body_bytes} bytes", "too_large")
    header = request.headers.get(push.SIGNATURE_HEADER)
    if not header:
        return _reject(401, f"missing {push.SIGNATURE_HEADER}", "missing_signature")
    if not push.signature_valid(_secret(settings, tenant), body, header):
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
    refusal = None
    if parsed.integration_context is not None:
        refusal = exports.wrong_customer(parsed.integration_context, tenant)
    recorded = await exports.record_notification(
        services.sessions, tenant.id, parsed, refused=refusal is not None
    )
    if refusal is not None:
        # Kept (signed by this customer's secret, so LinkedIn's), but no export is made of it.
        return _reject(403, f"notification {parsed.id}: {refusal}", "wrong_customer")
    if parsed.type == push.INTEGRATION_STATUS_CHANGE:
        # Followed up on every delivery, a redelivery too: a follow-up LinkedIn failed is retried then.
        try:
            await onboarding.record_integration_status_change(services, tenant, parsed.request_id)
        except LinkedInUnavailable as exc:
            log.warning("integration status change %s of %s not followed up: %s", parsed.id, tenant.key, exc)
            # LinkedIn not knowing the change is final (acknowledged, recorded); anything else is retried.
            if not isinstance(exc.__cause__, LinkedInNotFound):
                return _reject(
                    503, "LinkedIn did not say what changed; deliver again later", "follow_up_failed"
                )
    if recorded.new and recorded.export_request_id is not None:
        # Due now in the table: this process's scheduler (woken) or any worker's claims it.
        await run_soon(services.sessions, tenant.id, EXPORT_JOB, getattr(request.state, "scheduler", None))
    log.info("webhook %s %s (%s)", parsed.type, parsed.id, "new" if recorded.new else "replay")
    return JSONResponse({"id": parsed.id, "status": "accepted" if recorded.new else "duplicate"})


routes = [
    Route(PATH, challenge, methods=["GET"]),
    Route(PATH, notification, methods=["POST"]),
    Route(PATH + "/{customer}", challenge, methods=["GET"]),
    Route(PATH + "/{customer}", notification, methods=["POST"]),
]


async def register_callback(settings: Settings, url: str) -> None:
    """Tell LinkedIn (ONE_CLICK_EXPORT CALLBACK_URL) to push the first customer's notifications (the app of
    the RSC_LINKEDIN_* settings) to `url`."""
    async with aiohttp.ClientSession() as http:
        await LinkedInClient(http, settings.linkedin_config()).set_callback_url(url)

"""`/webhooks/linkedin/{customer key}` over real HTTP: the sandbox pushes signed notifications to the
running server, the export worker (driven by the test, never by sleeping) processes them. Each customer
has its own URL and secret; the old single URL belongs to the migrated customer alone."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from sqlmodel import col, func, select
from starlette.requests import Request

import models
from app import webhooks
from app.export_worker import ExportWorker
from app.settings import Settings
from linkedin import push
from linkedin.client import LinkedInClient
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import Member, build_world
from models.db import SessionFactory
from resolvers import exports, onboarding
from resolvers.services import Services
from resolvers.tenants import Tenant
from tests.conftest import Sandbox, Server, cost_extensions

WEBHOOK = "/webhooks/linkedin/acme"
WORLD = build_world(SandboxConfig())
SEAT = WORLD.seats[0].urn
NEW_MEMBER = WORLD.members[200]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The server's own export worker is off: tests run passes themselves, deterministically."""
    return settings.model_copy(update={"export_interval_s": 0})


@pytest.fixture
async def callback(server: Server, linkedin: LinkedInClient) -> str:
    """The sandbox's CALLBACK_URL points at the running server's webhook."""
    url = server.url + WEBHOOK
    await linkedin.set_callback_url(url)
    return url


@pytest.fixture
def worker(services: Services) -> ExportWorker:
    """An export worker over the server's database, run by the test."""
    return ExportWorker(services)


async def make_job(
    sessions: SessionFactory, customer_id: int, state: models.JobState = models.JobState.OPEN
) -> int:
    async with sessions() as db:
        job = models.Job(customer_id=customer_id, title="Staff Backend Engineer", state=state)
        db.add(job)
        await db.commit()
        assert job.id is not None
        return job.id


async def export(sandbox: Sandbox, member: Member, job_id: int, *, wait: bool = True) -> str:
    """A recruiter exports `member` to `job_id`; waits until the sandbox finished delivering."""
    answer = await sandbox.admin(
        "POST", "exports", {"seat": SEAT, "member": member.urn, "externalJobPostingId": str(job_id)}
    )
    if wait:
        await sandbox.admin("GET", "deliveries?wait=1")
    return str(answer["requestId"])


async def count(sessions: SessionFactory, model: type[Any]) -> int:
    async with sessions() as db:
        return int((await db.exec(select(func.count()).select_from(model))).one())


async def post(server: Server, body: bytes, headers: dict[str, str]) -> int:
    async with server.http.post(server.url + WEBHOOK, data=body, headers=headers) as response:
        return response.status


def signed(body: bytes, secret: str) -> dict[str, str]:
    return {"Content-Type": "application/json", push.SIGNATURE_HEADER: push.signature(secret, body)}


def future_ms() -> int:
    return int(time.time() * 1000) + 3_600_000


# --- the challenge -------------------------------------------------------------------------------


async def test_the_challenge_is_answered_with_the_hmac_of_the_code(server: Server, sandbox: Sandbox) -> None:
    # when
    async with server.http.get(server.url + WEBHOOK, params={"challengeCode": "c0de-1"}) as response:
        status, body = response.status, await response.json()
    # then
    assert status == 200
    assert body == push.challenge_response(sandbox.config.client_secret, "c0de-1")


async def test_a_challenge_without_a_code_is_rejected(server: Server) -> None:
    async with server.http.get(server.url + WEBHOOK) as response:
        assert response.status == 400


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(challenge=True)], ids=["challenge"])
async def test_linkedin_delivers_after_the_endpoint_passes_its_challenge(
    sandbox: Sandbox, callback: str, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    # when
    request_id = await export(sandbox, NEW_MEMBER, job_id)
    # then
    deliveries = await sandbox.admin("GET", "deliveries?wait=1")
    assert [(d["requestId"], d["state"]) for d in deliveries["deliveries"]] == [(request_id, "delivered")]
    assert await count(sessions, models.ExportRequest) == 1


# --- export happy paths --------------------------------------------------------------------------


async def test_an_export_of_a_new_member_creates_the_candidate_applies_it_and_sets_the_manual_match(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
    linkedin: LinkedInClient,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    # when
    request_id = await export(sandbox, NEW_MEMBER, job_id)
    result = await worker.drain(tenant)
    # then
    assert (result.done, result.failed, result.pending) == (1, 0, 0)
    async with sessions() as db:
        candidate = (await db.exec(select(models.Candidate))).one()
        identity = (await db.exec(select(models.LinkedInIdentity))).one()
        application = (await db.exec(select(models.Application))).one()
        request = (await db.exec(select(models.ExportRequest))).one()
    assert (candidate.first_name, candidate.last_name) == (NEW_MEMBER.first_name, NEW_MEMBER.last_name)
    assert (identity.candidate_id, identity.person_urn, identity.profile_url) == (
        candidate.id,
        NEW_MEMBER.urn,
        NEW_MEMBER.profile_url,
    )
    assert identity.match_source == models.MatchSource.EXPORT
    assert candidate.source == models.CandidateSource.LINKEDIN_EXPORT
    assert (application.candidate_id, application.job_id) == (candidate.id, job_id)
    assert (request.request_id, request.status, request.candidate_created) == (
        request_id,
        models.ExportStatus.DONE,
        True,
    )
    matches = await linkedin.candidate_matches([str(candidate.id)])
    assert matches[str(candidate.id)].manual_matched_member == NEW_MEMBER.urn


async def test_an_export_enqueues_the_new_candidate_and_application_for_linkedin(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    await export(sandbox, NEW_MEMBER, job_id)
    # when
    await worker.drain(tenant)
    # then
    async with sessions() as db:
        events = (await db.exec(select(models.OutboxEvent).order_by(col(models.OutboxEvent.id)))).all()
    assert [(e.entity_type, e.op) for e in events] == [
        (models.SyncEntity.CANDIDATE, models.OutboxOp.UPSERT),
        (models.SyncEntity.APPLICATION, models.OutboxOp.UPSERT),
    ]


async def test_a_processed_push_is_stamped_processed(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    await export(sandbox, NEW_MEMBER, await make_job(sessions, customer_id))
    # when
    await worker.drain(tenant)
    # then
    async with sessions() as db:
        notification = (await db.exec(select(models.WebhookNotification))).one()
        request = (await db.exec(select(models.ExportRequest))).one()
    assert notification.processed_at == request.completed_at


async def test_a_push_is_recorded_pending_before_any_processing(
    sandbox: Sandbox, callback: str, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    # when: the server acknowledged, and no worker ran (as if it crashed right after the 2xx)
    request_id = await export(sandbox, NEW_MEMBER, job_id)
    # then
    async with sessions() as db:
        request = (await db.exec(select(models.ExportRequest))).one()
        notification = (await db.exec(select(models.WebhookNotification))).one()
    assert (request.request_id, request.status) == (request_id, models.ExportStatus.PENDING)
    assert (notification.notification_id, notification.type) == (request_id, push.EXPORT_CANDIDATE_PROFILE)
    assert await count(sessions, models.Candidate) == 0


@pytest.mark.parametrize(
    "sandbox_config", [SandboxConfig(duplicate_delivery=True)], ids=["duplicate_delivery"]
)
async def test_the_same_notification_delivered_twice_makes_one_candidate(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    request_id = await export(sandbox, NEW_MEMBER, job_id)
    deliveries = await sandbox.admin("GET", "deliveries?wait=1")
    assert deliveries["deliveries"][0]["duplicatesSent"] == 1
    # when
    await worker.drain(tenant)
    # then
    assert await count(sessions, models.WebhookNotification) == 1
    assert await count(sessions, models.ExportRequest) == 1
    assert await count(sessions, models.Candidate) == 1
    assert await count(sessions, models.Application) == 1
    async with sessions() as db:
        request = (await db.exec(select(models.ExportRequest))).one()
    assert (request.request_id, request.status) == (request_id, models.ExportStatus.DONE)


async def test_two_exports_of_one_member_processed_at_once_make_one_candidate(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    services: Services,
) -> None:
    # given: two recruiters export the same member to two jobs
    first_job, second_job = await make_job(sessions, customer_id), await make_job(sessions, customer_id)
    first = await export(sandbox, NEW_MEMBER, first_job)
    second = await export(sandbox, NEW_MEMBER, second_job)
    # when: both are processed at the same time
    outcomes = await asyncio.gather(
        exports.process_export(services, tenant, first), exports.process_export(services, tenant, second)
    )
    # then
    assert [o.request.status for o in outcomes] == [models.ExportStatus.DONE, models.ExportStatus.DONE]
    assert sorted(bool(o.request.candidate_created) for o in outcomes) == [False, True]
    assert await count(sessions, models.Candidate) == 1
    assert await count(sessions, models.LinkedInIdentity) == 1
    async with sessions() as db:
        jobs = sorted((await db.exec(select(models.Application.job_id))).all())
    assert jobs == [first_job, second_job]


async def test_an_existing_candidate_with_the_same_email_exported_to_a_second_job_gets_a_second_application(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given: the candidate is in the ATS (not linked to LinkedIn) and applied to one job
    first_job, second_job = await make_job(sessions, customer_id), await make_job(sessions, customer_id)
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name="Known", last_name="Person", email=NEW_MEMBER.email.lower()
        )
        db.add(candidate)
        await db.flush()
        assert candidate.id is not None
        db.add(models.Application(customer_id=customer_id, candidate_id=candidate.id, job_id=first_job))
        await db.commit()
    # when
    await export(sandbox, NEW_MEMBER, second_job)
    await worker.drain(tenant)
    # then
    assert await count(sessions, models.Candidate) == 1
    async with sessions() as db:
        jobs = sorted((await db.exec(select(models.Application.job_id))).all())
        request = (await db.exec(select(models.ExportRequest))).one()
        identity = (await db.exec(select(models.LinkedInIdentity))).one()
    assert jobs == [first_job, second_job]
    assert (request.candidate_id, request.candidate_created) == (candidate.id, False)
    assert request.match_reason == f"email {NEW_MEMBER.email.lower()}"
    assert (identity.candidate_id, identity.person_urn) == (candidate.id, NEW_MEMBER.urn)


async def test_a_candidate_with_the_same_person_urn_exported_to_a_second_job_gets_a_second_application(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    first_job, second_job = await make_job(sessions, customer_id), await make_job(sessions, customer_id)
    await export(sandbox, NEW_MEMBER, first_job)
    await worker.drain(tenant)
    # when
    await export(sandbox, NEW_MEMBER, second_job)
    await worker.drain(tenant)
    # then
    assert await count(sessions, models.Candidate) == 1
    async with sessions() as db:
        jobs = sorted((await db.exec(select(models.Application.job_id))).all())
        second = (await db.exec(select(models.ExportRequest).order_by(col(models.ExportRequest.id)))).all()[1]
    assert jobs == [first_job, second_job]
    assert (second.candidate_created, second.match_reason) == (
        False,
        f"person URN {NEW_MEMBER.urn} already linked",
    )


async def test_a_second_export_to_the_same_job_changes_nothing(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    await export(sandbox, NEW_MEMBER, job_id)
    await worker.drain(tenant)
    # when
    await export(sandbox, NEW_MEMBER, job_id)
    result = await worker.drain(tenant)
    # then
    assert result.done == 1
    assert await count(sessions, models.Candidate) == 1
    assert await count(sessions, models.Application) == 1
    assert await count(sessions, models.OutboxEvent) == 2


async def test_the_outcome_of_a_pushed_export_is_queryable_over_http(
    server: Server,
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    request_id = await export(sandbox, NEW_MEMBER, job_id)
    await worker.drain(tenant)
    # when
    status, body = await server.graphql(
        """query Q($r: String!) {
             linkedinExport(requestId: $r) {
               status createdCandidate memberUrn candidate { lastName } application { job { title } }
             }
           }""",
        {"r": request_id},
    )
    # then
    assert status == 200
    assert body == {
        "data": {
            "linkedinExport": {
                "status": "DONE",
                "createdCandidate": True,
                "memberUrn": NEW_MEMBER.urn,
                "candidate": {"lastName": NEW_MEMBER.last_name},
                "application": {"job": {"title": "Staff Backend Engineer"}},
            }
        },
        "extensions": cost_extensions(4),
    }


# --- LinkedIn down -------------------------------------------------------------------------------


async def test_an_export_stays_pending_while_linkedin_is_down_and_completes_when_it_is_back(
    sandbox: Sandbox,
    callback: str,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    worker: ExportWorker,
) -> None:
    # given
    job_id = await make_job(sessions, customer_id)
    await export(sandbox, NEW_MEMBER, job_id)
    await sandbox.admin("POST", "faults", {"endpoint": "exportedCandidates", "status": 503, "count": None})
    # when
    down = await worker.drain(tenant)
    async with sessions() as db:
        pending = (await db.exec(select(models.ExportRequest))).one()
    await sandbox.admin("DELETE", "faults")
    back = await worker.drain(tenant)
    # then
    assert (down.done, down.pending) == (0, 1)
    assert (pending.status, pending.attempts) == (models.ExportStatus.PENDING, 1)
    assert pending.error is not None
    # a sentence for a person: LinkedIn's status and text are in the log only
    assert pending.error == (
        "The export could not be fetched yet: "
        "LinkedIn is having a problem right now; try again in a few minutes"
    )
    assert back.done == 1
    async with sessions() as db:
        done = (await db.exec(select(models.ExportRequest))).one()
    assert (done.status, done.attempts, done.error) == (models.ExportStatus.DONE, 2, None)
    assert await count(sessions, models.Candidate) == 1


# --- rejected pushes: 4xx and nothing written ----------------------------------------------------


async def _nothing_written(sessions: SessionFactory) -> None:
    assert await count(sessions, models.WebhookNotification) == 0
    assert await count(sessions, models.ExportRequest) == 0


async def test_a_forged_notification_is_rejected(server: Server, sessions: SessionFactory) -> None:
    # given
    body = push.notification_body("forged-1", expires_at_ms=future_ms())
    # when
    status = await post(server, body, signed(body, "not-the-client-secret"))
    # then
    assert status == 401
    await _nothing_written(sessions)


async def test_an_unsigned_notification_is_rejected(server: Server, sessions: SessionFactory) -> None:
    body = push.notification_body("unsigned-1", expires_at_ms=future_ms())
    status = await post(server, body, {"Content-Type": "application/json"})
    assert status == 401
    await _nothing_written(sessions)


async def test_a_replay_with_a_changed_body_is_rejected(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given: a genuine notification was delivered
    body = push.notification_body("genuine-1", expires_at_ms=future_ms())
    headers = signed(body, sandbox.config.client_secret)
    assert await post(server, body, headers) == 200
    # when: its signature is replayed on another body
    changed = body.replace(b"genuine-1", b"genuine-2")
    status = await post(server, changed, headers)
    # then
    assert status == 401
    async with sessions() as db:
        ids = (await db.exec(select(models.WebhookNotification.notification_id))).all()
    assert list(ids) == ["genuine-1"]


async def test_a_replay_of_a_known_notification_is_acknowledged_and_does_nothing(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given
    body = push.notification_body("known-1", expires_at_ms=future_ms())
    headers = signed(body, sandbox.config.client_secret)
    assert await post(server, body, headers) == 200
    # when
    status = await post(server, body, headers)
    # then
    assert status == 200
    assert await count(sessions, models.WebhookNotification) == 1
    assert await count(sessions, models.ExportRequest) == 1


async def test_two_simultaneous_deliveries_of_one_notification_are_both_acknowledged_and_recorded_once(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given
    body = push.notification_body("twice-1", expires_at_ms=future_ms())
    headers = signed(body, sandbox.config.client_secret)
    # when
    statuses = await asyncio.gather(post(server, body, headers), post(server, body, headers))
    # then
    assert list(statuses) == [200, 200]
    assert await count(sessions, models.WebhookNotification) == 1
    assert await count(sessions, models.ExportRequest) == 1


async def test_an_expired_notification_is_rejected(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    body = push.notification_body("expired-1", expires_at_ms=int(time.time() * 1000) - 1)
    status = await post(server, body, signed(body, sandbox.config.client_secret))
    assert status == 400
    await _nothing_written(sessions)


async def test_an_oversized_notification_is_rejected(
    server: Server, sandbox: Sandbox, settings: Settings, sessions: SessionFactory
) -> None:
    # given: a validly signed body one byte over the limit
    payload = {"type": push.EXPORT_CANDIDATE_PROFILE, "id": "big-1", "expiresAt": future_ms(), "pad": ""}
    size = len(json.dumps(payload).encode())
    payload["pad"] = "x" * (settings.webhook_max_body_bytes - size + 1)
    body = json.dumps(payload).encode()
    # when
    status = await post(server, body, signed(body, sandbox.config.client_secret))
    # then
    assert status == 413
    await _nothing_written(sessions)


async def test_an_oversized_chunked_notification_is_rejected_while_reading(
    server: Server, sandbox: Sandbox, settings: Settings, sessions: SessionFactory
) -> None:
    # given: no Content-Length, so only the reading loop can notice
    chunk = b"x" * 4096

    async def stream() -> Any:
        for _ in range(settings.webhook_max_body_bytes // len(chunk) + 2):
            yield chunk

    # when
    async with server.http.post(
        server.url + WEBHOOK, data=stream(), headers={push.SIGNATURE_HEADER: "00"}
    ) as response:
        status = response.status
    # then
    assert status == 413
    await _nothing_written(sessions)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"type": "EXPORT_CANDIDATE_PROFILE"}',
        b'{"id": "x1"}',
        b'{"type": "T", "id": "x", "expiresAt": "soon"}',
        b'{"type": "T", "id": "x", "expiresAt": 1e20}',
        b'{"type": "T", "id": "x", "expiresAt": 100000000000000000000}',
        b'{"type": "T", "id": "x", "expiresAt": NaN}',
        b'{"type": "T", "id": "x\\ud800"}',
        b'{"type": "T", "id": "x\\u0000"}',
        b'{"type": "T", "id": "x", "extra": {"note": "\\udfff"}}',
        b'{"type": "T", "id": "x", "extra": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
        b'{"type": "' + b"T" * 101 + b'", "id": "x"}',
        b'{"type": "T", "id": "x", "expiresAt": 1' + b"0" * 5000 + b"}",
        b'{"type": "T", "id": "  a4  "}',
    ],
    ids=[
        "not-json",
        "not-an-object",
        "no-id",
        "no-type",
        "bad-expiry",
        "float-expiry-1e20",
        "integer-expiry-1e20",
        "nan-expiry",
        "lone-surrogate-in-id",
        "nul-in-id",
        "lone-surrogate-elsewhere",
        "nested-30000-deep",
        "type-longer-than-its-column",
        "expiry-of-5000-digits",
        "id-with-surrounding-spaces",
    ],
)
async def test_a_malformed_signed_notification_is_rejected(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, body: bytes
) -> None:
    status = await post(server, body, signed(body, sandbox.config.client_secret))
    assert status == 400
    await _nothing_written(sessions)


async def test_an_expiry_further_ahead_than_the_max_age_is_rejected(
    server: Server, sandbox: Sandbox, settings: Settings, sessions: SessionFactory
) -> None:
    # given: replays are caught by id for webhook_max_age_s; a longer validity would outlive that
    expires_ms = int((time.time() + settings.webhook_max_age_s + 60) * 1000)
    body = push.notification_body("far-1", expires_at_ms=expires_ms)
    # when
    status = await post(server, body, signed(body, sandbox.config.client_secret))
    # then
    assert status == 400
    await _nothing_written(sessions)


async def test_a_notification_without_an_expiry_is_accepted_and_its_replay_recognised_by_id(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given: expiresAt is an assumption of the contract ([S]/[I]), not something LinkedIn promises
    body = push.notification_body("no-expiry-1")
    headers = signed(body, sandbox.config.client_secret)
    # when
    first = await post(server, body, headers)
    replay = await post(server, body, headers)
    # then
    assert (first, replay) == (200, 200)
    assert await count(sessions, models.WebhookNotification) == 1
    assert await count(sessions, models.ExportRequest) == 1


async def test_an_integration_status_change_is_recorded_without_an_export(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given
    body = push.notification_body("status-1", push.INTEGRATION_STATUS_CHANGE, expires_at_ms=future_ms())
    # when
    status = await post(server, body, signed(body, sandbox.config.client_secret))
    # then
    assert status == 200
    async with sessions() as db:
        notification = (await db.exec(select(models.WebhookNotification))).one()
    assert (notification.notification_id, notification.type) == ("status-1", push.INTEGRATION_STATUS_CHANGE)
    assert await count(sessions, models.ExportRequest) == 0


async def test_a_content_length_of_non_ascii_digits_is_not_trusted_as_a_size() -> None:
    # given: a declared length such as "²" (isdigit, yet int() refuses it); the body itself is small
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    scope = {"type": "http", "method": "POST", "headers": [(b"content-length", "²".encode("latin-1"))]}
    request = Request(scope, receive)
    # when / then: the body is read and measured instead of a ValueError (a 500)
    assert await webhooks.read_limited(request, 10) == b"{}"


async def test_an_integration_status_change_push_is_followed_up_and_each_state_stored(
    server: Server, sandbox: Sandbox, callback: str, services: Services, customer_id: int
) -> None:
    # given the customer's CALLBACK_URL at this server
    # when its admin enables two integrations in LinkedIn's plugin, and LinkedIn pushes the change
    await sandbox.admin(
        "POST",
        f"apps/{sandbox.config.client_id}/integrations/enable",
        {"types": ["ONE_CLICK_EXPORT", "IN_ATS_INDICATOR"]},
    )
    # then the server asked LinkedIn what changed and stored both as enabled (the push is acknowledged
    # only after the follow-up, so it is there when the delivery returns)
    states = await onboarding.integrations(services, customer_id)
    enabled = sorted(s.type.value for s in states if s.enabled)
    assert enabled == ["IN_ATS_INDICATOR", "ONE_CLICK_EXPORT"]

"""One callback URL per customer: each verified with that customer's secret, its challenge answered with
it, its pushes recorded as that customer's; an unknown key is 404; the old single URL serves the customer
migrated from the single-customer schema (`legacy_webhook`) and no other."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlmodel import col, func, select, update

import models
from app.export_worker import ExportWorker
from app.settings import Settings
from linkedin import push
from models.db import SessionFactory
from resolvers.services import Services
from tests.child_apps import ChildApp, add_child_customer
from tests.conftest import Sandbox, Server

LEGACY = "/webhooks/linkedin"


def url(server: Server, key: str | None) -> str:
    return server.url + (LEGACY if key is None else f"{LEGACY}/{key}")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The server's own export worker is off: tests run passes themselves."""
    return settings.model_copy(update={"export_interval_s": 0})


@pytest.fixture
async def globex(sessions: SessionFactory, settings: Settings, sandbox: Sandbox) -> tuple[int, ChildApp]:
    """A second customer, `globex`, with a child app of its own in the sandbox."""
    row, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert row.id is not None
    return row.id, app


def body_of(notification_id: str, **extra: Any) -> bytes:
    return push.notification_body(notification_id, expires_at_ms=int(time.time() * 1000) + 3_600_000, **extra)


async def post(server: Server, key: str | None, body: bytes, secret: str) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", push.SIGNATURE_HEADER: push.signature(secret, body)}
    async with server.http.post(url(server, key), data=body, headers=headers) as response:
        return response.status, await response.json()


async def recorded(sessions: SessionFactory) -> list[tuple[int, str]]:
    """Every recorded push of every customer: (customer id, notification id)."""
    async with sessions() as db:
        statement = select(models.WebhookNotification).order_by(col(models.WebhookNotification.id))
        return [(n.customer_id, n.notification_id) for n in (await db.exec(statement)).all()]


async def export_requests(sessions: SessionFactory) -> list[tuple[int, str, models.ExportStatus]]:
    async with sessions() as db:
        statement = select(models.ExportRequest).order_by(col(models.ExportRequest.id))
        return [(r.customer_id, r.request_id, r.status) for r in (await db.exec(statement)).all()]


async def make_legacy(sessions: SessionFactory, customer_id: int) -> None:
    async with sessions() as db:
        statement = update(models.Customer).where(col(models.Customer.id) == customer_id)
        await db.exec(statement.values(legacy_webhook=True))
        await db.commit()


# --- each customer its own URL and secret --------------------------------------------------------


async def test_a_push_signed_with_one_customers_secret_to_another_customers_url_is_refused_unwritten(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, globex: tuple[int, ChildApp]
) -> None:
    # given: a validly signed push of acme (its child app's secret), sent to globex's URL
    body = body_of("crossed-1")
    # when
    status, answer = await post(server, "globex", body, sandbox.config.client_secret)
    # then
    assert (status, answer) == (401, {"error": f"{push.SIGNATURE_HEADER} does not match the body"})
    assert await recorded(sessions) == []
    assert await export_requests(sessions) == []


async def test_each_customer_push_signed_with_its_own_secret_is_recorded_as_that_customers(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int, globex: tuple[int, ChildApp]
) -> None:
    # given: LinkedIn's ids are unique per customer only: both customers get a push with the same id
    globex_id, app = globex
    body = body_of("same-id")
    # when
    statuses = [
        await post(server, "acme", body, sandbox.config.client_secret),
        await post(server, "globex", body, app.client_secret),
    ]
    # then
    assert [status for status, _ in statuses] == [200, 200]
    assert [answer["status"] for _, answer in statuses] == ["accepted", "accepted"]
    assert await recorded(sessions) == [(customer_id, "same-id"), (globex_id, "same-id")]
    assert await export_requests(sessions) == [
        (customer_id, "same-id", models.ExportStatus.PENDING),
        (globex_id, "same-id", models.ExportStatus.PENDING),
    ]


async def test_the_challenge_is_answered_with_the_secret_of_the_urls_customer(
    server: Server, sandbox: Sandbox, globex: tuple[int, ChildApp]
) -> None:
    # when
    answers = {}
    for key in ("acme", "globex"):
        async with server.http.get(url(server, key), params={"challengeCode": "c0de-2"}) as response:
            answers[key] = (response.status, await response.json())
    # then
    assert answers == {
        "acme": (200, push.challenge_response(sandbox.config.client_secret, "c0de-2")),
        "globex": (200, push.challenge_response(globex[1].client_secret, "c0de-2")),
    }


@pytest.mark.parametrize("key", ["initech", "Not_A-Key!", "x" * 60], ids=["unknown", "malformed", "too-long"])
async def test_a_url_of_no_customer_is_not_found_and_nothing_is_written(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, key: str
) -> None:
    # when
    pushed, _ = await post(server, key, body_of("lost-1"), sandbox.config.client_secret)
    async with server.http.get(url(server, key), params={"challengeCode": "c"}) as response:
        challenged = response.status
    # then
    assert (pushed, challenged) == (404, 404)
    assert await recorded(sessions) == []


async def test_a_push_naming_another_customers_organization_is_refused_and_recorded(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int, globex: tuple[int, ChildApp]
) -> None:
    # given: signed with acme's secret, to acme's URL, but for globex's organization
    body = body_of("misrouted-1", integration_context=globex[1].org_urn)
    # when
    status, answer = await post(server, "acme", body, sandbox.config.client_secret)
    replay, _ = await post(server, "acme", body, sandbox.config.client_secret)
    # then: refused (twice), kept once as acme's and as done with, and no export is made of it
    assert (status, replay) == (403, 403)
    assert answer == {
        "error": f"notification misrouted-1: The export belongs to integrationContext {globex[1].org_urn}, "
        f"not to this customer's {sandbox.config.org_urn}"
    }
    assert await recorded(sessions) == [(customer_id, "misrouted-1")]
    async with sessions() as db:
        notification = (await db.exec(select(models.WebhookNotification))).one()
    assert notification.processed_at is not None
    assert await export_requests(sessions) == []


async def test_a_push_naming_its_own_customers_organization_is_accepted(
    server: Server, sandbox: Sandbox, sessions: SessionFactory, customer_id: int
) -> None:
    body = body_of("own-1", integration_context=sandbox.config.org_urn)
    status, _ = await post(server, "acme", body, sandbox.config.client_secret)
    assert status == 200
    assert await export_requests(sessions) == [(customer_id, "own-1", models.ExportStatus.PENDING)]


async def test_linkedin_delivers_a_customers_export_to_its_own_url_and_it_lands_in_its_ats(
    server: Server,
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    customer_id: int,
    globex: tuple[int, ChildApp],
) -> None:
    # given: globex's CALLBACK_URL is its own URL, set with its own client; one of its jobs is open
    globex_id, app = globex
    tenant = await services.tenants.get(globex_id)
    await tenant.linkedin.set_callback_url(url(server, "globex"))
    async with sessions() as db:
        job = models.Job(customer_id=globex_id, title="Analyst")
        db.add(job)
        await db.commit()
    world = await sandbox.admin("GET", f"world?app={app.client_id}")
    member = world["members"][0]
    # when: a globex recruiter exports a member; the sandbox signs with globex's secret and delivers
    exported = await sandbox.admin(
        "POST",
        f"exports?app={app.client_id}",
        {"seat": world["seats"][0]["urn"], "member": member["urn"], "externalJobPostingId": str(job.id)},
    )
    deliveries = await sandbox.admin("GET", f"deliveries?app={app.client_id}&wait=1")
    result = await ExportWorker(services).drain(tenant)
    # then
    assert [(d["requestId"], d["state"]) for d in deliveries["deliveries"]] == [
        (exported["requestId"], "delivered")
    ]
    assert result.done == 1
    assert await export_requests(sessions) == [(globex_id, exported["requestId"], models.ExportStatus.DONE)]
    async with sessions() as db:
        owners = (await db.exec(select(models.Candidate.customer_id))).all()
    assert list(owners) == [globex_id]


# --- the old single URL ---------------------------------------------------------------------------


async def test_the_old_url_is_not_found_when_no_customer_was_migrated(
    server: Server, sandbox: Sandbox, sessions: SessionFactory
) -> None:
    # given: acme was onboarded as a customer (not migrated): it has only its own URL
    # when
    status, _ = await post(server, None, body_of("old-1"), sandbox.config.client_secret)
    async with server.http.get(url(server, None), params={"challengeCode": "c"}) as response:
        challenged = response.status
    # then
    assert (status, challenged) == (404, 404)
    assert await recorded(sessions) == []


async def test_the_old_url_serves_the_migrated_customer_alone(
    server: Server,
    sandbox: Sandbox,
    sessions: SessionFactory,
    customer_id: int,
    globex: tuple[int, ChildApp],
) -> None:
    # given: acme is the customer migrated from the single-customer schema
    await make_legacy(sessions, customer_id)
    # when: LinkedIn, configured long ago, challenges and pushes to the old URL with acme's secret;
    # and a push signed with globex's secret arrives there too
    async with server.http.get(url(server, None), params={"challengeCode": "c0de-3"}) as response:
        challenge = (response.status, await response.json())
    accepted, _ = await post(server, None, body_of("old-2"), sandbox.config.client_secret)
    refused, _ = await post(server, None, body_of("old-3"), globex[1].client_secret)
    # then: the old URL is acme's, and acme's only
    assert challenge == (200, push.challenge_response(sandbox.config.client_secret, "c0de-3"))
    assert (accepted, refused) == (200, 401)
    assert await recorded(sessions) == [(customer_id, "old-2")]
    # and acme's own URL knows the push as a replay (one record per customer and id)
    again, answer = await post(server, "acme", body_of("old-2"), sandbox.config.client_secret)
    assert (again, answer["status"]) == (200, "duplicate")
    async with sessions() as db:
        total = (await db.exec(select(func.count()).select_from(models.WebhookNotification))).one()
    assert total == 1

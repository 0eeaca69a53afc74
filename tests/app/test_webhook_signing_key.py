"""When LinkedIn signs pushes with another secret (the parent app's), `webhook_signing_secret` says so."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlmodel import select

import models
from app.settings import Settings
from linkedin.client import LinkedInClient
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from tests.conftest import Sandbox, Server

WORLD = build_world(SandboxConfig())


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The sandbox signs with the parent app's secret and challenges the endpoint first."""
    return SandboxConfig(signing_key="parent", challenge=True)


async def export(sandbox: Sandbox, server: Server, linkedin: LinkedInClient) -> dict[str, object]:
    await linkedin.set_callback_url(server.url + "/webhooks/linkedin/acme")
    body = {"seat": WORLD.seats[0].urn, "member": WORLD.members[180].urn, "externalJobPostingId": "1"}
    await sandbox.admin("POST", "exports", body)
    deliveries = await sandbox.admin("GET", "deliveries?wait=1")
    return dict(deliveries["deliveries"][0])


class TestWithTheParentSecretConfigured:
    @pytest.fixture
    def settings(self, settings: Settings, sandbox: Sandbox) -> Settings:
        secret = SecretStr(sandbox.config.parent_client_secret)
        return settings.model_copy(update={"export_interval_s": 0, "webhook_signing_secret": secret})

    async def test_the_push_passes_the_challenge_and_is_recorded(
        self, sandbox: Sandbox, server: Server, linkedin: LinkedInClient, sessions: SessionFactory
    ) -> None:
        delivery = await export(sandbox, server, linkedin)
        assert delivery["state"] == "delivered"
        async with sessions() as db:
            rows = (await db.exec(select(models.WebhookNotification))).all()
        assert len(rows) == 1


class TestWithoutIt:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"export_interval_s": 0})

    async def test_the_endpoint_fails_the_challenge_and_nothing_is_recorded(
        self, sandbox: Sandbox, server: Server, linkedin: LinkedInClient, sessions: SessionFactory
    ) -> None:
        delivery = await export(sandbox, server, linkedin)
        assert delivery["state"] == "challenge_failed"
        async with sessions() as db:
            rows = (await db.exec(select(models.WebhookNotification))).all()
        assert rows == []

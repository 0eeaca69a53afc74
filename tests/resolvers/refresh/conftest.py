"""Fixtures of the refresh tests: a clock the sandbox and the poller share, and the poller on it."""

from __future__ import annotations

import pytest

from linkedin.client import LinkedInClient
from linkedin.sandbox.config import SandboxConfig
from models.db import SessionFactory
from resolvers.refresh import RefreshService
from tests.resolvers.refresh.support import LOOKBACK, START, Clock


@pytest.fixture
def clock() -> Clock:
    """The clock of this test."""
    return Clock(START)


@pytest.fixture
def sandbox_config(clock: Clock) -> SandboxConfig:
    """A sandbox on the test's clock."""
    return SandboxConfig(now_ms=clock.ms)


@pytest.fixture
def refresher(
    sessions: SessionFactory, customer_id: int, linkedin: LinkedInClient, clock: Clock
) -> RefreshService:
    """The test customer's refresh service on the test's clock, looking back over the sandbox's whole
    history."""
    return RefreshService(sessions, customer_id, linkedin, initial_lookback=LOOKBACK, clock=clock.now)

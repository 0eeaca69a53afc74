"""What the onboarding tests share: the initial backfills onboarding started, and tenants buildable on
this branch's base.

MERGE: `resolvers/tenants.py` builds `RefreshService(sessions, customer_id, client, …)`, the signature
the poll branch gives it; until that branch is merged `tenants_buildable` adapts the call (and does
nothing once RefreshService takes the customer).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin.client import LinkedInClient
from models.db import SessionFactory
from models.integration import SyncEntity
from resolvers.refresh import RefreshService
from resolvers.services import Services


@dataclasses.dataclass
class Backfills:
    """The initial backfills onboarding started: (customer id, since, now)."""

    calls: list[tuple[int, datetime, datetime]] = dataclasses.field(default_factory=list)

    async def __call__(
        self, db: AsyncSession, customer_id: int, *, since: datetime, now: datetime
    ) -> Mapping[SyncEntity, int]:
        self.calls.append((customer_id, since, now))
        return {}


def record_backfills(services: Services) -> Backfills:
    """Make onboarding's initial backfill a recorder (the real one is the sync branch's)."""
    recorder = Backfills()
    assert services.onboarding is not None
    services.onboarding = dataclasses.replace(services.onboarding, backfill=recorder)
    return recorder


def tenants_buildable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let `TenantDirectory` build tenants while RefreshService does not take the customer yet."""
    if "customer_id" in inspect.signature(RefreshService).parameters:
        return

    def refresh(
        sessions: SessionFactory, customer_id: int, client: LinkedInClient, **kw: Any
    ) -> RefreshService:
        return RefreshService(sessions, client, **kw)

    monkeypatch.setattr("resolvers.tenants.RefreshService", refresh)

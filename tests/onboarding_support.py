"""What the onboarding tests share: a recorder of the initial backfills onboarding started."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models.integration import SyncEntity
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
    """Make onboarding's initial backfill a recorder (the real one enqueues the customer's history)."""
    recorder = Backfills()
    assert services.onboarding is not None
    services.onboarding = dataclasses.replace(services.onboarding, backfill=recorder)
    return recorder

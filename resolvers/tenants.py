"""A customer as the domain works with it: its id and key, its LinkedIn instance, and the services that
are per customer (its own LinkedIn client and token cache, its single-flight poll, its live-match cache,
shared with the other processes through the directory's `match_store` when there is one).

LinkedIn's limits are per application: a customer's 429 or refused credentials pause that customer's
client and cache only. `TenantDirectory` builds a tenant from its `customer` row once and rebuilds it
when the row changes (credentials rotated, URNs corrected).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from models import customer_queries
from models.customers import Customer
from models.db import SessionFactory
from resolvers.activity_feed import ActivityFeed
from resolvers.match_cache import LiveMatchCache, SharedMatchStore
from resolvers.member_digest import MemberDigest
from resolvers.refresh import RefreshService
from resolvers.secret_box import SecretBox

log = logging.getLogger("rscgraph.tenants")

# (the customer's LinkedIn config, its key for metrics and logs) -> its client
ClientFactory = Callable[[LinkedInConfig, str], LinkedInClient]


@dataclass(slots=True)
class Tenant:
    """One customer: what every domain function of a request or a job for it takes."""

    id: int
    key: str
    name: str
    org_urn: str
    contract_urn: str
    client_id: str
    # This customer's child app: its own tokens, retry budget and faults.
    linkedin: LinkedInClient
    refresh: RefreshService
    # Keyed HMACs of person URNs for erasure tombstones (keys from RSC_SECRET_KEYS).
    member_digest: MemberDigest
    live_matches: LiveMatchCache = field(default_factory=LiveMatchCache)
    # The row version this tenant was built from.
    version: datetime | None = None

    async def aclose(self) -> None:
        """End this customer's background poll and pending snapshot writes."""
        await self.refresh.aclose()
        await self.live_matches.drain()


class UnknownCustomer(LookupError):
    """No customer has this id or key."""


class TenantDirectory:
    """Every customer's `Tenant`, built on first use and reused; a changed row is rebuilt on the next
    lookup after `recheck_s`."""

    def __init__(
        self,
        sessions: SessionFactory,
        box: SecretBox,
        base: LinkedInConfig,
        clients: ClientFactory,
        *,
        poll_initial_lookback: timedelta,
        refresh_deadline_s: float,
        recheck_s: float = 5.0,
        feed: ActivityFeed | None = None,
        match_store: SharedMatchStore | None = None,
    ) -> None:
        self._sessions = sessions
        self._box = box
        self._base = base
        self._clients = clients
        self._lookback = poll_initial_lookback
        self._deadline_s = refresh_deadline_s
        self._recheck_s = recheck_s
        self._feed = feed
        # Where every process shares live matches (Redis); None: each tenant's cache is this process's.
        self._match_store = match_store
        self._by_id: dict[int, tuple[float, Tenant]] = {}
        self._key_ids: dict[str, int] = {}
        self._first_id: int | None = None
        self._retired: list[Tenant] = []

    @property
    def box(self) -> SecretBox:
        """The encryption of stored client secrets."""
        return self._box

    async def get(self, customer_id: int) -> Tenant:
        """The tenant of a customer id; `UnknownCustomer` if there is none."""
        cached = self._by_id.get(customer_id)
        if cached is not None and time.monotonic() - cached[0] < self._recheck_s:
            return cached[1]
        async with self._sessions() as db:
            row = await customer_queries.customer_by_id(db, customer_id)
        if row is None:
            self._by_id.pop(customer_id, None)
            raise UnknownCustomer(customer_id)
        return self._of_row(row)

    async def by_key(self, key: str) -> Tenant:
        """The tenant of a customer key; `UnknownCustomer` if there is none."""
        known = self._key_ids.get(key)
        if known is not None:
            return await self.get(known)
        async with self._sessions() as db:
            row = await customer_queries.customer_by_key(db, key)
        if row is None:
            raise UnknownCustomer(key)
        return self._of_row(row)

    async def first(self) -> Tenant | None:
        """The oldest customer's tenant, if any customer exists."""
        if self._first_id is None:
            async with self._sessions() as db:
                row = await customer_queries.first_customer(db)
            if row is None or row.id is None:
                return None
            self._first_id = row.id
        try:
            return await self.get(self._first_id)
        except UnknownCustomer:
            self._first_id = None
            return None

    def forget(self, customer_id: int) -> None:
        """Rebuild this customer's tenant on its next lookup (its row just changed in this process)."""
        self._by_id.pop(customer_id, None)

    def _of_row(self, row: Customer) -> Tenant:
        assert row.id is not None
        cached = self._by_id.get(row.id)
        if cached is not None and cached[1].version == row.updated_at:
            self._by_id[row.id] = (time.monotonic(), cached[1])
            return cached[1]
        if cached is not None:
            self._retired.append(cached[1])
        tenant = self._build(row)
        self._by_id[row.id] = (time.monotonic(), tenant)
        self._key_ids[row.key] = row.id
        return tenant

    def _build(self, row: Customer) -> Tenant:
        assert row.id is not None
        config = self._base.for_app(
            row.linkedin_client_id,
            self._box.decrypt(row.linkedin_client_secret_encrypted),
            org_urn=row.linkedin_org_urn,
            contract_urn=row.linkedin_contract_urn,
        )
        client = self._clients(config, row.key)
        digest = MemberDigest.of_box(self._box)
        return Tenant(
            id=row.id,
            key=row.key,
            name=row.name,
            org_urn=row.linkedin_org_urn,
            contract_urn=row.linkedin_contract_urn,
            client_id=row.linkedin_client_id,
            linkedin=client,
            refresh=RefreshService(
                self._sessions,
                row.id,
                client,
                initial_lookback=self._lookback,
                deadline_s=self._deadline_s,
                feed=self._feed,
                member_digest=digest,
            ),
            member_digest=digest,
            live_matches=LiveMatchCache(customer_id=row.id, shared=self._match_store),
            version=row.updated_at,
        )

    def loaded(self) -> list[Tenant]:
        """The tenants built so far in this process."""
        return [tenant for _, tenant in self._by_id.values()]

    async def aclose(self) -> None:
        """End every tenant's background work."""
        for tenant in [*self.loaded(), *self._retired]:
            await tenant.aclose()

"""The partner (parent) app's client: the Provisioning API, spoken with the partner's own token.

The partner app is only ever used for `provisionedApplications` (§2.2); every customer's traffic goes
through a `LinkedInClient` of that customer's child app (`LinkedInPartnerClient.child_config`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import quote

import aiohttp

from linkedin import restli, wire
from linkedin.auth import TokenProvider
from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from linkedin.errors import LinkedInHTTPError
from linkedin.observer import CallObserver
from linkedin.records import ProvisionedApplication
from linkedin.retry import RetryPolicy

log = logging.getLogger("rscgraph.linkedin")
RESOURCE = "provisionedApplications"


class LinkedInPartnerClient:
    """Provisioning calls of the partner app; its token cache is its own, apart from every customer's."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        config: LinkedInConfig,
        *,
        policy: RetryPolicy | None = None,
        tokens: TokenProvider | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        # The transport (auth, retries, decoding) is the customer client's; only the calls differ.
        self._client = LinkedInClient(http, config, policy=policy, tokens=tokens, observer=observer)
        self._config = config

    @property
    def config(self) -> LinkedInConfig:
        """The partner app's configuration."""
        return self._config

    @property
    def tokens(self) -> TokenProvider:
        """The partner app's token provider."""
        return self._client.tokens

    def child_config(self, app: ProvisionedApplication, *, org_urn: str, contract_urn: str) -> LinkedInConfig:
        """A client config for a provisioned customer app: same hosts and patience, its credentials."""
        return self._config.for_app(
            app.client_id, app.client_secret, org_urn=org_urn, contract_urn=contract_urn
        )

    async def find_child_app(self, unique_foreign_id: str) -> ProvisionedApplication | None:
        """The child app provisioned for this customer id (finder credentialsByUniqueForeignId), if any."""
        query = restli.encode_query([("q", wire.PROVISIONING_FINDER), ("uniqueForeignId", unique_foreign_id)])
        items = wire.elements(await self._client._send("GET", RESOURCE, query=query))
        return wire.parse_provisioned_application(items[0]) if items else None

    async def create_child_app(
        self,
        unique_foreign_id: str,
        name: str,
        *,
        description: str | None = None,
        js_sdk_domains: Sequence[str] = (),
        callback_urls: Sequence[str] = (),
    ) -> ProvisionedApplication:
        """Create a child app (one POST, never replayed); LinkedIn refuses a known uniqueForeignId."""
        body = wire.provision_request(
            unique_foreign_id=unique_foreign_id,
            name=name,
            description=description,
            js_sdk_domains=js_sdk_domains,
            callback_urls=callback_urls,
        )
        return wire.parse_provisioned_application(await self._client._send("POST", RESOURCE, json=body))

    async def provision_child_app(
        self,
        unique_foreign_id: str,
        name: str,
        *,
        description: str | None = None,
        js_sdk_domains: Sequence[str] = (),
        callback_urls: Sequence[str] = (),
    ) -> ProvisionedApplication:
        """The customer's child app, created only when none exists: safe to repeat after any failure."""
        existing = await self.find_child_app(unique_foreign_id)
        if existing is not None:
            return existing
        try:
            return await self.create_child_app(
                unique_foreign_id,
                name,
                description=description,
                js_sdk_domains=js_sdk_domains,
                callback_urls=callback_urls,
            )
        except LinkedInHTTPError as exc:
            # A concurrent or earlier create (whose answer was lost) won: the app exists, use it.
            if exc.status != 409:
                raise
            log.info("LinkedIn provisionedApplications: %s already provisioned", unique_foreign_id)
            found = await self.find_child_app(unique_foreign_id)
            if found is None:
                raise
            return found

    async def set_js_sdk_domains(self, app_urn: str, domains: Sequence[str]) -> None:
        """Replace the domains the widgets of a child app load on (scheme+host(+port), no trailing /)."""
        resource = f"{RESOURCE}/{quote(app_urn, safe='')}"
        await self._client._send("POST", resource, json=wire.js_sdk_domains_patch(domains))

"""Who a request comes from: its customer (none for the vendor's operators), user and roles.

Established once per request by app/ and passed down; every domain function takes the customer from
here and nowhere else. The Viewers issue authenticates it; until then only a development setting names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.tenants import Tenant


@dataclass(frozen=True, slots=True)
class Viewer:
    """The customer this request sees and acts in (None for an operator), and who asks."""

    tenant: Tenant | None
    user: str | None = None
    roles: frozenset[str] = frozenset()

    @property
    def customer_id(self) -> int | None:
        """The id of the viewer's customer, if it has one."""
        return self.tenant.id if self.tenant is not None else None


class NotSignedIn(Exception):
    """The request carries no credential this deployment accepts (answered with HTTP 401)."""

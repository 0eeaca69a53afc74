"""Who a request comes from: its customer (none for the vendor's operators), user and roles.

Established once per request by app/ (a bearer token or an API key) and passed down; every domain
function takes the customer from here and nowhere else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from resolvers.tenants import Tenant


class Role(enum.StrEnum):
    """What a viewer may do; graph/permissions.py holds the one table of what each role may use."""

    # The vendor: provisions, onboards and offboards customers; belongs to no customer.
    OPERATOR = "operator"
    # A customer's admin: integrations, credentials, API keys, users and seats, ACLs, audit log; and
    # everything a recruiter may do.
    ADMIN = "admin"
    # Candidate tabs, ATS writes, refresh, link/unlink, exports.
    RECRUITER = "recruiter"
    # A service client: the In-ATS badge data of `linkedinMembers`, read-only.
    INTEGRATION = "integration"


# The roles a customer's admin may grant (never operator, never outside its customer).
GRANTABLE_ROLES = frozenset({Role.ADMIN, Role.RECRUITER, Role.INTEGRATION})


def known_roles(names: object) -> frozenset[Role]:
    """The known roles among `names` (a token's claim: a list or a space/comma separated string)."""
    if isinstance(names, str):
        names = names.replace(",", " ").split()
    if not isinstance(names, list | tuple | set | frozenset):
        return frozenset()
    values = {role.value: role for role in Role}
    return frozenset(values[n] for n in names if isinstance(n, str) and n in values)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The customer this request sees and acts in (None for an operator), and who asks."""

    tenant: Tenant | None
    # The user's email (or the token's subject), or "api key <id>": for logs and the audit log.
    user: str | None = None
    roles: frozenset[str] = frozenset()
    # The customer's user row (models.User) behind the request, when a person signed in.
    user_id: int | None = None
    # The API key the request presented, when a service client asks.
    api_key_id: int | None = None
    name: str | None = None

    @property
    def customer_id(self) -> int | None:
        """The id of the viewer's customer, if it has one."""
        return self.tenant.id if self.tenant is not None else None

    def has_any(self, roles: frozenset[str]) -> bool:
        """Whether the viewer holds one of `roles`."""
        return not self.roles.isdisjoint(roles)


class NotSignedIn(Exception):
    """The request carries no credential this deployment accepts (answered with HTTP 401)."""

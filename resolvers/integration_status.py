"""The integration status page's view of a customer's LinkedIn credentials: its client's last token call."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from linkedin.auth import CredentialsCheck
from linkedin.errors import LinkedInError
from models.base import utcnow
from resolvers import linkedin_faults
from resolvers.errors import ErrorKind
from resolvers.services import Services
from resolvers.tenants import Tenant

log = logging.getLogger("rscgraph.integration")


@dataclass(frozen=True, slots=True)
class CredentialsStatus:
    """Whether LinkedIn accepted the credentials at `checked_at` (None: it said nothing about them), and
    why not, for a person (`error`) and a program (`error_code`)."""

    valid: bool | None
    checked_at: datetime | None
    error: str | None = None
    error_code: ErrorKind | None = None


def _of_check(check: CredentialsCheck) -> CredentialsStatus:
    if check.error is None:
        return CredentialsStatus(check.valid, check.checked_at)
    fault = linkedin_faults.describe(check.error, now=check.checked_at)
    return CredentialsStatus(check.valid, check.checked_at, fault.message, fault.code)


async def credentials_status(services: Services, tenant: Tenant) -> CredentialsStatus:
    """The last token call's result of the customer's client; before any, one token call now (bounded by
    the refresh deadline).

    Refused credentials are not asked about again (the token provider fails fast until they change).
    """
    tokens = tenant.linkedin.tokens
    if tokens.last_check is None:
        try:
            async with asyncio.timeout(services.config.refresh_deadline_s):
                await tokens.get()
        except (TimeoutError, LinkedInError) as exc:
            log.warning("checking the LinkedIn credentials failed: %s", str(exc) or type(exc).__name__)
            if tokens.last_check is None:  # the token call did not end: nothing is known of the credentials
                fault = linkedin_faults.describe(exc)
                return CredentialsStatus(None, utcnow(), fault.message, fault.code)
    check = tokens.last_check
    assert check is not None  # a token call ended above, or an earlier one had
    return _of_check(check)

"""One run of a background job over every customer: each customer's share (`run_for(tenant)`) under a
lease named after the job and the customer, a few customers at once, one customer's failure or hang
costing the others nothing but its own slot.

The unit of work is the function of one tenant; a table of due work (models/scheduled_work.py) can take
over choosing whose share runs when, without changing it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from app import metrics
from app.tenancy import working_for
from models import customer_queries, leases
from resolvers.services import Services
from resolvers.tenants import Tenant, UnknownCustomer

log = logging.getLogger("rscgraph.jobs")

# Customers whose work runs at once in one job run: a customer whose LinkedIn hangs holds one of these
# slots until its timeouts end, never the others' turn.
CUSTOMERS_AT_ONCE = 8
UnitOfWork = Callable[[Tenant], Awaitable[object]]


async def tenants_of_every_customer(services: Services) -> list[Tenant]:
    """Every customer's tenant, oldest customer first."""
    async with services.sessions() as db:
        rows = await customer_queries.customers(db)
    tenants = []
    for row in rows:
        assert row.id is not None
        try:
            tenants.append(await services.tenants.get(row.id))
        except UnknownCustomer:  # removed since the list was read
            continue
    return tenants


async def for_each_customer(
    services: Services,
    job: str,
    run_for: UnitOfWork,
    *,
    holder: str,
    lease: bool = True,
    at_once: int = CUSTOMERS_AT_ONCE,
) -> dict[str, bool]:
    """One run of a job: `run_for(tenant)` for every customer, at most `at_once` at a time, each under the
    lease `job:<customer id>` (a customer another process is doing is skipped), each customer's failure
    logged and counted without stopping the others. Per customer key: whether its work succeeded (a
    customer skipped for its lease is left out)."""
    gate = asyncio.Semaphore(at_once)
    outcomes: dict[str, bool] = {}

    async def one(tenant: Tenant) -> None:
        async with gate:
            with working_for(tenant.key):
                try:
                    if lease:
                        async with leases.hold_lease(
                            services.sessions, leases.customer_lease(job, tenant.id), holder
                        ):
                            await run_for(tenant)
                    else:
                        await run_for(tenant)
                except leases.LeaseBusy:
                    return  # another process is doing this customer's share right now
                except leases.LeaseLost:
                    log.warning(
                        "%s for customer %s: the lease lapsed; another process carries on", job, tenant.key
                    )
                    outcomes[tenant.key] = False
                    return
                except Exception:  # one customer's failure (a bug, its database rows) must not stop the rest
                    log.exception("%s failed for customer %s; it is tried again next run", job, tenant.key)
                    metrics.customer_job_failed(job, tenant.key)
                    outcomes[tenant.key] = False
                    return
                outcomes[tenant.key] = True

    async with asyncio.TaskGroup() as group:
        for tenant in await tenants_of_every_customer(services):
            group.create_task(one(tenant), name=f"{job}:{tenant.key}")
    return outcomes

"""The demo's two customers, onboarded end to end against the sandbox as a vendor would onboard real ones.

`rscgraph run` provisions "Acme Staffing" (`acme`) and "Globex Talent" (`globex`) through the partner
app (the sandbox's Provisioning API), seeds each ATS from its own LinkedIn world, then configures each
one's integrations (names, CALLBACK_URL, viewers) with the URNs LinkedIn gave it, which starts its
initial sync. One LinkedIn member is a candidate of both, with different ATS data. Run again, it finds
the apps and customers it made (provisioning is idempotent) and seeds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from app.dev_tokens import DemoUser, demo_users_of
from app.seed import seed_demo
from app.services import open_services
from app.settings import Settings
from linkedin.sandbox.world import Member, Seat, World
from resolvers import onboarding
from resolvers.onboarding import ProvisionRequest

TIMEOUT = aiohttp.ClientTimeout(total=10)
DEMO_CUSTOMERS = (("acme", "Acme Staffing"), ("globex", "Globex Talent"))


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """What the demo tells the person who started it about one customer."""

    key: str
    name: str
    client_id: str
    seeded: bool
    # Whom the demo signs in as (its admin and the recruiters of its first seats).
    users: tuple[DemoUser, ...] = ()


async def sandbox_world(
    http: aiohttp.ClientSession, sandbox_url: str, client_id: str
) -> tuple[World, str, str]:
    """A child app's seats and members as the sandbox's admin API shows them, with its org and contract."""
    async with http.get(f"{sandbox_url}/_admin/world", params={"app": client_id}, timeout=TIMEOUT) as answer:
        answer.raise_for_status()
        data: dict[str, Any] = await answer.json()
    seats = [
        Seat(
            id=s["id"],
            urn=s["urn"],
            seatholder=s["seatholder"],
            first_name=s["firstName"],
            last_name=s["lastName"],
        )
        for s in data["seats"]
    ]
    members = [
        Member(
            urn=m["urn"],
            slug=m["slug"],
            first_name=m["firstName"],
            last_name=m["lastName"],
            email=m["emailAddress"],
            phone=m["phoneNumber"],
            title=m["title"],
            city=m["city"],
            profile_url=m["profileUrl"],
        )
        for m in data["members"]
    ]
    return World(seats=seats, members=members), data["orgUrn"], data["contractUrn"]


async def demo_notes(http: aiohttp.ClientSession, sandbox_url: str, client_id: str, world: World) -> None:
    """Two recruiters' prospect notes on the customer's member 0, who has InMail threads with both of
    its first seats, so that candidate shows threads and notes from two seats after the first poll."""
    member = world.members[0].urn
    notes = [
        (world.seats[0].urn, "Strong Go background; open to staff roles"),
        (world.seats[1].urn, "Prefers remote"),
    ]
    for seat, text in notes:
        body = {"seat": seat, "member": member, "note": text}
        url = f"{sandbox_url}/_admin/notes"
        async with http.post(url, params={"app": client_id}, json=body, timeout=TIMEOUT) as answer:
            answer.raise_for_status()


async def onboard_demo(settings: Settings, sandbox_url: str) -> list[DemoCustomer]:
    """Provision, seed and configure the demo's customers (idempotent)."""
    async with open_services(settings) as services, aiohttp.ClientSession() as http:
        provisioned = [
            await onboarding.provision_customer(services, ProvisionRequest(key=key, name=name))
            for key, name in DEMO_CUSTOMERS
        ]
        worlds = [await sandbox_world(http, sandbox_url, row.linkedin_client_id) for row in provisioned]
        shared = [worlds[0][0].members[0]]
        out: list[DemoCustomer] = []
        for n, (row, (world, org_urn, contract_urn)) in enumerate(zip(provisioned, worlds, strict=True)):
            assert row.id is not None
            # Seeded before its integrations are configured: the initial sync then sends it all.
            seeded = await seed_demo(
                services.sessions,
                row.id,
                world,
                company=row.name,
                key=row.key,
                seed=11 + n,
                shared=shared if n else (),
            )
            request = ProvisionRequest(key=row.key, name=row.name, org_urn=org_urn, contract_urn=contract_urn)
            await onboarding.provision_customer(services, request)
            await demo_notes(http, sandbox_url, row.linkedin_client_id, world)
            users = tuple(await demo_users_of(services, row.key))
            out.append(DemoCustomer(row.key, row.name, row.linkedin_client_id, seeded, users))
        return out

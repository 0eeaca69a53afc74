"""The demo's users: per customer an admin and the recruiters of its first two seats, whose tokens sign
in as the seeded users holding those seats."""

from __future__ import annotations

import aiohttp
from sqlmodel import select

import models
from app.demo import onboard_demo
from app.dev_tokens import dev_token
from app.settings import Settings
from app.viewers import build_authenticator
from models.db import SessionFactory
from resolvers.services import Services
from tests.conftest import Sandbox


async def test_each_demo_customer_has_an_admin_and_two_seat_holding_recruiters(
    settings: Settings,
    sandbox: Sandbox,
    sessions: SessionFactory,
    services: Services,
    http: aiohttp.ClientSession,
) -> None:
    # given
    customers = await onboard_demo(settings, sandbox.url)
    authenticator = build_authenticator(settings, services, http)
    async with sessions() as db:
        seats = {
            (seat.customer_id, seat.user_id): seat.seat_urn
            for seat in (await db.exec(select(models.Seat))).all()
        }
    for customer in customers:
        # then
        assert [(u.role.value, u.customer) for u in customer.users] == [
            ("admin", customer.key),
            ("recruiter", customer.key),
            ("recruiter", customer.key),
        ]
        assert customer.users[0].email == f"admin@{customer.key}.demo"
        for user in customer.users[1:]:
            # when: the recruiter signs in with the demo's token
            token = dev_token(settings, user=user.email, role=user.role, customer=user.customer)
            viewer = await authenticator.viewer_of(f"Bearer {token}")
            # then: as the seeded user holding a seat
            assert viewer.tenant is not None
            assert (viewer.tenant.key, viewer.user, viewer.roles) == (
                customer.key,
                user.email,
                frozenset({"recruiter"}),
            )
            assert (viewer.tenant.id, viewer.user_id) in seats

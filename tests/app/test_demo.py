"""The demo's onboarding: two customers provisioned through the sandbox, each with its own ATS data from
its own LinkedIn world, one member a candidate of both with different data, and neither sees the other."""

from __future__ import annotations

from sqlmodel import col, select

import models
from app.demo import onboard_demo
from app.settings import Settings
from graph.context import Context
from graph.schema import build_schema
from models.db import SessionFactory
from resolvers.services import Services
from resolvers.viewer import Viewer
from tests.conftest import Sandbox

SCHEMA = build_schema(show_internal_errors=True)
CANDIDATES = "{ candidates(first: 100) { totalCount edges { node { email } } } }"


async def test_the_demo_onboards_two_customers_who_share_a_member_and_see_only_their_own(
    settings: Settings, sandbox: Sandbox, sessions: SessionFactory, services: Services
) -> None:
    # when the demo onboards its customers, twice (as `make run` does on every start)
    first = await onboard_demo(settings, sandbox.url)
    again = await onboard_demo(settings, sandbox.url)
    # then there are two, each with its own child app, seeded once
    assert [(c.key, c.seeded) for c in first] == [("acme", True), ("globex", True)]
    assert [(c.key, c.seeded) for c in again] == [("acme", False), ("globex", False)]
    assert len({c.client_id for c in first}) == 2
    async with sessions() as db:
        customers = {c.key: c for c in (await db.exec(select(models.Customer))).all()}
        identities = (await db.exec(select(models.LinkedInIdentity))).all()
    assert set(customers) == {"acme", "globex"}
    assert all(c.linkedin_org_urn and c.initial_sync_started_at for c in customers.values())
    # and one member is a candidate of both, with different ATS data
    by_member: dict[str, set[int]] = {}
    for identity in identities:
        by_member.setdefault(identity.person_urn, set()).add(identity.customer_id)
    shared = [urn for urn, owners in by_member.items() if len(owners) == 2]
    assert len(shared) == 1
    async with sessions() as db:
        both = (
            await db.exec(
                select(models.Candidate.customer_id, models.Candidate.title)
                .join(
                    models.LinkedInIdentity,
                    (col(models.LinkedInIdentity.customer_id) == col(models.Candidate.customer_id))
                    & (col(models.LinkedInIdentity.candidate_id) == col(models.Candidate.id)),
                )
                .where(col(models.LinkedInIdentity.person_urn) == shared[0])
            )
        ).all()
    assert len({title for _, title in both}) == 2
    # and each customer's viewer sees its own candidates only
    seen: dict[str, set[str]] = {}
    for key, row in customers.items():
        assert row.id is not None
        viewer = Viewer(
            await services.tenants.get(row.id), user=f"admin@{key}.test", roles=frozenset({"admin"})
        )
        result = await SCHEMA.execute(CANDIDATES, context_value=Context.create(services, viewer))
        assert result.errors is None
        assert result.data is not None
        seen[key] = {e["node"]["email"] for e in result.data["candidates"]["edges"] if e["node"]["email"]}
    assert seen["acme"]
    assert seen["globex"]
    assert not seen["acme"] & seen["globex"]

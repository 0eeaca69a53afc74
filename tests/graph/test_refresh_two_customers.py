"""A customer whose LinkedIn answers 429 or 401 fails alone: another customer's refresh, activity and
live matches, asked at the same moment, complete as if nothing were wrong."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import col, func, select

import models
from app.settings import Settings
from models.db import SessionFactory
from resolvers.services import Services
from resolvers.viewer import Viewer
from tests.child_apps import ChildApp, add_child_customer, admin_of
from tests.conftest import GraphQL, Sandbox
from tests.graph.tab_world import gid

REFRESH = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) {
    candidate { linkedinActivity { stale errorCode } }
    syncedAt
    userErrors { field code }
  }
}
"""

PROFILE = """
query Profile($id: ID!) {
  candidate(id: $id) { linkedinProfile { personUrn freshness { stale errorCode } } }
}
"""

# Globex's LinkedIn, on every call its child app makes, and the code its customer is told.
FAULTS = [
    pytest.param({"status": 429}, "LINKEDIN_RATE_LIMITED", id="429"),
    pytest.param({"status": 401}, "LINKEDIN_AUTH_FAILED", id="401"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A first poll reaching back over the sandbox's week of history, and time enough to finish it."""
    return settings.model_copy(update={"poll_initial_lookback_days": 8, "refresh_deadline_s": 60.0})


@pytest.fixture
async def globex(
    sessions: SessionFactory, settings: Settings, sandbox: Sandbox
) -> tuple[models.Customer, ChildApp]:
    """A second customer with a child app (and LinkedIn world) of its own."""
    return await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")


async def _linked_candidate(sessions: SessionFactory, customer_id: int, member_urn: str) -> str:
    """A candidate of the customer linked to a member; returns its global ID."""
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="Ada", last_name="Lovelace")
        db.add(candidate)
        await db.flush()
        assert candidate.id is not None
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn=member_urn,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
        return gid("Candidate", candidate.id)


async def _first_member(sandbox: Sandbox, app: str | None = None) -> str:
    world = await sandbox.admin("GET", "world" if app is None else f"world?app={app}")
    urn: str = world["members"][0]["member"]
    return urn


async def _data(graphql: GraphQL, document: str, candidate_id: str, viewer: Viewer) -> Any:
    result = await graphql(document, {"id": candidate_id}, as_viewer=viewer)
    assert result.errors is None
    assert result.data is not None
    return result.data


async def _watermarks(sessions: SessionFactory, customer_id: int) -> int:
    async with sessions() as db:
        statement = select(func.count()).where(col(models.SyncWatermark.customer_id) == customer_id)
        return (await db.exec(statement)).one()


@pytest.mark.parametrize(("fault", "code"), FAULTS)
async def test_a_refresh_completes_for_one_customer_while_the_others_linkedin_refuses_and_only_it_is_told(
    graphql: GraphQL,
    sessions: SessionFactory,
    services: Services,
    sandbox: Sandbox,
    customer_id: int,
    viewer: Viewer,
    globex: tuple[models.Customer, ChildApp],
    fault: dict[str, Any],
    code: str,
) -> None:
    # given: globex's LinkedIn answers every call of its app with the fault; acme's is fine
    globex_row, globex_app = globex
    assert globex_row.id is not None
    globex_viewer = await admin_of(services, globex_row.id)
    acme_candidate = await _linked_candidate(sessions, customer_id, await _first_member(sandbox))
    globex_candidate = await _linked_candidate(
        sessions, globex_row.id, await _first_member(sandbox, globex_app.client_id)
    )
    await sandbox.admin(
        "POST", f"faults?app={globex_app.client_id}", {"endpoint": "*", "count": None, **fault}
    )
    # when: both customers refresh at the same moment
    acme, globex_answer = await asyncio.gather(
        _data(graphql, REFRESH, acme_candidate, viewer),
        _data(graphql, REFRESH, globex_candidate, globex_viewer),
    )
    # then: acme's refresh completed, fresh; globex's says why it is not, with globex's code
    acme_payload, globex_payload = acme["refreshLinkedInActivity"], globex_answer["refreshLinkedInActivity"]
    assert acme_payload["userErrors"] == []
    assert acme_payload["syncedAt"] is not None
    assert acme_payload["candidate"]["linkedinActivity"] == {"stale": False, "errorCode": None}
    assert globex_payload["userErrors"] == [{"field": None, "code": code}]
    assert globex_payload["syncedAt"] is None
    assert globex_payload["candidate"]["linkedinActivity"] == {"stale": True, "errorCode": code}
    assert await _watermarks(sessions, customer_id) == 3 * 4
    assert await _watermarks(sessions, globex_row.id) == 0


@pytest.mark.parametrize(("fault", "code"), FAULTS)
async def test_one_customers_live_match_outage_leaves_another_customers_tab_asking_its_linkedin(
    graphql: GraphQL,
    sessions: SessionFactory,
    services: Services,
    sandbox: Sandbox,
    customer_id: int,
    viewer: Viewer,
    globex: tuple[models.Customer, ChildApp],
    fault: dict[str, Any],
    code: str,
) -> None:
    # given: globex's tab just failed to get LinkedIn's live match (its outage backoff runs now)
    globex_row, globex_app = globex
    assert globex_row.id is not None
    globex_viewer = await admin_of(services, globex_row.id)
    acme_member = await _first_member(sandbox)
    acme_candidate = await _linked_candidate(sessions, customer_id, acme_member)
    globex_candidate = await _linked_candidate(
        sessions, globex_row.id, await _first_member(sandbox, globex_app.client_id)
    )
    await sandbox.admin(
        "POST", f"faults?app={globex_app.client_id}", {"endpoint": "*", "count": None, **fault}
    )
    globex_tab = await _data(graphql, PROFILE, globex_candidate, globex_viewer)
    await sandbox.admin("DELETE", "calls")
    # when
    acme_tab = await _data(graphql, PROFILE, acme_candidate, viewer)
    # then: acme's tab asked acme's LinkedIn and is fresh; globex's said why it is stale
    assert globex_tab["candidate"]["linkedinProfile"]["freshness"] == {"stale": True, "errorCode": code}
    assert acme_tab["candidate"]["linkedinProfile"] == {
        "personUrn": acme_member,
        "freshness": {"stale": False, "errorCode": None},
    }
    calls = await sandbox.admin("GET", f"calls?app={sandbox.config.client_id}")
    assert [(c["endpoint"], c["status"]) for c in calls if c["endpoint"] == "atsCandidates"] == [
        ("atsCandidates", 200)
    ]

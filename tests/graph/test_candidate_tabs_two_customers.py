"""One LinkedIn member, two customers: each customer's poll mirrors its own LinkedIn instance's InMails and
prospect notes about the member (with the same event and note ids), and each customer's candidate tab
shows only its own."""

from __future__ import annotations

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
from tests.resolvers.refresh.support import world_counts

REFRESH = """
mutation Refresh($id: ID!) {
  refreshLinkedInActivity(input: {candidateId: $id}) { syncedAt userErrors { code message } }
}
"""

TAB = """
query Tab($id: ID!) {
  candidate(id: $id) {
    firstName
    inmailThreads { seatUrn messageCount messages { body } }
    linkedinNotes { owner body }
  }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A first poll reaching back over the sandbox's week of history, and time enough to finish it."""
    return settings.model_copy(update={"poll_initial_lookback_days": 8, "refresh_deadline_s": 60.0})


async def _candidate(sessions: SessionFactory, customer_id: int, first_name: str, member_urn: str) -> str:
    """A candidate of the customer linked to the member; returns its global ID."""
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name=first_name, last_name="Lovelace")
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


async def _write(sandbox: Sandbox, app: str | None, path: str, body: dict[str, Any]) -> Any:
    return await sandbox.admin("POST", path if app is None else f"{path}?app={app}", body)


async def _inmails_and_a_note(sandbox: Sandbox, app: str | None, seat: str, member: str, words: str) -> str:
    """A new InMail and a new note by the seat about the member; returns the InMail's event id."""
    sent = await _write(sandbox, app, "inmails", {"seat": seat, "member": member, "body": f"{words} InMail"})
    await _write(sandbox, app, "notes", {"seat": seat, "member": member, "note": f"{words} note"})
    event_id: str = sent["id"]
    return event_id


async def _tab(graphql: GraphQL, candidate_id: str, viewer: Viewer) -> Any:
    result = await graphql(TAB, {"id": candidate_id}, as_viewer=viewer)
    assert result.errors is None
    assert result.data is not None
    return result.data["candidate"]


async def _refresh(graphql: GraphQL, candidate_id: str, viewer: Viewer) -> None:
    result = await graphql(REFRESH, {"id": candidate_id}, as_viewer=viewer)
    assert result.errors is None
    assert result.data is not None
    assert result.data["refreshLinkedInActivity"]["userErrors"] == []


async def _messages(sessions: SessionFactory, customer_id: int) -> int:
    async with sessions() as db:
        statement = select(func.count()).where(col(models.InMailMessage.customer_id) == customer_id)
        return (await db.exec(statement)).one()


@pytest.fixture
async def globex(
    sessions: SessionFactory, settings: Settings, sandbox: Sandbox
) -> tuple[models.Customer, ChildApp]:
    """A second customer whose LinkedIn instance (a child app) knows the same members as acme's: its world
    is rebuilt from the default world's seed, so it has the same members, event ids and note ids, but
    seats of its own."""
    row, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    await sandbox.admin("POST", f"reset?app={app.client_id}", {"seed": sandbox.config.seed})
    return row, app


async def test_each_customers_tab_shows_only_its_own_inmails_and_notes_about_the_same_member(
    graphql: GraphQL,
    sessions: SessionFactory,
    services: Services,
    sandbox: Sandbox,
    customer_id: int,
    viewer: Viewer,
    globex: tuple[models.Customer, ChildApp],
) -> None:
    # given: member 0 of both LinkedIn instances is a candidate of both customers; acme's seat 1001 and
    # globex's seat 11001 each wrote to them and noted something (the events and notes get the same ids)
    globex_row, globex_app = globex
    assert globex_row.id is not None
    globex_viewer = await admin_of(services, globex_row.id)
    member = (await sandbox.admin("GET", "world"))["members"][0]["member"]
    assert (await sandbox.admin("GET", f"world?app={globex_app.client_id}"))["members"][0]["member"] == member
    acme_event = await _inmails_and_a_note(sandbox, None, "urn:li:seat:1001", member, "Acme")
    globex_event = await _inmails_and_a_note(
        sandbox, globex_app.client_id, "urn:li:seat:11001", member, "Globex"
    )
    assert acme_event == globex_event
    acme_candidate = await _candidate(sessions, customer_id, "Ada", member)
    globex_candidate = await _candidate(sessions, globex_row.id, "Augusta", member)
    # when: each customer refreshes
    await _refresh(graphql, acme_candidate, viewer)
    await _refresh(graphql, globex_candidate, globex_viewer)
    # then: each stored all of its own instance's InMails
    assert await _messages(sessions, customer_id) == (await world_counts(sandbox))["events"]
    assert (
        await _messages(sessions, globex_row.id)
        == (await world_counts(sandbox, globex_app.client_id))["events"]
    )
    # and each tab shows its own seats' threads and notes only
    acme_tab = await _tab(graphql, acme_candidate, viewer)
    globex_tab = await _tab(graphql, globex_candidate, globex_viewer)
    assert [t["seatUrn"] for t in acme_tab["inmailThreads"]] == ["urn:li:seat:1001", "urn:li:seat:1002"]
    assert [t["seatUrn"] for t in globex_tab["inmailThreads"]] == ["urn:li:seat:11001", "urn:li:seat:11002"]
    acme_bodies = [m["body"] for t in acme_tab["inmailThreads"] for m in t["messages"]]
    globex_bodies = [m["body"] for t in globex_tab["inmailThreads"] for m in t["messages"]]
    assert "Acme InMail" in acme_bodies
    assert "Globex InMail" not in acme_bodies
    assert "Globex InMail" in globex_bodies
    assert "Acme InMail" not in globex_bodies
    assert [t["messageCount"] for t in acme_tab["inmailThreads"]] == [3, 2]
    assert [t["messageCount"] for t in globex_tab["inmailThreads"]] == [3, 2]
    assert {"owner": "urn:li:seat:1001", "body": "Acme note"} in acme_tab["linkedinNotes"]
    assert {"owner": "urn:li:seat:11001", "body": "Globex note"} in globex_tab["linkedinNotes"]
    assert all(n["owner"].startswith("urn:li:seat:100") for n in acme_tab["linkedinNotes"])
    assert all(n["owner"].startswith("urn:li:seat:110") for n in globex_tab["linkedinNotes"])


async def test_a_customer_cannot_open_another_customers_candidate_tab(
    graphql: GraphQL,
    sessions: SessionFactory,
    sandbox: Sandbox,
    viewer: Viewer,
    globex: tuple[models.Customer, ChildApp],
) -> None:
    # given
    globex_row, _ = globex
    assert globex_row.id is not None
    member = (await sandbox.admin("GET", "world"))["members"][0]["member"]
    globex_candidate = await _candidate(sessions, globex_row.id, "Augusta", member)
    # when
    result = await graphql(TAB, {"id": globex_candidate}, as_viewer=viewer)
    # then
    assert result.data == {"candidate": None}
    assert result.errors is not None
    assert [(e.extensions or {}).get("code") for e in result.errors] == ["NOT_FOUND"]

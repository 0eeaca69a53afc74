"""Visibility end to end: what the sandbox (LinkedIn over real HTTP) marks private stays with its
author's user once polled; the demo's organization-visible threads show to any recruiter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import models
from linkedin.client import LinkedInClient
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.refresh import RefreshService
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox
from tests.graph.tab_world import gid
from tests.graph.visibility_world import recruiter
from tests.users_support import add_user

TAB = """query($id: ID!) { candidate(id: $id) {
  inmailThreads { seatUrn messageCount }
  linkedinNotes { body visibility }
} }"""


async def _recruiter_of_seat(sessions: SessionFactory, customer_id: int, seat_urn: str, name: str) -> int:
    async with sessions() as db:
        user = await add_user(db, customer_id, seat_urn=seat_urn, email=f"{name}@ats.example", last_name=name)
        await db.commit()
        assert user.id is not None
        return user.id


async def _candidate_of(sessions: SessionFactory, customer_id: int, person_urn: str) -> int:
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="Ada", last_name="Lovelace")
        db.add(candidate)
        await db.flush()
        assert candidate.id is not None
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn=person_urn,
                match_source=models.MatchSource.MANUAL,
            )
        )
        await db.commit()
        return candidate.id


async def _tab(graphql: GraphQL, candidate_id: int, viewer: Any) -> Any:
    result = await graphql(TAB, {"id": gid("Candidate", candidate_id)}, as_viewer=viewer)
    assert result.errors is None
    assert result.data is not None
    return result.data["candidate"]


async def test_a_private_note_written_in_recruiter_is_invisible_to_another_recruiter_once_polled(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    linkedin: LinkedInClient,
    sandbox: Sandbox,
) -> None:
    # given: member 0 of LinkedIn's world is a candidate; Ada holds seat 1001 and Cleo seat 1003 (seat
    # 1002 is mapped to no one); Ada writes a private and a public note in Recruiter; the poll runs
    member = build_world(sandbox.config).members[0].urn
    candidate_id = await _candidate_of(sessions, customer_id, member)
    ada = await _recruiter_of_seat(sessions, customer_id, "urn:li:seat:1001", "ada")
    cleo = await _recruiter_of_seat(sessions, customer_id, "urn:li:seat:1003", "cleo")
    note = {"seat": "urn:li:seat:1001", "member": member}
    await sandbox.admin("POST", "notes", {**note, "note": "Ada's own view", "visibility": "PRIVATE"})
    await sandbox.admin("POST", "notes", {**note, "note": "Shared view"})
    await RefreshService(sessions, customer_id, linkedin, initial_lookback=timedelta(days=8)).refresh()
    # when
    as_cleo = await _tab(graphql, candidate_id, recruiter(tenant, cleo, "cleo@ats.example"))
    as_ada = await _tab(graphql, candidate_id, recruiter(tenant, ada, "ada@ats.example"))
    # then: Cleo sees the shared note and both of member 0's organization-visible threads; Ada her own
    # private note too
    world_notes = [n for n in build_world(sandbox.config).notes if n.member == member and n.active]
    # The customer's projectVisibility is ORGANIZATION: PROJECT notes show like PUBLIC ones.
    cleos = [n for n in world_notes if n.visibility != "PRIVATE" or n.owner == "urn:li:seat:1003"]
    assert "Ada's own view" not in [n["body"] for n in as_cleo["linkedinNotes"]]
    assert "Shared view" in [n["body"] for n in as_cleo["linkedinNotes"]]
    assert len(as_cleo["linkedinNotes"]) == 1 + len(cleos)
    assert {"body": "Ada's own view", "visibility": "PRIVATE"} in as_ada["linkedinNotes"]
    assert sorted(t["seatUrn"] for t in as_cleo["inmailThreads"]) == ["urn:li:seat:1001", "urn:li:seat:1002"]
    assert [t["messageCount"] for t in as_cleo["inmailThreads"]] == [2, 2]

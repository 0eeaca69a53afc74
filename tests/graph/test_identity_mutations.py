"""`linkLinkedInMember` / `unlinkLinkedInMember`: stored, pushed to the sandbox, conflicts, bad input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select
from strawberry import relay

import models
from linkedin.client import LinkedInClient
from linkedin.records import MailStub
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.stubs import apply_mail_stubs
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox

WORLD = build_world(SandboxConfig())
MEMBER = WORLD.members[220]

LINK = """
mutation Link($input: LinkLinkedInMemberInput!) {
  linkLinkedInMember(input: $input) {
    candidate { id firstName }
    personUrn
    pushed
    userErrors { field message code }
  }
}
"""

UNLINK = """
mutation Unlink($input: UnlinkLinkedInMemberInput!) {
  unlinkLinkedInMember(input: $input) {
    candidate { id }
    pushed
    userErrors { field message code }
  }
}
"""


def gid(candidate_id: int) -> str:
    return str(relay.GlobalID("Candidate", str(candidate_id)))


async def make_candidate(
    sessions: SessionFactory, customer_id: int, first: str = "Grace", email: str = "grace@example.com"
) -> int:
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id, first_name=first, last_name="Hopper", email=email
        )
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
        return candidate.id


async def identities(sessions: SessionFactory) -> list[tuple[int, str, models.MatchSource]]:
    async with sessions() as db:
        rows = (
            await db.exec(select(models.LinkedInIdentity).order_by(col(models.LinkedInIdentity.id)))
        ).all()
    return [(r.candidate_id, r.person_urn, r.match_source) for r in rows]


async def link(graphql: GraphQL, candidate_id: str, urn: str) -> dict[str, Any]:
    result = await graphql(LINK, {"input": {"candidateId": candidate_id, "personUrn": urn}})
    assert result.errors is None
    assert result.data is not None
    return dict(result.data["linkLinkedInMember"])


async def test_linking_stores_a_manual_identity_and_sets_the_manual_match_on_linkedin(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, customer_id: int
) -> None:
    # given
    candidate_id = await make_candidate(sessions, customer_id)
    # when
    payload = await link(graphql, gid(candidate_id), MEMBER.urn)
    # then
    assert payload == {
        "candidate": {"id": gid(candidate_id), "firstName": "Grace"},
        "personUrn": MEMBER.urn,
        "pushed": True,
        "userErrors": [],
    }
    assert await identities(sessions) == [(candidate_id, MEMBER.urn, models.MatchSource.MANUAL)]
    matches = await linkedin.candidate_matches([str(candidate_id)])
    assert matches[str(candidate_id)].manual_matched_member == MEMBER.urn


async def test_linking_replaces_an_algorithmic_match_with_the_manual_one(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    candidate_id = await make_candidate(sessions, customer_id)
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate_id,
                person_urn="urn:li:person:wrong1",
                match_source=models.MatchSource.ALGORITHMIC,
            )
        )
        await db.commit()
    # when
    await link(graphql, gid(candidate_id), MEMBER.urn)
    # then
    assert await identities(sessions) == [(candidate_id, MEMBER.urn, models.MatchSource.MANUAL)]


async def test_linking_a_member_another_candidate_holds_is_a_conflict_naming_that_candidate(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    holder = await make_candidate(sessions, customer_id, "Ada", "ada@example.com")
    other = await make_candidate(sessions, customer_id, "Grace", "grace@example.com")
    await link(graphql, gid(holder), MEMBER.urn)
    # when
    payload = await link(graphql, gid(other), MEMBER.urn)
    # then
    assert payload == {
        "candidate": None,
        "personUrn": None,
        "pushed": False,
        "userErrors": [
            {
                "field": ["input", "personUrn"],
                "message": f"{MEMBER.urn} is already linked to candidate {holder} (Ada Hopper)",
                "code": "CONFLICT",
            }
        ],
    }
    assert await identities(sessions) == [(holder, MEMBER.urn, models.MatchSource.MANUAL)]


async def test_a_malformed_person_urn_is_refused_naming_the_field(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    candidate_id = await make_candidate(sessions, customer_id)
    payload = await link(graphql, gid(candidate_id), "urn:li:member:123")
    assert payload["userErrors"] == [
        {
            "field": ["input", "personUrn"],
            "message": "'urn:li:member:123' is not a LinkedIn person URN (urn:li:person:<id>)",
            "code": "INVALID",
        }
    ]
    assert await identities(sessions) == []


async def test_a_malformed_candidate_id_is_refused_naming_the_field(graphql: GraphQL) -> None:
    payload = await link(graphql, "not-a-global-id", MEMBER.urn)
    assert payload["userErrors"] == [
        {
            "field": ["input", "candidateId"],
            "message": "Not a valid global ID: 'not-a-global-id'",
            "code": "INVALID",
        }
    ]


async def test_a_candidate_id_of_non_ascii_digits_is_invalid(graphql: GraphQL) -> None:
    payload = await link(graphql, str(relay.GlobalID("Candidate", "²")), MEMBER.urn)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "candidateId"], "INVALID")]


async def test_a_candidate_id_past_the_32_bit_id_column_is_not_found(graphql: GraphQL) -> None:
    payload = await link(graphql, gid(2**40), MEMBER.urn)
    assert payload["userErrors"] == [
        {"field": ["input", "candidateId"], "message": "No candidate has this id", "code": "NOT_FOUND"}
    ]


async def test_an_unknown_candidate_is_not_found(graphql: GraphQL) -> None:
    payload = await link(graphql, gid(987654), MEMBER.urn)
    assert payload["userErrors"] == [
        {"field": ["input", "candidateId"], "message": "No candidate has the id 987654", "code": "NOT_FOUND"}
    ]


async def test_a_link_is_kept_when_linkedin_is_down_and_the_payload_says_it_was_not_pushed(
    graphql: GraphQL, sessions: SessionFactory, sandbox: Sandbox, customer_id: int
) -> None:
    # given
    candidate_id = await make_candidate(sessions, customer_id)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "status": 503, "count": None})
    # when
    payload = await link(graphql, gid(candidate_id), MEMBER.urn)
    # then
    assert (payload["personUrn"], payload["pushed"]) == (MEMBER.urn, False)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "LINKEDIN_UNAVAILABLE")]
    assert payload["userErrors"][0]["message"].startswith("Stored here, but LinkedIn could not be told")
    assert await identities(sessions) == [(candidate_id, MEMBER.urn, models.MatchSource.MANUAL)]


async def test_a_candidate_without_email_is_sent_to_linkedin_with_its_manual_match(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, customer_id: int
) -> None:
    # given: LinkedIn accepts a candidate without email only when a member is attached
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="No", last_name="Email")
        db.add(candidate)
        await db.commit()
    assert candidate.id is not None
    # when
    payload = await link(graphql, gid(candidate.id), MEMBER.urn)
    # then
    assert (payload["pushed"], payload["userErrors"]) == (True, [])
    matches = await linkedin.candidate_matches([str(candidate.id)])
    assert matches[str(candidate.id)].manual_matched_member == MEMBER.urn


async def test_a_candidate_linkedin_does_not_know_is_sent_whole_as_the_outbox_would_send_it(
    graphql: GraphQL, sessions: SessionFactory, sandbox: Sandbox, customer_id: int
) -> None:
    # given: a candidate never synced, so LinkedIn takes the manual match only with the whole record
    async with sessions() as db:
        candidate = models.Candidate(
            customer_id=customer_id,
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            mailing_city="London",
        )
        db.add(candidate)
        await db.commit()
    assert candidate.id is not None
    # when
    payload = await link(graphql, gid(candidate.id), MEMBER.urn)
    # then
    assert (payload["pushed"], payload["userErrors"]) == (True, [])
    state = await sandbox.admin("GET", "state")
    [body] = [c["body"] for c in state["candidates"] if f"atsCandidateId={candidate.id}" in c["key"]]
    assert body["addresses"] == [{"city": "London"}]


async def test_a_link_linkedin_refuses_is_kept_and_reported_as_not_eligible(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: LinkedIn refuses candidates without a last name
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, first_name="Only", email="only@example.com")
        db.add(candidate)
        await db.commit()
    assert candidate.id is not None
    # when
    payload = await link(graphql, gid(candidate.id), MEMBER.urn)
    # then
    assert (payload["personUrn"], payload["pushed"]) == (MEMBER.urn, False)
    assert [(e["field"], e["code"], e["message"]) for e in payload["userErrors"]] == [
        (
            None,
            "NOT_ELIGIBLE",
            "Stored here, but LinkedIn refused the member link: LinkedIn refused the request",
        )
    ]
    assert await identities(sessions) == [(candidate.id, MEMBER.urn, models.MatchSource.MANUAL)]


async def test_unlinking_removes_the_identity_and_the_manual_match_on_linkedin(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, customer_id: int
) -> None:
    # given
    candidate_id = await make_candidate(sessions, customer_id)
    await link(graphql, gid(candidate_id), MEMBER.urn)
    # when
    result = await graphql(UNLINK, {"input": {"candidateId": gid(candidate_id)}})
    # then
    assert result.errors is None
    assert result.data == {
        "unlinkLinkedInMember": {"candidate": {"id": gid(candidate_id)}, "pushed": True, "userErrors": []}
    }
    assert await identities(sessions) == []
    matches = await linkedin.candidate_matches([str(candidate_id)])
    assert matches[str(candidate_id)].manual_matched_member is None


async def test_a_manual_link_survives_a_refresh_that_brings_a_stub_of_the_member(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: linked by hand; another candidate has the member's email
    linked = await make_candidate(sessions, customer_id, "Linked", "linked@example.com")
    await make_candidate(sessions, customer_id, "Same", MEMBER.email.lower())
    await link(graphql, gid(linked), MEMBER.urn)
    stub = MailStub(
        id="stub-1",
        owner_seat_urn=WORLD.seats[0].urn,
        member_urn=MEMBER.urn,
        first_name=MEMBER.first_name,
        last_name=MEMBER.last_name,
        email=MEMBER.email,
        phone=None,
        title=None,
        city=None,
        profile_url=MEMBER.profile_url,
        created_at=datetime.now(UTC),
    )
    # when: the refresh applies the member's stub
    async with sessions() as db:
        await apply_mail_stubs(db, customer_id, [stub])
        await db.commit()
    # then
    assert await identities(sessions) == [(linked, MEMBER.urn, models.MatchSource.MANUAL)]


TAB_MANUAL_MATCH = "query($id: ID!) { candidate(id: $id) { linkedinProfile { manualMatch } } }"


async def test_the_tab_shows_a_new_manual_link_at_once_although_the_live_match_was_cached(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, customer_id: int
) -> None:
    # given: LinkedIn knows the candidate, and a tab view has cached its (empty) live match
    candidate_id = await make_candidate(sessions, customer_id)
    await link(graphql, gid(candidate_id), MEMBER.urn)
    await unlink_and_check(graphql, candidate_id)
    before = await graphql(TAB_MANUAL_MATCH, {"id": gid(candidate_id)})
    assert before.data == {"candidate": {"linkedinProfile": {"manualMatch": None}}}
    # when
    await link(graphql, gid(candidate_id), MEMBER.urn)
    after = await graphql(TAB_MANUAL_MATCH, {"id": gid(candidate_id)})
    # then
    assert after.errors is None
    assert after.data == {"candidate": {"linkedinProfile": {"manualMatch": MEMBER.urn}}}


async def unlink_and_check(graphql: GraphQL, candidate_id: int) -> None:
    result = await graphql(UNLINK, {"input": {"candidateId": gid(candidate_id)}})
    assert result.data is not None
    assert result.data["unlinkLinkedInMember"]["pushed"] is True


async def test_ten_links_of_one_candidate_at_once_go_one_after_another_and_linkedin_ends_with_the_last(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, sandbox: Sandbox, customer_id: int
) -> None:
    # given
    candidate_id = await make_candidate(sessions, customer_id)
    urns = [WORLD.members[220 + n].urn for n in range(10)]
    # when
    results = await asyncio.wait_for(
        asyncio.gather(
            *(graphql(LINK, {"input": {"candidateId": gid(candidate_id), "personUrn": u}}) for u in urns)
        ),
        30,
    )
    # then
    for result in results:
        assert result.errors is None, result.errors
        assert result.data is not None
        payload = result.data["linkLinkedInMember"]
        assert (payload["userErrors"], payload["pushed"]) == ([], True), payload
    [(linked_candidate, final_urn, _)] = await identities(sessions)
    assert (linked_candidate, final_urn in urns) == (candidate_id, True)
    matches = await linkedin.candidate_matches([str(candidate_id)])
    assert matches[str(candidate_id)].manual_matched_member == final_urn
    held = [c["manualMatchedMember"] for c in (await sandbox.admin("GET", "state"))["candidates"]]
    assert held == [final_urn]


async def test_links_racing_an_unlink_leave_linkedin_with_what_is_stored(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, customer_id: int
) -> None:
    # given
    candidate_id = await make_candidate(sessions, customer_id)
    calls = [
        graphql(LINK, {"input": {"candidateId": gid(candidate_id), "personUrn": WORLD.members[230 + n].urn}})
        for n in range(5)
    ]
    calls.insert(2, graphql(UNLINK, {"input": {"candidateId": gid(candidate_id)}}))
    # when
    results = await asyncio.wait_for(asyncio.gather(*calls), 30)
    # then
    assert all(result.errors is None for result in results), [r.errors for r in results]
    stored = await identities(sessions)
    matches = await linkedin.candidate_matches([str(candidate_id)])
    assert matches[str(candidate_id)].manual_matched_member == (stored[0][1] if stored else None)


CREATE = """
mutation Create($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { field } }
}
"""


async def test_a_candidate_the_link_put_whole_is_not_put_again_by_the_outbox(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, tenant: Tenant, sandbox: Sandbox
) -> None:
    # given: a new candidate, queued for LinkedIn but not sent yet
    created = await graphql(
        CREATE, {"input": {"firstName": "Grace", "lastName": "Hopper", "email": "grace@example.com"}}
    )
    assert created.data is not None
    candidate = created.data["createCandidate"]["candidate"]["id"]
    await sandbox.admin("DELETE", "calls")
    # when: the member link reaches LinkedIn first (LinkedIn does not know the candidate: sent whole)
    payload = await link(graphql, candidate, MEMBER.urn)
    report = await OutboxWorker(sessions, tenant).run_until_idle()
    # then: one whole PUT of the candidate, and the outbox row it made redundant is settled as sent
    assert payload["pushed"] is True
    puts = [c for c in await sandbox.admin("GET", "calls") if c["method"] == "PUT"]
    assert [c["endpoint"] for c in puts] == ["atsCandidates"]
    assert report.claimed == 0
    async with sessions() as db:
        rows = (await db.exec(select(models.OutboxEvent))).all()
        status = (await db.exec(select(models.SyncStatus))).one()
    assert [(r.status, r.op) for r in rows] == [(models.OutboxStatus.SENT, models.OutboxOp.UPSERT)]
    assert status.status is models.OutboxStatus.SENT
    matches = await linkedin.candidate_matches([relay.GlobalID.from_id(candidate).node_id])
    assert next(iter(matches.values())).manual_matched_member == MEMBER.urn


async def test_an_update_after_the_whole_put_is_still_sent_by_the_outbox(
    graphql: GraphQL, sessions: SessionFactory, linkedin: LinkedInClient, tenant: Tenant, sandbox: Sandbox
) -> None:
    # given: a queued candidate linked (sent whole), then changed
    created = await graphql(
        CREATE, {"input": {"firstName": "Grace", "lastName": "Hopper", "email": "grace@example.com"}}
    )
    assert created.data is not None
    candidate = created.data["createCandidate"]["candidate"]["id"]
    await link(graphql, candidate, MEMBER.urn)
    changed = await graphql(
        "mutation U($input: UpdateCandidateInput!) "
        "{ updateCandidate(input: $input) { userErrors { field } } }",
        {"input": {"id": candidate, "title": "Rear Admiral"}},
    )
    assert changed.errors is None
    # when
    report = await OutboxWorker(sessions, tenant).run_until_idle()
    # then: the update's own row was sent
    assert report.claimed == 1
    state = await sandbox.admin("GET", "state")
    held = [c for c in state["candidates"] if "Rear Admiral" in str(c)]
    assert len(held) == 1

"""`Subscription.candidateActivity` over a real websocket (graphql-transport-ws) in one process: what is
published after a write reaches the candidate's subscribers, and nobody else can follow the candidate."""

from __future__ import annotations

import pytest
from sqlmodel import select

import models
from app.settings import Settings
from linkedin.sandbox.world import build_world
from models.db import SessionFactory
from resolvers.activity_feed import ActivityKind, events_for, item_events
from tests.child_apps import other_customer_id
from tests.conftest import Sandbox, dev_bearer
from tests.graph.live_support import WAIT_S, add_candidate, bearer, link, live_server
from tests.graph.tab_world import add_recruiter, gid
from tests.graph.visibility_world import PRIVATE, Sent, add_thread
from tests.graph.visibility_world import add_candidate as add_linked_candidate

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

REFRESH = """
mutation Refresh($id: ID!) { refreshLinkedInActivity(input: {candidateId: $id}) { userErrors { code } } }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A refresh given time enough to finish its first poll."""
    return settings.model_copy(update={"refresh_deadline_s": 60.0, "poll_initial_lookback_days": 1})


async def test_an_event_published_for_the_candidate_reaches_its_subscriber(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a recruiter follows Ada
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    async with live_server(settings) as server, server.socket(bearer(settings, "recruiter")) as socket:
        await socket.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when
        (event,) = events_for(customer_id, [ada], ActivityKind.NOTE)
        await server.feed.publish([event])
        message = await socket.receive()
    # then
    assert message == {
        "id": "1",
        "type": "next",
        "payload": {
            "data": {
                "candidateActivity": {
                    "kind": "NOTE",
                    "at": event.at.isoformat(),
                    "candidate": {"id": ada_id, "firstName": "Ada"},
                }
            },
            "extensions": {"cost": {"requested": 2, "limit": 50000}},
        },
    }


async def test_a_subscriber_receives_only_its_own_candidates_events(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: the socket follows Ada; Grace has news first, then Ada
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    grace, _ = await add_candidate(sessions, customer_id, "Grace")
    async with live_server(settings) as server, server.socket(bearer(settings)) as socket:
        await socket.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when
        await server.feed.publish(events_for(customer_id, [grace], ActivityKind.INMAIL))
        await server.feed.publish(events_for(customer_id, [ada], ActivityKind.MATCH))
        message = await socket.receive()
    # then: the first message is Ada's
    assert message["payload"]["data"]["candidateActivity"]["kind"] == "MATCH"
    assert message["payload"]["data"]["candidateActivity"]["candidate"]["id"] == ada_id


async def test_completing_the_subscription_stops_following_the_candidate(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    async with live_server(settings) as server, server.socket(bearer(settings)) as socket:
        await socket.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when
        await socket.send({"id": "1", "type": "complete"})
        # then: the server forgets the subscription (a bounded wait for its count to fall to zero)
        hub = server.feed.hub
        assert await hub.wait_for(customer_id, ada, within_s=WAIT_S, until=lambda count: count == 0)


@pytest.mark.parametrize("role", ["admin", "recruiter"])
async def test_another_customers_candidate_is_not_found_exactly_as_an_unknown_one(
    settings: Settings, sessions: SessionFactory, customer_id: int, role: str
) -> None:
    # given: globex's candidate, and an id no candidate has
    globex = await other_customer_id(sessions, settings)
    _, theirs = await add_candidate(sessions, globex, "Grace")
    unknown = "Q2FuZGlkYXRlOjk4NzY1NA=="  # Candidate:987654
    async with live_server(settings) as server, server.socket(bearer(settings, role)) as socket:
        # when
        await socket.subscribe("theirs", theirs)
        refused = await socket.receive()
        await socket.subscribe("unknown", unknown)
        missing = await socket.receive()
    # then: the same error message, but for the id it names
    assert refused == {
        "id": "theirs",
        "type": "error",
        "payload": [
            {
                "message": f"No Candidate has the ID {theirs!r}",
                "locations": [{"line": 3, "column": 3}],
                "path": ["candidateActivity"],
                "extensions": {"code": "NOT_FOUND"},
            }
        ],
    }
    expected = {**refused["payload"][0], "message": f"No Candidate has the ID {unknown!r}"}
    assert missing["payload"] == [expected]


@pytest.mark.parametrize(("role", "of_customer"), [("integration", "acme"), ("operator", None)])
async def test_a_role_that_may_not_read_candidates_tabs_is_refused(
    settings: Settings, sessions: SessionFactory, customer_id: int, role: str, of_customer: str | None
) -> None:
    # given: the integration role reads only the In-ATS badge; an operator no customer's data
    _, ada_id = await add_candidate(sessions, customer_id, "Ada")
    authorization = dev_bearer(settings, role, of_customer)
    async with live_server(settings) as server, server.socket(authorization) as socket:
        # when
        await socket.subscribe("1", ada_id)
        message = await socket.receive()
    # then
    assert message["type"] == "error"
    assert [e["extensions"]["code"] for e in message["payload"]] == ["FORBIDDEN"]


async def test_a_refresh_that_stores_a_new_inmail_announces_it_as_inmail(
    settings: Settings, sessions: SessionFactory, customer_id: int, sandbox: Sandbox
) -> None:
    # given: Ada is member 200 (no InMail history); her tab is open
    member = build_world(sandbox.config).members[200].urn
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    await link(sessions, customer_id, ada, member)
    async with live_server(settings) as server, server.socket(bearer(settings)) as socket:
        await socket.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when: a recruiter writes to her on LinkedIn, and someone presses Refresh
        await sandbox.admin("POST", "inmails", {"seat": "urn:li:seat:1004", "member": member, "body": "Hi!"})
        answer = await server.graphql(REFRESH, {"id": ada_id}, bearer(settings))
        message = await socket.receive()
    # then
    assert answer["data"] == {"refreshLinkedInActivity": {"userErrors": []}}
    activity = message["payload"]["data"]["candidateActivity"]
    assert (message["type"], activity["kind"], activity["candidate"]["id"]) == ("next", "INMAIL", ada_id)


LINK = """
mutation Link($id: ID!) {
  linkLinkedInMember(input: {candidateId: $id, personUrn: "urn:li:person:live1"}) { userErrors { code } }
}
"""
APPLY = """
mutation Apply($id: ID!, $job: ID!) {
  applyToJob(input: {candidateId: $id, jobId: $job}) { userErrors { code } }
}
"""
CREATE_JOB = """mutation { createJob(input: {title: "Engineer"}) { job { id } userErrors { code } } }"""
DELETE = """mutation Delete($id: ID!) { deleteCandidate(input: {id: $id}) { userErrors { code } } }"""


async def test_linking_a_member_and_applying_to_a_job_announce_match_then_application(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: Ada's tab is open, and a job
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    admin = bearer(settings)
    async with live_server(settings) as server, server.socket(bearer(settings, "recruiter")) as socket:
        job = (await server.graphql(CREATE_JOB, {}, admin))["data"]["createJob"]["job"]["id"]
        await socket.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when
        await server.graphql(LINK, {"id": ada_id}, admin)
        linked = await socket.receive()
        applied = await server.graphql(APPLY, {"id": ada_id, "job": job}, admin)
        application = await socket.receive()
    # then
    assert applied["data"] == {"applyToJob": {"userErrors": []}}
    kinds = [m["payload"]["data"]["candidateActivity"]["kind"] for m in (linked, application)]
    assert kinds == ["MATCH", "APPLICATION"]


async def test_a_deleted_candidate_cannot_be_followed_and_ends_its_subscriptions(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: Ada is followed
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    admin = bearer(settings)
    async with live_server(settings) as server, server.socket(admin) as socket:
        await socket.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
        # when: she is deleted, then something is announced for her id, then someone follows her
        deleted = await server.graphql(DELETE, {"id": ada_id}, admin)
        await server.feed.publish(events_for(customer_id, [ada], ActivityKind.NOTE))
        ended = await socket.receive()
        await socket.subscribe("2", ada_id)
        refused = await socket.receive()
    # then
    assert deleted["data"] == {"deleteCandidate": {"userErrors": []}}
    assert ended == {"id": "1", "type": "complete"}
    assert (refused["type"], refused["payload"][0]["extensions"]) == ("error", {"code": "NOT_FOUND"})


async def test_a_private_inmail_is_announced_only_to_those_who_may_see_it(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: Hopper (seat 0) wrote Ada a private InMail; Liskov (seat 1) and Hopper both follow her
    hopper = await add_recruiter(sessions, customer_id, 0, "Hopper")
    liskov = await add_recruiter(sessions, customer_id, 1, "Liskov")
    ada = await add_linked_candidate(sessions, customer_id)
    await add_thread(sessions, customer_id, ada, 0, [Sent(1, "secret", PRIVATE)])
    async with sessions() as db:
        (message_id,) = (await db.exec(select(models.InMailMessage.id))).all()
    assert message_id is not None
    ada_id = gid("Candidate", ada)
    as_liskov = dev_bearer(settings, "recruiter", "acme", "liskov1@ats.example")
    as_hopper = dev_bearer(settings, "recruiter", "acme", "hopper0@ats.example")
    async with (
        live_server(settings) as server,
        server.socket(as_liskov) as liskovs,
        server.socket(as_hopper) as hoppers,
    ):
        await liskovs.subscribe("1", ada_id)
        await hoppers.subscribe("1", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S, until=lambda n: n == 2)
        # when: the poll announces the InMail, then the candidate's match changes
        await server.feed.publish(item_events(customer_id, {ada: [message_id]}, ActivityKind.INMAIL))
        await server.feed.publish(events_for(customer_id, [ada], ActivityKind.MATCH))
        to_liskov = await liskovs.receive()
        to_hopper = await hoppers.receive()
    # then: Liskov hears only of the match; Hopper of his InMail first
    assert to_liskov["payload"]["data"]["candidateActivity"]["kind"] == "MATCH"
    assert to_hopper["payload"]["data"]["candidateActivity"]["kind"] == "INMAIL"
    assert hopper != liskov


CREATE_KEY = """
mutation { createApiKey(input: {name: "page", role: RECRUITER}) { apiKey { id } key userErrors { code } } }
"""
REVOKE_KEY = """mutation Revoke($id: ID!) { revokeApiKey(input: {id: $id}) { userErrors { code } } }"""


async def test_a_subscription_stops_once_its_api_key_is_revoked(
    settings: Settings, sessions: SessionFactory, customer_id: int
) -> None:
    # given: a recruiter API key follows Ada
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    admin = bearer(settings)
    async with live_server(settings) as server:
        made = (await server.graphql(CREATE_KEY, {}, admin))["data"]["createApiKey"]
        async with server.socket(f"Bearer {made['key']}") as socket:
            await socket.subscribe("1", ada_id)
            assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S)
            await server.feed.publish(events_for(customer_id, [ada], ActivityKind.NOTE))
            before = await socket.receive()
            # when: an admin revokes the key, and there is news for Ada
            await server.graphql(REVOKE_KEY, {"id": made["apiKey"]["id"]}, admin)
            await server.feed.publish(events_for(customer_id, [ada], ActivityKind.MATCH))
            after = [await socket.receive(), await socket.receive()]
    # then: the news before reached it; after, an UNAUTHENTICATED error and the end of the subscription
    assert before["type"] == "next"
    assert before["payload"]["data"]["candidateActivity"]["kind"] == "NOTE"
    assert after[0]["type"] == "next"
    assert [e["extensions"]["code"] for e in after[0]["payload"]["errors"]] == ["UNAUTHENTICATED"]
    assert after[1] == {"id": "1", "type": "complete"}


async def test_a_connection_follows_a_bounded_number_of_candidates(
    settings: Settings, sessions: SessionFactory, customer_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a connection may follow two candidates at once
    monkeypatch.setattr("graph.activity.MAX_FOLLOWED", 2)
    ada, ada_id = await add_candidate(sessions, customer_id, "Ada")
    async with live_server(settings) as server, server.socket(bearer(settings)) as socket:
        # when: it follows Ada twice, then a third time; then completes one and follows her again
        await socket.subscribe("1", ada_id)
        await socket.subscribe("2", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S, until=lambda n: n == 2)
        await socket.subscribe("3", ada_id)
        refused = await socket.receive()
        await socket.send({"id": "1", "type": "complete"})
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S, until=lambda n: n == 1)
        await socket.subscribe("4", ada_id)
        assert await server.feed.hub.wait_for(customer_id, ada, within_s=WAIT_S, until=lambda n: n == 2)
    # then
    assert (refused["id"], refused["type"]) == ("3", "error")
    assert refused["payload"][0]["extensions"] == {"code": "BAD_USER_INPUT"}

"""LinkedIn certification module 4 (RSC-401..404), end to end: an admin secures a job through the API,
the outbox worker syncs the ACLs to LinkedIn (the sandbox, over real HTTP), and LinkedIn shows the
secured job and its applications only to the ACL's users, in the One-Click Export drop-down and in the
In-ATS view; removing the user hides them, re-adding restores them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry import relay

from linkedin.client import LinkedInClient
from linkedin.records import ConfigurationKey
from linkedin.restli import parse_key
from linkedin.sandbox.config import SandboxConfig
from models import SyncEntity
from models.db import SessionFactory
from resolvers.sync.acl_senders import NO_PERSON_URN
from resolvers.sync.backfill import backfill
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox
from tests.graph.acl_support import (
    APPLY,
    CREATE_CANDIDATE,
    SET_JOB_GROUPS,
    SET_USERS,
    create_group,
    create_job,
    new_user,
    ok,
)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Job posting tasks finish at once, so a drain ends with every job on LinkedIn."""
    return SandboxConfig(job_task_delay_ms=0)


class Clock:
    """Wall-clock time plus an offset the test moves (rows waiting on a job task come due)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class SecuredWorld:
    """An assigned and an unassigned recruiter (seat holders), a secured and an open job, a candidate
    (a LinkedIn member) applied to both, and the group securing the one job."""

    insider: str
    outsider: str
    member: str
    group_id: str
    insider_gid: str
    secured_title: str = "Secret Project Lead"
    open_title: str = "Open Engineer"


async def _drain(worker: OutboxWorker, clock: Clock) -> None:
    for _ in range(3):
        await worker.run_until_idle()
        clock.offset += timedelta(minutes=10)


@pytest.fixture
def clock() -> Clock:
    """The worker's clock."""
    return Clock()


@pytest.fixture
def worker(sessions: SessionFactory, tenant: Tenant, clock: Clock) -> OutboxWorker:
    """The customer's outbox worker."""
    return OutboxWorker(sessions, tenant, SyncConfig(), clock=clock)


@pytest.fixture
async def world(
    graphql: GraphQL,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    linkedin: LinkedInClient,
    worker: OutboxWorker,
    clock: Clock,
) -> SecuredWorld:
    """The secured world, synced to LinkedIn; the visibility defaults set as onboarding sets them."""
    await linkedin.set_configurations(
        {
            ConfigurationKey.JOB_POSTING_VIEWERS: "ALL_PRODUCT_USERS",
            ConfigurationKey.APPLICATION_VIEWERS: "ALL_PRODUCT_USERS",
        }
    )
    linkedin_world = await sandbox.admin("GET", "world")
    insider, outsider = (seat["seatholder"] for seat in linkedin_world["seats"][:2])
    member = linkedin_world["members"][0]
    _, insider_gid = await new_user(sessions, customer_id, "insider@acme.test", person_urn=insider)
    await new_user(sessions, customer_id, "outsider@acme.test", person_urn=outsider)
    secured = await create_job(graphql, SecuredWorld.secured_title)
    open_job = await create_job(graphql, SecuredWorld.open_title)
    candidate = await ok(
        graphql,
        CREATE_CANDIDATE,
        {"firstName": member["firstName"], "lastName": member["lastName"], "email": member["emailAddress"]},
    )
    for job in (secured, open_job):
        await ok(graphql, APPLY, {"candidateId": candidate["candidate"]["id"], "jobId": job})
    group_id = await create_group(graphql, "Executive search")
    await ok(graphql, SET_USERS, {"groupId": group_id, "userIds": [insider_gid]})
    await ok(graphql, SET_JOB_GROUPS, {"jobId": secured, "groupIds": [group_id]})
    await _drain(worker, clock)
    return SecuredWorld(insider, outsider, member["urn"], group_id, insider_gid)


async def _export_list(sandbox: Sandbox, person: str) -> list[str]:
    answer: dict[str, Any] = await sandbox.admin("GET", f"exportJobs?person={person}")
    return sorted(job["title"] for job in answer["jobs"])


async def _in_ats(sandbox: Sandbox, person: str, member: str) -> list[str]:
    answer: dict[str, Any] = await sandbox.admin("GET", f"inAts?person={person}&member={member}")
    assert answer["inAts"] is True
    return sorted(a["atsJobPostingName"] for c in answer["candidates"] for a in c["applications"])


async def test_rsc_401_a_secured_job_is_in_the_export_drop_down_of_its_acl_users_only(
    world: SecuredWorld, sandbox: Sandbox
) -> None:
    # when
    insider_sees = await _export_list(sandbox, world.insider)
    outsider_sees = await _export_list(sandbox, world.outsider)
    # then
    assert insider_sees == [world.open_title, world.secured_title]
    assert outsider_sees == [world.open_title]


async def test_rsc_402_an_application_on_a_secured_job_shows_in_ats_to_its_acl_users_only(
    world: SecuredWorld, sandbox: Sandbox
) -> None:
    # when
    insider_sees = await _in_ats(sandbox, world.insider, world.member)
    outsider_sees = await _in_ats(sandbox, world.outsider, world.member)
    # then
    assert insider_sees == [world.open_title, world.secured_title]
    assert outsider_sees == [world.open_title]


async def test_rsc_403_removing_the_assignee_hides_the_secured_job_in_both_places(
    world: SecuredWorld, sandbox: Sandbox, graphql: GraphQL, worker: OutboxWorker, clock: Clock
) -> None:
    # when
    await ok(graphql, SET_USERS, {"groupId": world.group_id, "userIds": []})
    await _drain(worker, clock)
    # then
    assert await _export_list(sandbox, world.insider) == [world.open_title]
    assert await _in_ats(sandbox, world.insider, world.member) == [world.open_title]
    assert (await sandbox.admin("GET", "state"))["aclAssignees"] == []


async def test_rsc_404_re_adding_the_user_restores_visibility_in_both_places(
    world: SecuredWorld, sandbox: Sandbox, graphql: GraphQL, worker: OutboxWorker, clock: Clock
) -> None:
    # given
    await ok(graphql, SET_USERS, {"groupId": world.group_id, "userIds": []})
    await _drain(worker, clock)
    # when
    await ok(graphql, SET_USERS, {"groupId": world.group_id, "userIds": [world.insider_gid]})
    await _drain(worker, clock)
    # then
    assert await _export_list(sandbox, world.insider) == [world.open_title, world.secured_title]
    assert await _in_ats(sandbox, world.insider, world.member) == [world.open_title, world.secured_title]


async def test_a_job_taken_out_of_its_groups_is_everyones_again_on_linkedin(
    world: SecuredWorld, sandbox: Sandbox, graphql: GraphQL, worker: OutboxWorker, clock: Clock
) -> None:
    # given
    jobs = (await graphql("{ jobs { edges { node { id title } } } }")).data
    assert jobs is not None
    secured = next(
        e["node"]["id"] for e in jobs["jobs"]["edges"] if e["node"]["title"] == world.secured_title
    )
    # when
    await ok(graphql, SET_JOB_GROUPS, {"jobId": secured, "groupIds": []})
    await _drain(worker, clock)
    # then
    assert await _export_list(sandbox, world.outsider) == [world.open_title, world.secured_title]
    assert (await sandbox.admin("GET", "state"))["entityAcls"] == []


SYNC_STATUS = """
{ syncStatus { entities { entityType sent skipped failures { recordId kind reason } } } }
"""


async def test_a_user_without_a_person_urn_is_reported_skipped_with_the_reason(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, worker: OutboxWorker, clock: Clock
) -> None:
    # given
    _, user = await new_user(sessions, customer_id, "nourn@acme.test")
    group = await create_group(graphql, "No URN")
    await ok(graphql, SET_USERS, {"groupId": group, "userIds": [user]})
    # when
    await _drain(worker, clock)
    result = await graphql(SYNC_STATUS)
    # then
    assert result.errors is None
    assert result.data is not None
    (assignees,) = (e for e in result.data["syncStatus"]["entities"] if e["entityType"] == "ACL_ASSIGNEE")
    assert assignees == {
        "entityType": "ACL_ASSIGNEE",
        "sent": 0,
        "skipped": 1,
        "failures": [{"recordId": user, "kind": "SKIPPED", "reason": NO_PERSON_URN}],
    }


async def test_the_backfill_is_the_bulk_first_load_of_every_secured_job_and_grouped_user(
    world: SecuredWorld,
    sessions: SessionFactory,
    customer_id: int,
    sandbox: Sandbox,
    worker: OutboxWorker,
    clock: Clock,
) -> None:
    # given: LinkedIn lost every ACL (a new instance, say)
    await sandbox.admin("POST", "reset")
    # when
    counts = await backfill(sessions, customer_id, timedelta(days=730))
    await _drain(worker, clock)
    # then
    assert (counts[SyncEntity.ENTITY_ACL], counts[SyncEntity.ACL_ASSIGNEE]) == (1, 1)
    held = await sandbox.admin("GET", "state")
    (acl,) = (parse_key(k) for k in held["entityAcls"])
    (assignee,) = (parse_key(k) for k in held["aclAssignees"])
    group = relay.GlobalID.from_id(world.group_id).node_id
    assert (acl["atsEntityAclId"], acl["atsEntityType"]) == (group, "JOB_POSTING")
    assert (assignee["atsEntityAclId"], assignee["assignee"]) == (group, world.insider)

"""LinkedIn certification module 5 (RSC-501..504), end to end: records made and deleted through the API,
the outbox worker mirroring each deletion to LinkedIn (the sandbox, over real HTTP), and LinkedIn's In-ATS
view (the sandbox's admin `inAts`) losing each record in turn. Also: deleteJob closes the job there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from linkedin.client import LinkedInClient
from linkedin.records import ConfigurationKey
from linkedin.sandbox.config import SandboxConfig
from models.db import SessionFactory
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.conftest import GraphQL, Sandbox
from tests.graph.acl_support import APPLY, CREATE_CANDIDATE, create_job, ok, payload_of

ADD_CANDIDATE_NOTE = """
mutation($input: AddCandidateNoteInput!) { addCandidateNote(input: $input) { noteId userErrors { field } } }
"""
ADD_APPLICATION_NOTE = """
mutation($input: AddApplicationNoteInput!) {
  addApplicationNote(input: $input) { noteId userErrors { field } }
}
"""
MOVE = """
mutation($input: MoveApplicationStageInput!) {
  moveApplicationStage(input: $input) { stageId application { status } userErrors { field } }
}
"""
ADD_FEEDBACK = """
mutation($input: AddInterviewFeedbackInput!) {
  addInterviewFeedback(input: $input) {
    interviewFeedback { id interviewerFirstName evaluations { attribute result } interviewType }
    userErrors { field message code }
  }
}
"""
DELETE_CANDIDATE_NOTE = """
mutation($input: DeleteCandidateNoteInput!) { deleteCandidateNote(input: $input) { userErrors { field } } }
"""
DELETE_APPLICATION_NOTE = """
mutation($input: DeleteApplicationNoteInput!) {
  deleteApplicationNote(input: $input) { userErrors { field } }
}
"""
DELETE_STAGE = """
mutation($input: DeleteApplicationStageInput!) {
  deleteApplicationStage(input: $input) {
    deletedApplicationStageId application { status } userErrors { field }
  }
}
"""
DELETE_FEEDBACK = """
mutation($input: DeleteInterviewFeedbackInput!) {
  deleteInterviewFeedback(input: $input) { deletedInterviewFeedbackId userErrors { field } }
}
"""
DELETE_APPLICATION = """
mutation($input: DeleteApplicationInput!) { deleteApplication(input: $input) { userErrors { field } } }
"""
DELETE_CANDIDATE = """
mutation($input: DeleteCandidateInput!) { deleteCandidate(input: $input) { userErrors { field } } }
"""
DELETE_JOB = """
mutation($input: DeleteJobInput!) {
  deleteJob(input: $input) { deletedJobId deletedApplicationCount userErrors { field message code } }
}
"""
STAGES = """
query($id: ID!) { node(id: $id) { ... on Application { stages { id stage } } } }
"""


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


@pytest.fixture
def clock() -> Clock:
    """The worker's clock."""
    return Clock()


@pytest.fixture
def worker(sessions: SessionFactory, tenant: Tenant, clock: Clock) -> OutboxWorker:
    """The customer's outbox worker."""
    return OutboxWorker(sessions, tenant, SyncConfig(), clock=clock)


async def drain(worker: OutboxWorker, clock: Clock) -> None:
    """Send everything due, job tasks included (bounded passes, no sleeps)."""
    for _ in range(3):
        await worker.run_until_idle()
        clock.offset += timedelta(minutes=10)


async def in_ats(sandbox: Sandbox, person: str, member: str) -> dict[str, Any]:
    """What `person` sees of `member` in LinkedIn's In-ATS indicator."""
    answer: dict[str, Any] = await sandbox.admin("GET", f"inAts?person={person}&member={member}")
    return answer


def only_candidate(view: dict[str, Any]) -> dict[str, Any]:
    """The one candidate of an In-ATS view."""
    assert view["inAts"] is True
    [candidate] = view["candidates"]
    found: dict[str, Any] = candidate
    return found


async def new_candidate(graphql: GraphQL, member: dict[str, Any]) -> str:
    """A candidate LinkedIn matches to `member` (same names and email)."""
    data = {"firstName": member["firstName"], "lastName": member["lastName"], "email": member["emailAddress"]}
    return str((await ok(graphql, CREATE_CANDIDATE, data))["candidate"]["id"])


async def apply(graphql: GraphQL, candidate: str, job: str) -> str:
    """A new application's global ID."""
    return str((await ok(graphql, APPLY, {"candidateId": candidate, "jobId": job}))["application"]["id"])


async def stage_ids(graphql: GraphQL, application: str) -> list[str]:
    """The global IDs of an application's stage history."""
    result = await graphql(STAGES, {"id": application})
    assert result.errors is None, result.errors
    assert result.data is not None
    return [s["id"] for s in result.data["node"]["stages"]]


async def test_certification_module_5_every_deletion_leaves_linkedins_in_ats_view_in_turn(
    graphql: GraphQL,
    sandbox: Sandbox,
    linkedin: LinkedInClient,
    worker: OutboxWorker,
    clock: Clock,
) -> None:
    # given: two members as candidates; Ada with two notes and two applications, the first with a note,
    # a stage and interview feedback; Ben with a note and an application; all synced to LinkedIn
    await linkedin.set_configurations(
        {
            ConfigurationKey.JOB_POSTING_VIEWERS: "ALL_PRODUCT_USERS",
            ConfigurationKey.APPLICATION_VIEWERS: "ALL_PRODUCT_USERS",
        }
    )
    world = await sandbox.admin("GET", "world")
    person = world["seats"][0]["seatholder"]
    ada_member, ben_member = world["members"][0], world["members"][1]
    engineer, designer = await create_job(graphql, "Engineer"), await create_job(graphql, "Designer")
    ada, ben = await new_candidate(graphql, ada_member), await new_candidate(graphql, ben_member)
    ada_notes = [
        (await ok(graphql, ADD_CANDIDATE_NOTE, {"candidateId": ada, "author": "Rae Recruiter", "body": b}))[
            "noteId"
        ]
        for b in ("Strong referral", "Prefers remote")
    ]
    first, second = await apply(graphql, ada, engineer), await apply(graphql, ada, designer)
    app_note = (
        await ok(
            graphql, ADD_APPLICATION_NOTE, {"applicationId": first, "author": "Rae R", "body": "Good call"}
        )
    )["noteId"]
    screened = await ok(graphql, MOVE, {"applicationId": first, "stage": "Phone screen"})
    feedback = (
        await ok(
            graphql,
            ADD_FEEDBACK,
            {
                "applicationId": first,
                "interviewerFirstName": "Ivo",
                "interviewerLastName": "Interviewer",
                "feedback": "Clear thinker",
                "evaluations": [{"attribute": "Verbal Communication", "result": "4/5"}],
                "interviewType": "PHONE_SCREEN",
            },
        )
    )["interviewFeedback"]
    assert feedback["evaluations"] == [{"attribute": "Verbal Communication", "result": "4/5"}]
    await ok(
        graphql, ADD_CANDIDATE_NOTE, {"candidateId": ben, "author": "Rae Recruiter", "body": "Met at a fair"}
    )
    await apply(graphql, ben, engineer)
    await drain(worker, clock)
    seen = only_candidate(await in_ats(sandbox, person, ada_member["urn"]))
    assert len(seen["notes"]) == 2
    by_job = {a["atsJobPostingName"]: a for a in seen["applications"]}
    assert sorted(by_job) == ["Designer", "Engineer"]
    assert (len(by_job["Engineer"]["notes"]), len(by_job["Engineer"]["stages"])) == (1, 2)
    assert len(by_job["Engineer"]["interviewFeedback"]) == 1
    pushed = next(a for a in (await sandbox.admin("GET", "state"))["applications"] if a["interviewFeedback"])
    assert list(pushed["interviewFeedback"].values())[0]["interviewer"] == {
        "firstName": "Ivo",
        "lastName": "Interviewer",
    }

    # when RSC-503: the first application's note, stages and feedback go, then the application
    await ok(graphql, DELETE_APPLICATION_NOTE, {"id": app_note})
    for stage in await stage_ids(graphql, first):
        await ok(graphql, DELETE_STAGE, {"id": stage})
    await ok(graphql, DELETE_FEEDBACK, {"id": feedback["id"]})
    await drain(worker, clock)
    # then each left the In-ATS view, the application still there
    engineer_view = next(
        a
        for a in only_candidate(await in_ats(sandbox, person, ada_member["urn"]))["applications"]
        if a["atsJobPostingName"] == "Engineer"
    )
    assert (engineer_view["notes"], engineer_view["stages"], engineer_view["interviewFeedback"]) == (
        [],
        [],
        [],
    )
    assert screened["stageId"] not in await stage_ids(graphql, first)
    await ok(graphql, DELETE_APPLICATION, {"id": first})
    await drain(worker, clock)
    remaining = only_candidate(await in_ats(sandbox, person, ada_member["urn"]))["applications"]
    assert [a["atsJobPostingName"] for a in remaining] == ["Designer"]

    # when RSC-504: an entire application, with its stage history, goes in one delete
    await sandbox.admin("DELETE", "calls")
    await ok(graphql, DELETE_APPLICATION, {"id": second})
    await drain(worker, clock)
    # then it is gone, and LinkedIn got one application delete, no delete of what it cascades
    assert only_candidate(await in_ats(sandbox, person, ada_member["urn"]))["applications"] == []
    deletes = [c["endpoint"] for c in await sandbox.admin("GET", "calls") if c["method"] == "DELETE"]
    assert deletes == ["atsApplications"]

    # when RSC-501: the candidate's notes go, then the candidate
    for note in ada_notes:
        await ok(graphql, DELETE_CANDIDATE_NOTE, {"id": note})
    await drain(worker, clock)
    # then the notes leave the indicator, which stays while the candidate does
    assert only_candidate(await in_ats(sandbox, person, ada_member["urn"]))["notes"] == []
    await ok(graphql, DELETE_CANDIDATE, {"id": ada})
    await drain(worker, clock)
    assert (await in_ats(sandbox, person, ada_member["urn"]))["inAts"] is False

    # when RSC-502: an entire candidate, with its note and application, goes at once
    assert only_candidate(await in_ats(sandbox, person, ben_member["urn"]))["applications"] != []
    await ok(graphql, DELETE_CANDIDATE, {"id": ben})
    await drain(worker, clock)
    # then the indicator is gone and LinkedIn holds nothing of either candidate
    assert (await in_ats(sandbox, person, ben_member["urn"]))["inAts"] is False
    state = await sandbox.admin("GET", "state")
    assert (state["candidates"], state["applications"]) == ([], [])


async def test_a_job_with_applications_is_deleted_only_with_cascade_and_is_closed_on_linkedin(
    graphql: GraphQL, sandbox: Sandbox, worker: OutboxWorker, clock: Clock
) -> None:
    # given: a synced job with an application
    world = await sandbox.admin("GET", "world")
    job = await create_job(graphql, "Closing soon")
    await apply(graphql, await new_candidate(graphql, world["members"][0]), job)
    await drain(worker, clock)
    # when: deleted without cascade
    refused = await payload_of(graphql, DELETE_JOB, {"id": job})
    # then: refused, nothing changed
    assert refused["deletedJobId"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "cascade"], "HAS_APPLICATIONS")
    ]
    # when: deleted with cascade
    done = await ok(graphql, DELETE_JOB, {"id": job, "cascade": True})
    await drain(worker, clock)
    # then: its application is deleted on LinkedIn and the job is closed there, not deleted
    assert (done["deletedJobId"], done["deletedApplicationCount"]) == (job, 1)
    state = await sandbox.admin("GET", "state")
    assert state["applications"] == []
    assert [(j["title"], j["state"]) for j in state["jobs"]] == [("Closing soon", "CLOSED")]
    jobs = (await graphql("{ jobs { edges { node { id } } } }")).data
    assert jobs == {"jobs": {"edges": []}}

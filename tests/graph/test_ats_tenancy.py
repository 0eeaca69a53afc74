"""Two customers on one deployment: the same person may be a candidate of each, and no query or write of
one customer reaches the other's ATS rows (another customer's id answers as an unknown id does)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import SQLModel, col, select

import models
from app.settings import Settings
from linkedin.client import LinkedInClient
from linkedin.partner import LinkedInPartnerClient
from linkedin.records import MailStub
from models.db import SessionFactory
from models.linkedin_identities import FieldValue, save_suggestion
from resolvers.ats_writes import notes
from resolvers.services import Services
from resolvers.stubs import apply_mail_stubs
from resolvers.viewer import Viewer
from tests.conftest import GraphQL, Sandbox, add_customer
from tests.graph.mutations.factories import gid, make_application, make_candidate, make_job
from tests.users_support import add_user

EMAIL = "ada@example.com"
MEMBER_URN = "urn:li:person:ada-member"
UNKNOWN_ID = 999_999


@pytest.fixture
async def globex(
    sessions: SessionFactory,
    settings: Settings,
    sandbox: Sandbox,
    services: Services,
    http: aiohttp.ClientSession,
) -> Viewer:
    """An admin of a second customer, Globex, with a child app of its own in the sandbox."""
    partner_config = replace(
        settings.linkedin_config().for_app(
            sandbox.config.parent_client_id, SecretStr(sandbox.config.parent_client_secret)
        ),
        # The test settings' 1 s suits the fault tests; this set-up call is not retried (a POST), so a
        # busy machine must not fail it.
        request_timeout_s=10.0,
    )
    app = await LinkedInPartnerClient(http, partner_config).provision_child_app("globex", "ATS - Globex")
    urns = await sandbox.admin("POST", f"apps/{app.client_id}/integrations/preauthorize", {})
    row = await add_customer(
        sessions,
        settings,
        key="globex",
        name="Globex Talent",
        client_id=app.client_id,
        client_secret=app.client_secret.get_secret_value(),
        org_urn=urns["organizationUrn"],
        contract_urn=urns["contractUrn"],
    )
    assert row.id is not None
    return Viewer(await services.tenants.get(row.id), user="hank@globex.test", roles=frozenset({"admin"}))


def customer_of(viewer: Viewer) -> int:
    """The id of a viewer's customer."""
    assert viewer.customer_id is not None
    return viewer.customer_id


def data(result: Any) -> dict[str, Any]:
    """The answer's data, which must come without top-level errors."""
    assert result.errors is None, result.errors
    assert result.data is not None
    answer: dict[str, Any] = result.data
    return answer


# --- one person, a candidate of each customer ------------------------------------------------------

CREATE = """
mutation Create($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id email } userErrors { field code existingId } }
}
"""
LIST = "query { candidates(first: 100) { totalCount edges { node { id email } } } }"


async def test_one_email_is_a_candidate_of_each_customer_and_a_duplicate_only_within_one(
    graphql: GraphQL, globex: Viewer
) -> None:
    # given
    ada = {"input": {"firstName": "Ada", "lastName": "Lovelace", "email": EMAIL}}
    acme = data(await graphql(CREATE, ada))["createCandidate"]
    # when
    theirs = data(await graphql(CREATE, ada, as_viewer=globex))["createCandidate"]
    again = data(await graphql(CREATE, ada))["createCandidate"]
    # then
    acme_id, globex_id = acme["candidate"]["id"], theirs["candidate"]["id"]
    assert theirs == {"candidate": {"id": globex_id, "email": EMAIL}, "userErrors": []}
    assert globex_id != acme_id
    assert again == {
        "candidate": None,
        "userErrors": [{"field": ["input", "email"], "code": "DUPLICATE", "existingId": acme_id}],
    }
    assert data(await graphql(LIST)) == {
        "candidates": {"totalCount": 1, "edges": [{"node": {"id": acme_id, "email": EMAIL}}]}
    }
    assert data(await graphql(LIST, as_viewer=globex)) == {
        "candidates": {"totalCount": 1, "edges": [{"node": {"id": globex_id, "email": EMAIL}}]}
    }


LINK = """
mutation Link($input: LinkLinkedInMemberInput!) {
  linkLinkedInMember(input: $input) { personUrn pushed userErrors { field code } }
}
"""


async def _identities(sessions: SessionFactory) -> list[tuple[int, int, str]]:
    async with sessions() as db:
        statement = select(models.LinkedInIdentity).order_by(col(models.LinkedInIdentity.id))
        rows = (await db.exec(statement)).all()
    return [(row.customer_id, row.candidate_id, row.person_urn) for row in rows]


def _link(candidate: models.Candidate) -> dict[str, Any]:
    return {"input": {"candidateId": gid("Candidate", candidate.id), "personUrn": MEMBER_URN}}


async def test_one_member_is_linked_to_a_candidate_of_each_customer_and_each_linkedin_is_told(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, globex: Viewer, linkedin: LinkedInClient
) -> None:
    # given: the member is a candidate of both customers, with different ATS data
    ours = await make_candidate(sessions, customer_id, title="Analyst")
    theirs = await make_candidate(sessions, customer_of(globex), title="CTO")
    second = await make_candidate(sessions, customer_id, email="other@example.com")
    # when
    linked = data(await graphql(LINK, _link(ours)))["linkLinkedInMember"]
    also = data(await graphql(LINK, _link(theirs), as_viewer=globex))["linkLinkedInMember"]
    twice = data(await graphql(LINK, _link(second)))["linkLinkedInMember"]
    # then: each customer's own LinkedIn instance holds its own candidate's manual match
    assert linked == {"personUrn": MEMBER_URN, "pushed": True, "userErrors": []}
    assert also == {"personUrn": MEMBER_URN, "pushed": True, "userErrors": []}
    assert twice == {
        "personUrn": None,
        "pushed": False,
        "userErrors": [{"field": ["input", "personUrn"], "code": "CONFLICT"}],
    }
    assert await _identities(sessions) == [
        (customer_id, ours.id, MEMBER_URN),
        (customer_of(globex), theirs.id, MEMBER_URN),
    ]
    assert globex.tenant is not None
    on_acme = await linkedin.candidate_matches([str(ours.id), str(theirs.id)])
    on_globex = await globex.tenant.linkedin.candidate_matches([str(ours.id), str(theirs.id)])
    assert {k: m.manual_matched_member for k, m in on_acme.items()} == {str(ours.id): MEMBER_URN}
    assert {k: m.manual_matched_member for k, m in on_globex.items()} == {str(theirs.id): MEMBER_URN}


def _stub(stub_id: str, **fields: str | None) -> MailStub:
    values: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": EMAIL,
        "phone": "+1 555 0100",
        "title": "Engineer",
        "city": "London",
        **fields,
    }
    return MailStub(
        id=stub_id,
        owner_seat_urn="urn:li:seat:1001",
        member_urn=MEMBER_URN,
        profile_url=None,
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
        **values,
    )


ENRICH = """
query($urns: [String!]) { linkedinMembers(personUrns: $urns) { inAts candidate { id title } } }
"""


async def test_linkedin_brings_one_member_into_each_customer_as_a_candidate_of_its_own(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, globex: Viewer
) -> None:
    # given: Acme has the member as a candidate (by email, a title of its own); Globex has none
    ours = await make_candidate(sessions, customer_id, title="Principal Engineer")
    # when: each customer's poll brings the member's mail stub
    async with sessions() as db:
        acme = await apply_mail_stubs(db, customer_id, [_stub("stub-acme")])
        other = await apply_mail_stubs(db, customer_of(globex), [_stub("stub-globex")])
        await db.commit()
    # then: Acme's candidate is matched and keeps its title; Globex gets a candidate of its own
    assert (acme.created, acme.updated) == ([], [ours.id])
    [theirs] = other.created
    assert theirs != ours.id
    assert await _identities(sessions) == [
        (customer_id, ours.id, MEMBER_URN),
        (customer_of(globex), theirs, MEMBER_URN),
    ]
    async with sessions() as db:
        suggested = (await db.exec(select(models.LinkedInSuggestion))).all()
    assert [(s.customer_id, s.candidate_id, s.field, s.value) for s in suggested] == [
        (customer_id, ours.id, "title", "Engineer")
    ]
    acme_view = data(await graphql(ENRICH, {"urns": [MEMBER_URN]}))
    globex_view = data(await graphql(ENRICH, {"urns": [MEMBER_URN]}, as_viewer=globex))
    assert acme_view == {
        "linkedinMembers": [
            {"inAts": True, "candidate": {"id": gid("Candidate", ours.id), "title": "Principal Engineer"}}
        ]
    }
    assert globex_view == {
        "linkedinMembers": [
            {"inAts": True, "candidate": {"id": gid("Candidate", theirs), "title": "Engineer"}}
        ]
    }


# --- another customer's ids ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rows:
    """Globex's rows, whose ids Acme's viewer tries."""

    candidate: int
    job: int
    application: int
    candidate_note: int
    application_note: int


@pytest.fixture
async def theirs(sessions: SessionFactory, globex: Viewer) -> Rows:
    """A Globex candidate (linked, with a LinkedIn suggestion and a note) and an application with a note."""
    customer = customer_of(globex)
    candidate = await make_candidate(sessions, customer, email="grace@globex.example")
    application = await make_application(sessions, customer)
    assert candidate.id is not None
    assert application.id is not None
    async with sessions() as db, db.begin():
        db.add(
            models.LinkedInIdentity(
                customer_id=customer,
                candidate_id=candidate.id,
                person_urn=MEMBER_URN,
                match_source=models.MatchSource.STUB,
            )
        )
        offer = FieldValue("CTO", models.LinkedInSource.LINKEDIN_INMAIL, datetime(2026, 11, 1, tzinfo=UTC))
        await save_suggestion(db, customer, candidate.id, "title", offer)
    note = await notes.add_candidate_note(sessions, customer, candidate.id, author="Hank", body="Call back")
    app_note = await notes.add_application_note(
        sessions, customer, application.id, author="Hank", body="Good"
    )
    assert note.id is not None
    assert app_note.id is not None
    return Rows(candidate.id, application.job_id, application.id, note.id, app_note.id)


async def _everything(sessions: SessionFactory) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order (the audit log aside: it records refused attempts too)."""
    async with sessions() as db:
        return {
            table.name: [
                tuple(row)
                for row in (await db.exec(sa.select(table).order_by(*table.primary_key.columns))).all()  # type: ignore[call-overload]
            ]
            for table in SQLModel.metadata.sorted_tables
            if table.name != "audit_entry"
        }


# (mutation, its input given Globex's rows and Acme's own candidate and job, the input field at fault)
Case = tuple[str, Callable[[Rows, int, int], dict[str, Any]], str]


def _id(type_name: str, row_id: int) -> str:
    return gid(type_name, row_id)


CASES: dict[str, Case] = {
    "updateCandidate": (
        "UpdateCandidateInput",
        lambda r, c, j: {"id": _id("Candidate", r.candidate), "title": "X"},
        "id",
    ),
    "deleteCandidate": ("DeleteCandidateInput", lambda r, c, j: {"id": _id("Candidate", r.candidate)}, "id"),
    "mergeCandidates": (
        "MergeCandidatesInput",
        lambda r, c, j: {"keepId": _id("Candidate", c), "mergeId": _id("Candidate", r.candidate)},
        "mergeId",
    ),
    "updateJob": ("UpdateJobInput", lambda r, c, j: {"id": _id("Job", r.job), "title": "X"}, "id"),
    "applyToJob": (
        "ApplyToJobInput",
        lambda r, c, j: {"candidateId": _id("Candidate", c), "jobId": _id("Job", r.job)},
        "jobId",
    ),
    "moveApplicationStage": (
        "MoveApplicationStageInput",
        lambda r, c, j: {"applicationId": _id("Application", r.application), "stage": "Hired"},
        "applicationId",
    ),
    "deleteApplication": (
        "DeleteApplicationInput",
        lambda r, c, j: {"id": _id("Application", r.application)},
        "id",
    ),
    "addCandidateNote": (
        "AddCandidateNoteInput",
        lambda r, c, j: {"candidateId": _id("Candidate", r.candidate), "author": "Ada", "body": "Hi"},
        "candidateId",
    ),
    "addApplicationNote": (
        "AddApplicationNoteInput",
        lambda r, c, j: {"applicationId": _id("Application", r.application), "author": "Ada", "body": "Hi"},
        "applicationId",
    ),
    "deleteCandidateNote": (
        "DeleteCandidateNoteInput",
        lambda r, c, j: {"id": _id("Note", r.candidate_note)},
        "id",
    ),
    "deleteApplicationNote": (
        "DeleteApplicationNoteInput",
        lambda r, c, j: {"id": _id("Note", r.application_note)},
        "id",
    ),
    "linkLinkedInMember": (
        "LinkLinkedInMemberInput",
        lambda r, c, j: {"candidateId": _id("Candidate", r.candidate), "personUrn": "urn:li:person:x"},
        "candidateId",
    ),
    "unlinkLinkedInMember": (
        "UnlinkLinkedInMemberInput",
        lambda r, c, j: {"candidateId": _id("Candidate", r.candidate)},
        "candidateId",
    ),
    "acceptLinkedInSuggestion": (
        "AcceptLinkedInSuggestionInput",
        lambda r, c, j: {"candidateId": _id("Candidate", r.candidate), "field": "title"},
        "candidateId",
    ),
}


def _without_ids(answer: dict[str, Any]) -> dict[str, Any]:
    """A payload with the numbers some messages quote (`No candidate has the id 7`) blanked out."""
    shown: dict[str, Any] = json.loads(re.sub(r"\b[0-9]+\b", "<n>", json.dumps(answer)))
    return shown


def _unknown(_rows: Rows) -> Rows:
    """The same shape of input, naming rows no customer has."""
    return Rows(UNKNOWN_ID, UNKNOWN_ID + 1, UNKNOWN_ID + 2, UNKNOWN_ID + 3, UNKNOWN_ID + 4)


@pytest.mark.parametrize("mutation", sorted(CASES))
async def test_a_write_with_another_customers_id_is_not_found_as_an_unknown_id_and_writes_nothing(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, theirs: Rows, mutation: str
) -> None:
    # given: Acme's own candidate and job (for inputs naming two records)
    ours = await make_candidate(sessions, customer_id)
    job = await make_job(sessions, customer_id)
    assert ours.id is not None
    assert job.id is not None
    input_type, build, field = CASES[mutation]
    fields = "userErrors { field message code }"
    document = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {fields} }} }}"
    unknown = data(await graphql(document, {"input": build(_unknown(theirs), ours.id, job.id)}))
    before = await _everything(sessions)
    # when
    answer = data(await graphql(document, {"input": build(theirs, ours.id, job.id)}))
    # then
    assert _without_ids(answer) == _without_ids(unknown)
    assert answer[mutation]["userErrors"][0]["code"] == "NOT_FOUND"
    assert answer[mutation]["userErrors"][0]["field"] == ["input", field]
    assert await _everything(sessions) == before


READS: dict[str, Callable[[Rows], tuple[str, dict[str, Any]]]] = {
    "candidate": lambda r: (
        "query($id: ID!) { candidate(id: $id) { id } }",
        {"id": _id("Candidate", r.candidate)},
    ),
    "node(Candidate)": lambda r: (
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": _id("Candidate", r.candidate)},
    ),
    "node(Job)": lambda r: ("query($id: ID!) { node(id: $id) { id } }", {"id": _id("Job", r.job)}),
    "node(Application)": lambda r: (
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": _id("Application", r.application)},
    ),
    "candidates(appliedToJob)": lambda r: (
        "query($job: ID!) { candidates(filter: {appliedToJob: $job}) { totalCount } }",
        {"job": _id("Job", r.job)},
    ),
}


def _shown(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    """The answer with the ids asked for blanked out of the error messages (they quote the id)."""
    errors = [
        (re.sub(r"'[^']*'", "'<id>'", error.message), (error.extensions or {}).get("code"))
        for error in result.errors or []
    ]
    return result.data, errors


@pytest.mark.parametrize("read", sorted(READS))
async def test_a_read_of_another_customers_id_answers_as_an_unknown_id(
    graphql: GraphQL, theirs: Rows, read: str
) -> None:
    # given
    document, variables = READS[read](theirs)
    _, unknown_variables = READS[read](_unknown(theirs))
    # when
    answer = await graphql(document, variables)
    unknown = await graphql(document, unknown_variables)
    # then
    assert _shown(answer) == _shown(unknown)
    if answer.data == {"candidates": {"totalCount": 0}}:
        assert answer.errors is None
    else:
        assert answer.data in ({"candidate": None}, {"node": None})
        assert [code for _, code in _shown(answer)[1]] == ["NOT_FOUND"]


async def test_listings_show_only_the_viewers_customer(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, globex: Viewer, theirs: Rows
) -> None:
    # given: a recruiter of each customer, and Acme's own job
    job = await make_job(sessions, customer_id, title="Acme job")
    async with sessions() as db, db.begin():
        for customer, name in ((customer_id, "Acme"), (customer_of(globex), "Globex")):
            await add_user(db, customer, first_name=name, last_name="R", email="r@x.example")
    document = (
        "query { jobs { totalCount edges { node { id } } } recruiters { edges { node { firstName } } } }"
    )
    # when
    ours = data(await graphql(document))
    other = data(await graphql(document, as_viewer=globex))
    # then
    assert ours == {
        "jobs": {"totalCount": 1, "edges": [{"node": {"id": _id("Job", job.id or 0)}}]},
        "recruiters": {"edges": [{"node": {"firstName": "Acme"}}]},
    }
    assert other == {
        "jobs": {"totalCount": 1, "edges": [{"node": {"id": _id("Job", theirs.job)}}]},
        "recruiters": {"edges": [{"node": {"firstName": "Globex"}}]},
    }

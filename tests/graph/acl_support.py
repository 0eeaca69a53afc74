"""Test helpers for secured groups (ACLs): the admin mutations, as documents and one-call helpers."""

from __future__ import annotations

from typing import Any

from graph.ids import global_id
from models.db import SessionFactory
from tests.conftest import GraphQL
from tests.users_support import add_user

CREATE_GROUP = """
mutation($input: CreateAclGroupInput!) {
  createAclGroup(input: $input) { group { id name } userErrors { field message code } }
}
"""
SET_USERS = """
mutation($input: SetAclGroupUsersInput!) {
  setAclGroupUsers(input: $input) { group { id users { email } } userErrors { field message code } }
}
"""
SET_JOB_GROUPS = """
mutation($input: SetJobAclGroupsInput!) {
  setJobAclGroups(input: $input) { job { id } groups { name } userErrors { field message code } }
}
"""
CREATE_JOB = """
mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } userErrors { field } } }
"""
CREATE_CANDIDATE = """
mutation($input: CreateCandidateInput!) {
  createCandidate(input: $input) { candidate { id } userErrors { field } }
}
"""
APPLY = """
mutation($input: ApplyToJobInput!) {
  applyToJob(input: $input) { application { id } userErrors { field code } }
}
"""


async def ok(graphql: GraphQL, document: str, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Run a mutation that must succeed; its payload."""
    result = await graphql(document, {"input": data}, **kwargs)
    assert result.errors is None, result.errors
    assert result.data is not None
    payload: dict[str, Any] = next(iter(result.data.values()))
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def payload_of(graphql: GraphQL, document: str, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Run a mutation that may fail with userErrors; its payload."""
    result = await graphql(document, {"input": data}, **kwargs)
    assert result.errors is None, result.errors
    assert result.data is not None
    payload: dict[str, Any] = next(iter(result.data.values()))
    return payload


async def create_job(graphql: GraphQL, title: str) -> str:
    """A new open job's global ID."""
    data = {
        "title": title,
        "description": f"{title}.",
        "location": "London, GB",
        "companyApplyUrl": "https://jobs.example.com/apply",
    }
    return str((await ok(graphql, CREATE_JOB, data))["job"]["id"])


async def create_group(graphql: GraphQL, name: str) -> str:
    """A new group's global ID."""
    return str((await ok(graphql, CREATE_GROUP, {"name": name}))["group"]["id"])


async def new_user(
    sessions: SessionFactory, customer_id: int, email: str, *, person_urn: str | None = None
) -> tuple[int, str]:
    """A committed recruiter: its id and global ID."""
    async with sessions() as db:
        user = await add_user(db, customer_id, email=email, person_urn=person_urn)
        await db.commit()
    assert user.id is not None
    return user.id, global_id("User", user.id)

"""Each role gets exactly its table of allowed operations: every root field and mutation, generated from
the schema, called by each role with minimal valid arguments. A call `ROOT` denies is a FORBIDDEN error at
that field and writes nothing; a call it allows meets no FORBIDDEN anywhere (NOT_FOUND for the made-up
ids, BAD_USER_INPUT, LinkedIn's errors are the call's own business). `PINNED` below restates the cells
that matter in words, so a wrong edit of `ROOT` fails here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from graphql import GraphQLSchema
from strawberry.types import ExecutionResult

from graph.ids import global_id
from graph.permissions import ROOT
from graph.schema import build_schema
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Role, Viewer
from tests.conftest import GraphQL
from tests.schema_operations import NO_ROW, Operation, minimal_values, operations, root_fields
from tests.users_support import add_user

# A write of the request's own business; the audit log's entry of a refused attempt is not one.
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|UPSERT)\b(?!\s+INTO\s+audit_entry\b)", re.IGNORECASE)

# What the issue says each role may do, for the cells a wrong edit of ROOT would hurt most.
OPERATOR_ONLY = {
    "Query.customers",
    "Mutation.provisionCustomer",
    "Mutation.addCustomer",
    "Mutation.offboardCustomer",
}
INTEGRATION_ONLY = {"Query.viewer", "Query.linkedinMembers"}
ADMIN_NOT_RECRUITER = {
    "Query.linkedinIntegration",
    "Query.syncStatus",
    "Mutation.updateCustomerSettings",
    "Query.purgedLinkedInProfiles",
}


def _pinned(role: str, field: str) -> bool | None:
    """Whether `role` may call `field` by the issue's words (None: the words say nothing of it)."""
    if field == "Query.viewer":
        return True  # everyone may ask who they are
    if role == Role.OPERATOR:
        # the vendor: onboarding and who it is; no customer's data (no candidates, no node)
        return field in OPERATOR_ONLY
    if role == Role.INTEGRATION:
        return field in INTEGRATION_ONLY
    if role == Role.ADMIN:
        return field not in OPERATOR_ONLY
    if field in OPERATOR_ONLY | ADMIN_NOT_RECRUITER:
        return False
    return None


@dataclass(frozen=True)
class Cast:
    """A viewer of each role: the customer's people have its tenant and a user row; the operator none."""

    viewers: dict[str, Viewer]


@pytest.fixture
async def cast(sessions: SessionFactory, tenant: Tenant, customer_id: int) -> Cast:
    viewers: dict[str, Viewer] = {
        Role.OPERATOR: Viewer(None, user="ops@vendor.test", roles=frozenset({Role.OPERATOR}))
    }
    async with sessions() as db:
        for role in (Role.ADMIN, Role.RECRUITER, Role.INTEGRATION):
            email = f"{role}@acme.test"
            user = await add_user(
                db, customer_id, roles=role.value, first_name=role.value, last_name="Acme", email=email
            )
            assert user.id is not None
            viewers[role] = Viewer(tenant, user=email, roles=frozenset({role}), user_id=user.id)
        await db.commit()
    return Cast(viewers)


def _codes(result: ExecutionResult) -> list[tuple[list[str | int] | None, str | None]]:
    return [(e.path, (e.extensions or {}).get("code")) for e in result.errors or []]


def _calls(schema: GraphQLSchema) -> Iterator[Operation]:
    return operations(schema, minimal_values(schema, global_id("Candidate", NO_ROW)))


def test_root_names_exactly_the_schemas_root_fields() -> None:
    schema = build_schema()._schema
    fields = {f"{kind.capitalize()}.{name}" for kind, name, _ in root_fields(schema)}
    # Subscriptions run over websockets, not through the generated calls below (their roles are tested
    # in tests/graph/test_candidate_activity.py).
    assert schema.subscription_type is not None
    fields |= {f"Subscription.{name}" for name in schema.subscription_type.fields}
    assert set(ROOT) == fields


def test_the_pinned_cells_agree_with_root() -> None:
    schema = build_schema()._schema
    disagree = []
    for kind, name, _ in root_fields(schema):
        field = f"{kind.capitalize()}.{name}"
        for role in Role:
            pinned = _pinned(role, field)
            if pinned is not None and pinned != (role in ROOT[field]):
                disagree.append(f"{role} {field}: the issue says {pinned}, ROOT says {not pinned}")
        # admin ⊇ recruiter for the customer's data
        if Role.RECRUITER in ROOT[field] and Role.ADMIN not in ROOT[field]:
            disagree.append(f"{field}: a recruiter may, its admin may not")
    assert disagree == [], "\n".join(disagree)


async def test_each_role_gets_exactly_its_table_of_root_fields_and_mutations(
    graphql: GraphQL, cast: Cast, sql_log: list[str]
) -> None:
    schema = build_schema()._schema
    calls = list(_calls(schema))
    # Subscriptions: over websockets, in tests/graph/test_candidate_activity.py.
    queries_and_mutations = {name for name in ROOT if not name.startswith("Subscription.")}
    assert {f"{c.kind.capitalize()}.{c.field}" for c in calls} == queries_and_mutations
    failures: list[str] = []
    for role, viewer in cast.viewers.items():
        for call in calls:
            allowed = role in ROOT[f"{call.kind.capitalize()}.{call.field}"]
            # when
            sql_log.clear()
            result = await graphql(call.document, call.variables, as_viewer=viewer)
            writes = [s for s in sql_log if WRITES.match(s)]
            codes = _codes(result)
            # then
            where = f"{role} {call.kind} {call.field}"
            if allowed:
                refused = [c for c in codes if c[1] in ("FORBIDDEN", "INTERNAL_SERVER_ERROR")]
                if refused:
                    failures.append(f"{where}: allowed by ROOT, but {refused}: {result.errors}")
            else:
                if codes != [([call.field], "FORBIDDEN")]:
                    failures.append(f"{where}: denied by ROOT, but answered {codes}: {result.errors}")
                if (result.data or {}).get(call.field) is not None:
                    failures.append(f"{where}: denied by ROOT, but has data {result.data}")
                if writes:
                    failures.append(f"{where}: denied by ROOT, but wrote: {writes}")
    assert failures == [], "\n".join(failures)


async def test_a_viewer_of_no_customer_is_forbidden_customer_data_never_a_server_error(
    graphql: GraphQL,
) -> None:
    # given: the development viewer before any customer is onboarded (admin and operator, no customer):
    # the table lets its admin role through to fields that need a customer it has not got
    viewer = Viewer(None, user="developer@localhost", roles=frozenset({Role.ADMIN, Role.OPERATOR}))
    schema = build_schema()._schema
    failures = []
    for call in _calls(schema):
        # when
        result = await graphql(call.document, call.variables, as_viewer=viewer)
        # then
        internal = [c for c in _codes(result) if c[1] == "INTERNAL_SERVER_ERROR"]
        if internal:
            failures.append(f"{call.field}: {internal}: {result.errors}")
    assert failures == [], "\n".join(failures)
    candidates = await graphql("{ candidates { totalCount } }", as_viewer=viewer)
    assert _codes(candidates) == [(["candidates"], "FORBIDDEN")]


async def test_a_viewer_with_no_known_role_may_only_ask_who_it_is(
    graphql: GraphQL, tenant: Tenant, sql_log: list[str]
) -> None:
    # given: a signed-in user of the customer whose token named no role this server knows
    viewer = Viewer(tenant, user="nobody@acme.test", roles=frozenset({"auditor"}))
    schema = build_schema()._schema
    failures = []
    for call in _calls(schema):
        # when
        sql_log.clear()
        result = await graphql(call.document, call.variables, as_viewer=viewer)
        # then
        expected = [] if call.field == "viewer" else [([call.field], "FORBIDDEN")]
        if _codes(result) != expected:
            failures.append(f"{call.field}: {_codes(result)}")
        if any(WRITES.match(s) for s in sql_log):
            failures.append(f"{call.field}: wrote")
    assert failures == [], "\n".join(failures)

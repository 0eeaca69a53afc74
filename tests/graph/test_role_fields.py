"""Roles below the root: the integration role reads a candidate's badge data through `linkedinMembers` and
nothing else of it, `node(id)` refuses it before any SQL, a recruiter may not read its customer's
LinkedIn integration, an operator has no customer; and every field of every type carries exactly the gate
the tables give it, so a new field returning a restricted type is gated without a line of its own."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLObjectType

from graph.candidate import Candidate
from graph.ids import global_id
from graph.permissions import (
    BADGE,
    NARROWED,
    OPERATOR,
    ROOT,
    STAFF,
    TYPES,
    check_tables,
    field_rule,
    gates,
    held_by,
    installed_gate,
    returned_types,
)
from graph.schema import build_schema
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Role, Viewer
from tests.conftest import GraphQL
from tests.graph.tab_world import World, add_candidates, add_recruiter, member

BADGE_QUERY = """
query Badge($urns: [String!]) {
  linkedinMembers(personUrns: $urns) {
    inAts pastApplicant
    candidate { id firstName lastName }
    applications { job { id title } status lastActivityAt }
  }
}
"""
# The candidate fields the integration role may not read, with whether the schema makes them non-null
# (a refused non-null field's null reaches its nearest nullable parent: here `candidate`).
DENIED = {
    "email": False,
    "phone": False,
    "linkedinProfile { personUrn }": False,
    "inmailThreads { seatUrn }": True,
    "linkedinNotes { body }": True,
    "notes { body }": True,
}


def _codes(result: object) -> list[tuple[object, object]]:
    errors = getattr(result, "errors", None) or []
    return [(e.path, (e.extensions or {}).get("code")) for e in errors]


@pytest.fixture
def integration(tenant: Tenant) -> Viewer:
    return Viewer(tenant, user="badge@acme.test", roles=frozenset({Role.INTEGRATION}))


@pytest.fixture
def recruiter(tenant: Tenant) -> Viewer:
    return Viewer(tenant, user="rae@acme.test", roles=frozenset({Role.RECRUITER}))


@pytest.fixture
async def world(sessions: SessionFactory, customer_id: int) -> World:
    await add_recruiter(sessions, customer_id, 0)
    return await add_candidates(sessions, customer_id, count=1, threads=1, messages=2, name="Ada")


async def test_integration_reads_the_badge_data_of_linkedin_members(
    graphql: GraphQL, integration: Viewer, world: World
) -> None:
    # given
    candidate_id = world.candidate_ids[0]
    # when
    result = await graphql(BADGE_QUERY, {"urns": [member(candidate_id)]}, as_viewer=integration)
    # then
    assert result.errors is None
    assert result.data is not None
    [entry] = result.data["linkedinMembers"]
    assert entry["inAts"] is True
    assert entry["pastApplicant"] is True
    assert entry["candidate"] == {
        "id": global_id("Candidate", candidate_id),
        "firstName": "Ada",
        "lastName": "Lovelace0",
    }
    [application] = entry["applications"]
    assert application["job"] == {"id": global_id("Job", world.job_id), "title": "Ada job"}
    assert application["status"] == "Applied"


@pytest.mark.parametrize("field", list(DENIED))
async def test_integration_is_forbidden_a_candidates_other_fields_and_keeps_the_rest(
    graphql: GraphQL, integration: Viewer, world: World, field: str
) -> None:
    # given
    name = field.split()[0]
    query = f"""query($urns: [String!]) {{ linkedinMembers(personUrns: $urns) {{
        inAts pastApplicant candidate {{ id firstName {field} }} }} }}"""
    # when
    result = await graphql(query, {"urns": [member(world.candidate_ids[0])]}, as_viewer=integration)
    # then: FORBIDDEN at exactly that field; the member's badge answers
    assert _codes(result) == [(["linkedinMembers", 0, "candidate", name], "FORBIDDEN")]
    assert result.data is not None
    [entry] = result.data["linkedinMembers"]
    assert (entry["inAts"], entry["pastApplicant"]) == (True, True)
    if DENIED[field]:
        assert entry["candidate"] is None  # a non-null field's null reaches the nullable candidate
    else:
        assert entry["candidate"] == {
            "id": global_id("Candidate", world.candidate_ids[0]),
            "firstName": "Ada",
            name: None,
        }


@pytest.mark.parametrize(
    ("selection", "path"),
    [("job { title description }", ["job", "description"]), ("stages { stage }", ["stages"])],
)
async def test_integration_is_forbidden_an_applications_stages_and_a_jobs_description(
    graphql: GraphQL, integration: Viewer, world: World, selection: str, path: list[str]
) -> None:
    # given
    query = f"""query($urns: [String!]) {{ linkedinMembers(personUrns: $urns) {{
        inAts candidate {{ id applications {{ status {selection} }} }} }} }}"""
    # when
    result = await graphql(query, {"urns": [member(world.candidate_ids[0])]}, as_viewer=integration)
    # then: the non-null field's null reaches the nullable candidate; the member's badge answers
    assert _codes(result) == [(["linkedinMembers", 0, "candidate", "applications", 0, *path], "FORBIDDEN")]
    assert result.data == {"linkedinMembers": [{"inAts": True, "candidate": None}]}


async def test_integration_node_of_a_candidate_is_forbidden_before_any_sql(
    graphql: GraphQL, integration: Viewer, world: World, sql_log: list[str]
) -> None:
    # given
    sql_log.clear()
    # when
    result = await graphql(
        "query($id: ID!) { node(id: $id) { id ... on Candidate { email } } }",
        {"id": global_id("Candidate", world.candidate_ids[0])},
        as_viewer=integration,
    )
    # then
    assert _codes(result) == [(["node"], "FORBIDDEN")]
    assert result.data == {"node": None}
    assert sql_log == []


async def test_a_recruiter_may_not_read_the_customers_linkedin_integration(
    graphql: GraphQL, recruiter: Viewer
) -> None:
    # when
    refused = await graphql(
        "{ viewer { customer { linkedinIntegration { clientId } } } }", as_viewer=recruiter
    )
    answered = await graphql("{ viewer { roles customer { key name } } }", as_viewer=recruiter)
    # then
    assert _codes(refused) == [(["viewer", "customer", "linkedinIntegration"], "FORBIDDEN")]
    assert refused.data == {"viewer": {"customer": None}}  # the non-null field's null reaches `customer`
    assert answered.errors is None
    assert answered.data == {
        "viewer": {"roles": ["RECRUITER"], "customer": {"key": "acme", "name": "Acme Staffing"}}
    }


async def test_an_operator_has_no_customer(graphql: GraphQL) -> None:
    # given
    operator = Viewer(None, user="ops@vendor.test", roles=frozenset({Role.OPERATOR}))
    # when
    result = await graphql("{ viewer { roles user { email } customer { key } } }", as_viewer=operator)
    # then
    assert result.errors is None
    assert result.data == {
        "viewer": {"roles": ["OPERATOR"], "user": {"email": "ops@vendor.test"}, "customer": None}
    }


# --- the gates, walked over the schema --------------------------------------------------------------


def test_every_field_carries_exactly_the_gate_its_rule_and_holders_need() -> None:
    # given: the schema as the app builds it (the gates are on its fields' resolvers)
    types = build_schema()._schema.type_map
    reach = held_by(types)
    wrong = []
    for type_name, graphql_type in types.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, graphql_field in graphql_type.fields.items():
            field = graphql_field.extensions["strawberry-definition"]
            gate = installed_gate(field)
            returns = returned_types(types, graphql_field)
            rule = field_rule(type_name, field_name, returns)
            # then: each role that can hold the parent passes the gate exactly when the rule admits it
            for role in reach.get(type_name, frozenset()):
                admitted = gate is None or role in gate
                expected = rule is None or role in rule
                if admitted != expected:
                    wrong.append(f"{role} {type_name}.{field_name}: passes {admitted}, rule says {expected}")
            if gate is not None and reach.get(type_name, frozenset()) <= gate:
                wrong.append(f"{type_name}.{field_name}: a gate every holder passes (wasted)")
    assert wrong == [], "\n".join(wrong)


def test_who_holds_what_is_the_issues_roles() -> None:
    reach = held_by(build_schema()._schema.type_map)
    assert reach["Candidate"] == BADGE
    assert reach["LinkedInMember"] == BADGE
    assert reach["InMailThread"] == STAFF
    assert reach["LinkedInNote"] == STAFF
    assert reach["LinkedInExport"] == STAFF
    assert reach["LinkedInIntegration"] == {Role.ADMIN, Role.OPERATOR}
    assert reach["Customer"] == frozenset(Role)


STAFF_ONLY_TYPES = {name for name, roles in TYPES.items() if Role.OPERATOR not in roles}


def test_the_operator_reaches_no_type_of_a_customers_data() -> None:
    reach = held_by(build_schema()._schema.type_map)
    assert sorted(t for t, roles in reach.items() if Role.OPERATOR in roles and t in STAFF_ONLY_TYPES) == []


@strawberry.type
class Holder:
    """A new type, as another module might add, with fields returning a restricted type."""

    @strawberry.field
    def candidate(self) -> Candidate | None:
        return None

    @strawberry.field
    def thing(self) -> Candidate | Holder | None:  # a union: its strictest member's rule
        return None


@strawberry.type(name="Query")
class ProbeQuery:
    @strawberry.field
    def viewer(self) -> Holder:  # `Query.viewer` is everyone's (ROOT)
        return Holder()


def test_a_new_field_returning_a_restricted_type_is_gated_by_default() -> None:
    # given: a schema in which everyone holds a Holder
    types = strawberry.Schema(query=ProbeQuery)._schema.type_map
    # when
    needed = gates(types)
    # then: its fields to Candidate admit only who may hold a Candidate; inside, the tables apply
    assert held_by(types)["Holder"] == frozenset(Role)
    assert needed[("Holder", "candidate")] == BADGE
    assert needed[("Holder", "thing")] == BADGE
    assert needed[("Candidate", "email")] == STAFF
    assert ("Candidate", "firstName") not in needed


def test_a_root_field_granted_beyond_its_types_holders_fails_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    types = build_schema()._schema.type_map
    monkeypatch.setitem(ROOT, "Query.linkedinMembers", BADGE | OPERATOR)
    with pytest.raises(RuntimeError, match="ROOT grants Query.linkedinMembers to operator"):
        check_tables(types)


def test_node_may_return_a_type_narrower_than_its_root_rule_for_it_checks_the_member(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a node type only admins may hold (as an API key might be)
    types = build_schema()._schema.type_map
    monkeypatch.setitem(TYPES, "User", frozenset({Role.ADMIN}))
    # when / then: no build error, and only admins can hold one
    check_tables(types)
    assert held_by(types)["User"] == {Role.ADMIN}


def test_a_table_naming_a_type_or_field_the_schema_lacks_fails_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    types = build_schema()._schema.type_map
    monkeypatch.setitem(TYPES, "Candidat", STAFF)
    monkeypatch.setitem(NARROWED[Role.INTEGRATION], "Job", frozenset({"id", "titel"}))
    with pytest.raises(RuntimeError) as raised:
        check_tables(types)
    assert "TYPES names Candidat, no object type" in str(raised.value)
    assert "NARROWED[integration][Job] names titel, no field of it" in str(raised.value)


def test_a_root_field_missing_from_the_table_fails_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    types = build_schema()._schema.type_map
    monkeypatch.delitem(ROOT, "Query.jobs")
    with pytest.raises(RuntimeError, match="ROOT names no roles for Query.jobs"):
        check_tables(types)

"""graph/cost.py: what a document may cost, worked out from the schema before anything runs."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from graph.cost import ASSUMED_LIST_SIZE, operation_costs
from graph.pagination import DEFAULT_PAGE_SIZE
from graph.schema import schema

L = ASSUMED_LIST_SIZE


def cost(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> int:
    """The cost of `query`'s operation (its only one, or `operation`) with these variables."""
    costs = operation_costs(schema._schema, parse(query), default_page_size=DEFAULT_PAGE_SIZE)
    template = costs[operation] if operation is not None else next(iter(costs.values()))
    return template.of(variables or {})


def test_leaves_cost_nothing_and_an_object_costs_one() -> None:
    assert cost("{ __typename }") == 0
    assert cost('{ candidate(id: "x") { id firstName } }') == 1
    assert cost('{ candidate(id: "x") { id linkedinProfile { personUrn freshness { stale } } } }') == 3


def test_a_connection_costs_one_and_its_page_size_times_each_edge() -> None:
    # candidates 1 + 5 edges × (edge 1 + node 1)
    assert cost("{ candidates(first: 5) { totalCount edges { node { id } } } }") == 1 + 5 * 2
    assert cost("{ candidates(first: 5) { pageInfo { hasNextPage } } }") == 2


def test_a_connection_without_first_costs_the_default_page_size() -> None:
    assert cost("{ jobs { edges { node { id } } } }") == 1 + DEFAULT_PAGE_SIZE * 2
    assert cost("{ jobs(first: null) { edges { node { id } } } }") == 1 + DEFAULT_PAGE_SIZE * 2


def test_nested_lists_multiply() -> None:
    # 1 + 5 × (edge 1 + node 1 + applications 10 × (1 + stages 10 × 1))
    query = "{ candidates(first: 5) { edges { node { applications { stages { stage } } } } } }"
    assert cost(query) == 1 + 5 * (2 + L * (1 + L))


def test_an_unpaged_list_costs_the_assumed_size_and_a_list_of_scalars_nothing() -> None:
    query = '{ candidate(id: "x") { inmailThreads { messages { body } } syncEligibility { missing } } }'
    assert cost(query) == 1 + L * (1 + L) + 1


def test_enrichment_costs_per_member_asked() -> None:
    # per member: the member 1 + candidate 1 + applications 10 × (1 + job 1)
    query = """query($urns: [String!], $urls: [String!]) {
      linkedinMembers(personUrns: $urns, profileUrls: $urls) { inAts candidate { id }
        applications { job { title } } } }"""
    per_member = 2 + L * 2
    assert cost(query, {"urns": ["u"] * 700, "urls": ["p"] * 300}) == 1000 * per_member
    assert cost(query, {"urns": ["u"] * 3}) == 3 * per_member
    assert cost(query, {}) == 0
    literal = '{ linkedinMembers(personUrns: ["a", "b"], profileUrls: "c") { inAts candidate { id } } }'
    assert cost(literal) == 3 * 2


def test_a_page_size_variable_is_read_per_request_with_its_defaults() -> None:
    query = "query($first: Int) { candidates(first: $first) { edges { node { id } } } }"
    assert cost(query, {"first": 7}) == 1 + 7 * 2
    assert cost(query, {}) == 1 + DEFAULT_PAGE_SIZE * 2
    assert cost(query, {"first": None}) == 1 + DEFAULT_PAGE_SIZE * 2
    defaulted = "query($first: Int = 50) { candidates(first: $first) { edges { node { id } } } }"
    assert cost(defaulted, {}) == 1 + 50 * 2
    assert cost(defaulted, {"first": 3}) == 1 + 3 * 2


@pytest.mark.parametrize("value", [-5, "100", True, [1]])
def test_a_page_size_variable_that_is_no_page_size_costs_nothing_or_the_default(value: object) -> None:
    # graphql-core refuses these when it coerces the variables; the cost never goes negative.
    query = "query($first: Int) { candidates(first: $first) { edges { node { id } } } }"
    expected = 1 if value == -5 else 1 + DEFAULT_PAGE_SIZE * 2
    assert cost(query, {"first": value}) == expected


def test_fragments_and_inline_fragments_cost_as_if_written_in_place() -> None:
    inline = '{ candidate(id: "x") { id applications { job { title } } linkedinNotes { body } } }'
    spread = """
      query { candidate(id: "x") { ...Tab } }
      fragment Tab on Candidate { id ...Apps ... on Candidate { linkedinNotes { body } } }
      fragment Apps on Candidate { applications { job { title } } }
    """
    assert cost(spread) == cost(inline) == 1 + L * 2 + L


def test_a_field_asked_twice_under_one_name_costs_once_and_under_two_names_twice() -> None:
    once = '{ candidate(id: "x") { applications { id } ... on Candidate { applications { status } } } }'
    twice = '{ candidate(id: "x") { a: applications { id } b: applications { status } } }'
    assert cost(once) == 1 + L
    assert cost(twice) == 1 + 2 * L


def test_every_branch_under_an_abstract_type_counts() -> None:
    query = '{ node(id: "x") { id ... on Candidate { notes { body } } ... on Job { title } } }'
    assert cost(query) == 1 + L


def test_introspection_costs_nothing() -> None:
    assert cost("{ __schema { types { name fields { name args { name } } } } }") == 0


def test_each_operation_of_a_document_has_its_own_cost() -> None:
    document = """
      query Small { candidates(first: 1) { edges { node { id } } } }
      query Large { candidates(first: 100) { edges { node { id } } } }
    """
    assert cost(document, operation="Small") == 3
    assert cost(document, operation="Large") == 201


def test_a_fragment_cycle_adds_nothing_instead_of_recursing() -> None:
    # Validation refuses the cycle; the analysis, which runs beside it, must still end.
    query = """
      query { candidate(id: "x") { ...A } }
      fragment A on Candidate { notes { body } ...B }
      fragment B on Candidate { ...A }
    """
    assert cost(query) == 1 + L


def test_a_mutation_costs_its_payload() -> None:
    query = 'mutation { deleteCandidate(input: {id: "x"}) { userErrors { message } } }'
    assert cost(query) == 1 + L

"""The cost limit (RSC_MAX_QUERY_COST): the issue's figures, fragments and variables; refused unexecuted."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.limits import DEFAULT_MAX_QUERY_COST, Limits
from graph.schema import build_schema
from models.db import SessionFactory
from resolvers.services import Services
from resolvers.viewer import Viewer
from tests.conftest import GraphQL, Server
from tests.graph.tab_world import add_candidates, add_recruiter
from tests.graph.test_candidate_tab_sql_count import TAB_QUERY
from tests.graph.test_enrichment import MEMBERS, seed_members, urn

LIMIT = {"limit": DEFAULT_MAX_QUERY_COST}
TAB_PAGE = "candidates(first: 100, filter: {search: $search})"
# The full tab for a page of 100 candidates: 1 + 100 × (edge 1 + node 275).
TAB_COST = 27_601
# Per member: 1 + candidate 1 + applications 10 × (1 + job 1).
MEMBER_COST = 22


def aliased_tabs(count: int) -> str:
    """The issue's probe: `count` aliases of the full tab for `candidates(first: 100)`."""
    selection = TAB_QUERY.split(TAB_PAGE, 1)[1].rstrip().removesuffix("}")
    pages = " ".join(f"page{i}: {TAB_PAGE} {selection}" for i in range(count))
    return f"query Tabs($search: String!) {{ {pages} }}"


async def test_the_full_tab_for_a_page_of_100_candidates_fits_the_default_budget(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await add_recruiter(sessions, customer_id, 0)
    await add_candidates(sessions, customer_id, count=3, threads=2, messages=2, name="Tab")
    # when
    result = await graphql(TAB_QUERY, {"search": "tab"})
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data["candidates"]["totalCount"] == 3
    assert result.extensions == {"cost": {"requested": TAB_COST, **LIMIT}}


async def test_an_enrichment_of_1000_members_fits_the_default_budget(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given
    await seed_members(sessions, customer_id, 10)
    urns = [urn(i) for i in range(1000)]
    # when
    result = await graphql(MEMBERS, {"urns": urns})
    # then
    assert result.errors is None
    assert result.data is not None
    assert len(result.data["linkedinMembers"]) == 1000
    assert result.extensions == {"cost": {"requested": 1000 * MEMBER_COST, **LIMIT}}


async def test_thirty_aliases_of_the_tab_page_are_refused_unexecuted(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, sql_log: list[str]
) -> None:
    # given
    await add_candidates(sessions, customer_id, count=1, threads=1, messages=1, name="Tab")
    sql_log.clear()
    # when
    result = await graphql(aliased_tabs(30), {"search": "tab"})
    # then
    assert result.data is None
    assert [(e.message, e.extensions) for e in result.errors or []] == [
        (
            f"This query may cost {30 * TAB_COST}, over the limit of {DEFAULT_MAX_QUERY_COST}: ask for "
            "smaller pages (`first`), fewer members or fewer fields, and send it in parts",
            {"code": "MAX_COST_EXCEEDED"},
        )
    ]
    assert result.extensions == {"cost": {"requested": 30 * TAB_COST, **LIMIT}}
    assert sql_log == []


async def test_two_tab_pages_in_one_query_are_already_over_the_default_budget(graphql: GraphQL) -> None:
    result = await graphql(aliased_tabs(2), {"search": "tab"})
    assert [e.extensions for e in result.errors or []] == [{"code": "MAX_COST_EXCEEDED"}]
    assert result.extensions == {"cost": {"requested": 2 * TAB_COST, **LIMIT}}


async def test_the_tab_written_with_fragments_costs_the_same_and_runs(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int
) -> None:
    # given: the tab's node selection moved into a named fragment with an inline fragment inside
    await add_candidates(sessions, customer_id, count=2, threads=1, messages=1, name="Tab")
    node_start = TAB_QUERY.index("edges { node {") + len("edges { node {")
    node_end = TAB_QUERY.rindex("} }")
    fields = TAB_QUERY[node_start:node_end]
    query = (
        "query Tabs($search: String!) { candidates(first: 100, filter: {search: $search}) "
        "{ totalCount edges { node { ...Tab } } } }\n"
        f"fragment Tab on Candidate {{ ... on Candidate {{ {fields} }} }}"
    )
    # when
    result = await graphql(query, {"search": "tab"})
    # then
    assert result.errors is None
    assert result.extensions == {"cost": {"requested": TAB_COST, **LIMIT}}


PAGE_BY_VARIABLE = """
query Page($first: Int) {
  candidates(first: $first) { edges { node { id applications { stages { stage } } } } }
}
"""


async def test_the_same_document_fits_or_is_refused_by_its_variables(
    sessions: SessionFactory, customer_id: int, services: Services, viewer: Viewer, sql_log: list[str]
) -> None:
    # given: a budget of 5,000; a page costs 1 + first × (1 + 1 + 10 × 11) = 1 + 112 × first
    schema = build_schema(Limits(max_query_cost=5_000), show_internal_errors=True)
    await add_candidates(sessions, customer_id, count=2, threads=1, messages=1, name="Tab")

    async def run(first: int) -> tuple[object, object, int]:
        sql_log.clear()
        context = Context.create(services, viewer)
        result = await schema.execute(
            PAGE_BY_VARIABLE, variable_values={"first": first}, context_value=context
        )
        codes = [e.extensions["code"] for e in result.errors or [] if e.extensions]
        return codes, result.extensions, len(sql_log)

    # when: the cached document, a page of 40 (4,481) and then a page of 50 (5,601)
    fits = await run(40)
    refused = await run(50)
    fits_again = await run(40)
    # then: the pages that fit ran their statements; the refused one ran none
    codes, extensions, statements = fits
    assert (codes, extensions) == ([], {"cost": {"requested": 4_481, "limit": 5_000}})
    assert statements > 0
    assert fits_again == fits
    assert refused == (["MAX_COST_EXCEEDED"], {"cost": {"requested": 5_601, "limit": 5_000}}, 0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_http_a_refused_query_answers_its_cost_and_code(server: Server) -> None:
    # when
    status, body = await server.graphql(aliased_tabs(30), {"search": "tab"})
    # then
    assert status == 200
    assert body["data"] is None
    assert [e["extensions"] for e in body["errors"]] == [{"code": "MAX_COST_EXCEEDED"}]
    assert body["extensions"] == {"cost": {"requested": 30 * TAB_COST, **LIMIT}}

"""The console's example query stays valid as the schema changes."""

from graphql import parse, validate

from app.graphiql import EXAMPLE_QUERY, graphiql_html
from graph.schema import schema


def test_the_example_query_in_graphiql_is_valid_against_the_schema() -> None:
    errors = validate(schema._schema, parse(EXAMPLE_QUERY))

    assert errors == []


def test_the_graphiql_page_opens_on_the_example_query() -> None:
    assert "rscgraph: the ATS side of LinkedIn Recruiter System Connect" in graphiql_html()

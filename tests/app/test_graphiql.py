"""The console's example query stays valid as the schema changes."""

import re

from graphql import parse, validate

from app.graphiql import DEMO_PAGE, EXAMPLE_QUERY, graphiql_html
from graph.schema import schema


def test_the_example_query_in_graphiql_is_valid_against_the_schema() -> None:
    errors = validate(schema._schema, parse(EXAMPLE_QUERY))

    assert errors == []


def test_the_graphiql_page_opens_on_the_example_query() -> None:
    assert "rscgraph: the ATS side of LinkedIn Recruiter System Connect" in graphiql_html()


def test_the_demo_tabs_page_asks_only_for_fields_the_schema_has() -> None:
    page = DEMO_PAGE.read_text()
    tab_fields = re.search(r"const TAB_FIELDS = `(.*?)`;", page, re.DOTALL)
    assert tab_fields is not None
    documents = [
        f"query($id: ID!) {{ candidate(id: $id) {{ {tab_fields.group(1)} }} }}",
        *re.findall(r"gql\(`((?:query|mutation)\(.*?)`", page, re.DOTALL),
        # the sign-in's: who the page signed in as, and the users it may sign in as
        *re.findall(r"gql\(`(\{.*?)`", page, re.DOTALL),
    ]

    assert len(documents) == 6
    for document in documents:
        if "${" in document:
            continue  # the candidate query interpolates TAB_FIELDS, checked above
        assert validate(schema._schema, parse(document)) == [], document

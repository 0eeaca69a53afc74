"""Bad ids and page arguments give a clear, coded error (BAD_USER_INPUT or NOT_FOUND), never a 500."""

from __future__ import annotations

import base64
import json

import pytest
from sqlmodel import func, select

import models
from models.db import SessionFactory
from models.safe_input import MAX_JSON_DEPTH
from tests.conftest import GraphQL, Server, cost_extensions
from tests.graph.tab_world import gid

CANDIDATE = "query($id: ID!) { candidate(id: $id) { id } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
CANDIDATES = "query($first: Int, $after: String) { candidates(first: $first, after: $after) { totalCount } }"
JOBS = "query($first: Int) { jobs(first: $first) { totalCount } }"
RECRUITERS = "query($first: Int) { recruiters(first: $first) { totalCount } }"
SEARCH = "query($search: String!) { candidates(filter: {search: $search}) { totalCount } }"
# A digit to str.isdigit(), not to int(): must be refused as malformed, not crash.
SUPERSCRIPT_TWO = "\u00b2"
# A cursor of ours in form, but past any row count (and past the 64-bit OFFSET the databases take).
HUGE_CURSOR = base64.b64encode(f"offset:{'9' * 30}".encode()).decode()
APPLIED_TO = "query($job: ID!) { candidates(filter: {appliedToJob: $job}) { totalCount } }"


def codes_and_messages(errors: list[dict[str, object]] | None) -> list[tuple[object, object]]:
    """The (code, message) pairs of a response's errors."""
    return [(e["extensions"]["code"], e["message"]) for e in errors or []]  # type: ignore[index]


@pytest.mark.parametrize(
    ("query", "variables", "code", "message"),
    [
        (
            CANDIDATE,
            {"id": gid("Candidate", 999)},
            "NOT_FOUND",
            f"No Candidate has the ID '{gid('Candidate', 999)}'",
        ),
        (
            CANDIDATE,
            {"id": "not-a-global-id"},
            "BAD_USER_INPUT",
            "`id` is not a valid global ID: 'not-a-global-id'",
        ),
        (CANDIDATE, {"id": gid("Job", 1)}, "BAD_USER_INPUT", "`id` is the ID of a Job, not of a Candidate"),
        (
            CANDIDATE,
            {"id": gid("Candidate", "x")},
            "BAD_USER_INPUT",
            f"`id` is not a valid global ID: '{gid('Candidate', 'x')}'",
        ),
        (
            NODE,
            {"id": gid("User", 999)},
            "NOT_FOUND",
            f"No User has the ID '{gid('User', 999)}'",
        ),
        (NODE, {"id": "%%%"}, "BAD_USER_INPUT", "`id` is not a valid global ID: '%%%'"),
        (
            NODE,
            {"id": gid("Nothing", 1)},
            "BAD_USER_INPUT",
            f"`id` names no node type: '{gid('Nothing', 1)}'",
        ),
        (CANDIDATES, {"first": 101}, "BAD_USER_INPUT", "`first` must be at most 100"),
        (CANDIDATES, {"first": -1}, "BAD_USER_INPUT", "`first` must not be negative"),
        (CANDIDATES, {"after": "garbage"}, "BAD_USER_INPUT", "`after` is not a valid cursor: 'garbage'"),
        (
            CANDIDATES,
            {"after": HUGE_CURSOR},
            "BAD_USER_INPUT",
            f"`after` is not a valid cursor: '{HUGE_CURSOR}'",
        ),
        (JOBS, {"first": 1000}, "BAD_USER_INPUT", "`first` must be at most 100"),
        (RECRUITERS, {"first": -5}, "BAD_USER_INPUT", "`first` must not be negative"),
        (
            APPLIED_TO,
            {"job": gid("Candidate", 1)},
            "BAD_USER_INPUT",
            "`filter.appliedToJob` is the ID of a Candidate, not of a Job",
        ),
        (
            CANDIDATE,
            {"id": gid("Candidate", SUPERSCRIPT_TWO)},
            "BAD_USER_INPUT",
            f"`id` is not a valid global ID: '{gid('Candidate', SUPERSCRIPT_TWO)}'",
        ),
        (
            NODE,
            {"id": gid("Candidate", SUPERSCRIPT_TWO)},
            "BAD_USER_INPUT",
            f"`id` is not a valid global ID: '{gid('Candidate', SUPERSCRIPT_TWO)}'",
        ),
        (
            CANDIDATE,
            {"id": gid("Candidate", 2**31)},
            "NOT_FOUND",
            f"No Candidate has the ID '{gid('Candidate', 2**31)}'",
        ),
        (
            NODE,
            {"id": gid("Job", 2**31)},
            "NOT_FOUND",
            f"No Job has the ID '{gid('Job', 2**31)}'",
        ),
        (
            CANDIDATE,
            {"id": gid("Candidate", "9" * 30)},
            "BAD_USER_INPUT",
            f"`id` is not a valid global ID: '{gid('Candidate', '9' * 30)}'",
        ),
        (
            SEARCH,
            {"search": "a " * 9},
            "BAD_USER_INPUT",
            "`filter.search` takes at most 8 words and 200 characters",
        ),
    ],
    ids=[
        "unknown-candidate",
        "malformed-id",
        "id-of-wrong-type",
        "non-numeric-node-id",
        "unknown-node",
        "node-malformed-id",
        "node-unknown-type",
        "first-over-max",
        "first-negative",
        "bad-cursor",
        "cursor-offset-too-large",
        "jobs-first-over-max",
        "recruiters-first-negative",
        "applied-to-wrong-type",
        "non-ascii-digit-id",
        "node-non-ascii-digit-id",
        "id-beyond-32-bit-rows",
        "node-id-beyond-32-bit-rows",
        "id-too-large",
        "search-too-long",
    ],
)
async def test_bad_input_gives_a_coded_error(
    graphql: GraphQL, query: str, variables: dict[str, object], code: str, message: str
) -> None:
    # when
    result = await graphql(query, variables)
    # then
    assert [(e.extensions or {}).get("code") for e in result.errors or []] == [code]
    assert [e.message for e in result.errors or []] == [message]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_http_a_bad_id_is_a_200_with_a_coded_error_and_null_data(server: Server) -> None:
    # when
    status, body = await server.graphql(CANDIDATE, {"id": "not-a-global-id"})
    # then
    assert status == 200
    assert body["data"] == {"candidate": None}
    assert codes_and_messages(body["errors"]) == [
        ("BAD_USER_INPUT", "`id` is not a valid global ID: 'not-a-global-id'")
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_http_a_page_over_the_maximum_is_a_coded_error(server: Server) -> None:
    # when
    status, body = await server.graphql(CANDIDATES, {"first": 101})
    # then
    assert status == 200
    assert body["data"] is None
    assert codes_and_messages(body["errors"]) == [("BAD_USER_INPUT", "`first` must be at most 100")]


NUL_MESSAGE = "Strings must not contain the NUL character (U+0000)"
EXPORT = "query($requestId: String!) { linkedinExport(requestId: $requestId) { id } }"
CREATE = """
mutation($first: String!) {
  createCandidate(input: {firstName: $first, lastName: "Hopper"}) { candidate { id } userErrors { code } }
}
"""


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(SEARCH, {"search": "ada\x00"}, id="search-variable"),
        pytest.param(EXPORT, {"requestId": "r\x00"}, id="export-request-id"),
        pytest.param(CREATE, {"first": "Gr\x00ce"}, id="mutation-input"),
        pytest.param(
            'query { candidates(filter: {search: "ada\\u0000"}) { totalCount } }', None, id="inline-literal"
        ),
    ],
)
async def test_a_string_with_a_nul_character_is_bad_user_input(
    graphql: GraphQL, query: str, variables: dict[str, object] | None
) -> None:
    # PostgreSQL text cannot hold U+0000: it must be refused before any statement, never a 500.
    # when
    result = await graphql(query, variables)
    # then
    assert result.data is None
    assert [((e.extensions or {}).get("code"), e.message) for e in result.errors or []] == [
        ("BAD_USER_INPUT", NUL_MESSAGE)
    ]


SURROGATE_MESSAGE = "Strings must not contain a lone surrogate (U+D800 to U+DFFF)"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(SEARCH, {"search": "ada\ud800"}, id="search-variable"),
        pytest.param(EXPORT, {"requestId": "\udfff"}, id="export-request-id"),
        pytest.param(CREATE, {"first": "Gr\ud83dce"}, id="mutation-input"),
    ],
)
async def test_a_string_with_a_lone_surrogate_is_bad_user_input(
    graphql: GraphQL, sessions: SessionFactory, query: str, variables: dict[str, object]
) -> None:
    # No database driver can encode a lone surrogate to UTF-8: it was INTERNAL_SERVER_ERROR.
    # when
    result = await graphql(query, variables)
    # then
    assert result.data is None
    assert [((e.extensions or {}).get("code"), e.message) for e in result.errors or []] == [
        ("BAD_USER_INPUT", SURROGATE_MESSAGE)
    ]
    async with sessions() as db:
        assert (await db.exec(select(func.count()).select_from(models.Candidate))).one() == 0


async def test_a_lone_surrogate_escape_in_a_literal_is_a_coded_parse_failure(graphql: GraphQL) -> None:
    # The GraphQL spec makes an unpaired \\uD800 escape a syntax error; graphql-core's lexer says so.
    # when
    result = await graphql('query { candidates(filter: {search: "a\\ud800"}) { totalCount } }')
    # then
    assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["GRAPHQL_PARSE_FAILED"]


async def post_raw(server: Server, body: bytes) -> tuple[int, dict[str, object]]:
    """POST raw bytes to /graphql; the HTTP status and the decoded answer."""
    headers = {"content-type": "application/json"}
    async with server.http.post(f"{server.url}/graphql", data=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_over_http_a_lone_surrogate_anywhere_in_the_body_is_a_400_with_a_coded_error(
    server: Server, sessions: SessionFactory
) -> None:
    # given: a write with one in a variable, and a query with one in its operationName (which
    # Strawberry echoed into a plain-text answer it could not encode: a 500)
    write = json.dumps({"query": CREATE, "variables": {"first": "Gr\ud800ce"}}).encode()
    named = json.dumps({"query": "query A { __typename }", "operationName": "\ud800"}).encode()
    # when
    answers = [await post_raw(server, write), await post_raw(server, named)]
    # then
    error = {"errors": [{"message": SURROGATE_MESSAGE, "extensions": {"code": "BAD_USER_INPUT"}}]}
    assert answers == [(400, error), (400, error)]
    async with sessions() as db:
        assert (await db.exec(select(func.count()).select_from(models.Candidate))).one() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            b'{"query": "' + CREATE.replace("\n", " ").replace('"', '\\"').encode() + b'", "variables": '
            b'{"first": "Grace", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
            id="variables",
        ),
        pytest.param(
            b'{"query": "{ __typename }", "extensions": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001,
            id="extensions",
        ),
    ],
)
async def test_over_http_json_nested_100000_deep_is_a_400_before_any_work(
    server: Server, sessions: SessionFactory, body: bytes
) -> None:
    # The stock decoder recursed: a RecursionError and an HTTP 500.
    # when
    status, answer = await post_raw(server, body)
    # then
    message = f"The request nests JSON arrays and objects deeper than {MAX_JSON_DEPTH} levels"
    assert (status, answer) == (
        400,
        {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]},
    )
    async with sessions() as db:
        assert (await db.exec(select(func.count()).select_from(models.Candidate))).one() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_http_get_variables_nested_too_deep_are_a_400_with_a_coded_error(server: Server) -> None:
    # given: GET takes variables as JSON in the query string, through the same decoder
    params = {"query": "{ __typename }", "variables": "[" * 5000 + "]" * 5000}
    # when
    async with server.http.get(f"{server.url}/graphql", params=params) as response:
        status, answer = response.status, await response.json(content_type=None)
    # then
    assert status == 400
    assert codes_and_messages(answer["errors"]) == [
        ("BAD_USER_INPUT", f"The request nests JSON arrays and objects deeper than {MAX_JSON_DEPTH} levels")
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"{nope", "The request is not valid JSON", id="not-json"),
        pytest.param(b'"{ __typename }"', "The request body must be a JSON object", id="a-string"),
        pytest.param(b"null", "The request body must be a JSON object", id="null"),
        pytest.param(b"5", "The request body must be a JSON object", id="a-number"),
        pytest.param(
            b'{"query": "{ __typename }", "variables": {"a": ' + b"9" * 5000 + b"}}",
            "The request is not valid JSON",
            id="int-past-python-limit",
        ),
        pytest.param(
            b'{"query": "{ __typename }", "variables": {"a": NaN}}',
            "The request is not valid JSON (NaN is not a JSON number)",
            id="nan",
        ),
    ],
)
async def test_over_http_a_body_that_is_not_json_is_a_400_with_a_coded_error(
    server: Server, body: bytes, message: str
) -> None:
    # when / then: a GraphQL error, no longer Strawberry's plain text (or a 500 for the long integer)
    assert await post_raw(server, body) == (
        400,
        {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]},
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_http_json_nested_to_the_limit_is_still_taken(server: Server) -> None:
    # given: variables exactly MAX_JSON_DEPTH deep, counting the body's own object
    deep = "[" * (MAX_JSON_DEPTH - 2) + "]" * (MAX_JSON_DEPTH - 2)
    body = b'{"query": "{ __typename }", "variables": {"unused": ' + deep.encode() + b"}}"
    # when / then
    expected = {"data": {"__typename": "Query"}, "extensions": cost_extensions(0)}
    assert await post_raw(server, body) == (200, expected)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(CANDIDATE, {"id": 1.5}, id="float-for-id"),
        pytest.param(CANDIDATES, {"first": "ten"}, id="string-for-int"),
        pytest.param(SEARCH, {"search": None}, id="null-for-non-null"),
        pytest.param(SEARCH, {}, id="missing-non-null"),
    ],
)
async def test_a_variable_that_cannot_be_coerced_is_bad_user_input(
    graphql: GraphQL, query: str, variables: dict[str, object]
) -> None:
    # when
    result = await graphql(query, variables)
    # then
    assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["BAD_USER_INPUT"]
    assert all(e.message.startswith("Variable '$") for e in result.errors or [])


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("query($unused: ID) { __typename }", id="unused-variable"),
        pytest.param("query { candidate(id: $missing) { id } }", id="undefined-variable"),
        pytest.param("query($id: Int) { candidate(id: $id) { id } }", id="variable-in-wrong-position"),
    ],
)
async def test_a_document_misusing_a_variable_is_a_validation_failure(graphql: GraphQL, query: str) -> None:
    # These also start "Variable '$" but are about the document, not the values sent.
    # when
    result = await graphql(query, {})
    # then
    assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", [b"1", b"true", b"[1]", b'{"a": 1}'])
async def test_over_http_an_operation_name_that_is_not_a_string_is_a_400_with_a_coded_error(
    server: Server, name: bytes
) -> None:
    # when / then: was a 500 (the operation name was sliced and hashed for the metrics label)
    assert await post_raw(server, b'{"query": "{ __typename }", "operationName": ' + name + b"}") == (
        400,
        {"errors": [{"message": "operationName must be a string", "extensions": {"code": "BAD_USER_INPUT"}}]},
    )


# Digits past what int() converts (4300): the id names no row, it must not crash the conversion.
LONG_DIGITS = "9" * 5000


@pytest.mark.parametrize(
    ("mutation", "payload", "field"),
    [
        (
            f'mutation {{ revokeApiKey(input: {{id: "{gid("ApiKey", LONG_DIGITS)}"}}) '
            "{ userErrors { field code } } }",
            "revokeApiKey",
            "id",
        ),
        (
            f'mutation {{ setUserRoles(input: {{userId: "{gid("User", LONG_DIGITS)}", roles: [RECRUITER]}}) '
            "{ userErrors { field code } } }",
            "setUserRoles",
            "userId",
        ),
        (
            f'mutation {{ setAclGroupUsers(input: {{groupId: "{gid("AclGroup", 1)}", '
            f'userIds: ["{gid("User", LONG_DIGITS)}"]}}) {{ userErrors {{ field code }} }} }}',
            "setAclGroupUsers",
            "userIds",
        ),
        (
            f'mutation {{ deleteCandidate(input: {{id: "{gid("Candidate", LONG_DIGITS)}"}}) '
            "{ userErrors { field code } } }",
            "deleteCandidate",
            "id",
        ),
    ],
    ids=["revokeApiKey", "setUserRoles", "setAclGroupUsers", "deleteCandidate"],
)
async def test_a_mutation_given_an_id_of_thousands_of_digits_answers_not_found(
    graphql: GraphQL, mutation: str, payload: str, field: str
) -> None:
    # when
    result = await graphql(mutation)
    # then
    assert result.errors is None
    assert result.data is not None
    assert result.data[payload]["userErrors"] == [{"field": ["input", field], "code": "NOT_FOUND"}]

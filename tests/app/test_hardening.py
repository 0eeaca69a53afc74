"""Production hardening: introspection, suggestions and GraphiQL off unless asked, the CORS allow-list,
and security headers on HTML responses; each in production and in development."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.routing import Route

import models
from app.factory import create_app, limits_from
from app.settings import Settings
from graph.context import Context
from graph.limits import Limits
from graph.schema import build_schema
from graph.view import GraphQLApp
from linkedin.sandbox.server import serve_asgi
from resolvers.services import Services
from resolvers.viewer import Viewer
from tests.conftest import TEST_SECRET_KEY

# --- settings ------------------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean RSC_ environment (production needs its secret keys)."""
    monkeypatch.setenv("RSC_SECRET_KEYS", TEST_SECRET_KEY.get_secret_value())
    return monkeypatch


def test_production_turns_introspection_graphiql_and_cors_off_by_default(env: pytest.MonkeyPatch) -> None:
    env.setenv("RSC_ENVIRONMENT", "production")
    settings = Settings()
    assert (settings.introspection_on, settings.graphiql_on, settings.cors_origin_list) == (False, False, [])
    assert limits_from(settings).introspection is False


def test_development_has_introspection_and_graphiql_on_by_default(env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert (settings.introspection_on, settings.graphiql_on) == (True, True)
    assert limits_from(settings).introspection is True


def test_production_turns_them_on_when_asked(env: pytest.MonkeyPatch) -> None:
    env.setenv("RSC_ENVIRONMENT", "production")
    env.setenv("RSC_INTROSPECTION", "true")
    env.setenv("RSC_GRAPHIQL", "true")
    settings = Settings()
    assert (settings.introspection_on, settings.graphiql_on) == (True, True)


def test_development_turns_them_off_when_asked(env: pytest.MonkeyPatch) -> None:
    env.setenv("RSC_INTROSPECTION", "false")
    env.setenv("RSC_GRAPHIQL", "false")
    settings = Settings()
    assert (settings.introspection_on, settings.graphiql_on) == (False, False)


def test_cors_origins_are_a_comma_list_of_origins(env: pytest.MonkeyPatch) -> None:
    env.setenv("RSC_CORS_ORIGINS", " https://ats.example.com, http://localhost:5173/ ,")
    assert Settings().cors_origin_list == ["https://ats.example.com", "http://localhost:5173"]


@pytest.mark.parametrize("value", ["ats.example.com", "https://ats.example.com/app", "*"])
def test_a_cors_entry_that_is_no_origin_is_refused_by_name(env: pytest.MonkeyPatch, value: str) -> None:
    env.setenv("RSC_CORS_ORIGINS", f"https://ok.example.com,{value}")
    with pytest.raises(ValidationError, match=re.escape(f"{value}: each must be an http(s) origin")):
        Settings()


# --- introspection and suggestions (the schema as each environment builds it) ---------------------

PRODUCTION = Limits(introspection=False)
DEVELOPMENT = Limits(introspection=True)


async def _run(
    limits: Limits, query: str, services: Services, viewer: Viewer, variables: dict[str, Any] | None = None
) -> list[tuple[str, object]]:
    schema = build_schema(limits)
    result = await schema.execute(
        query, variable_values=variables, context_value=Context.create(services, viewer)
    )
    return [(e.message, (e.extensions or {}).get("code")) for e in result.errors or []]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "query", ["{ __schema { types { name } } }", '{ __type(name: "Candidate") { fields { name } } }']
)
async def test_production_refuses_introspection(services: Services, viewer: Viewer, query: str) -> None:
    errors = await _run(PRODUCTION, query, services, viewer)
    assert errors
    assert {code for _, code in errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert all(m.startswith("GraphQL introspection has been disabled") for m, _ in errors)
    assert await _run(DEVELOPMENT, query, services, viewer) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_production_still_answers_typename(services: Services, viewer: Viewer) -> None:
    assert await _run(PRODUCTION, "{ __typename }", services, viewer) == []


TYPO = "{ candidates(first: 1) { edges { node { firstNam } } } }"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_mistyped_field_names_no_other_field_in_production(
    services: Services, viewer: Viewer
) -> None:
    production = await _run(PRODUCTION, TYPO, services, viewer)
    development = await _run(DEVELOPMENT, TYPO, services, viewer)
    assert production == [("Cannot query field 'firstNam' on type 'Candidate'.", "GRAPHQL_VALIDATION_FAILED")]
    assert development == [
        (
            "Cannot query field 'firstNam' on type 'Candidate'. Did you mean 'firstName' or 'lastName'?",
            "GRAPHQL_VALIDATION_FAILED",
        )
    ]


FILTER = "query($f: CandidateFilter) { candidates(first: 1, filter: $f) { totalCount } }"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_mistyped_input_field_in_variables_names_no_other_in_production(
    services: Services, viewer: Viewer
) -> None:
    variables = {"f": {"serch": "ada"}}
    [(production, code)] = await _run(PRODUCTION, FILTER, services, viewer, variables)
    [(development, _)] = await _run(DEVELOPMENT, FILTER, services, viewer, variables)
    assert code == "BAD_USER_INPUT"
    assert "serch" in production
    assert "Did you mean" not in production
    assert "Did you mean 'search' or 'source'?" in development


# --- over HTTP: GraphiQL, CORS, headers ---------------------------------------------------------


@pytest.fixture
async def serve(settings: Settings, customer: models.Customer) -> AsyncIterator[Any]:
    """Serve the app with some settings changed; yields a function taking those changes."""
    stack: list[Any] = []

    async def start(**changes: Any) -> str:
        context = serve_asgi(create_app(settings.model_copy(update=changes)))
        stack.append(context)
        return str(await context.__aenter__())

    async with aiohttp.ClientSession() as http:
        start.http = http  # type: ignore[attr-defined]
        yield start
    for context in reversed(stack):
        await context.__aexit__(None, None, None)


HTML = {"accept": "text/html"}
ASSET = "/static/vendor/graphiql/graphiql.min.js"


def _ide_of(app: Starlette) -> object:
    [route] = [r for r in app.routes if isinstance(r, Route) and r.path == "/graphql"]
    assert isinstance(route.app, GraphQLApp)
    return route.app.graphql_ide


# The page itself is behind sign-in (Strawberry builds the context first), so these ask the view.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_production_serves_no_graphiql_and_none_of_its_assets(settings: Settings, serve: Any) -> None:
    assert _ide_of(create_app(settings.model_copy(update={"environment": "production"}))) is None
    url = await serve(environment="production")
    async with serve.http.get(f"{url}{ASSET}") as asset:
        assert asset.status == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_production_serves_graphiql_when_asked(settings: Settings, serve: Any) -> None:
    asked = settings.model_copy(update={"environment": "production", "graphiql": True})
    assert _ide_of(create_app(asked)) == "graphiql"
    url = await serve(environment="production", graphiql=True)
    async with serve.http.get(f"{url}{ASSET}") as asset:
        assert asset.status == 200


def _script_hashes(html: str) -> set[str]:
    bodies = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in bodies}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", ["/graphql"])
async def test_our_html_pages_carry_security_headers_and_allow_exactly_their_own_scripts(
    serve: Any, path: str
) -> None:
    # given: development, where GraphiQL is on
    url = await serve()
    # when
    async with serve.http.get(f"{url}{path}", headers=HTML) as page:
        html, headers = await page.text(), page.headers
    # then: every inline script by its hash, every other script from this origin only, no framing
    assert page.status == 200
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    sources = policy["script-src"].split()
    inline = _script_hashes(html)
    assert inline
    assert set(sources) == {"'self'", *inline}
    assert all(not src.startswith("http") for src in re.findall(r'<script\s+src="([^"]+)"', html))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert (headers["x-frame-options"], headers["referrer-policy"], headers["x-content-type-options"]) == (
        "DENY",
        "no-referrer",
        "nosniff",
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_json_answer_is_never_sniffed_and_carries_no_page_policy(serve: Any) -> None:
    url = await serve(environment="production")
    async with serve.http.get(f"{url}/healthz") as answer:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in answer.headers


PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "authorization"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("environment", ["production", "development"])
async def test_cors_answers_only_the_allowed_origins(serve: Any, environment: str) -> None:
    url = await serve(environment=environment, cors_origins="https://ats.example.com")
    allowed = {"origin": "https://ats.example.com", **PREFLIGHT}
    async with serve.http.options(f"{url}/graphql", headers=allowed) as preflight:
        assert preflight.status == 200
        assert preflight.headers["access-control-allow-origin"] == "https://ats.example.com"
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    other = {"origin": "https://evil.example", **PREFLIGHT}
    async with serve.http.options(f"{url}/graphql", headers=other) as refused:
        assert refused.status == 400
        assert "access-control-allow-origin" not in refused.headers


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("environment", ["production", "development"])
async def test_without_an_allow_list_no_origin_is_allowed(serve: Any, environment: str) -> None:
    url = await serve(environment=environment)
    headers = {"origin": "https://ats.example.com", "content-type": "application/json"}
    async with serve.http.post(
        f"{url}/graphql", data='{"query": "{ __typename }"}', headers=headers
    ) as answer:
        assert "access-control-allow-origin" not in answer.headers

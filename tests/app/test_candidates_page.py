"""The candidate page's server side: the shell at /candidates and /candidates/{id} (the ATS link LinkedIn
holds), its bundle, its policy, /demo's redirect, and that every GraphQL document the page sends is valid."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graphql import parse, validate

from app.candidates_page import PAGE, page_policy, plugin_sources
from app.settings import Settings
from graph.schema import schema
from resolvers.sync.config import candidate_page_template
from tests.conftest import Server

QUERIES = Path(__file__).resolve().parents[2] / "web" / "src" / "queries.js"
HTML = {"accept": "text/html"}


def _policy(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split(" ") for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_the_page_lives_where_the_ats_links_sent_to_linkedin_point() -> None:
    # given: the server's default settings, whose candidate links LinkedIn receives
    settings = Settings()
    # then: /candidates/{id} of the public origin, the route this page serves
    assert settings.candidate_url_template == candidate_page_template(settings.public_origin)
    assert settings.candidate_url_template.endswith("/candidates/{id}")


def test_the_shell_has_no_inline_script() -> None:
    html = PAGE.read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts == [(' type="module" src="/static/app/candidates.js"', "")]


def test_the_policy_allows_the_sandboxs_plugins_offline_and_linkedins_in_production() -> None:
    # given
    offline = Settings(linkedin_api_base_url="http://127.0.0.1:8100")
    production = Settings(
        linkedin_api_base_url="https://api.linkedin.com",
        linkedin_oauth_base_url="https://www.linkedin.com/oauth/v2",
    )
    # when
    sandbox, linkedin = _policy(page_policy(offline)), _policy(page_policy(production))
    # then: scripts from this origin and the plugin's, frames of both plugins, nothing inline
    assert sandbox["script-src"] == ["'self'", "http://127.0.0.1:8100"]
    assert sandbox["frame-src"] == ["'self'", "http://127.0.0.1:8100"]
    assert sandbox["connect-src"] == ["'self'", "http://127.0.0.1:8100"]
    assert linkedin["script-src"] == ["'self'", "https://platform.linkedin.com"]
    assert set(linkedin["frame-src"]) == {
        "'self'",
        "https://www.linkedin.com",
        "https://platform.linkedin.com",
    }
    assert sandbox["frame-ancestors"] == linkedin["frame-ancestors"] == ["'none'"]
    assert plugin_sources(offline)["frame-src"] == ["http://127.0.0.1:8100"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", ["/candidates", "/candidates/123"])
async def test_the_page_is_served_with_its_policy_and_no_credential(server: Server, path: str) -> None:
    # when
    async with server.anonymous.get(f"{server.url}{path}", headers=HTML) as page:
        html, headers = await page.text(), page.headers
    # then
    assert page.status == 200
    assert 'src="/static/app/candidates.js"' in html
    assert headers["content-security-policy"] == page_policy(server.settings)
    assert (headers["x-frame-options"], headers["x-content-type-options"]) == ("DENY", "nosniff")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_bundle_is_served_from_this_origin(server: Server) -> None:
    # when
    async with server.anonymous.get(f"{server.url}/static/app/candidates.js") as script:
        body, kind = await script.text(), script.headers["content-type"]
    async with server.anonymous.get(f"{server.url}/static/app/candidates.css") as style:
        styled = style.status
    # then
    assert script.status == 200
    assert kind.startswith(("text/javascript", "application/javascript"))
    assert "candidateActivity" in body
    assert styled == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/demo", "/candidates"),
        ("/demo?candidate=Q2FuZGlkYXRlOjE=&tab=history", "/candidates/Q2FuZGlkYXRlOjE%3D?tab=inmail"),
        ("/demo?candidate=../../x", "/candidates"),
    ],
)
async def test_the_old_demo_page_redirects_to_the_candidate_page(
    server: Server, path: str, target: str
) -> None:
    # when
    async with server.anonymous.get(f"{server.url}{path}", allow_redirects=False) as answer:
        # then
        assert (answer.status, answer.headers["location"]) == (308, target)


def _page_documents() -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: `apt-get install nodejs npm`, then `make setup`")
    script = f"import({json.dumps(QUERIES.as_uri())}).then(m => console.log(JSON.stringify(m)))"
    out = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    documents: dict[str, Any] = json.loads(out.stdout)
    return documents


def test_every_document_the_page_sends_is_valid_against_the_schema() -> None:
    # given: what web/src/queries.js exports, as the browser gets it
    documents = _page_documents()
    subscriptions = schema._schema.subscription_type
    # then
    assert len(documents) >= 10
    for name, document in documents.items():
        if document.lstrip().startswith("subscription") and subscriptions is None:
            continue  # candidateActivity comes with the live-updates branch; the page says when it fails
        assert validate(schema._schema, parse(document)) == [], name

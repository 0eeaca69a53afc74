"""The embedded default's sign-in: the development signing key, `rscgraph token`, `POST /auth/dev-token`
and GraphiQL's ready header, and that none of them exists in production or with an identity provider."""

from __future__ import annotations

import html
import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest

import models
from app.auth.dev_key import KEY_FILE, dev_signing_key
from app.errors import EXIT_CONFIG, EXIT_USAGE
from app.security_headers import page_csp
from app.settings import Settings
from models.db import SessionFactory
from tests.app.test_cli import rscgraph
from tests.conftest import Server, serve_app
from tests.users_support import add_user

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
VIEWER = "{ viewer { customer { key } user { email } roles } }"


async def viewer_of(server: Server, authorization: str) -> tuple[int, dict[str, Any]]:
    return await server.graphql(VIEWER, authorization=authorization)


def test_the_signing_key_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    # when
    first = dev_signing_key(tmp_path / "data")
    second = dev_signing_key(tmp_path / "data")
    # then
    assert first.kid == second.kid
    assert stat.S_IMODE((tmp_path / "data" / KEY_FILE).stat().st_mode) == 0o600


@SQLITE
async def test_rscgraph_token_prints_a_token_the_server_accepts(server: Server, tmp_path: Path) -> None:
    # when
    done = rscgraph(
        tmp_path,
        "token",
        "--customer",
        "acme",
        "--user",
        "grace@acme.test",
        "--role",
        "recruiter",
        RSC_DATA_DIR=str(server.settings.data_dir),
    )
    # then
    assert (done.returncode, done.stderr) == (0, "")
    status, body = await viewer_of(server, f"Bearer {done.stdout.strip()}")
    assert (status, body["data"]["viewer"]) == (
        200,
        {"customer": {"key": "acme"}, "user": {"email": "grace@acme.test"}, "roles": ["RECRUITER"]},
    )


@SQLITE
async def test_an_operator_token_needs_no_customer(server: Server, tmp_path: Path) -> None:
    # when
    done = rscgraph(
        tmp_path,
        "token",
        "--user",
        "olive@vendor.test",
        "--role",
        "operator",
        RSC_DATA_DIR=str(server.settings.data_dir),
    )
    # then
    status, body = await viewer_of(server, f"Bearer {done.stdout.strip()}")
    assert (status, body["data"]["viewer"]["customer"], body["data"]["viewer"]["roles"]) == (
        200,
        None,
        ["OPERATOR"],
    )


@pytest.mark.parametrize(
    ("env", "args", "code", "says"),
    [
        (
            {"RSC_ENVIRONMENT": "production"},
            ["--user", "o@x.test", "--role", "operator"],
            EXIT_CONFIG,
            "only in development",
        ),
        (
            {"RSC_AUTH_ISSUER": "https://id.example.com/"},
            ["--user", "o@x.test", "--role", "operator"],
            EXIT_CONFIG,
            "RSC_AUTH_ISSUER is set",
        ),
        ({}, ["--customer", "acme", "--user", "o@x.test", "--role", "operator"], EXIT_USAGE, "no customer"),
        ({}, ["--user", "a@x.test", "--role", "admin"], EXIT_USAGE, "no customer"),
    ],
)
def test_rscgraph_token_refuses(
    tmp_path: Path, env: dict[str, str], args: list[str], code: int, says: str
) -> None:
    # when
    done = rscgraph(tmp_path, "token", *args, RSC_DATA_DIR=str(tmp_path / "data"), **env)
    # then
    assert (done.returncode, done.stdout) == (code, "")
    assert done.stderr.startswith("rscgraph: error: ")
    assert says in done.stderr
    assert not (tmp_path / "data" / KEY_FILE).exists()


@SQLITE
async def test_the_demo_page_signs_in_through_the_dev_token_route(server: Server) -> None:
    # when
    asked = {"customer": "acme", "user": "admin@acme.demo", "role": "admin"}
    async with server.anonymous.post(f"{server.url}/auth/dev-token", json=asked) as response:
        status, issued = response.status, await response.json()
    # then
    assert status == 200
    status, body = await viewer_of(server, f"Bearer {issued['token']}")
    assert (status, {"data": body["data"]}) == (
        200,
        {
            "data": {
                "viewer": {
                    "customer": {"key": "acme"},
                    "user": {"email": "admin@acme.demo"},
                    "roles": ["ADMIN"],
                }
            }
        },
    )


@SQLITE
@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"customer": "initech", "user": "a@x.test", "role": "admin"}, "no customer 'initech'"),
        ({"customer": "acme", "user": "a@x.test", "role": "janitor"}, "role must be one of"),
        ({"customer": "acme", "user": "", "role": "admin"}, "user must be"),
        ({"customer": "acme", "user": "o@x.test", "role": "operator"}, "an operator belongs to no customer"),
        ({"user": "a@x.test", "role": "recruiter"}, "customer must be"),
        ([1, 2], "expected"),
    ],
)
async def test_the_dev_token_route_refuses_bad_requests(server: Server, body: object, error: str) -> None:
    # when
    async with server.anonymous.post(f"{server.url}/auth/dev-token", json=body) as response:
        status, answer = response.status, await response.json()
    # then
    assert status == 400
    assert error in answer["error"]


def _opening_headers(page: str) -> dict[str, str] | None:
    found = re.search(r'<meta name="rscgraph-default-headers" content="(.*?)">', page)
    assert found is not None
    return json.loads(html.unescape(found.group(1))) if found.group(1) else None


@SQLITE
async def test_graphiql_opens_with_a_working_authorization_header_of_an_acme_recruiter(
    server: Server, sessions: SessionFactory, customer_id: int
) -> None:
    # given: acme's first seat holder, as the demo seeds it
    async with sessions() as db:
        await add_user(
            db,
            customer_id,
            email="grace.hopper@acme.example",
            first_name="Grace",
            person_urn="urn:li:person:g",
        )
        await db.commit()
    # when
    async with server.anonymous.get(f"{server.url}/graphql", headers={"accept": "text/html"}) as response:
        status, page = response.status, await response.text()
    # then
    assert status == 200
    headers = _opening_headers(page)
    assert headers is not None
    assert list(headers) == ["Authorization"]
    answer = await viewer_of(server, headers["Authorization"])
    assert answer[1]["data"]["viewer"] == {
        "customer": {"key": "acme"},
        "user": {"email": "grace.hopper@acme.example"},
        "roles": ["RECRUITER"],
    }


@SQLITE
@pytest.mark.parametrize(
    "update",
    [{"environment": "production", "graphiql": True}, {"auth_issuer": "https://id.example.com/"}],
    ids=["production", "with an identity provider"],
)
async def test_no_dev_token_route_nor_graphiql_token_outside_development_without_an_issuer(
    settings: Settings, customer: models.Customer, update: dict[str, str]
) -> None:
    # given
    async with serve_app(settings.model_copy(update=update)) as server:
        # when
        body = {"customer": "acme", "user": "a@acme.test", "role": "admin"}
        async with server.anonymous.post(f"{server.url}/auth/dev-token", json=body) as response:
            route_status = response.status
        async with server.anonymous.get(f"{server.url}/graphql", headers={"accept": "text/html"}) as response:
            page = await response.text()
        # and the development key's token is refused
        status, _ = await viewer_of(server, server.bearer())
    # then
    assert route_status == 404
    assert _opening_headers(page) is None
    assert "Bearer" not in page
    assert status == 401


@SQLITE
async def test_the_ready_header_leaves_the_pages_scripts_as_its_csp_names_them(server: Server) -> None:
    # when
    async with server.anonymous.get(f"{server.url}/graphql", headers={"accept": "text/html"}) as response:
        page, policy = await response.text(), response.headers["content-security-policy"]
    # then: the token is in the page, and every inline script is one the policy allows by hash
    assert _opening_headers(page) is not None
    assert page_csp(page) == policy

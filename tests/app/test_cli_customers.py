"""`rscgraph customers add|provision|list|show` run as an operator runs them (a subprocess), against the
sandbox over real HTTP: onboarding works, refusals end in two lines and exit 64 or 69, and no output
ever holds a client secret."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.settings import Settings
from tests.app.test_cli import RSCGRAPH, TIMEOUT_S
from tests.conftest import Sandbox
from tests.holders import settings_env

ADD = [
    "customers",
    "add",
    "--key",
    "acme",
    "--name",
    "Acme Staffing",
    "--org-urn",
    "urn:li:organization:1001",
    "--contract-urn",
    "urn:li:contract:2001",
]


@pytest.fixture(autouse=True)
def _emptied_after(engine: AsyncEngine) -> None:
    """The child processes write the test's database; the engine fixture empties it afterwards."""


async def rscgraph(
    cwd: Path, settings: Settings, *args: str, stdin: str = "", **env: str
) -> tuple[int, str, str]:
    """Run `rscgraph` with the test's settings (the sandbox, the database, the keys) in its environment,
    `stdin` as its input; the event loop keeps serving the sandbox meanwhile."""
    process = await asyncio.create_subprocess_exec(
        RSCGRAPH,
        *args,
        cwd=cwd,
        env=settings_env(settings) | env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), TIMEOUT_S)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def secrets_of(sandbox: Sandbox) -> list[str]:
    return [app["clientSecret"] for app in await sandbox.admin("GET", "apps")]


def add_args(sandbox: Sandbox, *more: str) -> list[str]:
    return [*ADD, "--client-id", sandbox.config.client_id, *more]


async def test_add_reads_the_secret_from_standard_input_and_list_shows_the_customer(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    code, out, err = await rscgraph(tmp_path, settings, *add_args(sandbox), stdin="demo-secret\n")
    listed = await rscgraph(tmp_path, settings, "customers", "list")

    assert code == 0, err
    assert re.match(r"^customer acme added \(id \d+, client id rscgraph-demo\)$", out.splitlines()[0])
    assert out.splitlines()[1] == "integrations named and configured; initial sync started"
    held = await sandbox.admin("GET", f"apps/{sandbox.config.client_id}/integrations")
    assert len(held["integrations"]) == 4
    assert listed[0] == 0, listed[2]
    header, row = listed[1].splitlines()
    assert header.split() == ["key", "name", "client", "id", "integrations", "initial", "sync"]
    assert row.split()[:6] == ["acme", "Acme", "Staffing", "rscgraph-demo", "0/4", "enabled"]
    assert "demo-secret" not in out + err + listed[1] + listed[2]


async def test_add_takes_the_secret_from_the_environment(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    code, out, err = await rscgraph(
        tmp_path, settings, *add_args(sandbox), RSC_CUSTOMER_CLIENT_SECRET=sandbox.config.client_secret
    )

    assert code == 0, err
    assert out.startswith("customer acme added")
    assert sandbox.config.client_secret not in out + err


async def test_a_taken_key_ends_in_two_lines_and_exit_64_and_writes_nothing(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    assert (await rscgraph(tmp_path, settings, *add_args(sandbox), stdin="demo-secret\n"))[0] == 0

    code, out, err = await rscgraph(
        tmp_path,
        settings,
        *[*ADD, "--client-id", "another-app", "--client-secret", "another-app-secret"],
    )
    listed = (await rscgraph(tmp_path, settings, "customers", "list"))[1]

    assert code == 64
    assert err.splitlines()[-2:] == [
        "rscgraph: error: --key: A customer with the key 'acme' exists already",
        "  fix: choose another, or see the customers with `rscgraph customers list`",
    ]
    assert len(listed.splitlines()) == 2
    assert "another-app-secret" not in out + err


async def test_refused_credentials_end_in_exit_69_and_store_nothing(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    code, out, err = await rscgraph(tmp_path, settings, *add_args(sandbox), stdin="not-the-secret\n")
    listed = (await rscgraph(tmp_path, settings, "customers", "list"))[1]

    assert code == 69
    assert "rscgraph: error: --client-secret: LinkedIn could not configure the integrations" in err
    assert "  fix: check the credentials" in err
    assert len(listed.splitlines()) == 1
    assert "not-the-secret" not in out + err


async def test_a_malformed_urn_is_refused_before_linkedin_is_asked(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    args = [a if a != "urn:li:contract:2001" else "contract-2001" for a in add_args(sandbox)]

    code, _, err = await rscgraph(tmp_path, settings, *args, stdin="demo-secret\n")

    assert code == 64
    assert "--contract-urn: 'contract-2001' is not a contract URN (urn:li:contract:N)" in err
    assert await sandbox.admin("GET", "calls") == []


async def test_provision_twice_makes_one_app_and_show_gives_the_secrets_last_four_only(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    provision = ["customers", "provision", "--key", "globex", "--name", "Globex Talent"]
    first = await rscgraph(tmp_path, settings, *provision)
    second = await rscgraph(tmp_path, settings, *provision)
    shown = await rscgraph(tmp_path, settings, "customers", "show", "globex")

    children: list[dict[str, Any]] = [a for a in await sandbox.admin("GET", "apps") if not a["default"]]
    assert (first[0], second[0], shown[0]) == (0, 0, 0), first[2] + second[2] + shown[2]
    assert len(children) == 1
    child = children[0]
    assert f"client id {child['clientId']}" in second[1]
    assert f"/_plugin/atsIntegration?api_key={child['clientId']}" in second[1]
    lines = dict(line.split(":", 1) for line in shown[1].splitlines() if not line.startswith(" "))
    assert lines["client id"].strip() == child["clientId"]
    assert lines["client secret"].strip() == "…" + child["clientSecret"][-4:]
    assert lines["uniqueForeignId"].strip() == "rscgraph:globex"
    assert lines["organization URN"].strip().startswith("not known yet")
    assert lines["initial sync"].strip() == "not started"
    assert lines["webhook URL"].strip() == f"{settings.public_origin}/webhooks/linkedin/globex"
    outputs = "".join(first[1:] + second[1:] + shown[1:])
    assert not any(secret in outputs for secret in await secrets_of(sandbox))


async def test_provision_with_the_urns_configures_the_integrations(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    provision = ["customers", "provision", "--key", "globex", "--name", "Globex Talent"]
    assert (await rscgraph(tmp_path, settings, *provision))[0] == 0
    [child] = [a for a in await sandbox.admin("GET", "apps") if not a["default"]]
    urns = await sandbox.admin("POST", f"apps/{child['clientId']}/integrations/preauthorize", {})

    code, out, err = await rscgraph(
        tmp_path,
        settings,
        *provision,
        "--org-urn",
        urns["organizationUrn"],
        "--contract-urn",
        urns["contractUrn"],
    )
    shown = (await rscgraph(tmp_path, settings, "customers", "show", "globex"))[1]

    assert code == 0, err
    assert "integrations named and configured; initial sync started" in out
    integrations = [line.split()[:3] for line in shown.splitlines() if line.startswith("  ") and "_" in line]
    assert integrations[:4] == [
        ["ONE_CLICK_EXPORT", "disabled", "PENDING"],
        ["IN_ATS_INDICATOR", "disabled", "PENDING"],
        ["PROFILE_PLUGIN", "disabled", "PENDING"],
        ["CSA_API", "disabled", "PENDING"],
    ]
    assert f"organization URN:     {urns['organizationUrn']}" in shown


async def test_show_of_an_unknown_key_names_list(
    tmp_path: Path, settings: Settings, sandbox: Sandbox
) -> None:
    code, _, err = await rscgraph(tmp_path, settings, "customers", "show", "nobody")

    assert code == 64
    assert err.splitlines()[-2:] == [
        "rscgraph: error: no customer has the key 'nobody'",
        "  fix: see the keys with `rscgraph customers list`",
    ]

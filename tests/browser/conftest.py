"""The browser tests' set-up: the demo (two customers onboarded through the sandbox, their first poll
done) served by the real app on a loopback port, and a runner of the Node/Playwright journeys in
Debian's Chromium. Without Chromium the tests skip and say how to install it."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.demo import onboard_demo
from app.settings import Settings
from resolvers.refresh import PollOverdue
from resolvers.services import Services
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox, Server, serve_app

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("run_journey.mjs")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).is_file()), None)
# A journey's own waits are bounded (15 s each); this bounds the whole Node process.
JOURNEY_TIMEOUT_S = 120.0

MEMBER_CANDIDATE = """query($urn: String!) { linkedinMembers(personUrns: [$urn]) { candidate { id } } }"""
# A candidate added in the ATS whom no LinkedIn member matches (the plugin then offers the manual match).
CREATE = """mutation { createCandidate(input: {firstName: "Grace", lastName: "Unmatched",
  email: "grace.unmatched@nowhere.test", title: "Compiler Engineer", mailingCity: "Arlington"}) {
  candidate { id } userErrors { code message } } }"""
IN_ATS = """query($urns: [String!]) { linkedinMembers(personUrns: $urns) { personUrn inAts } }"""

Journey = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's outcome on the test, so its screenshot is kept only when it failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed: `apt-get install chromium` (Debian) runs the browser tests")
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: `apt-get install nodejs npm`, then `make setup`")


@dataclass
class DemoSite:
    """The demo served over HTTP: acme's ids and credentials the journeys start from."""

    server: Server
    sandbox: Sandbox
    app: str
    seats: list[dict[str, Any]]
    members: list[dict[str, Any]]
    # Member 0's candidate: threads with two recruiters and their LinkedIn notes after the first poll.
    candidate_id: str
    # A synced candidate linked to no member, and a member no candidate is linked to.
    unmatched_id: str
    free_member: dict[str, Any]

    def admin_token(self, customer: str = "acme") -> str:
        """A bearer token of the customer's demo admin."""
        return self.server.bearer("admin", customer, f"admin@{customer}.demo").removeprefix("Bearer ")

    def input(self, **extra: Any) -> dict[str, Any]:
        """What every journey gets: where things are, and acme's demo users."""
        return {
            "baseUrl": self.server.url,
            "sandboxUrl": self.sandbox.url,
            "app": self.app,
            "chromium": CHROMIUM,
            "customer": "acme",
            "recruiter": "recruiter1@acme.demo",
            "admin": "admin@acme.demo",
            "adminToken": self.admin_token(),
            "candidateId": self.candidate_id,
            "candidateAtsId": ats_id(self.candidate_id),
            "member": self.members[0]["urn"],
            "seat": self.seats[0]["urn"],
            "unmatchedAtsId": ats_id(self.unmatched_id),
            "freeMember": self.free_member,
            **extra,
        }


def ats_id(global_id: str) -> str:
    """The ATS id inside a candidate's global ID (what `/candidates/{id}` takes)."""
    return base64.b64decode(global_id).decode().split(":", 1)[1]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with LinkedIn's usual patience: a journey's set-up onboards two customers
    (unretried POSTs) and runs a first poll next to a browser, where the suite's 1 s, meant for its
    fault tests, is too short for a busy machine."""
    return settings.model_copy(update={"linkedin_timeout_s": 10.0})


@pytest.fixture
async def demo_site(settings: Settings, sandbox: Sandbox, services: Services) -> AsyncIterator[DemoSite]:
    """`rscgraph run`'s world on a loopback port: acme and globex onboarded, acme's initial sync sent to
    LinkedIn (so the profile plugin finds its candidates) after its first poll."""
    customers = await onboard_demo(settings, sandbox.url)
    acme = next(c for c in customers if c.key == "acme")
    world = await sandbox.admin("GET", f"world?app={acme.client_id}")
    async with serve_app(settings) as server:
        admin = server.bearer("admin", "acme", "admin@acme.demo")
        _, created = await server.graphql(CREATE, authorization=admin)
        unmatched_id = created["data"]["createCandidate"]["candidate"]["id"]
        _, found = await server.graphql(
            MEMBER_CANDIDATE, {"urn": world["members"][0]["urn"]}, authorization=admin
        )
        candidate_id = found["data"]["linkedinMembers"][0]["candidate"]["id"]
        # The first poll, to its end (on a loaded machine it outlasts a refresh's deadline, which would
        # answer while it goes on): its mail stubs complete candidates (emails) the sync then sends.
        tenant = await services.tenants.by_key("acme")
        try:
            await tenant.refresh.refresh()
        except PollOverdue:
            await asyncio.wait_for(tenant.refresh.wait_idle(), timeout=JOURNEY_TIMEOUT_S)
        assert await tenant.refresh.synced_at() is not None, "the first poll did not complete"
        config = SyncConfig(
            candidate_url_template=settings.candidate_url_template, job_url_template=settings.job_url_template
        )
        await OutboxWorker(services.sessions, tenant, config).run_until_idle()
        urns = [m["urn"] for m in world["members"]]
        _, members = await server.graphql(IN_ATS, {"urns": urns}, authorization=admin)
        free = {m["personUrn"] for m in members["data"]["linkedinMembers"] if not m["inAts"]}
        free_member = next(m for m in world["members"] if m["urn"] in free)
        yield DemoSite(
            server,
            sandbox,
            acme.client_id,
            world["seats"],
            world["members"],
            candidate_id,
            unmatched_id,
            free_member,
        )


@pytest.fixture
async def journey(request: pytest.FixtureRequest) -> AsyncIterator[Journey]:
    """Runs a journey of journeys.mjs in Chromium and returns what it saw; a failing test keeps its
    screenshot in test-artifacts/<test>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{request.node.name.replace('/', '_')}.png"

    async def run(name: str, given: dict[str, Any]) -> dict[str, Any]:
        process = await asyncio.create_subprocess_exec(
            "node",
            str(RUNNER),
            name,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        payload = json.dumps({**given, "screenshot": str(shot)}).encode()
        try:
            out, err = await asyncio.wait_for(process.communicate(payload), JOURNEY_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
            pytest.fail(f"journey {name} did not finish within {JOURNEY_TIMEOUT_S:.0f} s")
        lines = out.decode().strip().splitlines()
        if not lines:
            pytest.fail(f"journey {name} printed nothing (exit {process.returncode}): {err.decode()[-2000:]}")
        answer: dict[str, Any] = json.loads(lines[-1])
        if not answer["ok"]:
            pytest.fail(f"journey {name} failed (screenshot {shot}):\n{answer['error']}")
        result: dict[str, Any] = answer["result"]
        return result

    yield run
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    if not any(report is not None and report.failed for report in reports):
        shot.unlink(missing_ok=True)

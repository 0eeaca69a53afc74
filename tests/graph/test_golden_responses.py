"""The bench's queries answer byte for byte what they answered when the performance work began.

The responses of `bench/candidate_tab.py`'s tab query, of `bench/enrichment.py`'s member query and of
the tab query of `tests/graph/test_candidate_tab_sql_count.py` were recorded on the golden world
(`tests/graph/golden_world.py`) under every role that reads them (an admin, a recruiter in the ACL
group, a recruiter outside it, the integration role) into `tests/graph/golden/`. Any change of the
read path (loaders, joins, Core rows) must leave them identical: data, order, nulls and errors.

LinkedIn fails every live match here (HTTP 500), so the linkedinProfile part answers from the stored
snapshot with a fixed `fetchedAt` instead of the clock.

Re-record (only when a response is meant to change, and say why in the commit):
    RSC_GOLDEN_UPDATE=1 .venv/bin/pytest tests/graph/test_golden_responses.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from bench.candidate_tab import TAB_QUERY as BENCH_TAB_QUERY
from bench.enrichment import QUERY as ENRICHMENT_QUERY
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL, Sandbox
from tests.graph.golden_world import GoldenWorld, add_golden_world, member, profile_url
from tests.graph.tab_world import gid
from tests.graph.test_candidate_tab_sql_count import TAB_QUERY as COUNTED_TAB_QUERY

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RSC_GOLDEN_UPDATE") == "1"
ROLES = ("admin", "recruiter_in_group", "recruiter_outside_group", "integration")


def viewers(tenant: Tenant, world: GoldenWorld) -> dict[str, Viewer]:
    """The viewers the golden responses are recorded under."""
    return {
        "admin": Viewer(tenant, user="root@ats.example", roles=frozenset({"admin"})),
        "recruiter_in_group": Viewer(
            tenant, user="liskov@ats.example", roles=frozenset({"recruiter"}), user_id=world.in_group_user_id
        ),
        "recruiter_outside_group": Viewer(
            tenant, user="dijkstra@ats.example", roles=frozenset({"recruiter"}), user_id=world.outside_user_id
        ),
        "integration": Viewer(tenant, user="badge-service", roles=frozenset({"integration"})),
    }


def serialised(result: Any) -> str:
    """A response as the server sends it (data, then errors if any), pretty-printed for review."""
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def check(name: str, text: str) -> None:
    """Compare with (or, re-recording, write) the golden file `name`."""
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden response {path.name}: record it with RSC_GOLDEN_UPDATE=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with LinkedIn's own plugin script and Recruiter URLs: the responses were recorded
    with them, and the sandbox's defaults would put this run's random port into the golden files."""
    return settings.model_copy(
        update={
            "linkedin_widget_script_url": "https://platform.linkedin.com/xdoor/scripts/in.js",
            "linkedin_recruiter_url": "https://www.linkedin.com/talent/profile",
        }
    )


@pytest.fixture
async def world(sessions: SessionFactory, customer_id: int, sandbox: Sandbox) -> GoldenWorld:
    """The golden world, with LinkedIn failing every live match (the snapshot answers instead)."""
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "count": None, "status": 500})
    return await add_golden_world(sessions, customer_id)


async def test_the_bench_tab_query_answers_as_recorded_for_every_candidate_and_role(
    graphql: GraphQL, tenant: Tenant, world: GoldenWorld
) -> None:
    for role, viewer in viewers(tenant, world).items():
        for index, candidate_id in enumerate(world.candidate_ids):
            result = await graphql(BENCH_TAB_QUERY, {"id": gid("Candidate", candidate_id)}, as_viewer=viewer)
            check(f"bench_tab.{role}.candidate{index}", serialised(result))


async def test_the_counted_tab_query_answers_as_recorded_for_every_role(
    graphql: GraphQL, tenant: Tenant, world: GoldenWorld
) -> None:
    for role, viewer in viewers(tenant, world).items():
        # Every golden candidate's name holds an "a".
        result = await graphql(COUNTED_TAB_QUERY, {"search": "a"}, as_viewer=viewer)
        check(f"counted_tab.{role}", serialised(result))


async def test_the_enrichment_query_answers_as_recorded_for_every_role(
    graphql: GraphQL, tenant: Tenant, world: GoldenWorld
) -> None:
    # URNs known, unknown and repeated; URLs in other spellings than the stored one, and one unknown.
    variables = {
        "urns": [member(0), member(7), member(2), member(1), member(0)],
        "urls": [
            "http://linkedin.com/in/golden-member-1/",
            "https://www.linkedin.com/in/GOLDEN-MEMBER-0?trk=search",
            profile_url(2),
            "https://www.linkedin.com/in/nobody-here",
        ],
    }
    for role, viewer in viewers(tenant, world).items():
        result = await graphql(ENRICHMENT_QUERY, variables, as_viewer=viewer)
        check(f"enrichment.{role}", serialised(result))

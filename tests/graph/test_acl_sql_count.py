"""ACLs cost no SQL statement of their own: the viewer's groups are joined into each statement, so the
candidate tab and enrichment run as many statements for a recruiter in ten groups as for an admin."""

from __future__ import annotations

from sqlmodel import select

import models
from models.db import SessionFactory
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import GraphQL
from tests.graph.tab_world import add_candidates, add_recruiter
from tests.graph.test_candidate_tab_sql_count import TAB_QUERY
from tests.graph.test_enrichment import MEMBERS, seed_members, url, urn
from tests.users_support import add_user

TAB_STATEMENTS = 6
ENRICHMENT_STATEMENTS = 2


async def _recruiter_in_ten_groups(
    sessions: SessionFactory,
    customer_id: int,
    tenant: Tenant,
    *,
    secure_title: str,
    inside: bool = False,
    email: str = "busy@acme.test",
) -> Viewer:
    """A recruiter in ten groups; the job titled `secure_title` is secured by the tenth (`inside`) or by
    an eleventh group."""
    async with sessions() as db:
        user = await add_user(db, customer_id, email=email)
        groups = [models.AclGroup(customer_id=customer_id, name=f"{email} G{n}") for n in range(11)]
        db.add_all(groups)
        await db.flush()
        job = (await db.exec(select(models.Job).where(models.Job.title == secure_title))).one()
        assert user.id is not None
        assert job.id is not None
        db.add_all(
            models.AclGroupUser(customer_id=customer_id, group_id=g.id, user_id=user.id)
            for g in groups[:10]
            if g.id is not None
        )
        securing = groups[9 if inside else 10].id
        assert securing is not None
        db.add(models.AclGroupJob(customer_id=customer_id, group_id=securing, job_id=job.id))
        await db.commit()
    return Viewer(tenant, user="busy@acme.test", roles=frozenset({"recruiter"}), user_id=user.id)


async def test_the_tab_query_costs_a_recruiter_in_ten_groups_the_statements_it_costs_an_admin(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant, sql_log: list[str]
) -> None:
    # given: 50 candidates applied to a job secured by one of the insider's ten groups
    await add_recruiter(sessions, customer_id, 0)
    await add_candidates(sessions, customer_id, count=50, threads=2, messages=3, name="Bulk")
    insider = await _recruiter_in_ten_groups(
        sessions, customer_id, tenant, secure_title="Bulk job", inside=True, email="in@acme.test"
    )
    outsider = await _recruiter_in_ten_groups(
        sessions, customer_id, tenant, secure_title="Bulk job", email="out@acme.test"
    )
    counts = []
    answers = []
    # when
    for viewer in (None, insider, outsider):
        sql_log.clear()
        answers.append(await graphql(TAB_QUERY, {"search": "bulk"}, as_viewer=viewer))
        counts.append(len(sql_log))
    # then
    assert [a.errors for a in answers] == [None, None, None]
    seen = [
        [len(e["node"]["applications"]) for e in a.data["candidates"]["edges"]] for a in answers if a.data
    ]
    assert seen == [[1] * 50, [1] * 50, [0] * 50]
    # Applications, jobs and stages are one statement with the job sight inside: the same for all three.
    assert counts == [TAB_STATEMENTS, TAB_STATEMENTS, TAB_STATEMENTS]


async def test_enrichment_costs_a_recruiter_in_ten_groups_the_statements_it_costs_an_admin(
    graphql: GraphQL, sessions: SessionFactory, customer_id: int, tenant: Tenant, sql_log: list[str]
) -> None:
    # given: 1,000 members, every second one applied to an Engineer job (secured) and a Designer job
    await seed_members(sessions, customer_id, 1000)
    viewer = await _recruiter_in_ten_groups(sessions, customer_id, tenant, secure_title="Engineer")
    variables = {"urns": [urn(i) for i in range(500)], "urls": [url(i) for i in range(500, 1000)]}
    # when
    sql_log.clear()
    result = await graphql(MEMBERS, variables, as_viewer=viewer)
    count = len(sql_log)
    # then
    assert result.errors is None
    assert result.data is not None
    members = result.data["linkedinMembers"]
    assert sum(m["inAts"] for m in members) == 1000
    assert sum(m["pastApplicant"] for m in members) == 500
    assert sum(len(m["applications"]) for m in members) == 500
    assert count == ENRICHMENT_STATEMENTS

"""The pre-shaped member list (graph/preshaped.py) answers byte for byte what normal execution answers:
generated selections of `linkedinMembers` (subsets in any order, aliases, `__typename`, inline and
named fragments, `@skip`/`@include`, repeated fields) under every role, on the golden world plus a
candidate, application and job with every field set. A selection that is not plain falls back."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import models
from graph.context import Context
from graph.preshaped import PreShapingExecutor
from graph.schema import RscSchema, build_schema
from models.db import SessionFactory
from resolvers.services import Services
from resolvers.tenants import Tenant
from resolvers.viewer import Viewer
from tests.conftest import Sandbox
from tests.graph.golden_world import GoldenWorld, add_golden_world, member, profile_url
from tests.graph.test_golden_responses import serialised, viewers

FIELDS: dict[str, list[str]] = {
    "LinkedInMember": [
        "personUrn",
        "profileUrl",
        "error",
        "inAts",
        "pastApplicant",
        "candidate",
        "applications",
    ],
    "Candidate": [
        "id",
        "firstName",
        "lastName",
        "email",
        "phone",
        "title",
        "company",
        "mailingCity",
        "source",
        "doNotContact",
        "createdAt",
        "updatedAt",
        "linkedinProfilePurgedAt",
    ],
    "Application": ["id", "status", "source", "createdAt", "lastActivityAt", "job"],
    "Job": [
        "id",
        "title",
        "description",
        "location",
        "companyApplyUrl",
        "state",
        "availability",
        "createdAt",
        "updatedAt",
    ],
}
OBJECTS = {"candidate": "Candidate", "applications": "Application", "job": "Job"}
FULL = "\n".join(
    [
        "personUrn profileUrl error inAts pastApplicant __typename",
        f"candidate {{ __typename {' '.join(FIELDS['Candidate'])} }}",
        "applications { __typename id status source createdAt lastActivityAt",
        f"  job {{ __typename {' '.join(FIELDS['Job'])} }} }}",
    ]
)
WHEN = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
# Known, unknown, repeated and malformed URNs; URLs in other spellings, unknown and malformed.
VARIABLES: dict[str, Any] = {
    "urns": [member(0), member(7), member(2), member(5), member(1), member(0), "urn:li:organization:1"],
    "urls": [
        "http://linkedin.com/in/golden-member-1/",
        "https://www.linkedin.com/in/GOLDEN-MEMBER-0?trk=search",
        profile_url(2),
        "https://uk.linkedin.com/in/golden-member-5",
        "https://www.linkedin.com/in/nobody-here",
        "https://example.com/in/someone",
    ],
    "yes": True,
    "no": False,
}
SELECTIONS = 60
DIRECTIVES = [" @include(if: $yes)", " @skip(if: $no)", " @include(if: $no)", " @skip(if: $yes)"]
ROOT = "linkedinMembers(personUrns: $urns, profileUrls: $urls)"


@dataclass
class Generator:
    """Random selections of the member list that stay valid GraphQL (aliases unique, fragments used)."""

    rng: random.Random
    fragments: list[str] = field(default_factory=list)
    aliases: int = 0

    def query(self) -> str:
        alias = "members: " if self.rng.random() < 0.2 else ""
        body = self.selection("LinkedInMember")
        extra = " __typename" if self.rng.random() < 0.2 else ""
        text = f"{alias}{ROOT} {{ {body} }}{extra}"
        used = [name for name in ("yes", "no") if f"${name}" in text + "".join(self.fragments)]
        flags = "".join(f", ${name}: Boolean!" for name in used)
        return "\n".join(
            [f"query Members($urns: [String!], $urls: [String!]{flags}) {{ {text} }}", *self.fragments]
        )

    def selection(self, type_name: str) -> str:
        rng = self.rng
        names = rng.sample(FIELDS[type_name], rng.randint(1, len(FIELDS[type_name])))
        items = [self.item(name) for name in names]
        if rng.random() < 0.3:
            items.insert(rng.randrange(len(items) + 1), "__typename")
        if rng.random() < 0.25:
            # The same field again: merged with the first (same name) or apart (an alias).
            items.append(self.item(rng.choice(names)))
        if len(items) > 1 and rng.random() < 0.4:
            count = rng.randint(1, len(items))
            start = rng.randrange(len(items) - count + 1)
            items[start : start + count] = [self.fragment(type_name, " ".join(items[start : start + count]))]
        return " ".join(items)

    def item(self, name: str) -> str:
        rng = self.rng
        alias = ""
        if rng.random() < 0.25 and self.aliases < 25:
            self.aliases += 1
            alias = f"{name}{self.aliases}: "
        body = f" {{ {self.selection(OBJECTS[name])} }}" if name in OBJECTS else ""
        return f"{alias}{name}{self.directive(0.1)}{body}"

    def fragment(self, type_name: str, inner: str) -> str:
        kind = self.rng.random()
        directive = self.directive(0.3)
        if kind < 0.4:
            return f"... on {type_name}{directive} {{ {inner} }}"
        if kind < 0.6:
            return f"...{directive} {{ {inner} }}"
        name = f"Part{len(self.fragments)}"
        self.fragments.append(f"fragment {name} on {type_name} {{ {inner} }}")
        return f"...{name}{directive}"

    def directive(self, chance: float) -> str:
        if self.rng.random() >= chance:
            return ""
        return self.rng.choice(
            [" @include(if: $yes)", " @skip(if: $no)", " @include(if: $no)", " @skip(if: $yes)"]
        )


def generated(seed: int, count: int) -> Iterator[str]:
    """`count` selections, the same for a seed; the full selection first."""
    yield f"query Members($urns: [String!], $urls: [String!]) {{ {ROOT} {{ {FULL} }} }}"
    rng = random.Random(seed)
    for _ in range(count - 1):
        yield Generator(rng).query()


@dataclass
class Runs:
    """Execute on the pre-shaping schema and on a reference schema with Strawberry's own executor."""

    services: Services
    fast: RscSchema
    reference: RscSchema
    shaped: list[bool]

    async def both(self, query: str, viewer: Viewer, variables: dict[str, Any]) -> tuple[str, str, bool]:
        self.shaped.clear()
        fast = await self.fast.execute(query, variables, context_value=Context.create(self.services, viewer))
        was_shaped = any(self.shaped)
        normal = await self.reference.execute(
            query, variables, context_value=Context.create(self.services, viewer)
        )
        return serialised(fast), serialised(normal), was_shaped


@pytest.fixture
async def world(sessions: SessionFactory, customer_id: int, sandbox: Sandbox) -> GoldenWorld:
    """The golden world and a fifth candidate (member 5, stored with a country subdomain) with every
    field set, applied to a closed public job with every field set."""
    golden = await add_golden_world(sessions, customer_id)
    async with sessions() as db, db.begin():
        job = models.Job(
            customer_id=customer_id,
            title="Data steward",
            description="Keeps the data.",
            location="Boston",
            company_apply_url="https://ats.example/apply/3",
            state=models.JobState.CLOSED,
            availability=models.JobAvailability.PUBLIC,
            created_at=WHEN,
            updated_at=WHEN,
        )
        candidate = models.Candidate(
            customer_id=customer_id,
            first_name="Grace",
            last_name="Hopper",
            email="grace@example.com",
            phone="+1 555 0199",
            title="Admiral",
            company="Navy",
            mailing_city="Arlington",
            source=models.CandidateSource.LINKEDIN_EXPORT,
            do_not_contact=True,
            created_at=WHEN,
            updated_at=WHEN,
            linkedin_profile_purged_at=WHEN,
        )
        db.add_all([job, candidate])
        await db.flush()
        assert job.id is not None
        assert candidate.id is not None
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id,
                candidate_id=candidate.id,
                person_urn=member(5),
                profile_url="https://uk.linkedin.com/in/golden-member-5",
                match_source=models.MatchSource.MANUAL,
                matched_at=WHEN,
            )
        )
        # The golden world's first job (unsecured), made before this one.
        first_job = select(sa.func.min(models.Job.id)).where(models.Job.customer_id == customer_id)
        golden_job_id = (await db.exec(first_job)).one()
        assert golden_job_id is not None
        db.add_all(
            [
                models.Application(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    job_id=job.id,
                    status="Rejected",
                    created_at=WHEN,
                    last_activity_at=datetime(2026, 9, 2, tzinfo=UTC),
                ),
                models.Application(
                    customer_id=customer_id,
                    candidate_id=candidate.id,
                    job_id=golden_job_id,
                    status="Hired",
                    source="Referral",
                    created_at=WHEN,
                    last_activity_at=WHEN,
                ),
            ]
        )
    return golden


@pytest.fixture
def runs(services: Services, monkeypatch: pytest.MonkeyPatch) -> Runs:
    """Both schemas, and a record of whether the fast path shaped the member list."""
    reference = build_schema(show_internal_errors=True)
    reference.execution_context_class = StrawberryGraphQLCoreExecutionContext
    shaped: list[bool] = []
    original = PreShapingExecutor._pre_shape

    def spy(self: PreShapingExecutor, *args: Any) -> Any:
        result = original(self, *args)
        shaped.append(result is not None)
        return result

    monkeypatch.setattr(PreShapingExecutor, "_pre_shape", spy)
    return Runs(services, build_schema(show_internal_errors=True), reference, shaped)


async def test_generated_selections_answer_as_normal_execution_under_every_role(
    runs: Runs, tenant: Tenant, world: GoldenWorld
) -> None:
    shaped_by_role: dict[str, int] = {}
    for role, viewer in viewers(tenant, world).items():
        for query in generated(seed=12, count=SELECTIONS):
            fast, normal, was_shaped = await runs.both(query, viewer, VARIABLES)
            assert fast == normal, f"{role}: {query}"
            shaped_by_role[role] = shaped_by_role.get(role, 0) + was_shaped
            if role != "integration":
                # Staff may read every field of the list: every selection is plain, nothing fails.
                assert was_shaped, f"{role}: {query}"
                assert '"errors"' not in fast, f"{role}: {query}"
    # The integration role is refused some fields: where refusing is shaped exactly, it is shaped.
    assert shaped_by_role["integration"] >= SELECTIONS // 4, shaped_by_role


async def test_the_full_selection_answers_as_normal_execution_with_its_refusals_for_the_integration_role(
    runs: Runs, tenant: Tenant, world: GoldenWorld
) -> None:
    # given: the integration role, refused a candidate's contact data (nullable: null at the field) and
    # its timestamps and source (non-null: the candidate is null)
    integration = viewers(tenant, world)["integration"]
    query = (
        "query M($urns: [String!]) { linkedinMembers(personUrns: $urns) { personUrn "
        "candidate { id email phone firstName doNotContact lastName } applications { id status source } } }"
    )
    # when
    fast, normal, was_shaped = await runs.both(query, integration, {"urns": [member(0), member(5)]})
    # then
    assert was_shaped
    assert fast == normal
    body = json.loads(fast)
    assert [m["candidate"] for m in body["data"]["linkedinMembers"]] == [None, None]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["linkedinMembers", 0, "candidate", "email"], "FORBIDDEN"),
        (["linkedinMembers", 0, "candidate", "phone"], "FORBIDDEN"),
        (["linkedinMembers", 0, "candidate", "doNotContact"], "FORBIDDEN"),
        (["linkedinMembers", 0, "applications", 0, "source"], "FORBIDDEN"),
        (["linkedinMembers", 1, "candidate", "email"], "FORBIDDEN"),
        (["linkedinMembers", 1, "candidate", "phone"], "FORBIDDEN"),
        (["linkedinMembers", 1, "candidate", "doNotContact"], "FORBIDDEN"),
        (["linkedinMembers", 1, "applications", 0, "source"], "FORBIDDEN"),
        (["linkedinMembers", 1, "applications", 1, "source"], "FORBIDDEN"),
    ]


# Selections the fast path does not shape, and the role asking.
NOT_PLAIN = {
    "a field outside the table": ("admin", "candidate { id applications { id } }"),
    "a field with a resolver of its own": ("admin", "candidate { syncEligibility { eligible } }"),
    "a refusal below an async resolver": ("integration", "applications { job { id description } }"),
    "a refused non-null field of a non-null list item": ("integration", "applications { id createdAt }"),
}


@pytest.mark.parametrize("case", list(NOT_PLAIN))
async def test_a_selection_that_is_not_plain_is_executed_as_usual(
    runs: Runs, tenant: Tenant, world: GoldenWorld, case: str
) -> None:
    # given
    role, selection = NOT_PLAIN[case]
    query = f"query M($urns: [String!]) {{ linkedinMembers(personUrns: $urns) {{ inAts {selection} }} }}"
    # when
    fast, normal, was_shaped = await runs.both(query, viewers(tenant, world)[role], {"urns": [member(0)]})
    # then
    assert runs.shaped == [False]
    assert not was_shaped
    assert fast == normal
    assert json.loads(fast)["data"] is not None or role == "integration"

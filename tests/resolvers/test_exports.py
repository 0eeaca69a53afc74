"""Export processing against the sandbox: customer check, job checks, matching rules, recorded outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import func, select

import models
from app.export_worker import ExportWorker
from app.settings import Settings
from linkedin.push import EXPORT_CANDIDATE_PROFILE, PushNotification
from linkedin.records import MailStub
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import Member, build_world
from models.db import SessionFactory
from resolvers import exports
from resolvers.export_usage import export_usage, month_bounds
from resolvers.services import Services
from resolvers.stubs import apply_mail_stubs
from resolvers.tenants import Tenant
from tests.child_apps import add_child_customer
from tests.conftest import Sandbox
from tests.resolvers.suggestions import suggestions
from tests.users_support import add_user

WORLD = build_world(SandboxConfig())
SEAT = WORLD.seats[0].urn
MEMBER = WORLD.members[210]


async def make_job(
    sessions: SessionFactory, customer_id: int, state: models.JobState = models.JobState.OPEN
) -> int:
    async with sessions() as db:
        job = models.Job(customer_id=customer_id, title="Senior Data Engineer", state=state)
        db.add(job)
        await db.commit()
        assert job.id is not None
        return job.id


async def make_candidate(sessions: SessionFactory, customer_id: int, **fields: Any) -> int:
    async with sessions() as db:
        candidate = models.Candidate(customer_id=customer_id, **fields)
        db.add(candidate)
        await db.commit()
        assert candidate.id is not None
        return candidate.id


async def link(
    sessions: SessionFactory, customer_id: int, candidate_id: int, urn: str, **fields: Any
) -> None:
    async with sessions() as db:
        db.add(
            models.LinkedInIdentity(
                customer_id=customer_id, candidate_id=candidate_id, person_urn=urn, **fields
            )
        )
        await db.commit()


async def export(
    sandbox: Sandbox, job: int | str, member: Member | str = MEMBER, *, app: str | None = None, **extra: str
) -> str:
    """The sandbox records an export (no callback is configured: the test processes it directly), in the
    default app's world or in child app `app`'s."""
    seat = SEAT if app is None else (await sandbox.admin("GET", f"world?app={app}"))["seats"][0]["urn"]
    urn = member if isinstance(member, str) else member.urn
    body = {"seat": seat, "member": urn, "externalJobPostingId": str(job), **extra}
    path = "exports" if app is None else f"exports?app={app}"
    return str((await sandbox.admin("POST", path, body))["requestId"])


async def candidate_count(sessions: SessionFactory) -> int:
    """Candidates of every customer: an export writes none anywhere but where it belongs."""
    async with sessions() as db:
        return int((await db.exec(select(func.count()).select_from(models.Candidate))).one())


async def test_an_export_for_another_customer_fails_with_a_clear_error(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given
    job_id = await make_job(sessions, tenant.id)
    request_id = await export(sandbox, job_id, integrationContext="urn:li:organization:999")
    # when
    outcome = await exports.process_export(services, tenant, request_id)
    # then
    assert outcome.request.status == models.ExportStatus.FAILED
    assert outcome.request.error == (
        "The export belongs to integrationContext urn:li:organization:999, "
        f"not to this customer's {sandbox.config.org_urn}"
    )
    assert await candidate_count(sessions) == 0


async def test_an_export_to_a_closed_job_is_kept_as_failed(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given
    job_id = await make_job(sessions, tenant.id, models.JobState.CLOSED)
    request_id = await export(sandbox, job_id)
    # when
    outcome = await exports.process_export(services, tenant, request_id)
    # then
    row = await exports.export_request(sessions, tenant.id, request_id)
    assert row is not None
    assert (row.status, row.error) == (
        models.ExportStatus.FAILED,
        f"The export names job {job_id} (Senior Data Engineer), which is closed",
    )
    assert (row.member_urn, row.seat_urn, row.external_job_id) == (MEMBER.urn, SEAT, str(job_id))
    assert outcome.candidate is None
    assert await candidate_count(sessions) == 0


async def test_an_export_to_an_unknown_job_is_kept_as_failed(
    sandbox: Sandbox, services: Services, tenant: Tenant
) -> None:
    request_id = await export(sandbox, 424242)
    outcome = await exports.process_export(services, tenant, request_id)
    assert (outcome.request.status, outcome.request.error) == (
        models.ExportStatus.FAILED,
        "The export names job 424242, which does not exist in this ATS",
    )


@pytest.mark.parametrize(
    ("job", "error"),
    [
        ("²", "The export names no job of this ATS (externalJobPostingId '²')"),
        ("99999999999", "The export names job 99999999999, which does not exist in this ATS"),
    ],
    ids=["non-ascii-digit", "past-32-bit"],
)
async def test_a_job_id_no_job_column_can_hold_is_kept_as_failed(
    sandbox: Sandbox, services: Services, tenant: Tenant, job: str, error: str
) -> None:
    # given: LinkedIn echoes a job id this ATS never sent (int() refuses "²"; PostgreSQL overflows)
    request_id = await export(sandbox, job)
    # when
    outcome = await exports.process_export(services, tenant, request_id)
    # then
    assert (outcome.request.status, outcome.request.error) == (models.ExportStatus.FAILED, error)


# PostgreSQL refuses a value longer than its column (SQLite stores it, and the export fails as usual).
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_an_export_no_column_can_store_fails_alone_and_the_next_one_is_processed(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: an export naming a job id longer than its column (PostgreSQL refuses it), then a good one
    bad = await export(sandbox, "1" * 150)
    good = await export(sandbox, await make_job(sessions, tenant.id), member=WORLD.members[201])
    async with sessions() as db:  # both pushed, as the webhook records them
        db.add_all(
            [
                models.ExportRequest(customer_id=tenant.id, request_id=bad),
                models.ExportRequest(customer_id=tenant.id, request_id=good),
            ]
        )
        await db.commit()
    # when: the worker's pass goes through both, oldest first
    result = await ExportWorker(services).run_for(tenant)
    # then: the first failed alone with a sentence; the second was completed
    async with sessions() as db:
        rows = {r.request_id: r for r in (await db.exec(select(models.ExportRequest))).all()}
    assert (rows[good].status, result.done) == (models.ExportStatus.DONE, 1)
    assert (rows[bad].status, rows[bad].error) == (models.ExportStatus.FAILED, exports.UNPROCESSABLE)


async def test_a_request_id_linkedin_does_not_know_fails(services: Services, tenant: Tenant) -> None:
    outcome = await exports.process_export(services, tenant, "no-such-request")
    assert outcome.request.status == models.ExportStatus.FAILED
    assert outcome.request.error is not None
    assert outcome.request.error.startswith("LinkedIn has no such export")


async def test_a_candidate_is_matched_by_email_case_insensitively(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: the ATS stores emails lower-cased; LinkedIn may not
    job_id = await make_job(sessions, tenant.id)
    candidate_id = await make_candidate(
        sessions, tenant.id, first_name="A", last_name="B", email=MEMBER.email.lower()
    )
    # when
    outcome = await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    assert outcome.candidate is not None
    assert (outcome.candidate.id, outcome.created) == (candidate_id, False)


async def test_a_candidate_is_matched_by_profile_url_written_differently(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: linked to another URN spelling of the member, with the profile URL without https/www
    job_id = await make_job(sessions, tenant.id)
    candidate_id = await make_candidate(sessions, tenant.id, first_name="Other", last_name="Name")
    url = MEMBER.profile_url.removeprefix("https://").removeprefix("www.") + "/"
    await link(
        sessions,
        tenant.id,
        candidate_id,
        "urn:li:person:legacy1",
        profile_url="http://" + url,
        match_source=models.MatchSource.ALGORITHMIC,
    )
    # when
    outcome = await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    assert outcome.candidate is not None
    assert outcome.candidate.id == candidate_id
    assert outcome.request.match_reason == f"profile URL {MEMBER.profile_url}"


async def test_a_candidate_with_the_same_name_only_is_not_matched(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given
    job_id = await make_job(sessions, tenant.id)
    namesake = await make_candidate(
        sessions,
        tenant.id,
        first_name=MEMBER.first_name,
        last_name=MEMBER.last_name,
        email="someone.else@example.com",
    )
    # when
    outcome = await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    assert outcome.candidate is not None
    assert outcome.candidate.id != namesake
    assert outcome.created is True
    assert await candidate_count(sessions) == 2


async def test_an_email_match_never_takes_a_candidate_linked_to_another_member(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: same email, but the candidate is someone else on LinkedIn
    job_id = await make_job(sessions, tenant.id)
    other = await make_candidate(
        sessions, tenant.id, first_name="X", last_name="Y", email=MEMBER.email.lower()
    )
    await link(
        sessions, tenant.id, other, "urn:li:person:someoneelse", match_source=models.MatchSource.MANUAL
    )
    # when
    outcome = await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    assert outcome.candidate is not None
    assert outcome.candidate.id != other
    assert outcome.created is True


async def test_matching_a_manually_linked_candidate_keeps_the_manual_link(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given
    job_id = await make_job(sessions, tenant.id)
    candidate_id = await make_candidate(
        sessions, tenant.id, first_name="M", last_name="L", email="m@example.com"
    )
    await link(sessions, tenant.id, candidate_id, MEMBER.urn, match_source=models.MatchSource.MANUAL)
    # when
    outcome = await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    async with sessions() as db:
        identity = (await db.exec(select(models.LinkedInIdentity))).one()
    assert outcome.candidate is not None
    assert outcome.candidate.id == candidate_id
    assert (identity.match_source, identity.profile_url) == (models.MatchSource.MANUAL, MEMBER.profile_url)


async def test_a_matched_candidate_gets_only_its_blank_fields_filled(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: linked to the member, with a title of its own and no email or phone
    job_id = await make_job(sessions, tenant.id)
    candidate_id = await make_candidate(
        sessions, tenant.id, first_name="Kept", last_name="Name", title="Kept title"
    )
    await link(sessions, tenant.id, candidate_id, MEMBER.urn, match_source=models.MatchSource.MANUAL)
    # when
    await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    async with sessions() as db:
        candidate = await db.get(models.Candidate, (tenant.id, candidate_id))
    assert candidate is not None
    assert (candidate.first_name, candidate.last_name, candidate.title) == ("Kept", "Name", "Kept title")
    assert (candidate.email, candidate.phone, candidate.mailing_city) == (
        MEMBER.email.lower(),
        MEMBER.phone,
        MEMBER.city,
    )


async def test_an_export_suggests_its_values_where_the_matched_candidate_disagrees(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: the same candidate as above, entered in the ATS by a user
    job_id = await make_job(sessions, tenant.id)
    candidate_id = await make_candidate(
        sessions, tenant.id, first_name="Kept", last_name="Name", title="Kept title"
    )
    await link(sessions, tenant.id, candidate_id, MEMBER.urn, match_source=models.MatchSource.MANUAL)
    # when
    await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then: one suggestion per field the user set, none for the blanks LinkedIn filled
    assert await suggestions(sessions, candidate_id) == [
        ("first_name", MEMBER.first_name, models.LinkedInSource.LINKEDIN_EXPORT),
        ("last_name", MEMBER.last_name, models.LinkedInSource.LINKEDIN_EXPORT),
        ("title", MEMBER.title, models.LinkedInSource.LINKEDIN_EXPORT),
    ]


async def test_an_export_updates_what_a_mail_stub_filled_without_a_suggestion(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: a mail stub created the member's candidate with an older title
    job_id = await make_job(sessions, tenant.id)
    async with sessions() as db:
        await apply_mail_stubs(db, tenant.id, [_stub_of(MEMBER, title="Junior Engineer")])
        await db.commit()
    # when
    outcome = await exports.process_export(services, tenant, await export(sandbox, job_id))
    # then
    assert outcome.candidate is not None
    assert outcome.candidate.id is not None
    assert (outcome.created, outcome.candidate.title) == (False, MEMBER.title)
    assert await suggestions(sessions, outcome.candidate.id) == []


def _stub_of(member: Member, *, title: str) -> MailStub:
    return MailStub(
        id="stub-1",
        owner_seat_urn=SEAT,
        member_urn=member.urn,
        first_name=member.first_name,
        last_name=member.last_name,
        email=member.email,
        phone=member.phone,
        title=title,
        city=member.city,
        profile_url=member.profile_url,
        # Long before any export the test makes.
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
    )


async def test_processing_a_done_export_again_changes_nothing(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given
    job_id = await make_job(sessions, tenant.id)
    request_id = await export(sandbox, job_id)
    first = await exports.process_export(services, tenant, request_id)
    # when
    again = await exports.process_export(services, tenant, request_id)
    # then
    assert again.request.status == models.ExportStatus.DONE
    assert (again.created, again.request.attempts) == (True, 2)
    assert again.candidate is not None
    assert first.candidate is not None
    assert again.candidate.id == first.candidate.id
    assert await candidate_count(sessions) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_export_usage_counts_this_months_exports_per_seat(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory
) -> None:
    # given: two processed exports by one seat, and a recruiter holding another seat
    job_id = await make_job(sessions, tenant.id)
    for member in (WORLD.members[211], WORLD.members[212]):
        await exports.process_export(services, tenant, await export(sandbox, job_id, member))
    async with sessions() as db:
        await add_user(
            db, tenant.id, seat_urn=WORLD.seats[1].urn, first_name="R", last_name="S", email="r@ats.example"
        )
        await db.commit()
    # when
    usage = await export_usage(sessions, tenant.id, 300)
    # then
    month = month_bounds(models.utcnow())[0].strftime("%Y-%m")
    assert [(u.seat_urn, u.month, u.used, u.remaining, u.recruiter is not None) for u in usage] == [
        (SEAT, month, 2, 298, False),
        (WORLD.seats[1].urn, month, 0, 300, True),
    ]


async def candidates_of(sessions: SessionFactory, customer_id: int) -> list[models.Candidate]:
    async with sessions() as db:
        statement = select(models.Candidate).where(models.Candidate.customer_id == customer_id)
        return list((await db.exec(statement)).all())


async def test_an_export_of_another_customer_is_fetched_from_its_app_and_lands_in_its_ats_only(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory, settings: Settings
) -> None:
    # given: a second customer with its own child app; the member is exported to its job in its world
    globex, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert globex.id is not None
    other = await services.tenants.get(globex.id)
    member = (await sandbox.admin("GET", f"world?app={app.client_id}"))["members"][0]
    job_id = await make_job(sessions, other.id)
    request_id = await export(sandbox, job_id, member["urn"], app=app.client_id)
    # when
    outcome = await exports.process_export(services, other, request_id)
    # then: done for that customer, its candidate created there; the first customer holds nothing
    assert (outcome.request.status, outcome.request.customer_id) == (models.ExportStatus.DONE, other.id)
    assert [c.email for c in await candidates_of(sessions, other.id)] == [member["emailAddress"].lower()]
    assert await candidates_of(sessions, tenant.id) == []
    assert await exports.export_request(sessions, tenant.id, request_id) is None


async def test_the_first_customers_app_cannot_fetch_an_export_of_another_customer(
    sandbox: Sandbox, services: Services, tenant: Tenant, sessions: SessionFactory, settings: Settings
) -> None:
    # given: an export in the second customer's world, processed as the first customer's (a push to the
    # wrong URL that still got through)
    _, app = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    member = (await sandbox.admin("GET", f"world?app={app.client_id}"))["members"][0]
    request_id = await export(sandbox, 5, member["urn"], app=app.client_id)
    # when
    outcome = await exports.process_export(services, tenant, request_id)
    # then: the first customer's LinkedIn knows no such export
    assert (outcome.request.status, outcome.request.error) == (
        models.ExportStatus.FAILED,
        "LinkedIn has no such export",
    )
    assert await candidate_count(sessions) == 0


async def test_one_request_id_at_two_customers_is_two_exports(
    services: Services, tenant: Tenant, sessions: SessionFactory, settings: Settings, sandbox: Sandbox
) -> None:
    # given: LinkedIn's ids are unique per customer only
    globex, _ = await add_child_customer(sessions, settings, sandbox, key="globex", name="Globex Talent")
    assert globex.id is not None
    push = PushNotification(id="req-1", type=EXPORT_CANDIDATE_PROFILE, request_id="req-1", expires_at=None)
    # when
    first = await exports.record_notification(sessions, tenant.id, push)
    second = await exports.record_notification(sessions, globex.id, push)
    replay = await exports.record_notification(sessions, globex.id, push)
    # then
    assert (first.new, second.new, replay.new) == (True, True, False)
    assert await exports.pending_request_ids(sessions, tenant.id) == ["req-1"]
    assert await exports.pending_request_ids(sessions, globex.id) == ["req-1"]

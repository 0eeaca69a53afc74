"""`linkedin_identity.profile_url_key`: backfilled by 0009_perf, and kept by every write of the model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

import models
from app.migrations import upgrade_async
from models.base import UTCDateTime
from models.db import SessionFactory, create_engine
from models.profile_urls import profile_url_key
from models.upsert import table_of
from tests.conftest import BACKENDS, scratch_postgres

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
AT = sa.bindparam("at", type_=UTCDateTime())


@pytest.fixture(params=BACKENDS)
async def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend of this test's own."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
        return
    async with scratch_postgres("rscgraph_url_key") as url:
        yield url


def test_every_spelling_of_a_profile_has_one_key() -> None:
    spellings = [
        "https://www.linkedin.com/in/Ada-L",
        "http://linkedin.com/in/ada-l/",
        "www.linkedin.com/in/ADA-L?trk=search",
        "https://de.linkedin.com/in/ada-l#about",
    ]
    assert {profile_url_key(s) for s in spellings} == {"https://www.linkedin.com/in/ada-l"}
    assert profile_url_key("https://example.com/in/ada") is None
    assert profile_url_key(None) is None


async def test_0009_keys_the_profile_urls_already_stored(unmigrated_url: str) -> None:
    # given a 0006 database with identities whose URLs are spelled three ways, one not a profile URL
    await upgrade_async(unmigrated_url, "0006")
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO customer (id, key, name, linkedin_client_id, "
                    "linkedin_client_secret_encrypted, linkedin_org_urn, linkedin_contract_urn, "
                    "job_availability, legacy_webhook, project_visibility, created_at, updated_at) "
                    "VALUES (1, 'acme', 'Acme', 'acme-app', 'x', 'o', 'c', 'PUBLIC', false, "
                    "'ORGANIZATION', :at, :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
            urls = ["http://linkedin.com/in/Ada/", "https://www.linkedin.com/in/bob", "not a url", None]
            for row_id, url in enumerate(urls, start=1):
                await connection.execute(
                    sa.text(
                        "INSERT INTO candidate (customer_id, id, source, do_not_contact, created_at, "
                        "updated_at) VALUES (1, :id, 'MANUAL', false, :at, :at)"
                    ).bindparams(AT),
                    {"id": row_id, "at": WHEN},
                )
                await connection.execute(
                    sa.text(
                        "INSERT INTO linkedin_identity (customer_id, id, candidate_id, person_urn, "
                        "profile_url, match_source, matched_at) "
                        "VALUES (1, :id, :id, :urn, :url, 'MANUAL', :at)"
                    ).bindparams(AT),
                    {"id": row_id, "urn": f"urn:li:person:{row_id}", "url": url, "at": WHEN},
                )
        # when
        await upgrade_async(unmigrated_url)
        # then
        async with engine.connect() as connection:
            keys = (
                await connection.execute(
                    sa.text("SELECT id, profile_url_key FROM linkedin_identity ORDER BY id")
                )
            ).all()
        assert [tuple(k) for k in keys] == [
            (1, "https://www.linkedin.com/in/ada"),
            (2, "https://www.linkedin.com/in/bob"),
            (3, None),
            (4, None),
        ]
    finally:
        await engine.dispose()


async def test_orm_and_core_writes_key_the_profile_url(sessions: SessionFactory, customer_id: int) -> None:
    # given two candidates
    async with sessions() as session:
        ada = models.Candidate(customer_id=customer_id, first_name="Ada")
        bob = models.Candidate(customer_id=customer_id, first_name="Bob")
        session.add_all([ada, bob])
        await session.flush()
        assert ada.id is not None
        assert bob.id is not None
        # when: one identity written through the ORM, one with a Core insert, then the first one's URL
        # changed through the ORM
        orm = models.LinkedInIdentity(
            customer_id=customer_id,
            candidate_id=ada.id,
            person_urn="urn:li:person:ada",
            profile_url="https://linkedin.com/in/Ada/",
            match_source=models.MatchSource.MANUAL,
        )
        session.add(orm)
        await session.exec(
            sa.insert(table_of(models.LinkedInIdentity)).values(
                customer_id=customer_id,
                candidate_id=bob.id,
                person_urn="urn:li:person:bob",
                profile_url="http://www.linkedin.com/in/BOB",
                match_source=models.MatchSource.MANUAL,
                matched_at=WHEN,
            )
        )
        await session.commit()
        orm.profile_url = "https://www.linkedin.com/in/ada-lovelace"
        session.add(orm)
        await session.commit()
        identity = table_of(models.LinkedInIdentity)
        connection = await session.connection()
        keys = (
            await connection.execute(
                sa.select(identity.c.person_urn, identity.c.profile_url_key).order_by(identity.c.person_urn)
            )
        ).all()
    # then
    assert [tuple(k) for k in keys] == [
        ("urn:li:person:ada", "https://www.linkedin.com/in/ada-lovelace"),
        ("urn:li:person:bob", "https://www.linkedin.com/in/bob"),
    ]

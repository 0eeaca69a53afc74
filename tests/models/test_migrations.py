"""Migrations build exactly the tables the models declare, and the app refuses an unmigrated database."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from cryptography.fernet import Fernet
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from app.migrations import (
    DatabaseNotMigrated,
    alembic_config,
    current_revision,
    ensure_migrated,
    head_revision,
    upgrade_async,
)
from models.base import UTCDateTime
from models.db import create_engine
from tests.conftest import BACKENDS, scratch_postgres

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
AT = sa.bindparam("at", type_=UTCDateTime())


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database down to `revision` (blocking)."""
    command.downgrade(alembic_config(database_url), revision)


async def test_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    assert await _model_differences(engine) == []
    assert await current_revision(engine) == head_revision()


async def _model_differences(engine: AsyncEngine) -> list[object]:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        with warnings.catch_warnings():
            # SQLite's reflection cannot read an index on an expression (lower(email)); Alembic then
            # leaves it out of the comparison, and the tests of the index's behaviour cover it.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based")
            return list(compare_metadata(context, SQLModel.metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    return _without_key_spellings(differences, sqlite=engine.dialect.name == "sqlite")


def _without_key_spellings(differences: list[object], *, sqlite: bool) -> list[object]:
    """The differences less the spellings of models/tenant_keys.py's DDL hooks, which the models
    declare in their composite form: a key whose delete nulls one column (`SET NULL (col)` on
    PostgreSQL; on SQLite a reference to the one-column id), and on SQLite `id` as the INTEGER PRIMARY
    KEY with `(customer_id, id)` a unique key."""
    nulling = {
        constraint.name
        for table in SQLModel.metadata.tables.values()
        for constraint in table.foreign_key_constraints
        if constraint.info.get("set_null_columns")
    }

    def spelled(item: object) -> bool:
        if not isinstance(item, tuple):
            return False
        kind, thing = item[0], item[1]
        if kind in ("add_fk", "remove_fk"):
            return thing.name in nulling
        columns = {column.name for column in getattr(thing, "columns", [])}
        return sqlite and kind == "remove_constraint" and columns == {"customer_id", "id"}

    return [d for d in differences if not spelled(d)]


async def test_server_refuses_an_unmigrated_database_and_names_the_fix(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        try:
            await ensure_migrated(engine)
        except DatabaseNotMigrated as exc:
            message = str(exc)
        else:
            raise AssertionError("an empty database was accepted")
    finally:
        await engine.dispose()

    assert "rscgraph migrate" in message
    assert "database is at migration none" in message


@pytest.fixture(params=BACKENDS)
async def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend of this test's own (it is migrated step by step)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
        return
    async with scratch_postgres("rscgraph_steps") as url:
        yield url


async def test_0002_keeps_every_candidate_and_flags_earlier_duplicates_for_review(
    unmigrated_url: str,
) -> None:
    # given a 0001 database where two emails are held by several candidates (one in another case)
    await upgrade_async(unmigrated_url, "0001")
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as connection:
            for n, email in enumerate(
                ["ada@example.com", "grace@example.com", "ADA@example.com", None, "ada@example.com", None]
            ):
                await connection.execute(
                    sa.text(
                        "INSERT INTO candidate (id, first_name, email, source, do_not_contact, created_at, "
                        "updated_at) VALUES (:id, :name, :email, 'MANUAL', false, :at, :at)"
                    ).bindparams(AT),
                    {"id": n + 1, "name": f"c{n + 1}", "email": email, "at": WHEN},
                )
            await connection.execute(
                sa.text(
                    "INSERT INTO note (id, candidate_id, author, body, created_at) "
                    "VALUES (1, 5, 'me', 'kept', :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
        # when
        await upgrade_async(unmigrated_url, "0002")
        # then every row is there, the oldest of each email holds it and the later ones point at it
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    sa.text("SELECT id, email, possible_duplicate_of_id FROM candidate ORDER BY id")
                )
            ).all()
            notes = (await connection.execute(sa.text("SELECT candidate_id, body FROM note"))).all()
        assert [tuple(r) for r in rows] == [
            (1, "ada@example.com", None),
            (2, "grace@example.com", None),
            (3, "ADA@example.com", 1),
            (4, None, None),
            (5, "ada@example.com", 1),
            (6, None, None),
        ]
        assert [tuple(n) for n in notes] == [(5, "kept")]
        # and from now on the index refuses another holder of a held email, in any case
        with pytest.raises(sa.exc.IntegrityError, match="uq_candidate_email"):
            async with engine.begin() as connection:
                await connection.execute(
                    sa.text(
                        "INSERT INTO candidate (id, first_name, email, source, do_not_contact, created_at, "
                        "updated_at) VALUES (7, 'new', 'Grace@Example.com', 'MANUAL', false, :at, :at)"
                    ).bindparams(AT),
                    {"at": WHEN},
                )
        # and the migration goes back down and up again
        await asyncio.to_thread(downgrade, unmigrated_url, "0001")
        await upgrade_async(unmigrated_url, "0002")
    finally:
        await engine.dispose()


# One row in every table of the single-customer schema (0003), each pointing at the others.
_SINGLE_CUSTOMER_ROWS = [
    "INSERT INTO recruiter (id, first_name, last_name, email, person_urn, seat_urn, created_at) "
    "VALUES (3, 'Rae', 'Cruiter', 'rae@ats.test', 'urn:li:person:r', 'urn:li:seat:1', :at)",
    "INSERT INTO candidate (id, first_name, last_name, email, source, do_not_contact, created_at, "
    "updated_at) VALUES (7, 'Ada', 'Lovelace', 'ada@example.com', 'MANUAL', false, :at, :at)",
    "INSERT INTO candidate (id, first_name, email, source, do_not_contact, created_at, updated_at, "
    "possible_duplicate_of_id) VALUES (8, 'Ada2', 'ADA@example.com', 'LINKEDIN_EXPORT', false, :at, :at, 7)",
    "INSERT INTO job (id, title, description, state, availability, created_at, updated_at) "
    "VALUES (5, 'Engineer', '', 'OPEN', 'PUBLIC', :at, :at)",
    "INSERT INTO application (id, candidate_id, job_id, status, created_at, last_activity_at) "
    "VALUES (11, 7, 5, 'Applied', :at, :at)",
    "INSERT INTO application_stage (id, application_id, stage, at) VALUES (13, 11, 'Screen', :at)",
    "INSERT INTO note (id, candidate_id, application_id, author, body, created_at) "
    "VALUES (17, 7, 11, 'rae', 'kept', :at)",
    "INSERT INTO linkedin_identity (id, candidate_id, person_urn, match_source, matched_at) "
    "VALUES (19, 7, 'urn:li:person:ada', 'EXPORT', :at)",
    "INSERT INTO linkedin_profile (id, candidate_id, person_urn, algorithmic_matches, fetched_at) "
    "VALUES (23, 7, 'urn:li:person:ada', '[]', :at)",
    "INSERT INTO linkedin_fill (id, candidate_id, field, value, source, at) "
    "VALUES (29, 7, 'phone', '+1 555', 'LINKEDIN_INMAIL', :at)",
    "INSERT INTO linkedin_suggestion (id, candidate_id, field, value, source, at) "
    "VALUES (31, 7, 'title', 'CTO', 'LINKEDIN_INMAIL', :at)",
    "INSERT INTO inmail_thread (id, seat_urn, member_urn, last_message_at, message_count) "
    "VALUES (37, 'urn:li:seat:1', 'urn:li:person:ada', :at, 1)",
    "INSERT INTO inmail_message (id, event_id, thread_id, conversation_urn, author_urn, direction, body, "
    "sent_at) VALUES (41, 'ev-1', 37, 'urn:li:conv:1', 'urn:li:person:r', 'OUTBOUND', 'hello', :at)",
    "INSERT INTO linkedin_note (id, note_id, owner_seat_urn, member_urn, body, active, created_at, "
    "updated_at) VALUES (43, 'n-1', 'urn:li:seat:1', 'urn:li:person:ada', 'note', true, :at, :at)",
    "INSERT INTO sync_watermark (id, stream, seat_urn, watermark, updated_at) "
    "VALUES (47, 'conversation_events', 'urn:li:seat:1', :at, :at)",
    "INSERT INTO outbox_event (id, entity_type, entity_id, op, key, status, attempts, next_attempt_at, "
    "created_at) VALUES (53, 'CANDIDATE', 7, 'UPSERT', '{}', 'PENDING', 2, :at, :at)",
    "INSERT INTO sync_status (id, entity_type, entity_id, status, last_pushed_at, updated_at) "
    "VALUES (59, 'CANDIDATE', 7, 'SENT', :at, :at)",
    "INSERT INTO export_request (id, request_id, status, candidate_id, application_id, attempts, "
    "received_at) VALUES (61, 'req-1', 'DONE', 8, 11, 1, :at)",
    "INSERT INTO webhook_notification (id, notification_id, type, payload, received_at) "
    "VALUES (67, 'push-1', 'CANDIDATE_EXPORT', '{}', :at)",
]
_KEPT = {
    "recruiter": (3, "rae@ats.test"),
    "candidate": (7, "ada@example.com"),
    "job": (5, "Engineer"),
    "application": (11, "Applied"),
    "application_stage": (13, "Screen"),
    "note": (17, "kept"),
    "linkedin_identity": (19, "urn:li:person:ada"),
    "linkedin_profile": (23, "urn:li:person:ada"),
    "linkedin_fill": (29, "+1 555"),
    "linkedin_suggestion": (31, "CTO"),
    "inmail_thread": (37, "urn:li:person:ada"),
    "inmail_message": (41, "ev-1"),
    "linkedin_note": (43, "n-1"),
    "sync_watermark": (47, "conversation_events"),
    "outbox_event": (53, "PENDING"),
    "sync_status": (59, "SENT"),
    "export_request": (61, "req-1"),
    "webhook_notification": (67, "push-1"),
}
_SHOWN_COLUMN = {
    "recruiter": "email",
    "candidate": "email",
    "job": "title",
    "application": "status",
    "application_stage": "stage",
    "note": "body",
    "linkedin_identity": "person_urn",
    "linkedin_profile": "person_urn",
    "linkedin_fill": "value",
    "linkedin_suggestion": "value",
    "inmail_thread": "member_urn",
    "inmail_message": "event_id",
    "linkedin_note": "note_id",
    "sync_watermark": "stream",
    "outbox_event": "status",
    "sync_status": "status",
    "export_request": "request_id",
    "webhook_notification": "notification_id",
}


async def test_0004_makes_one_customer_of_a_single_customer_database_and_keeps_every_row(
    unmigrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a populated database of the single-customer schema, and today's single-customer settings
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("RSC_SECRET_KEYS", key)
    monkeypatch.setenv("RSC_LINKEDIN_CLIENT_ID", "acme-child-app")
    monkeypatch.setenv("RSC_LINKEDIN_CLIENT_SECRET", "s3cret-value")
    monkeypatch.setenv("RSC_LINKEDIN_ORG_URN", "urn:li:organization:77")
    monkeypatch.setenv("RSC_LINKEDIN_CONTRACT_URN", "urn:li:contract:88")
    await upgrade_async(unmigrated_url, "0003")
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as connection:
            for statement in _SINGLE_CUSTOMER_ROWS:
                await connection.execute(sa.text(statement).bindparams(AT), {"at": WHEN})
        # when
        await upgrade_async(unmigrated_url, "0004")
        # then one customer holds the settings' instance, its secret encrypted, and the old webhook URL
        async with engine.connect() as connection:
            customers = (await connection.execute(sa.text("SELECT * FROM customer"))).mappings().all()
            assert len(customers) == 1
            first = customers[0]
            assert (first["id"], first["key"], first["linkedin_client_id"]) == (
                1,
                "default",
                "acme-child-app",
            )
            assert (first["linkedin_org_urn"], first["linkedin_contract_urn"]) == (
                "urn:li:organization:77",
                "urn:li:contract:88",
            )
            assert bool(first["legacy_webhook"]) is True
            stored = first["linkedin_client_secret_encrypted"]
            assert "s3cret-value" not in stored
            assert Fernet(key.encode()).decrypt(stored.encode()) == b"s3cret-value"
            # and every row is still there, with its id and values, now the first customer's
            for table, (row_id, value) in _KEPT.items():
                rows = (
                    await connection.execute(
                        sa.text(f"SELECT customer_id, id, {_SHOWN_COLUMN[table]} FROM {table}")  # noqa: S608
                    )
                ).all()
                assert [tuple(r) for r in rows if r[1] == row_id] == [(1, row_id, value)], table
            duplicate = (
                await connection.execute(
                    sa.text("SELECT possible_duplicate_of_id FROM candidate WHERE id = 8")
                )
            ).scalar()
            assert duplicate == 7
        # and the keys hold per customer: a second customer may repeat the email and the member
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO customer (id, key, name, linkedin_client_id, "
                    "linkedin_client_secret_encrypted, linkedin_org_urn, linkedin_contract_urn, "
                    "job_availability, legacy_webhook, created_at, updated_at) "
                    "VALUES (2, 'globex', 'Globex', 'globex-app', 'x', 'o', 'c', 'PUBLIC', false, :at, :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
            await connection.execute(
                sa.text(
                    "INSERT INTO candidate (customer_id, first_name, email, source, do_not_contact, "
                    "created_at, updated_at) VALUES (2, 'Ada', 'ada@example.com', 'MANUAL', false, :at, :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
        new_id = await _scalar(engine, "SELECT max(id) FROM candidate WHERE customer_id = 2")
        assert isinstance(new_id, int)
        assert new_id > 8  # ids go on from the migrated ones
        # but within the first customer the email is still held once
        with pytest.raises(sa.exc.IntegrityError, match="uq_candidate_email"):
            async with engine.begin() as connection:
                await connection.execute(
                    sa.text(
                        "INSERT INTO candidate (customer_id, email, source, do_not_contact, created_at, "
                        "updated_at) VALUES (1, 'Ada@Example.com', 'MANUAL', false, :at, :at)"
                    ).bindparams(AT),
                    {"at": WHEN},
                )
        # and no row may point into another customer: the second customer's candidate on the first's job
        with pytest.raises(sa.exc.IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(
                    sa.text(
                        "INSERT INTO application (customer_id, candidate_id, job_id, status, created_at, "
                        "last_activity_at) VALUES (2, :candidate, 5, 'Applied', :at, :at)"
                    ).bindparams(AT),
                    {"candidate": new_id, "at": WHEN},
                )
        # and deleting a candidate still cascades to its rows and nulls the export's reference only
        async with engine.begin() as connection:
            await connection.execute(sa.text("DELETE FROM candidate WHERE customer_id = 1 AND id = 8"))
            await connection.execute(sa.text("DELETE FROM candidate WHERE customer_id = 1 AND id = 7"))
        assert await _scalar(engine, "SELECT count(*) FROM application") == 0
        assert await _scalar(engine, "SELECT count(*) FROM note") == 0
        assert await _scalar(engine, "SELECT count(*) FROM linkedin_identity") == 0
        export = await _row(engine, "SELECT customer_id, candidate_id, application_id FROM export_request")
        assert export == (1, None, None)
    finally:
        await engine.dispose()


async def test_0004_gives_an_empty_database_no_customer(unmigrated_url: str) -> None:
    # given an empty database of the single-customer schema
    await upgrade_async(unmigrated_url, "0003")
    # when it is migrated
    await upgrade_async(unmigrated_url)
    # then no customer is made up from settings: customers are onboarded
    engine = create_engine(unmigrated_url)
    try:
        assert await _scalar(engine, "SELECT count(*) FROM customer") == 0
    finally:
        await engine.dispose()


async def _scalar(engine: AsyncEngine, statement: str) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(sa.text(statement))).scalar()


async def _row(engine: AsyncEngine, statement: str) -> tuple[object, ...]:
    async with engine.connect() as connection:
        row = (await connection.execute(sa.text(statement))).one()
    return tuple(row)


async def test_0005_makes_each_recruiter_a_user_with_the_seat_it_held(unmigrated_url: str) -> None:
    # given a 0004 database with two recruiters of one customer, one of them holding a seat
    await upgrade_async(unmigrated_url, "0004")
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO customer (id, key, name, linkedin_client_id, "
                    "linkedin_client_secret_encrypted, linkedin_org_urn, linkedin_contract_urn, "
                    "job_availability, legacy_webhook, created_at, updated_at) "
                    "VALUES (1, 'acme', 'Acme', 'acme-app', 'x', 'o', 'c', 'PUBLIC', false, :at, :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
            for row_id, email, seat in ((3, "Rae@ATS.test", "urn:li:seat:1"), (9, "sam@ats.test", None)):
                await connection.execute(
                    sa.text(
                        "INSERT INTO recruiter (customer_id, id, first_name, last_name, email, person_urn, "
                        "seat_urn, created_at) VALUES (1, :id, 'R', 'S', :email, :person, :seat, :at)"
                    ).bindparams(AT),
                    {
                        "id": row_id,
                        "email": email,
                        "person": f"urn:li:person:{row_id}",
                        "seat": seat,
                        "at": WHEN,
                    },
                )
        # when
        await upgrade_async(unmigrated_url)
        # then the schema is the models' own
        assert await _model_differences(engine) == []
        async with engine.connect() as connection:
            users = (
                await connection.execute(
                    sa.text(
                        "SELECT customer_id, id, email, person_urn, roles, source FROM ats_user ORDER BY id"
                    )
                )
            ).all()
            seats = (
                await connection.execute(
                    sa.text("SELECT seat_urn, holder_person_urn, user_id, mapped_by FROM seat")
                )
            ).all()
        # and each recruiter is a user of the same id (email lower-cased), a recruiter by role
        assert [tuple(u) for u in users] == [
            (1, 3, "rae@ats.test", "urn:li:person:3", "recruiter", "ADMIN"),
            (1, 9, "sam@ats.test", "urn:li:person:9", "recruiter", "ADMIN"),
        ]
        # and the seat names its user, as an admin had mapped it
        assert [tuple(s) for s in seats] == [("urn:li:seat:1", "urn:li:person:3", 3, "ADMIN")]
        # and new users get later ids than the copied ones
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO ats_user (customer_id, first_name, last_name, email, roles, source, "
                    "created_at) VALUES (1, '', '', 'new@ats.test', 'admin', 'TOKEN', :at)"
                ).bindparams(AT),
                {"at": WHEN},
            )
        assert await _scalar(engine, "SELECT id FROM ats_user WHERE email = 'new@ats.test'") == 10
    finally:
        await engine.dispose()

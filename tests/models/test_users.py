"""`upsert_signed_in_user`: a user made on first sight, exactly once however many first requests race,
one statement for a known user, and an admin-made user taking its subject."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

import models
from models.db import SessionFactory
from models.users import SignedInUser, SignInConflict, upsert_signed_in_user

SEEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def sign_in(
    sessions: SessionFactory,
    customer_id: int,
    *,
    subject: str = "idp|ada",
    email: str = "Ada@Acme.test",
    at: datetime = SEEN,
) -> SignedInUser:
    async with sessions() as db:
        user = await upsert_signed_in_user(
            db,
            customer_id,
            subject=subject,
            email=email,
            first_name="Ada",
            last_name="Lovelace",
            roles="recruiter",
            seen_at=at,
        )
        await db.commit()
    return user


async def users_of(sessions: SessionFactory, customer_id: int) -> list[models.User]:
    async with sessions() as db:
        return list((await db.exec(select(models.User).where(models.User.customer_id == customer_id))).all())


async def test_ten_concurrent_first_sign_ins_make_one_user(
    sessions: SessionFactory, customer_id: int
) -> None:
    # when
    signed_in = await asyncio.gather(*(sign_in(sessions, customer_id) for _ in range(10)))
    # then
    rows = await users_of(sessions, customer_id)
    assert [(u.email, u.subject, u.source) for u in rows] == [
        ("ada@acme.test", "idp|ada", models.UserSource.TOKEN)
    ]
    assert {user.id for user in signed_in} == {rows[0].id}
    assert [user.created for user in signed_in].count(True) == 1


async def test_a_known_user_costs_one_statement_that_records_when_it_was_seen(
    sessions: SessionFactory, customer_id: int, sql_log: list[str]
) -> None:
    # given
    first = await sign_in(sessions, customer_id)
    sql_log.clear()
    # when
    later = await sign_in(sessions, customer_id, at=SEEN + timedelta(minutes=5))
    # then
    assert later == SignedInUser(first.id, created=False, roles="recruiter")
    assert [s.split()[0] for s in sql_log if not s.startswith(("BEGIN", "COMMIT"))] == ["UPDATE"]
    rows = await users_of(sessions, customer_id)
    assert [(u.created_at, u.last_seen_at) for u in rows] == [(SEEN, SEEN + timedelta(minutes=5))]


async def test_a_user_an_admin_made_takes_the_subject_of_its_first_sign_in(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    async with sessions() as db:
        db.add(models.User(customer_id=customer_id, email="ada@acme.test", first_name="Ada", roles="admin"))
        await db.commit()
    # when
    user = await sign_in(sessions, customer_id)
    # then
    rows = await users_of(sessions, customer_id)
    assert rows[0].id is not None
    assert user == SignedInUser(rows[0].id, created=False, roles="recruiter")
    assert [(u.email, u.subject, u.roles, u.source) for u in rows] == [
        ("ada@acme.test", "idp|ada", "recruiter", models.UserSource.ADMIN)
    ]


async def test_an_email_of_another_subject_is_a_conflict(sessions: SessionFactory, customer_id: int) -> None:
    # given
    await sign_in(sessions, customer_id, subject="idp|ada")
    # when / then
    with pytest.raises(SignInConflict):
        await sign_in(sessions, customer_id, subject="idp|impostor")
    assert len(await users_of(sessions, customer_id)) == 1

"""`SignedInUsers`: a known user is answered from memory for a minute (no statement per request), then
one statement records it was seen; a user whose email is another's is refused."""

from __future__ import annotations

import pytest
from sqlmodel import select

import models
from models.db import SessionFactory
from resolvers.sign_in import SignedInUsers, SignInRefused
from resolvers.viewer import Role

RECRUITER = frozenset({Role.RECRUITER})


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_known_user_costs_no_statement_within_a_minute_and_one_after(
    sessions: SessionFactory, customer_id: int, sql_log: list[str]
) -> None:
    # given
    clock = Clock()
    users = SignedInUsers(sessions, clock=clock)
    first = await users.signed_in(
        customer_id, subject="idp|ada", email="ada@acme.test", name="Ada", roles=RECRUITER
    )
    sql_log.clear()
    # when: 50 requests within the minute, then one after it
    within = {
        await users.signed_in(
            customer_id, subject="idp|ada", email="ada@acme.test", name="Ada", roles=RECRUITER
        )
        for _ in range(50)
    }
    statements_within = len(sql_log)
    clock.now += 60.0
    after = await users.signed_in(
        customer_id, subject="idp|ada", email="ada@acme.test", name="Ada", roles=RECRUITER
    )
    # then
    assert (within, after) == ({first}, first)
    assert statements_within == 0
    assert [s.split()[0] for s in sql_log if not s.startswith(("BEGIN", "COMMIT"))] == ["UPDATE"]


async def test_the_same_subject_in_two_customers_is_two_users(
    sessions: SessionFactory, customer_id: int, settings: object
) -> None:
    # given
    from tests.child_apps import other_customer_id

    other = await other_customer_id(sessions, settings)  # type: ignore[arg-type]
    users = SignedInUsers(sessions)
    # when
    ids = [
        (
            await users.signed_in(
                customer, subject="idp|ada", email="ada@acme.test", name=None, roles=RECRUITER
            )
        ).user_id
        for customer in (customer_id, other)
    ]
    # then
    async with sessions() as db:
        rows = (await db.exec(select(models.User.customer_id, models.User.id))).all()
    assert sorted(rows) == sorted([(customer_id, ids[0]), (other, ids[1])])


async def test_a_token_whose_email_is_another_users_is_refused(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    users = SignedInUsers(sessions)
    await users.signed_in(customer_id, subject="idp|ada", email="ada@acme.test", name=None, roles=RECRUITER)
    # when / then
    with pytest.raises(SignInRefused):
        await users.signed_in(
            customer_id, subject="idp|eve", email="ADA@acme.test", name=None, roles=RECRUITER
        )


async def test_a_new_users_first_sign_in_is_in_the_audit_log_once_and_a_known_ones_is_not(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given
    clock = Clock()
    users = SignedInUsers(sessions, clock=clock)
    # when: a first sign-in, and the same user again after the in-process memory lapsed
    first = await users.signed_in(
        customer_id, subject="idp|new", email="new@acme.test", name="New", roles=RECRUITER
    )
    clock.now += 3600.0
    await users.signed_in(customer_id, subject="idp|new", email="new@acme.test", name="New", roles=RECRUITER)
    # then: one entry, in the customer's log, naming the user by id only
    async with sessions() as db:
        entries = (await db.exec(select(models.AuditEntry))).all()
    assert [(e.customer_id, e.action, e.actor, e.actor_user_id) for e in entries] == [
        (customer_id, "newUserSignedIn", "new@acme.test", first.user_id)
    ]


@pytest.mark.parametrize(
    ("subject", "email"),
    [("idp|" + "a" * 300, "ada@acme.test"), ("idp|ada", "a" * 400 + "@acme.test")],
    ids=["subject", "email"],
)
async def test_a_token_subject_or_email_longer_than_a_user_row_holds_is_refused_and_stores_nothing(
    sessions: SessionFactory, customer_id: int, subject: str, email: str
) -> None:
    # given
    users = SignedInUsers(sessions)
    # when / then
    with pytest.raises(SignInRefused):
        await users.signed_in(customer_id, subject=subject, email=email, name=None, roles=RECRUITER)
    async with sessions() as db:
        assert (await db.exec(select(models.User))).all() == []


async def test_without_a_roles_claim_a_user_has_its_stored_roles_and_sign_in_keeps_them(
    sessions: SessionFactory, customer_id: int
) -> None:
    # given: a user an admin made an admin (stored roles), and one an admin gave operator by hand
    async with sessions() as db:
        db.add(models.User(customer_id=customer_id, email="ada@acme.test", roles="admin,recruiter"))
        db.add(models.User(customer_id=customer_id, email="eve@acme.test", roles="operator,recruiter"))
        await db.commit()
    users = SignedInUsers(sessions)
    # when: their tokens carry no roles claim
    ada = await users.signed_in(customer_id, subject="idp|ada", email="ada@acme.test", name=None, roles=None)
    eve = await users.signed_in(customer_id, subject="idp|eve", email="eve@acme.test", name=None, roles=None)
    # then: the stored roles, kept (operator never comes from a row)
    assert (ada.roles, eve.roles) == (frozenset({Role.ADMIN, Role.RECRUITER}), RECRUITER)
    async with sessions() as db:
        stored = (
            await db.exec(select(models.User.email, models.User.roles).order_by(models.User.email))
        ).all()
    assert sorted(stored) == [("ada@acme.test", "admin,recruiter"), ("eve@acme.test", "operator,recruiter")]

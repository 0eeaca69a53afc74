"""A user's ACL assignments follow it on LinkedIn when its person URN changes or it is deleted: the
outbox row keeps the URN LinkedIn knows it by, and the sender reconciles both."""

from __future__ import annotations

from typing import Any

from linkedin.restli import parse_key
from models import AclGroup, AclGroupUser, OutboxOp, SyncEntity, User
from models.db import SessionFactory, write_session
from models.outbox_writes import enqueue
from resolvers.acls import enqueue_assignee_sync
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox

OLD = "urn:li:person:old-urn"
NEW = "urn:li:person:new-urn"


async def _assignees(sandbox: Sandbox) -> list[tuple[str, str]]:
    state: dict[str, Any] = await sandbox.admin("GET", "state")
    return sorted((parse_key(k)["atsEntityAclId"], parse_key(k)["assignee"]) for k in state["aclAssignees"])


async def _user_in_group(sessions: SessionFactory, customer_id: int) -> tuple[int, str]:
    async with write_session(sessions) as db:
        user = User(customer_id=customer_id, email="moves@acme.test", roles="recruiter", person_urn=OLD)
        group = AclGroup(customer_id=customer_id, name="Movers")
        db.add_all([user, group])
        await db.flush()
        assert user.id is not None
        assert group.id is not None
        db.add(AclGroupUser(customer_id=customer_id, group_id=group.id, user_id=user.id))
        enqueue_assignee_sync(db, customer_id, user.id, OLD)
    return user.id, str(group.id)


async def test_a_changed_person_urn_moves_the_assignments_to_the_new_urn(
    sessions: SessionFactory, customer_id: int, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    user_id, group = await _user_in_group(sessions, customer_id)
    await worker.run_until_idle()
    assert await _assignees(sandbox) == [(group, OLD)]
    # when: the URN changes, and the change names the URN LinkedIn knew
    async with write_session(sessions) as db:
        user = await db.get(User, (customer_id, user_id))
        assert user is not None
        user.person_urn = NEW
        enqueue_assignee_sync(db, customer_id, user_id, OLD)
    await worker.run_until_idle()
    # then
    assert await _assignees(sandbox) == [(group, NEW)]


async def test_a_deleted_user_is_unassigned_by_the_urn_its_outbox_row_kept(
    sessions: SessionFactory, customer_id: int, worker: OutboxWorker, sandbox: Sandbox
) -> None:
    # given
    user_id, group = await _user_in_group(sessions, customer_id)
    await worker.run_until_idle()
    # when
    async with write_session(sessions) as db:
        user = await db.get(User, (customer_id, user_id))
        assert user is not None
        enqueue(db, customer_id, SyncEntity.ACL_ASSIGNEE, user_id, OutboxOp.DELETE, {"person_urn": OLD})
        await db.delete(user)
    await worker.run_until_idle()
    # then
    assert await _assignees(sandbox) == []

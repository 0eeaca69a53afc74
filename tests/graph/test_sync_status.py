"""`Query.syncStatus` reports per kind of record what is pending, sent, failed and skipped, and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from strawberry import relay

from app.settings import Settings
from models import Candidate, OutboxOp, SyncEntity
from models.db import SessionFactory
from models.outbox_writes import enqueue
from resolvers.sync.backfill import backfill
from resolvers.sync.worker import OutboxWorker
from resolvers.tenants import Tenant
from tests.child_apps import other_customer_id
from tests.conftest import GraphQL

SYNC_STATUS = """
query ($failures: Int) {
  syncStatus(failures: $failures) {
    initialSyncComplete
    entities {
      entityType pending sent failed skipped
      failures { atsId recordId kind reason }
    }
  }
}
"""


def zero(entity_type: str) -> dict[str, Any]:
    return {"entityType": entity_type, "pending": 0, "sent": 0, "failed": 0, "skipped": 0, "failures": []}


async def add_candidates(sessions: SessionFactory, customer_id: int, *emails: str | None) -> list[int]:
    """The customer's candidates with these emails, each with its outbox row."""
    async with sessions() as db:
        rows = [
            Candidate(customer_id=customer_id, first_name="Kim", last_name="Lee", email=email)
            for email in emails
        ]
        db.add_all(rows)
        await db.flush()
        for row in rows:
            enqueue(db, customer_id, SyncEntity.CANDIDATE, row.id or 0, OutboxOp.UPSERT)
        await db.commit()
        return [row.id or 0 for row in rows]


async def test_sync_status_counts_sent_failed_skipped_and_pending_candidates_with_reasons(
    graphql: GraphQL, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given: one candidate sent, one refused by LinkedIn, one without email, then one not yet sent
    _, refused, skipped = await add_candidates(sessions, tenant.id, "kim@example.com", "kim-at-example", None)
    await OutboxWorker(sessions, tenant).run_once()
    await add_candidates(sessions, tenant.id, "new@example.com")
    # when
    result = await graphql(SYNC_STATUS)
    # then
    assert result.errors is None
    assert result.data == {
        "syncStatus": {
            "initialSyncComplete": False,
            "entities": [
                zero("JOB"),
                zero("ENTITY_ACL"),
                zero("ACL_ASSIGNEE"),
                {
                    "entityType": "CANDIDATE",
                    "pending": 1,
                    "sent": 1,
                    "failed": 1,
                    "skipped": 1,
                    "failures": [
                        {
                            "atsId": skipped,
                            "recordId": relay.to_base64("Candidate", skipped),
                            "kind": "SKIPPED",
                            "reason": "missing email",
                        },
                        {
                            "atsId": refused,
                            "recordId": relay.to_base64("Candidate", refused),
                            "kind": "FAILED",
                            "reason": "LinkedIn 400: Invalid email address 'kim-at-example'",
                        },
                    ],
                },
                zero("CANDIDATE_NOTE"),
                zero("APPLICATION"),
                zero("APPLICATION_NOTE"),
                zero("APPLICATION_STAGE"),
                zero("INTERVIEW_FEEDBACK"),
            ],
        }
    }


async def test_the_initial_sync_is_complete_once_nothing_the_backfill_enqueued_is_pending(
    graphql: GraphQL, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given
    await add_candidates(sessions, tenant.id, "a@example.com", None)
    await backfill(sessions, tenant.id, timedelta(days=730))
    before = await graphql(SYNC_STATUS)
    # when
    await OutboxWorker(sessions, tenant).run_until_idle()
    after = await graphql(SYNC_STATUS)
    # then
    assert before.data is not None
    assert after.data is not None
    assert (
        before.data["syncStatus"]["initialSyncComplete"],
        after.data["syncStatus"]["initialSyncComplete"],
    ) == (
        False,
        True,
    )


async def test_sync_status_runs_the_same_statements_however_many_records_failed(
    graphql: GraphQL, sessions: SessionFactory, tenant: Tenant, sql_log: list[str]
) -> None:
    # given
    await add_candidates(sessions, tenant.id, None)
    await OutboxWorker(sessions, tenant).run_once()
    sql_log.clear()
    await graphql(SYNC_STATUS)
    few = len(sql_log)
    await add_candidates(sessions, tenant.id, *[None] * 30)
    await OutboxWorker(sessions, tenant).run_once()
    sql_log.clear()
    # when
    await graphql(SYNC_STATUS, {"failures": 50})
    # then
    assert len(sql_log) == few


@pytest.mark.parametrize("failures", [-1, 51])
async def test_asking_for_too_many_failures_is_a_coded_client_error(graphql: GraphQL, failures: int) -> None:
    # when
    result = await graphql(SYNC_STATUS, {"failures": failures})
    # then
    assert result.errors is not None
    assert [(e.message, (e.extensions or {}).get("code")) for e in result.errors] == [
        ("`failures` must be between 0 and 50", "BAD_USER_INPUT")
    ]


async def test_sync_status_counts_only_the_viewers_customer(
    graphql: GraphQL, sessions: SessionFactory, settings: Settings, tenant: Tenant
) -> None:
    # given: another customer's candidate waits in its outbox, and its backfill was enqueued
    other = await other_customer_id(sessions, settings)
    await add_candidates(sessions, other, "elsewhere@example.com")
    await backfill(sessions, other, timedelta(days=730))
    # when
    result = await graphql(SYNC_STATUS)
    # then: nothing of it shows
    assert result.errors is None
    assert result.data is not None
    assert result.data["syncStatus"]["entities"] == [
        zero(t)
        for t in (
            "JOB",
            "ENTITY_ACL",
            "ACL_ASSIGNEE",
            "CANDIDATE",
            "CANDIDATE_NOTE",
            "APPLICATION",
            "APPLICATION_NOTE",
            "APPLICATION_STAGE",
            "INTERVIEW_FEEDBACK",
        )
    ]
    assert result.data["syncStatus"]["initialSyncComplete"] is False

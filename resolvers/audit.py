"""The audit log's one way in: who did what, when, in which customer, with ids only (no candidate PII).

Mutations are recorded by graph/audit_log.py after they ran; other events (a new user signed in) call
`record_audit` or `record_new_user_signed_in`. Recording never fails the caller: a failed write is
logged (`audit entry lost`) with what it would have held, and the caller goes on.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

import models
from models import audit_entries, candidate_queries
from models.db import SessionFactory, write_session
from resolvers.viewer import Viewer

log = logging.getLogger("rscgraph.audit")

# The `target` column's size: ids beyond it are counted in `detail.targetsOmitted`, not stored.
TARGET_MAX = 500
# The action of `record_new_user_signed_in`; stable (clients filter the audit log by it).
NEW_USER_SIGNED_IN = "newUserSignedIn"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry to record: the customer it belongs to, who acted, the action, the global ids acted
    on and non-PII facts (codes, roles, booleans; never names, emails or bodies of candidates)."""

    customer_id: int
    actor: str
    action: str
    actor_user_id: int | None = None
    actor_api_key_id: int | None = None
    targets: Sequence[str] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)


def actor_of(viewer: Viewer) -> str:
    """How the audit log names a viewer: its email (or subject), or "api key <id>"."""
    if viewer.api_key_id is not None:
        return f"api key {viewer.api_key_id}"
    return viewer.user or "unknown"


def record_for(
    viewer: Viewer,
    customer_id: int,
    action: str,
    *,
    targets: Sequence[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """An entry of something `viewer` did in `customer_id`."""
    return AuditRecord(
        customer_id=customer_id,
        actor=actor_of(viewer),
        action=action,
        actor_user_id=viewer.user_id,
        actor_api_key_id=viewer.api_key_id,
        targets=targets,
        detail=detail or {},
    )


def _entry(record: AuditRecord) -> models.AuditEntry:
    kept: list[str] = []
    length = 0
    for target in dict.fromkeys(record.targets):
        length += len(target) + (1 if kept else 0)
        if length > TARGET_MAX:
            break
        kept.append(target)
    detail = dict(record.detail)
    omitted = len(dict.fromkeys(record.targets)) - len(kept)
    if omitted:
        detail["targetsOmitted"] = omitted
    return models.AuditEntry(
        customer_id=record.customer_id,
        actor=record.actor[:320],
        actor_user_id=record.actor_user_id,
        actor_api_key_id=record.actor_api_key_id,
        action=record.action[:100],
        target=",".join(kept) or None,
        detail=detail,
    )


async def record_audit(sessions: SessionFactory, records: Sequence[AuditRecord]) -> bool:
    """Write these entries in one transaction (all or none); False, and logged, when that failed."""
    if not records:
        return True
    try:
        async with write_session(sessions) as db:
            await audit_entries.add_entries(db, [_entry(record) for record in records])
    except Exception:  # auditing must never fail the request or job that acted; the log keeps the entry
        log.exception(
            "audit entry lost",
            extra={
                "audit": [
                    {
                        "customer_id": r.customer_id,
                        "actor": r.actor,
                        "action": r.action,
                        "targets": list(r.targets),
                    }
                    for r in records
                ]
            },
        )
        return False
    return True


def _new_user_signed_in(customer_id: int, user_id: int, actor: str) -> AuditRecord:
    return AuditRecord(
        customer_id=customer_id,
        actor=actor,
        action=NEW_USER_SIGNED_IN,
        actor_user_id=user_id,
        targets=(target_id("User", user_id),),
    )


async def record_new_user_signed_in(
    sessions: SessionFactory, customer_id: int, *, user_id: int, actor: str
) -> bool:
    """Record that a user the customer did not know signed in (and was added to its users)."""
    return await record_audit(sessions, [_new_user_signed_in(customer_id, user_id, actor)])


async def add_new_user_signed_in(db: AsyncSession, customer_id: int, *, user_id: int, actor: str) -> None:
    """The same entry, in the sign-in's own transaction: the user and its entry are stored together."""
    await audit_entries.add_entries(db, [_entry(_new_user_signed_in(customer_id, user_id, actor))])


def target_id(type_name: str, row_id: int) -> str:
    """An audit target: the row's GraphQL global id (base64 of "Type:<id>", Relay's encoding), made here
    because resolvers/ does not import the GraphQL layer."""
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


async def audit_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int, action: str | None = None
) -> tuple[list[models.AuditEntry], int]:
    """One page of the customer's audit log, newest first, and the total count."""
    async with sessions() as db:
        return await audit_entries.audit_page(db, customer_id, offset=offset, limit=limit, action=action)


async def entries_by_ids(
    sessions: SessionFactory, customer_id: int, ids: Sequence[int]
) -> list[models.AuditEntry | None]:
    """Audit entries in key order, None for unknown ids (and another customer's)."""
    async with sessions() as db:
        found = await candidate_queries.rows_by_ids(db, customer_id, models.AuditEntry, ids)
    return [found.get(i) for i in ids]


async def add_audit(db: AsyncSession, records: Sequence[AuditRecord]) -> None:
    """Entries in the caller's transaction: the act and its entry are stored together (or neither)."""
    await audit_entries.add_entries(db, [_entry(record) for record in records])

"""API keys of service clients: made by a customer's admin, shown once, stored as a SHA-256 hash, scoped
to one customer and one role, revocable; found per request by hash (no cache, so a revocation holds at
once in every process).

A key reads `rsk_<customer key>_<secret>`: the customer part lets the lookup stay inside one customer
(every query takes it); the 256-bit random secret is what proves the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import models
from models import api_keys, candidate_queries
from models.db import SessionFactory, write_session
from resolvers.errors import InvalidInput, NotFound
from resolvers.viewer import Role

API_KEY_PREFIX = "rsk_"
# A key acts for a service (the search-enrichment caller, a script), never as an admin or operator:
# a leaked key must not be able to make more keys, grant roles or onboard customers.
KEY_ROLES = frozenset({Role.INTEGRATION, Role.RECRUITER})
SECRET_BYTES = 32
# The secret's first characters stored and shown, so an admin can tell keys apart.
SHOWN_SECRET_CHARS = 8
MAX_NAME_CHARS = 100
# `last_used_at` is written at most this often per key.
USE_RECORDED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    """A new key's row and the key itself, which is never shown again."""

    row: models.ApiKey
    key: str


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """What a presented, valid key stands for."""

    id: int
    name: str
    role: str


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256, hex (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(key.encode()).hexdigest()


def shown_prefix(customer_key: str, row: models.ApiKey) -> str:
    """The non-secret start of a key, as an admin sees it: `rsk_<customer>_<8 chars>…`."""
    return f"{API_KEY_PREFIX}{customer_key}_{row.prefix}"


async def create_api_key(
    sessions: SessionFactory,
    customer_id: int,
    customer_key: str,
    *,
    name: str,
    role: str,
    created_by_user_id: int | None,
) -> CreatedApiKey:
    """A new key of the customer; `InvalidInput` naming `name` or `role`."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"The name must be 1 to {MAX_NAME_CHARS} characters", field="name")
    if role not in KEY_ROLES:
        allowed = " or ".join(sorted(r.value for r in KEY_ROLES))
        raise InvalidInput(f"An API key's role is {allowed}, not {role}", field="role")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = f"{API_KEY_PREFIX}{customer_key}_{secret}"
    async with write_session(sessions) as db:
        row = await api_keys.add_api_key(
            db,
            customer_id,
            name=name,
            role=role,
            prefix=secret[:SHOWN_SECRET_CHARS],
            key_hash=hash_key(key),
            created_by_user_id=created_by_user_id,
        )
    return CreatedApiKey(row, key)


async def revoke_api_key(sessions: SessionFactory, customer_id: int, key_id: int) -> models.ApiKey:
    """Revoke one of the customer's keys (again: no change); `NotFound` naming `id`."""
    async with write_session(sessions) as db:
        row = await api_keys.revoke_api_key(db, customer_id, key_id, at=datetime.now(UTC))
    if row is None:
        raise NotFound("No API key has this id", field="id")
    return row


async def api_keys_page(
    sessions: SessionFactory, customer_id: int, *, offset: int, limit: int
) -> tuple[list[models.ApiKey], int]:
    """One page of the customer's keys, newest first, and the total count."""
    async with sessions() as db:
        return await api_keys.api_keys_page(db, customer_id, offset=offset, limit=limit)


async def authenticate(sessions: SessionFactory, customer_id: int, key: str) -> KeyHolder | None:
    """The holder of a presented key of the customer; None when unknown or revoked. One statement, and
    a second one a minute at most to record the use."""
    key_hash = hash_key(key)
    async with sessions() as db:
        row = await api_keys.active_api_key(db, customer_id, key_hash)
        if row is None or row.id is None or not hmac.compare_digest(row.key_hash, key_hash):
            return None
        now = datetime.now(UTC)
        if row.last_used_at is None or now - row.last_used_at >= USE_RECORDED_EVERY:
            await api_keys.mark_api_key_used(db, customer_id, row.id, at=now, every=USE_RECORDED_EVERY)
            await db.commit()
    return KeyHolder(id=row.id, name=row.name, role=row.role)


async def api_keys_by_ids(
    sessions: SessionFactory, customer_id: int, ids: list[int]
) -> list[models.ApiKey | None]:
    """The customer's keys in `ids` order, None for unknown ids (and another customer's)."""
    async with sessions() as db:
        found = await candidate_queries.rows_by_ids(db, customer_id, models.ApiKey, ids)
    return [found.get(i) for i in ids]

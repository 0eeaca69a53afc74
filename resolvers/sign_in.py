"""Users known from their tokens: upserted into their customer's users on first sight, then remembered
briefly in process, so that a known user costs no statement per request and `last_seen_at` one write a
minute at most."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from models import users
from models.db import SessionFactory

# How long a known user is answered from memory; a new sign-in after that costs one statement.
KNOWN_FOR_S = 60.0
# The cache holds at most this many (customer, subject) pairs; the least recently seen go first.
MAX_KNOWN = 10_000


class SignedInUsers:
    """The user id of a signed-in (customer, subject), upserted when not seen within `KNOWN_FOR_S`."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        known_for_s: float = KNOWN_FOR_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._known_for_s = known_for_s
        self._clock = clock
        self._known: OrderedDict[tuple[int, str], tuple[float, int]] = OrderedDict()

    async def signed_in(self, customer_id: int, *, subject: str, email: str | None, name: str | None) -> int:
        """The user's id in the customer, made on first sight (one statement, none when known)."""
        key = (customer_id, subject)
        known = self._known.get(key)
        now = self._clock()
        if known is not None and now - known[0] < self._known_for_s:
            self._known.move_to_end(key)
            return known[1]
        async with self._sessions() as db:
            upserted = await users.upsert_signed_in_user(
                db, customer_id, subject=subject, email=email, name=name, seen_at=datetime.now(UTC)
            )
            await db.commit()
        if upserted.created:
            await self._on_new_user(customer_id, upserted.id, email or subject)
        self._known[key] = (now, upserted.id)
        self._known.move_to_end(key)
        while len(self._known) > MAX_KNOWN:
            self._known.popitem(last=False)
        return upserted.id

    async def _on_new_user(self, customer_id: int, user_id: int, user: str) -> None:
        """Audit seam: "a new user signed in" (models/audit_entries.py, when it exists on main)."""

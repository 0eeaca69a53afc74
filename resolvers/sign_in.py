"""Users known from their tokens: upserted into their customer's users on first sight, then remembered
briefly in process, so that a known user costs no statement per request and `last_seen_at` one write a
minute at most."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from models import users
from models.db import SessionFactory
from resolvers.audit import add_new_user_signed_in
from resolvers.viewer import GRANTABLE_ROLES, Role, known_roles

log = logging.getLogger("rscgraph.auth")
# How long a known user is answered from memory; the next sign-in after that costs one statement.
KNOWN_FOR_S = 60.0
# The cache holds at most this many (customer, subject) pairs; the least recently seen go first.
MAX_KNOWN = 10_000


class SignInRefused(Exception):
    """The token names a user this customer cannot take (its email is another user's)."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The user a sign-in names and the roles it acts with: its token's, else the stored ones."""

    user_id: int
    roles: frozenset[Role]


class SignedInUsers:
    """The user id of a signed-in (customer, subject), upserted when not seen within `known_for_s`."""

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
        self._known: OrderedDict[tuple[int, str], tuple[float, SignedIn]] = OrderedDict()

    async def signed_in(
        self,
        customer_id: int,
        *,
        subject: str,
        email: str | None,
        name: str | None,
        roles: frozenset[Role] | None,
    ) -> SignedIn:
        """The user in the customer, made on first sight (a known user: one statement a minute, none in
        between), with the token's `roles`, or (None: the token carries no roles claim) the user's stored
        ones as an admin set them; `SignInRefused` if the customer cannot take the user."""
        if len(subject) > users.SUBJECT_MAX_CHARS or len(email or "") > users.EMAIL_MAX_CHARS:
            # A signed token may carry claims of any length; the row's columns do not (PostgreSQL
            # refuses the write: a 500 instead of a 401).
            raise SignInRefused("the token's subject or email is longer than a user's row holds")
        key = (customer_id, subject)
        now = self._clock()
        known = self._known.get(key)
        if known is not None and now - known[0] < self._known_for_s:
            self._known.move_to_end(key)
            return known[1]
        first, _, last = (name or "").strip().partition(" ")
        async with self._sessions() as db:
            try:
                user = await users.upsert_signed_in_user(
                    db,
                    customer_id,
                    subject=subject,
                    email=email or subject,
                    first_name=first[:100],
                    last_name=last.strip()[:100],
                    roles=None if roles is None else ",".join(sorted(roles)),
                    seen_at=datetime.now(UTC),
                )
            except users.SignInConflict as exc:
                raise SignInRefused(str(exc)) from None
            if user.created:
                await add_new_user_signed_in(db, customer_id, user_id=user.id, actor=email or subject)
            await db.commit()
        if user.created:
            log.info("a new user signed in (user %d)", user.id)
        # A customer's user never holds operator, whatever its row says.
        stored = known_roles(user.roles.split(",")) & GRANTABLE_ROLES
        signed_in = SignedIn(user.id, roles if roles is not None else stored)
        self._known[key] = (now, signed_in)
        self._known.move_to_end(key)
        while len(self._known) > MAX_KNOWN:
            self._known.popitem(last=False)
        return signed_in

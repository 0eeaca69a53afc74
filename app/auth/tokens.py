"""Verifying a bearer JWT with PyJWT against a key source, and reading who it names from its claims."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

import jwt
from jwt import PyJWK

from app.auth.algorithms import ASYMMETRIC
from app.auth.jwks import KeysUnavailable
from app.settings import Settings
from resolvers.viewer import GRANTABLE_ROLES, Role, known_roles

# A client sends one bearer token with every request of a session, and PyJWT's parsing and signature
# check cost ~0.5 ms of a ~0.7 ms `{ __typename }`. A token that passed is taken again, the very same
# string, for at most this long and never past its own `exp` (with the leeway PyJWT allows): once the
# JWKS fetched again lacks a withdrawn key, its tokens stop being admitted within this time.
VERIFIED_FOR_S: Final = 60.0
MAX_VERIFIED: Final = 10_000


class KeySource(Protocol):
    """Where a token's verification key comes from (the IdP's JWKS or the development key)."""

    async def key_for(self, kid: str | None) -> PyJWK:
        """The key named `kid`; `KeysUnavailable` if there is none."""
        ...


class InvalidToken(Exception):
    """The token was refused; the message is for the log (never the token itself), not for the client."""


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """Which claims carry the customer, the roles and the user's email (settings RSC_AUTH_*_CLAIM)."""

    customer: str = "customer"
    roles: str = "roles"
    email: str = "email"


def claim_names(settings: Settings) -> ClaimNames:
    """Which claims carry the customer, roles and email (RSC_AUTH_*_CLAIM)."""
    return ClaimNames(
        customer=settings.auth_customer_claim,
        roles=settings.auth_roles_claim,
        email=settings.auth_email_claim,
    )


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a verified token names: a customer's user (customer key set) or an operator (none). `roles`
    is None when the token carries no roles claim (a customer's user then has its stored roles)."""

    subject: str
    email: str | None
    name: str | None
    customer_key: str | None
    roles: frozenset[Role] | None


class TokenVerifier:
    """Checks signature (asymmetric algorithms only), issuer, audience, expiry and not-before with a
    bounded leeway, then maps the claims to an `Identity`."""

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        leeway_s: float,
        claims: ClaimNames,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._leeway_s = leeway_s
        self._claims = claims
        self._clock = clock
        # Tokens that passed, with the wall-clock time until which each is taken again unverified.
        self._verified: OrderedDict[str, tuple[float, Identity]] = OrderedDict()

    async def verify(self, token: str) -> Identity:
        """The identity of a valid token (one that passed within VERIFIED_FOR_S and has not expired is
        not checked again); `InvalidToken` naming why it is not."""
        now = self._clock()
        known = self._verified.get(token)
        if known is not None and now < known[0]:
            return known[1]
        claims = await self._verified_claims(token)
        identity = self._identity(claims)
        # `exp` is required and checked, so it is a number here.
        until = min(now + VERIFIED_FOR_S, float(claims["exp"]) + self._leeway_s)
        self._verified[token] = (until, identity)
        self._verified.move_to_end(token)
        while len(self._verified) > MAX_VERIFIED:
            self._verified.popitem(last=False)
        return identity

    async def _verified_claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token ({exc})") from None
        algorithm = header.get("alg")
        # Checked before any key is looked up: `none` and HS* (a public key used as an HMAC secret)
        # never reach a verifier.
        if algorithm not in ASYMMETRIC:
            raise InvalidToken(f"algorithm {algorithm!r} is not accepted")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken("the kid is not a string")
        try:
            key = await self._keys.key_for(kid)
        except KeysUnavailable as exc:
            raise InvalidToken(str(exc)) from None
        if key.algorithm_name != algorithm:
            raise InvalidToken(f"algorithm {algorithm!r} does not match the key's {key.algorithm_name!r}")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[key.algorithm_name],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway_s,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"{type(exc).__name__}: {exc}") from None
        return claims

    def _identity(self, claims: Mapping[str, Any]) -> Identity:
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("the subject is not a string")
        claimed = claims.get(self._claims.roles)
        roles = None if claimed is None else known_roles(claimed)
        customer = claims.get(self._claims.customer)
        email = claims.get(self._claims.email)
        verified = claims.get("email_verified")
        # Some identity providers send the flag as a string ("false").
        if verified is False or (isinstance(verified, str) and verified.strip().lower() == "false"):
            # OIDC's own flag: an address the IdP has not verified names nobody. Taken at its word, it
            # would let whoever registers an admin-made user's address at the IdP sign in as that user.
            email = None
        name = claims.get("name")
        if customer is None or customer == "":
            if roles is None or Role.OPERATOR not in roles:
                raise InvalidToken(f"no customer claim ({self._claims.customer}) and not an operator")
            # The vendor's operator belongs to no customer and holds no customer role.
            return Identity(subject, _text(email), _text(name), None, frozenset({Role.OPERATOR}))
        if not isinstance(customer, str):
            raise InvalidToken(f"the customer claim ({self._claims.customer}) is not a string")
        # A customer's token never makes an operator, whatever it claims.
        granted = None if roles is None else roles & GRANTABLE_ROLES
        return Identity(subject, _text(email), _text(name), customer, granted)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None

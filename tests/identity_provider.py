"""Test helper: an identity provider served over loopback HTTP (OIDC discovery and a JWKS), with keys
made by `cryptography`, which signs tokens as an ATS's IdP would."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from linkedin.sandbox.server import serve_asgi

AUDIENCE = "rscgraph-test"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class SigningKey:
    """A private key, its `kid` and its algorithm."""

    kid: str
    private: PrivateKey
    algorithm: str

    def public_jwk(self) -> dict[str, Any]:
        """The public half as the JWKS lists it."""
        if isinstance(self.private, rsa.RSAPrivateKey):
            jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            jwk = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}


def rsa_key(kid: str) -> SigningKey:
    """A new RS256 key."""
    return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")


def ec_key(kid: str) -> SigningKey:
    """A new ES256 key."""
    return SigningKey(kid, ec.generate_private_key(ec.SECP256R1()), "ES256")


@dataclass
class IdentityProvider:
    """The IdP's issuer URL, the keys its JWKS publishes (change them to rotate), and what was fetched."""

    issuer: str
    keys: list[SigningKey]
    fetched: list[str] = field(default_factory=list)

    @property
    def jwks_fetches(self) -> int:
        """How many times the JWKS was requested."""
        return self.fetched.count("/jwks")

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """A recruiter of acme's claims, valid for an hour; `None` values are left out."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": "idp|ada",
            "email": "ada@acme.test",
            "name": "Ada Lovelace",
            "customer": "acme",
            "roles": ["recruiter"],
            "iat": now,
            "exp": now + 3600,
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, key: SigningKey | None = None, **overrides: Any) -> str:
        """A token signed with `key` (default: the first published key) with these claims."""
        key = key or self.keys[0]
        return jwt.encode(
            self.claims(**overrides), key.private, algorithm=key.algorithm, headers={"kid": key.kid}
        )


@contextlib.asynccontextmanager
async def serve_identity_provider(*keys: SigningKey) -> AsyncIterator[IdentityProvider]:
    """The IdP on a loopback port: `/.well-known/openid-configuration` naming `/jwks`."""
    provider = IdentityProvider(issuer="", keys=list(keys))

    async def discovery(request: Request) -> JSONResponse:
        provider.fetched.append(request.url.path)
        return JSONResponse({"issuer": provider.issuer, "jwks_uri": f"{provider.issuer}/jwks"})

    async def jwks(request: Request) -> JSONResponse:
        provider.fetched.append(request.url.path)
        return JSONResponse({"keys": [key.public_jwk() for key in provider.keys]})

    app = Starlette(routes=[Route("/.well-known/openid-configuration", discovery), Route("/jwks", jwks)])
    async with serve_asgi(app) as url:
        provider.issuer = url
        yield provider

"""The embedded default's identity provider: an Ed25519 signing key made on the first run in RSC_DATA_DIR
(mode 0600, never committed), and the tokens it signs. Used only in development with no RSC_AUTH_ISSUER."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt import PyJWK
from jwt.algorithms import OKPAlgorithm

from app.auth.tokens import ClaimNames
from resolvers.viewer import Role

log = logging.getLogger("rscgraph.auth")
KEY_FILE = "signing.key"
DEV_ISSUER = "rscgraph-dev"
# Long enough for a working day in GraphiQL; `make run` and the candidate page sign new ones on demand.
DEV_TOKEN_TTL_S = 12 * 3600


class DevKeyError(Exception):
    """The development signing key file cannot be read or made."""


@dataclass(frozen=True, slots=True)
class DevSigningKey:
    """The private key and its key id (a thumbprint of the public key)."""

    private: Ed25519PrivateKey
    kid: str

    def public_jwk(self) -> PyJWK:
        """The public half as PyJWT verifies with it."""
        jwk = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return PyJWK({**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"})

    def sign(
        self,
        *,
        audience: str,
        claims: ClaimNames,
        user: str,
        role: Role,
        customer: str | None,
        name: str | None = None,
        ttl_s: int = DEV_TOKEN_TTL_S,
        now: float | None = None,
    ) -> str:
        """A token for `user` with `role` (in `customer`; None for an operator), as an IdP would issue it."""
        issued = int(time.time() if now is None else now)
        payload: dict[str, object] = {
            "iss": DEV_ISSUER,
            "aud": audience,
            "sub": user,
            claims.email: user,
            claims.roles: [role.value],
            "iat": issued,
            "exp": issued + ttl_s,
        }
        if customer is not None:
            payload[claims.customer] = customer
        if name is not None:
            payload["name"] = name
        return jwt.encode(payload, self.private, algorithm="EdDSA", headers={"kid": self.kid})


def dev_signing_key(data_dir: Path) -> DevSigningKey:
    """The key kept in `data_dir`/signing.key, made on the first call and reused after; `DevKeyError`
    if the folder cannot hold it."""
    path = data_dir / KEY_FILE
    try:
        if not path.is_file():
            _create(data_dir, path)
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise DevKeyError(f"cannot use the development signing key {path}: {exc}") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise DevKeyError(f"{path} is not an Ed25519 private key")
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return DevSigningKey(private, kid="dev-" + hashlib.sha256(public).hexdigest()[:16])


def _create(data_dir: Path, path: Path) -> None:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # As app/secret_keys.py does: written aside, then linked into place (os.link fails if the file
    # exists), so two processes starting at once share one key and neither reads a half-written file.
    draft = data_dir / f".{KEY_FILE}.{os.getpid()}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    try:
        os.link(draft, path)
        log.info("generated a development signing key in %s (development tokens only)", path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()

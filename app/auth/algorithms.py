"""The signature algorithms a token may use: asymmetric only, so that no key the server can read (a
public key, a JWKS) can sign one. Never `none`, never HS*."""

from __future__ import annotations

from typing import Final

ASYMMETRIC: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

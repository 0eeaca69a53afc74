"""The keyed HMAC of a person URN that an erasure tombstone keeps instead of the URN, and the poll's
check against it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from models.tombstones import hold_off_erasures, tombstoned
from resolvers.secret_box import SecretBox

# HKDF `info` of the tombstone keys: never used for anything else, so the HMAC reveals no other secret.
PURPOSE = "rscgraph member tombstone v1"


@dataclass(frozen=True, slots=True)
class MemberDigest:
    """HMAC-SHA256 of person URNs under keys derived from the app's secret keys (newest first)."""

    keys: tuple[bytes, ...]

    @classmethod
    def of_box(cls, box: SecretBox) -> MemberDigest:
        """The digest under the keys of the app's `SecretBox` (RSC_SECRET_KEYS)."""
        return cls(box.derived_keys(PURPOSE))

    def digest(self, person_urn: str) -> str:
        """The hex HMAC a new tombstone stores (newest key)."""
        return self._under(self.keys[0], person_urn)

    def digests(self, person_urn: str) -> list[str]:
        """The HMAC under every key, newest first: a tombstone made before a key rotation still matches."""
        return [self._under(key, person_urn) for key in self.keys]

    @staticmethod
    def _under(key: bytes, person_urn: str) -> str:
        return hmac.new(key, person_urn.strip().encode(), hashlib.sha256).hexdigest()


async def erased_members(
    db: AsyncSession, customer_id: int, digest: MemberDigest | None, member_urns: Iterable[str]
) -> set[str]:
    """Which of these members the customer erased (one statement); none without a digest. Inside a
    poll window's transaction: no erasure of the customer runs until it commits."""
    urns = {u for u in member_urns if u}
    if digest is None or not urns:
        return set()
    await hold_off_erasures(db, customer_id)
    by_digest = {d: urn for urn in urns for d in digest.digests(urn)}
    return {by_digest[d] for d in await tombstoned(db, customer_id, list(by_digest))}


__all__ = ["PURPOSE", "MemberDigest", "erased_members"]

"""The tombstone's keyed HMAC of a person URN: keyed by RSC_SECRET_KEYS, stable across a key rotation."""

from __future__ import annotations

from cryptography.fernet import Fernet

from resolvers.member_digest import MemberDigest
from resolvers.secret_box import SecretBox

URN = "urn:li:person:cKkHnVm5uM"


def test_the_digest_is_a_keyed_hmac_that_never_holds_the_urn() -> None:
    # given
    one, other = Fernet.generate_key(), Fernet.generate_key()
    # when
    digest = MemberDigest.of_box(SecretBox([one])).digest(URN)
    # then
    assert len(digest) == 64
    assert "cKkHnVm5uM" not in digest
    assert digest == MemberDigest.of_box(SecretBox([one])).digest(URN)
    assert digest != MemberDigest.of_box(SecretBox([other])).digest(URN)


def test_after_a_key_rotation_a_tombstone_made_under_the_old_key_still_matches() -> None:
    # given: a tombstone made under the old key
    old, new = Fernet.generate_key(), Fernet.generate_key()
    stored = MemberDigest.of_box(SecretBox([old])).digest(URN)
    # when: the new key is put first, the old one kept for decryption
    rotated = MemberDigest.of_box(SecretBox([new, old]))
    # then: new tombstones use the new key, and the old one is still found
    assert rotated.digest(URN) != stored
    assert rotated.digests(URN) == [rotated.digest(URN), stored]

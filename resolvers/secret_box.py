"""`SecretBox`: customers' LinkedIn secrets encrypted at rest with Fernet (`cryptography`), several keys
for rotation. The keys come from app/ (app/secret_keys.py); nothing here reads settings."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

# Fewer characters than this and showing the last four would give away too much of the secret.
SHOWN_FROM_LENGTH = 12
SHOWN = 4


class SecretBoxError(Exception):
    """A key that is not a Fernet key, or a token no key decrypts. The message never holds a secret,
    a key or a token."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        # The 1-based place of the malformed key in the list given, newest first.
        self.position = position


class SecretBox:
    """Encrypts with the newest key (the first) and decrypts with any of them."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SecretBoxError("no encryption key given")
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key))
            except ValueError:
                # from None: cryptography's own error is about the key's bytes, and the key stays out.
                raise SecretBoxError(
                    f"key {position} of {len(keys)} is not a Fernet key (32 url-safe base64-encoded bytes)",
                    position=position,
                ) from None
        self._newest = fernets[0]
        self._all = MultiFernet(fernets)
        self._count = len(fernets)
        self._keys = tuple(keys)

    def __repr__(self) -> str:
        return f"SecretBox({self._count} keys)"

    def encrypt(self, plaintext: str | SecretStr) -> str:
        """The secret encrypted under the newest key, as ASCII text to store."""
        value = plaintext.get_secret_value() if isinstance(plaintext, SecretStr) else plaintext
        return self._newest.encrypt(value.encode()).decode("ascii")

    def decrypt(self, token: str) -> SecretStr:
        """The secret of a stored token, under whichever key encrypted it."""
        try:
            return SecretStr(self._all.decrypt(token.encode()).decode())
        except InvalidToken:
            raise _undecryptable() from None

    def rotate(self, token: str) -> str:
        """The same secret encrypted under the newest key (its original timestamp kept)."""
        try:
            return self._all.rotate(token.encode()).decode("ascii")
        except InvalidToken:
            raise _undecryptable() from None

    def derived_keys(self, purpose: str) -> tuple[bytes, ...]:
        """One 32-byte key per configured key, newest first, for `purpose` alone (HKDF-SHA256): a keyed
        hash made with them can be checked under every key after a rotation, and reveals no Fernet key."""
        return tuple(
            HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)
            for key in self._keys
        )

    def needs_rotation(self, token: str) -> bool:
        """Whether a token was made with an older key (one HMAC check per key tried)."""
        try:
            self._newest.decrypt(token.encode())
        except InvalidToken:
            self.decrypt(token)  # SecretBoxError when no key fits at all
            return True
        return False


def _undecryptable() -> SecretBoxError:
    return SecretBoxError(
        "no key decrypts this encrypted secret: the key that made it is no longer configured, "
        "or the stored value is damaged"
    )


def last_four(secret: SecretStr) -> str:
    """What may be shown of a secret: "…" and its last four characters, nothing of a short one."""
    value = secret.get_secret_value()
    return "…" + value[-SHOWN:] if len(value) >= SHOWN_FROM_LENGTH else "…"

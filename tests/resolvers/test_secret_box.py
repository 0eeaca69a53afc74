"""SecretBox: Fernet round trip, rotation across keys, errors that hold no secret, what may be shown."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from resolvers.secret_box import SecretBox, SecretBoxError, last_four

PLAINTEXT = "child-app-secret-7Qx9"


def test_a_secret_encrypted_decrypts_to_itself_and_is_not_stored_in_the_clear() -> None:
    box = SecretBox([Fernet.generate_key()])

    token = box.encrypt(PLAINTEXT)

    assert PLAINTEXT not in token
    assert box.decrypt(token).get_secret_value() == PLAINTEXT


def test_a_secret_given_as_secretstr_encrypts_its_value() -> None:
    box = SecretBox([Fernet.generate_key()])

    token = box.encrypt(SecretStr(PLAINTEXT))

    assert box.decrypt(token).get_secret_value() == PLAINTEXT


def test_a_token_of_the_old_key_decrypts_after_a_new_key_is_prepended() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = SecretBox([old]).encrypt(PLAINTEXT)

    rotated_box = SecretBox([new, old])

    assert rotated_box.decrypt(token).get_secret_value() == PLAINTEXT
    assert rotated_box.needs_rotation(token) is True


def test_rotate_gives_a_token_the_new_key_alone_decrypts() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = SecretBox([old]).encrypt(PLAINTEXT)

    rotated = SecretBox([new, old]).rotate(token)

    assert SecretBox([new]).decrypt(rotated).get_secret_value() == PLAINTEXT
    assert SecretBox([new, old]).needs_rotation(rotated) is False
    with pytest.raises(SecretBoxError):
        SecretBox([old]).decrypt(rotated)


def test_new_tokens_are_made_with_the_first_key() -> None:
    new, old = Fernet.generate_key(), Fernet.generate_key()

    token = SecretBox([new, old]).encrypt(PLAINTEXT)

    assert SecretBox([new]).decrypt(token).get_secret_value() == PLAINTEXT


def test_a_token_no_key_fits_raises_an_error_without_the_secret_or_the_token() -> None:
    token = SecretBox([Fernet.generate_key()]).encrypt(PLAINTEXT)
    other = SecretBox([Fernet.generate_key()])

    for attempt in (other.decrypt, other.rotate, other.needs_rotation):
        with pytest.raises(SecretBoxError) as caught:
            attempt(token)
        shown = f"{caught.value!s} {caught.value!r}"
        assert "no key decrypts this encrypted secret" in shown
        assert PLAINTEXT not in shown
        assert token not in shown
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__ is True


def test_a_damaged_token_raises_the_same_error() -> None:
    box = SecretBox([Fernet.generate_key()])
    token = box.encrypt(PLAINTEXT)

    with pytest.raises(SecretBoxError, match="no key decrypts"):
        box.decrypt(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    with pytest.raises(SecretBoxError, match="no key decrypts"):
        box.decrypt("not a token")


def test_a_malformed_key_is_refused_by_position_without_the_key() -> None:
    bad = b"c2hvcnQta2V5"  # base64, but 9 bytes where Fernet needs 32

    with pytest.raises(SecretBoxError) as caught:
        SecretBox([Fernet.generate_key(), bad])

    assert caught.value.position == 2
    assert str(caught.value) == "key 2 of 2 is not a Fernet key (32 url-safe base64-encoded bytes)"
    assert bad.decode() not in repr(caught.value)


def test_no_key_at_all_is_refused() -> None:
    with pytest.raises(SecretBoxError, match="no encryption key given"):
        SecretBox([])


def test_the_box_shows_how_many_keys_it_holds_and_not_them() -> None:
    key = Fernet.generate_key()

    assert repr(SecretBox([key, Fernet.generate_key()])) == "SecretBox(2 keys)"
    assert key.decode() not in repr(SecretBox([key]))


@pytest.mark.parametrize(
    ("secret", "shown"),
    [
        ("WPL_AP1.abcdefgh.wxyz", "…wxyz"),
        ("123456789012", "…9012"),
        ("12345678901", "…"),  # shorter than 12: four characters would be too much of it
        ("abcd", "…"),
        ("", "…"),
    ],
)
def test_last_four_shows_at_most_four_characters(secret: str, shown: str) -> None:
    assert last_four(SecretStr(secret)) == shown

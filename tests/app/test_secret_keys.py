"""The SecretBox's keys from the settings: RSC_SECRET_KEYS newest first, a development key file made once,
production refused without keys, and no key ever in a message."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from app.errors import EXIT_CONFIG, OperatorError
from app.preflight import check_secret_keys
from app.secret_keys import GENERATE, build_secret_box
from app.settings import Settings
from resolvers.secret_box import SecretBox

PLAINTEXT = "child-app-secret-7Qx9"


def settings(tmp_path: Path, *, environment: str = "development", keys: str | None = None) -> Settings:
    return Settings(
        environment=environment,
        data_dir=tmp_path / "state",
        secret_keys=None if keys is None else SecretStr(keys),
    )


def test_the_configured_keys_are_used_newest_first(tmp_path: Path) -> None:
    new, old = Fernet.generate_key(), Fernet.generate_key()
    from_old = SecretBox([old]).encrypt(PLAINTEXT)
    keys = f"{new.decode()}, {old.decode()}"

    box = build_secret_box(settings(tmp_path, environment="production", keys=keys))

    assert box.decrypt(from_old).get_secret_value() == PLAINTEXT
    assert SecretBox([new]).decrypt(box.encrypt(PLAINTEXT)).get_secret_value() == PLAINTEXT
    assert not (tmp_path / "state").exists()


def test_in_development_a_key_file_is_made_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    first = build_secret_box(settings(tmp_path))
    key_file = tmp_path / "state" / "secret.key"
    made = key_file.read_bytes()
    token = first.encrypt(PLAINTEXT)

    second = build_secret_box(settings(tmp_path))

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes() == made
    assert second.decrypt(token).get_secret_value() == PLAINTEXT
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["secret.key"]


def test_production_without_keys_is_refused_with_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(OperatorError) as caught:
        build_secret_box(settings(tmp_path, environment="production"))

    assert caught.value.exit_code == EXIT_CONFIG
    assert caught.value.message.startswith("RSC_SECRET_KEYS is not set")
    assert GENERATE in caught.value.fix
    assert not (tmp_path / "state").exists()


def test_the_start_up_check_refuses_production_without_keys_and_makes_no_file(tmp_path: Path) -> None:
    check_secret_keys(settings(tmp_path))  # development: the key file comes when the server needs it

    with pytest.raises(OperatorError, match="RSC_SECRET_KEYS is not set"):
        check_secret_keys(settings(tmp_path, environment="production"))
    assert not (tmp_path / "state").exists()


def test_a_blank_setting_counts_as_unset(tmp_path: Path) -> None:
    with pytest.raises(OperatorError, match="RSC_SECRET_KEYS is not set"):
        check_secret_keys(settings(tmp_path, environment="production", keys="  "))


def test_a_malformed_key_names_the_setting_and_its_position_but_not_the_key(tmp_path: Path) -> None:
    malformed = "not-a-fernet-key-but-close-enough"
    keys = f"{Fernet.generate_key().decode()},{malformed},{Fernet.generate_key().decode()}"

    with pytest.raises(OperatorError) as caught:
        check_secret_keys(settings(tmp_path, environment="production", keys=keys))

    assert caught.value.exit_code == EXIT_CONFIG
    assert caught.value.message == (
        "RSC_SECRET_KEYS: key 2 of 3 is not a Fernet key (32 url-safe base64-encoded bytes)"
    )
    assert malformed not in "\n".join(caught.value.lines())
    assert caught.value.__cause__ is None


def test_a_damaged_development_key_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "secret.key").write_text("truncated\n")

    with pytest.raises(OperatorError) as caught:
        build_secret_box(settings(tmp_path))

    assert caught.value.message == (
        f"the development key in {tmp_path / 'state' / 'secret.key'} (RSC_DATA_DIR) is not a Fernet key"
    )
    assert "truncated" not in "\n".join(caught.value.lines())

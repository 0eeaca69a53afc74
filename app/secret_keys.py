"""The keys of the `SecretBox`: RSC_SECRET_KEYS (newest first), or in development a key generated on the
first run and kept in RSC_DATA_DIR. A key is never logged or shown, only its position in the list."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet

from app.errors import OperatorError
from app.settings import Settings
from resolvers.secret_box import SecretBox, SecretBoxError

log = logging.getLogger("rscgraph")
KEY_FILE = "secret.key"
GENERATE = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def build_secret_box(settings: Settings) -> SecretBox:
    """The box from RSC_SECRET_KEYS; unset, the development key file (created on the first run), and
    outside development an `OperatorError`."""
    keys = configured_keys(settings)
    if keys is None:
        if not settings.is_development:
            raise keys_required()
        try:
            keys = [development_key(settings.data_dir)]
        except OSError as exc:
            raise OperatorError(
                f"cannot keep the development key in {settings.data_dir / KEY_FILE} (RSC_DATA_DIR): "
                f"{exc.strerror or exc}",
                "point RSC_DATA_DIR at a folder this user may write, or set RSC_SECRET_KEYS",
            ) from exc
    try:
        return SecretBox(keys)
    except SecretBoxError as exc:  # only the development file can get here: configured keys are checked
        raise OperatorError(
            f"the development key in {settings.data_dir / KEY_FILE} (RSC_DATA_DIR) is not a Fernet key",
            "move that file away (what was encrypted with it becomes unreadable) or set RSC_SECRET_KEYS",
        ) from exc


def configured_keys(settings: Settings) -> list[bytes] | None:
    """The keys of RSC_SECRET_KEYS, newest first; None when it is unset or blank."""
    if settings.secret_keys is None or not settings.secret_keys.get_secret_value().strip():
        return None
    keys = [key.strip().encode() for key in settings.secret_keys.get_secret_value().split(",")]
    try:
        SecretBox(keys)
    except SecretBoxError as exc:
        # SecretBox's message names the position alone; the key itself is never repeated.
        fix = f"replace it with a key made by `{GENERATE}` (keys are comma-separated)"
        raise OperatorError(f"RSC_SECRET_KEYS: {exc}", fix) from None
    return keys


def development_key(data_dir: Path) -> bytes:
    """The key kept in `data_dir`/secret.key (mode 0600), made on the first call and reused after."""
    path = data_dir / KEY_FILE
    if path.is_file():
        return path.read_bytes().strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written aside, then linked into place: os.link fails if the file exists, so two processes starting
    # at once end up with the one key, and neither reads a half-written file.
    draft = data_dir / f".{KEY_FILE}.{os.getpid()}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(Fernet.generate_key() + b"\n")
    try:
        os.link(draft, path)
        log.info("generated a development secret key in %s (set RSC_SECRET_KEYS in production)", path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_bytes().strip()


def keys_required() -> OperatorError:
    """The refusal to start outside development without RSC_SECRET_KEYS, with how to make a key."""
    return OperatorError(
        "RSC_SECRET_KEYS is not set: outside development the customers' LinkedIn secrets are encrypted "
        "with keys from the environment",
        f"set RSC_SECRET_KEYS to a key made by `{GENERATE}` (several: comma-separated, newest first)",
    )

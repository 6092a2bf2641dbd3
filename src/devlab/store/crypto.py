"""Encryption at rest for stored source text and conversations (Fernet: AES-128-CBC +
HMAC-SHA256, from the ``cryptography`` package).

Columns typed ``EncryptedText`` / ``EncryptedJSON`` are encrypted on write when a key
is configured (``DEVLAB_ENCRYPTION_KEY``, or ``DEVLAB_ENCRYPTION_KEY_FILE`` with one key
a line, newest first) and decrypted on read with any of the keys, so a key can be
rotated: put the new key first, run ``devlab keys rotate`` (every row is rewritten
with it), then drop the old one. Rows written before a key was set stay readable as
plain text until the next rotation encrypts them. A copied database file without the
key shows ciphertext for these columns. Files kept on disk (datasets) are sealed the
same way, whole (``write_sealed`` / ``read_sealed``, marked ``FILE_MARK``); the
full-text index keeps keyed hashes of words (``hash_token``, see ``search_index``).
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import JSON, Text
from sqlalchemy.types import TypeDecorator

from devlab.errors import InvalidInput, StorageError

MARK = "enc1:"
_lock = threading.Lock()
_keyring: MultiFernet | None = None
_token_keys: tuple[bytes, ...] = ()
TOKEN_KEY_LABEL = b"devlab full-text tokens v1"


def load_keys(key: str, key_file: Path | None) -> list[str]:
    """The configured keys, newest first (the env key, then the file's lines)."""
    keys = [key.strip()] if key.strip() else []
    if key_file is not None:
        try:
            lines = key_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InvalidInput(f"cannot read encryption key file {key_file}: {exc}") from exc
        keys += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return keys


def configure(keys: list[str]) -> None:
    """Use these keys (newest first) from now on in this process; none turns it off."""
    global _keyring, _token_keys
    try:
        ring = MultiFernet([Fernet(k.encode()) for k in keys]) if keys else None
    except (ValueError, TypeError) as exc:
        raise InvalidInput(
            "invalid encryption key: use `devlab keys generate` (32 url-safe base64 bytes)"
        ) from exc
    derived = tuple(_token_key(k) for k in keys)
    with _lock:
        _keyring = ring
        _token_keys = derived


def enabled() -> bool:
    return _keyring is not None


def _token_key(key: str) -> bytes:
    """The full-text index's HMAC key, derived from one Fernet key (its own label, so
    the hashes say nothing about the encryption key itself)."""
    raw = base64.urlsafe_b64decode(key.encode())
    return hmac.digest(raw, TOKEN_KEY_LABEL, "sha256")


def token_keys() -> tuple[bytes, ...]:
    """The HMAC keys for full-text tokens, newest first; empty when no key is set."""
    return _token_keys


def hash_token(token: str, key: bytes) -> str:
    """A keyed hash of one index token: HMAC-SHA256 truncated to 64 bits, written as
    decimal digits so no tokenizer or stemmer changes it. Deterministic per key, so the
    same word hashes the same at index and at query time."""
    digest = hmac.digest(key, token.encode(), "sha256")
    return "h" + str(int.from_bytes(digest[:8], "big"))


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(text: str) -> str:
    ring = _keyring
    return text if ring is None else MARK + ring.encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(MARK):
        return value  # written before encryption was turned on
    ring = _keyring
    if ring is None:
        raise StorageError(
            "the database holds encrypted text: set DEVLAB_ENCRYPTION_KEY or "
            "DEVLAB_ENCRYPTION_KEY_FILE to the key it was written with"
        )
    try:
        return ring.decrypt(value[len(MARK) :].encode()).decode()
    except InvalidToken as exc:
        raise StorageError("encrypted text does not open with the configured key(s)") from exc


FILE_MARK = b"DEVLAB-SEALED-1\n"


def seal_bytes(data: bytes) -> bytes:
    """A file's bytes as stored at rest: ``FILE_MARK`` + a Fernet token under the newest
    key when a key is configured, else the bytes unchanged."""
    ring = _keyring
    return data if ring is None else FILE_MARK + ring.encrypt(data)


def open_bytes(data: bytes) -> bytes:
    """The plain bytes of a file read from disk (sealed or written before a key was set)."""
    if not data.startswith(FILE_MARK):
        return data
    ring = _keyring
    if ring is None:
        raise StorageError(
            "this file is encrypted: set DEVLAB_ENCRYPTION_KEY or DEVLAB_ENCRYPTION_KEY_FILE "
            "to the key it was written with"
        )
    try:
        return ring.decrypt(data[len(FILE_MARK) :])
    except InvalidToken as exc:
        raise StorageError("an encrypted file does not open with the configured key(s)") from exc


def write_sealed(path: Path, data: bytes | str) -> int:
    """Write ``data`` to ``path`` sealed (see ``seal_bytes``); returns the bytes written.
    Written whole, so a crash leaves the old file or none: callers stage files anyway."""
    raw = seal_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    path.write_bytes(raw)
    return len(raw)


def read_sealed(path: Path) -> bytes:
    """A file's plain bytes, whether it was sealed or not."""
    return open_bytes(path.read_bytes())


def reseal_files(root: Path, skip: tuple[str, ...] = ()) -> int:
    """Re-encrypt every file under ``root`` with the newest key (plain ones get sealed),
    except those under a folder named in ``skip``; returns how many were rewritten. Part
    of key rotation for data kept as files (datasets)."""
    if _keyring is None:
        raise InvalidInput("no encryption key configured: set DEVLAB_ENCRYPTION_KEY(_FILE)")
    done = 0
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        rel = path.relative_to(root).parts
        if path.is_symlink() or not path.is_file() or any(p in skip for p in rel[:-1]):
            continue
        tmp = path.with_name(path.name + ".reseal")
        write_sealed(tmp, read_sealed(path))
        tmp.replace(path)
        done += 1
    return done


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest when a key is configured."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return encrypt(value) if isinstance(value, str) else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return decrypt(value) if isinstance(value, str) else value


class EncryptedJSON(TypeDecorator[Any]):
    """JSON encrypted at rest when a key is configured (stored as a JSON string)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None or not enabled():
            return value
        return encrypt(json.dumps(value))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, str) and value.startswith(MARK):
            return json.loads(decrypt(value))
        return value


__all__ = [
    "EncryptedJSON",
    "EncryptedText",
    "configure",
    "decrypt",
    "enabled",
    "encrypt",
    "hash_token",
    "load_keys",
    "new_key",
    "open_bytes",
    "read_sealed",
    "reseal_files",
    "seal_bytes",
    "token_keys",
    "write_sealed",
]

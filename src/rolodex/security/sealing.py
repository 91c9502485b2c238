"""Uploaded files are kept in the database only sealed (Fernet: AES with an HMAC).

A queued import's file must be in the database so that a worker on any machine can run it;
a users file holds plaintext passwords, and a contacts file personal data. Sealed with a key
that is never in the database, a copy of the database reveals neither. The key comes from
``ROLODEX_SECRET_KEY`` (give every worker machine the same one), or else from a key file
created on first use, readable by its owner only (``ROLODEX_KEY_FILE``, by default
``~/.config/rolodex/secret.key``) — enough when the server runs its own worker.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from rolodex.config import Settings
from rolodex.errors import StoreError, UsageError


class Sealer:
    def __init__(self, key: bytes):
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise UsageError(
                "ROLODEX_SECRET_KEY is not a valid key: make one with python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None

    @classmethod
    def from_settings(cls, settings: Settings) -> Sealer:
        if settings.secret_key:
            return cls(settings.secret_key.encode())
        return cls(_key_file(Path(settings.key_file).expanduser()))

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise StoreError(
                "an uploaded file cannot be unsealed: this machine's ROLODEX_SECRET_KEY "
                "differs from the one that queued it"
            ) from None


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(Fernet.generate_key())
    return path.read_bytes().strip()

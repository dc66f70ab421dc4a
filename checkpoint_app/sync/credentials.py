"""Where the device token lives: the OS keyring where one works, else a 0600 file.

The token is the station's password to the central API (DESIGN.md §8). With a
usable keyring (Windows Credential Locker, macOS Keychain, Secret Service) it is
stored there under the data directory's device id; otherwise — a bare Linux
laptop, a portable station on a USB stick — in ``<data dir>/device-token``, readable
by the owner only. ``CHECKPOINT_NO_KEYRING=1`` forces the file, and so does a data
directory in portable mode however it was chosen (``--portable``, or the
``checkpoint-data/`` folder's presence): a keyring entry would not travel with the stick.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from checkpoint_app.paths import is_portable

SERVICE = "checkpoint-app"
TOKEN_FILE = "device-token"


def _keyring(data_dir: Path | None = None) -> object | None:
    if os.environ.get("CHECKPOINT_NO_KEYRING"):
        return None
    if data_dir is not None and is_portable(data_dir):  # however portable mode was chosen
        return None
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) < 1:
        return None
    return keyring


class TokenStore:
    def __init__(self, data_dir: Path, device_id: str) -> None:
        self.data_dir = data_dir
        self.path = data_dir / TOKEN_FILE
        self.account = f"{device_id}@{data_dir.resolve()}"

    def save(self, token: str) -> str:
        """Store the token; returns where (``keyring`` or the file's path)."""
        ring = _keyring(self.data_dir)
        if ring is not None:
            try:
                ring.set_password(SERVICE, self.account, token)  # type: ignore[attr-defined]
                self.path.unlink(missing_ok=True)
                return "keyring"
            except Exception:
                pass
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(token)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        return str(self.path)

    def load(self) -> str | None:
        if self.path.is_file():
            return self.path.read_text(encoding="utf-8").strip() or None
        ring = _keyring(self.data_dir)
        if ring is not None:
            with contextlib.suppress(Exception):
                value = ring.get_password(SERVICE, self.account)  # type: ignore[attr-defined]
                return str(value) if value else None
        return None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        ring = _keyring(self.data_dir)
        if ring is not None:
            with contextlib.suppress(Exception):
                ring.delete_password(SERVICE, self.account)  # type: ignore[attr-defined]

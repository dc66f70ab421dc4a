"""A consistent copy of the store while the app keeps running (SQLite backup API)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from checkpoint_app.store.database import StoreError


def backup_store(source: Path, target: Path) -> int:
    """Copy the store at ``source`` to a new file ``target``; return its size in bytes.

    The copy is a consistent snapshot even while another process writes (the backup
    API copies pages under SQLite's locks), checked with ``PRAGMA integrity_check``.
    An existing ``target`` is never overwritten.
    """
    if target.exists():
        raise StoreError(f"{target} already exists: choose a new file name")
    if not source.is_file():
        raise StoreError(f"{source}: no store here yet (nothing has been recorded)")
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if check != "ok":
            raise StoreError(f"the copy failed its integrity check: {check}")
        partial.replace(target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup failed: {exc}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target.stat().st_size

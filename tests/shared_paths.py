"""The one place tests find ``../shared`` (the project's root has it beside it)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """``shared/`` beside the project root (or ``$CHECKPOINT_SHARED_DIR``)."""
    override = os.environ.get("CHECKPOINT_SHARED_DIR")
    candidates = [Path(override)] if override else []
    candidates += [PROJECT_ROOT.parent / "shared", PROJECT_ROOT / ".." / ".." / "shared"]
    for candidate in candidates:
        if (candidate / "formats" / "PHI1.md").is_file():
            return candidate.resolve()
    raise FileNotFoundError(
        f"../shared not found beside {PROJECT_ROOT}; set CHECKPOINT_SHARED_DIR to its path"
    )


def phi1_dir() -> Path:
    return shared_dir() / "vectors" / "phi1"


def dcc_dir() -> Path:
    return shared_dir() / "vectors" / "dcc"


def boofcv_dir() -> Path:
    return shared_dir() / "vectors" / "boofcv-qr"

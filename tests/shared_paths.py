"""The one place tests find ``../shared`` (the project's root has it beside it)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_module(relative: str) -> ModuleType:
    """A script of the project that is not a package module (``benchmarks/bench_crash.py``,
    ``scripts/icu_trim.py``), imported under its file's stem."""
    path = PROJECT_ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


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

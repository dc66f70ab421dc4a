"""Test configuration shared by every test.

Qt runs offscreen (no display in CI); ``tests/`` is importable so test modules can
use :mod:`shared_paths`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

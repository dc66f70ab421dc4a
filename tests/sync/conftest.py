from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from postgres_fixtures import postgres_schema_url, postgres_url  # noqa: F401  (fixtures)

"""Load the vendored EU DCC JSON schemas (``resources/dcc_schemas/<version>.json``).

The domain verifier takes the schemas as a plain ``{version: schema}`` mapping; this
module is the file-reading side. Nothing is ever downloaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checkpoint_app.paths import resource_dir


def default_schema_dir() -> Path:
    """``resources/dcc_schemas`` of the source tree, or of the PyInstaller bundle."""
    return resource_dir() / "dcc_schemas"


def load_dcc_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    """Every ``<version>.json`` in ``folder`` as ``{version: schema}``.

    Raises :class:`OSError` if the folder cannot be read and :class:`ValueError` naming
    the file when one is not a JSON object.
    """
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not JSON ({exc})") from None
        if not isinstance(schema, dict):
            raise ValueError(f"{path}: a schema must be a JSON object")
        schemas[path.stem] = schema
    return schemas

"""Pure domain logic: formats, verification, rules, journey states.

Nothing in this package performs I/O or imports Qt, OpenCV, decoders, HTTP or
SQLite (enforced by the import-linter contracts in ``pyproject.toml``).
"""

"""The GUI's log file (app.log_to_file): warnings and tracebacks, never personal data,
even when an exception's message from a library carries some."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkpoint_app import app
from checkpoint_app.paths import log_dir

NAME, ID_NUMBER, PHONE = "王小明", "11010519491231002X", "13912345678"
CODE = "PHI1:6BFOXN*TS0BI$ZDFRH0LT"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers)
    app.log_to_file(tmp_path)
    added = [handler for handler in root.handlers if handler not in before]
    assert len(added) == 1
    yield log_dir(tmp_path) / "checkpoint-app.log"
    for handler in added:
        root.removeHandler(handler)
        handler.close()


def test_a_traceback_reaches_the_file_masked(log_file: Path) -> None:
    def import_row() -> None:
        raise ValueError(f"row 7: {NAME} {ID_NUMBER} {PHONE} scanned {CODE}")

    try:
        import_row()
    except ValueError:
        logging.getLogger("checkpoint_app.test").exception("roster import failed")
    text = log_file.read_text(encoding="utf-8")
    assert "roster import failed" in text
    assert "Traceback (most recent call last)" in text and "import_row" in text
    assert "row 7: 王** 110***********002X 139****5678 scanned PHI1:<21 chars>" in text
    for secret in (NAME, ID_NUMBER, PHONE, CODE, CODE[5:]):
        assert secret not in text


def test_info_lines_stay_out(log_file: Path) -> None:
    logger = logging.getLogger("checkpoint_app.test")
    logger.setLevel(logging.INFO)
    logger.info("camera opened")
    logger.warning("camera lost")
    text = log_file.read_text(encoding="utf-8")
    assert "camera lost" in text and "camera opened" not in text

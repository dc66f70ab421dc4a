from __future__ import annotations

from pathlib import Path

import pytest

from checkpoint_app import paths


def test_explicit_data_dir_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.data_dir(tmp_path / "x") == (tmp_path / "x").resolve()
    assert paths.data_dir() == (tmp_path / "env").resolve()


def test_portable_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "executable_dir", lambda: tmp_path)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert paths.data_dir(portable=True) == tmp_path / "checkpoint-data"
    assert paths.data_dir() != tmp_path / "checkpoint-data"
    (tmp_path / "checkpoint-data").mkdir()
    assert (
        paths.data_dir() == tmp_path / "checkpoint-data"
    )  # the folder's presence selects portable mode


def test_user_data_dir_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "executable_dir", lambda: tmp_path)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert "checkpoint_app" in str(paths.data_dir())


def test_shipped_folders_exist() -> None:
    assert (paths.seed_dir() / "README.md").is_file()
    assert (paths.resource_dir() / "dcc_schemas").is_dir()

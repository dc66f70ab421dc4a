"""The bundle's input method on Linux: fcitx (whose Qt plugin cannot load into the
bundle's Qt) becomes IBus, which fcitx5 also answers; everything else is left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checkpoint_app import app, native


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "platforminputcontexts"
    folder.mkdir()
    for file in native.BUNDLED_INPUT_METHODS.values():
        (folder / file).write_bytes(b"")
    return folder


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"QT_IM_MODULE": "fcitx"}, "ibus"),
        ({"QT_IM_MODULE": "fcitx5", "XMODIFIERS": "@im=fcitx"}, "ibus"),
        ({"XMODIFIERS": "@im=fcitx"}, "ibus"),  # no QT_IM_MODULE: Qt 6 has no XIM
        ({"QT_IM_MODULE": "ibus"}, None),
        ({"QT_IM_MODULE": "compose"}, None),
        ({"XMODIFIERS": "@im=ibus"}, None),
        ({"XMODIFIERS": "@im=none"}, None),
        ({}, None),
        ({"XMODIFIERS": ""}, None),
        ({"XMODIFIERS": "@im="}, None),
        ({"QT_IM_MODULE": "  ", "XMODIFIERS": "@im=fcitx5 "}, "ibus"),
    ],
)
def test_override(plugins: Path, env: dict[str, str], expected: str | None) -> None:
    assert native.input_method_override(env, plugins) == expected


def test_no_override_without_the_ibus_bridge(plugins: Path) -> None:
    (plugins / native.BUNDLED_INPUT_METHODS["ibus"]).unlink()
    assert native.input_method_override({"QT_IM_MODULE": "fcitx"}, plugins) is None


def test_applied_in_the_bundle_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    if not (plugins / "platforminputcontexts" / native.BUNDLED_INPUT_METHODS["ibus"]).is_file():
        pytest.skip("this Qt has no IBus bridge")
    monkeypatch.setenv("QT_IM_MODULE", "fcitx")
    monkeypatch.delattr("sys._MEIPASS", raising=False)
    app.use_bundled_input_method()  # from source: the system's Qt loads fcitx's plugin
    assert os.environ["QT_IM_MODULE"] == "fcitx"

    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)  # as if frozen
    monkeypatch.setattr("sys.platform", "linux")
    app.use_bundled_input_method()  # Qt's plugin folder (the bundle's, when frozen)
    assert os.environ["QT_IM_MODULE"] == "ibus"

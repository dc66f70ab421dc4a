"""The Chinese translation: the .qm loads, the window comes up in Chinese, switching
language re-translates every visible text live, and no string is left untranslated.

When a test here fails after a screen gained or changed a ``tr("…")`` string: run
``bash scripts/translations.sh``, translate the new strings in
``resources/translations/checkpoint_zh_CN.ts``, run the script again.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QTranslator
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from station_factory import Bench

from checkpoint_app.services.gate import GateService
from checkpoint_app.ui import i18n
from checkpoint_app.ui.gate_screen import GateScreen
from checkpoint_app.ui.i18n import Language, Languages
from checkpoint_app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS = i18n.translations_dir() / "checkpoint_zh_CN.ts"
QM = i18n.translations_dir() / "checkpoint_zh_CN.qm"
SOURCES = [
    *sorted((ROOT / "checkpoint_app" / "ui").glob("*.py")),
    ROOT / "checkpoint_app" / "app.py",
]
NO_CAMERA = "No camera: use a USB scanner, type the code, or press Camera… to scan a video file or an image folder"


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <translation>) of every message in a .ts file."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found.append((name, message.findtext("source") or "", translation))
    return found


@pytest.fixture
def languages() -> Iterator[Languages]:
    app = QApplication.instance()
    assert app is not None
    made = Languages(app)
    yield made
    made.set(Language.EN)  # removes the translator from the shared application
    i18n.set_current(Language.ZH)


@pytest.fixture
def window(qtbot: Any, bench: Bench, languages: Languages) -> Iterator[MainWindow]:
    """Built as app.py builds it: Chinese installed first, then the window and the gate."""
    assert languages.set(Language.ZH)
    i18n.set_current(languages.current)
    made = MainWindow(bench.station, languages, demo=True)
    qtbot.addWidget(made)
    screen = GateScreen(GateService(bench.station), verdict_seconds=60)
    made.add_screen(screen, made.tr("Gate"))
    screen.on_camera_state(made.tr(NO_CAMERA))
    made.resize(1366, 800)
    made.show()
    qtbot.waitExposed(made)
    yield made
    # pytest-qt has closed the window (deleteLater); the language change and the deletion
    # are handled here, while the store is still open
    languages.set(Language.EN)
    qtbot.wait(10)
    if shiboken6.isValid(made):
        made.status_timer.stop()
        screen.clear_timer.stop()
        made.close()
        made.deleteLater()
    # delete it now: a window left alive would answer the next test's language change
    # by reading this test's closed store
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(made)


def gate_of(window: MainWindow) -> GateScreen:
    screen = window.tabs.widget(0)
    assert isinstance(screen, GateScreen)
    return screen


def test_the_compiled_translation_loads() -> None:
    assert QM.is_file(), "run bash scripts/translations.sh"
    translator = QTranslator()
    assert translator.load(str(QM))
    assert translator.translate("MainWindow", "Sign in") == "签到"
    assert translator.translate("MainWindow", "To sync: %1") == "待同步：%1"
    assert translator.translate("GateScreen", "Gate") == "闸机"


def test_the_window_comes_up_in_chinese(window: MainWindow) -> None:
    screen = gate_of(window)
    assert window.windowTitle() == "检查站"
    assert window.sign_in_button.text() == "签到"
    assert window.operator_label.text() == "请签到"
    assert window.language_button.text() == "English"  # the way out, in its own words
    assert window.banner.text().startswith("演示模式")
    assert window.tabs.tabText(0) == "闸机"
    assert window.pending_label.text() == "待同步：0"
    assert window.trust_label.text().startswith("信任列表")
    assert window.net_label.text() == "离线（未注册）"
    assert screen.ok_button.text() == "确认"
    assert screen.verdict.heading.text() == "请扫码"
    assert screen.verdict.subheading.text() == "Scan the health code"
    # app.py asks the window for these: at run time their context is MainWindow
    assert window.tr("Gate") == "闸机"
    assert screen.camera_label.text().startswith("没有摄像头")


def test_switching_language_translates_every_visible_text(
    qtbot: Any, window: MainWindow, bench: Bench
) -> None:
    screen = gate_of(window)
    screen.submit_code(bench.code(sts="red"), source="camera")
    screen.on_hint("closer")
    window.sign_in()  # nobody typed a name: still asks
    assert screen.verdict.heading.text() == "禁止通行"
    assert screen.hint_label.text() == "请靠近一点 / Closer"

    window.toggle_language()
    qtbot.waitUntil(lambda: window.sign_in_button.text() == "Sign in")
    assert i18n.current() is Language.EN
    assert window.windowTitle() == "Checkpoint station"
    assert window.language_button.text() == "中文"
    assert window.operator_label.text() == "Please sign in"
    assert window.tabs.tabText(0) == "Gate"
    assert window.pending_label.text().startswith("To sync: ")
    assert window.trust_label.text().startswith("Trust list")
    assert window.banner.text().startswith("DEMO MODE")
    assert screen.ok_button.text() == "Confirm"
    assert screen.temperature_label.text() == "Temperature °C"
    assert screen.verdict.heading.text() == "Deny"  # the verdict panel turns round too
    assert screen.verdict.subheading.text() == "禁止通行"
    assert screen.verdict.reason.text().startswith("Red code")
    assert screen.hint_label.text() == "Closer / 请靠近一点"

    window.toggle_language()
    qtbot.waitUntil(lambda: window.sign_in_button.text() == "签到")
    assert i18n.current() is Language.ZH
    assert window.language_button.text() == "English"
    assert window.tabs.tabText(0) == "闸机"
    assert screen.ok_button.text() == "确认"
    assert screen.verdict.heading.text() == "禁止通行"
    assert screen.verdict.subheading.text() == "Deny"


def test_a_message_on_the_verdict_panel_turns_round_too(
    qtbot: Any, window: MainWindow, bench: Bench
) -> None:
    screen = gate_of(window)
    screen.verdict.show_message("无法保存记录", "Cannot save the record")
    window.toggle_language()
    qtbot.waitUntil(lambda: screen.verdict.heading.text() == "Cannot save the record")
    assert screen.verdict.subheading.text() == "无法保存记录"


def test_every_string_is_translated() -> None:
    """No empty or unfinished translation, and every %1 kept."""
    found = messages(TS)
    assert found
    problems = []
    for context, source, translation in found:
        text = translation.text or ""
        if translation.get("type") or not text.strip():
            problems.append(f"{context}: {source!r} is not translated")
        elif sorted(re.findall(r"%\d", source)) != sorted(re.findall(r"%\d", text)):
            problems.append(f"{context}: {source!r} → {text!r} lost a placeholder")
    assert not problems, "\n".join(problems)


def test_the_compiled_file_matches_the_source_file() -> None:
    """The .qm was rebuilt after the last edit of the .ts."""
    translator = QTranslator()
    assert translator.load(str(QM))
    stale = [
        (context, source)
        for context, source, translation in messages(TS)
        if translator.translate(context, source) != (translation.text or "")
    ]
    assert not stale, f"run bash scripts/translations.sh: {stale}"


def lupdate() -> Path | None:
    import PySide6

    for folder in PySide6.__path__:
        tool = Path(folder) / "lupdate"
        if tool.is_file():
            return tool
    return None


def test_every_string_in_the_code_is_in_the_translation_file(tmp_path: Path) -> None:
    """A tr() string added to a screen without running scripts/translations.sh."""
    tool = lupdate()
    if tool is None:
        pytest.skip("lupdate is not installed with PySide6")
    fresh = tmp_path / "fresh_zh_CN.ts"
    subprocess.run(
        [str(tool), "-silent", *map(str, SOURCES), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    in_code = {(c, s) for c, s, _ in messages(fresh)}
    in_file = {(c, s) for c, s, _ in messages(TS)}
    assert in_code - in_file == set(), "run bash scripts/translations.sh and translate"
    assert in_file - in_code == set(), "run bash scripts/translations.sh (drops old strings)"


def test_a_shipped_font_is_loaded_when_none_installed_draws_chinese(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QFontDatabase

    from checkpoint_app.ui import theme

    installed = theme.cjk_family()
    assert installed is not None, "the test machine needs a CJK font (fonts-noto-cjk)"
    (tmp_path / "NotoSansSC-Regular.otf").write_bytes(b"not really a font")
    (tmp_path / "README.txt").write_text("licence")
    loaded: list[str] = []
    answers = iter([None, installed])
    monkeypatch.setattr(theme, "cjk_family", lambda: next(answers))
    monkeypatch.setattr(QFontDatabase, "addApplicationFont", staticmethod(loaded.append))
    assert theme.ensure_cjk_font(tmp_path) == installed
    assert loaded == [str(tmp_path / "NotoSansSC-Regular.otf")]  # fonts only, in order


def test_qts_own_buttons_speak_chinese_too(languages: Languages) -> None:
    """Save and Cancel of a standard button box come from Qt's own translation."""
    from PySide6.QtWidgets import QDialogButtonBox

    assert languages.set(Language.ZH)
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    texts = {box.button(b).text() for b in (box.StandardButton.Save, box.StandardButton.Cancel)}
    assert texts == {"保存", "取消"}, texts
    languages.set(Language.EN)
    box2 = QDialogButtonBox(QDialogButtonBox.StandardButton.Save)
    assert box2.button(box2.StandardButton.Save).text() == "Save"

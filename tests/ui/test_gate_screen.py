"""The real gate screen on a real station: verdicts, the temperature field, the
keyboard-wedge scanner, provisional admission, the verdict timer, a video as the camera."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from station_factory import Bench

from checkpoint_app.domain.journey import JourneyState
from checkpoint_app.services.gate import GateService
from checkpoint_app.ui import theme
from checkpoint_app.ui.gate_screen import GateScreen
from checkpoint_app.ui.i18n import Language, set_current

OTHER_CID = "b7q4kd2mzx5ne3wr6ty2ua3ops"  # a second traveller (the factory's default is one)
ONLINE_CODE = "https://health.example.cn/c/8f3a2b"


@pytest.fixture
def make_screen(qtbot: Any, bench: Bench) -> Iterator[Any]:
    """A shown gate screen (verdicts in Chinese first) with its wedge filter installed
    on the application, as app.py does; the filter is removed afterwards."""
    set_current(Language.ZH)
    app = QApplication.instance()
    assert app is not None
    made: list[GateScreen] = []

    def make(**kwargs: Any) -> GateScreen:
        screen = GateScreen(GateService(bench.station, operator="测试"), **kwargs)
        qtbot.addWidget(screen)
        screen.resize(1366, 760)
        screen.show()
        qtbot.waitExposed(screen)
        screen.activateWindow()
        qtbot.waitUntil(screen.isActiveWindow)
        app.installEventFilter(screen.wedge)
        made.append(screen)
        return screen

    yield make
    for screen in made:
        app.removeEventFilter(screen.wedge)
        if shiboken6.isValid(screen):
            screen.clear_timer.stop()


@pytest.fixture
def screen(make_screen: Any) -> GateScreen:
    return make_screen(verdict_seconds=60)  # verdicts stay while the test looks


def scans(bench: Bench) -> int:
    return int(bench.station.db.execute("SELECT COUNT(*) FROM p_scans").fetchone()[0])


def type_slowly(qtbot: Any, widget: Any, text: str, gap_ms: int = 80) -> None:
    """A person at the keypad: well over the wedge's gap between keys."""
    for char in text:
        qtbot.keyClick(widget, char)
        qtbot.wait(gap_ms)


def test_green_code_asks_for_the_temperature_then_admits(
    qtbot: Any, screen: GateScreen, bench: Bench
) -> None:
    with qtbot.waitSignal(screen.outcome_shown):
        screen.submit_code(bench.code(sts="green"), source="manual")
    assert screen.verdict.action == "measure"
    assert screen.verdict.colour == theme.BLUE
    assert screen.verdict.heading.text() == "请测体温"
    assert screen.verdict.holder.text() == "郑*  420***********2651"  # masked, never whole
    assert screen.temperature.hasFocus()

    type_slowly(qtbot, screen.temperature, "366")
    with qtbot.waitSignal(screen.outcome_shown) as shown:
        qtbot.keyClick(screen.temperature, Qt.Key.Key_Return)
    assert shown.args[0].journey.state is JourneyState.ENTERED
    assert screen.verdict.action == "admit"
    assert screen.verdict.colour == theme.GREEN
    assert screen.verdict.heading.text() == "请通行"
    assert screen.verdict.subheading.text() == "Admit"
    assert "36.6 °C" in screen.verdict.reason.text()
    assert screen.verdict.holder.text() == "郑*  420***********2651"  # still whose it is
    assert screen.temperature.text() == ""
    assert scans(bench) == 1  # the Enter was the volunteer's, not a scan


def test_fever_twice_refers_to_the_secondary_check(
    qtbot: Any, screen: GateScreen, bench: Bench
) -> None:
    screen.submit_code(bench.code(), source="camera")
    for reading, action, heading in (
        ("38.1", "remeasure", "请复测体温"),
        ("381", "refer", "请到复核点"),
    ):
        type_slowly(qtbot, screen.temperature, reading, gap_ms=40)
        with qtbot.waitSignal(screen.outcome_shown):
            qtbot.keyClick(screen.temperature, Qt.Key.Key_Return)
        assert screen.verdict.action == action
        assert screen.verdict.colour == theme.AMBER
        assert screen.verdict.heading.text() == heading
    assert "复测仍发热" in screen.verdict.reason.text()
    assert screen.pending is not None and screen.pending.journey.state is JourneyState.REFERRED


def test_red_code_is_denied(screen: GateScreen, bench: Bench) -> None:
    outcome = screen.submit_code(bench.code(sts="red"), source="camera")
    assert outcome is not None and outcome.journey.state is JourneyState.DENIED
    assert screen.verdict.action == "deny"
    assert screen.verdict.colour == theme.RED
    assert screen.verdict.heading.text() == "禁止通行"
    assert "红码" in screen.verdict.reason.text()


def test_a_bad_reading_is_refused_in_plain_words(
    qtbot: Any, screen: GateScreen, bench: Bench
) -> None:
    screen.submit_code(bench.code(), source="camera")
    type_slowly(qtbot, screen.temperature, "451", gap_ms=40)
    qtbot.keyClick(screen.temperature, Qt.Key.Key_Return)
    assert "45.1 °C" in screen.problem_label.text()
    assert screen.verdict.action == "measure"  # still waiting for a reading


@pytest.mark.parametrize("to_window", [False, True], ids=["to-widget", "via-window"])
def test_wedge_burst_is_a_scan_and_the_typed_reading_is_restored(
    qtbot: Any, screen: GateScreen, bench: Bench, to_window: bool
) -> None:
    """A USB scanner types while the volunteer is half-way through a reading: the burst
    is taken as a scan (of another traveller) and the field gets its text back. Keys
    sent to the window go the way a real keyboard's do (window, then focus widget)."""
    screen.submit_code(bench.code(), source="camera")
    assert screen.temperature.hasFocus()
    type_slowly(qtbot, screen.temperature, "36")
    qtbot.wait(100)
    red = bench.code(sts="red", cid=OTHER_CID)
    target = screen.windowHandle() if to_window else screen.temperature
    with qtbot.waitSignal(screen.outcome_shown, timeout=2000) as shown:
        for char in red:  # a burst: no pause between keys
            QTest.keyClick(target, char)
        QTest.keyClick(target, Qt.Key.Key_Return)
    assert shown.args[0].journey.state is JourneyState.DENIED
    assert screen.verdict.action == "deny"
    assert screen.temperature.text() == "36"
    assert scans(bench) == 2


def test_a_slow_typists_enter_is_not_a_scan(qtbot: Any, screen: GateScreen, bench: Bench) -> None:
    screen.submit_code(bench.code(), source="camera")
    type_slowly(qtbot, screen.temperature, "36.6", gap_ms=120)
    qtbot.wait(120)
    with qtbot.waitSignal(screen.outcome_shown):
        qtbot.keyClick(screen.temperature, Qt.Key.Key_Return)
    assert screen.verdict.action == "admit"
    assert scans(bench) == 1


def test_provisional_admission_of_an_online_only_code(
    qtbot: Any, screen: GateScreen, bench: Bench
) -> None:
    screen.submit_code(ONLINE_CODE, source="camera")
    assert not screen.provisional_button.isEnabled()  # a reading first
    assert screen.verdict.heading.text() == "请测体温"  # what to do next, not "go away"
    assert "需联网核验的码" in screen.verdict.reason.text()
    assert screen.temperature.hasFocus()
    type_slowly(qtbot, screen.temperature, "366", gap_ms=40)
    qtbot.keyClick(screen.temperature, Qt.Key.Key_Return)
    assert screen.provisional_button.isEnabled()
    assert screen.verdict.heading.text() == "请到复核点"
    assert "可人工核验后放行" in screen.verdict.notice.text()
    with qtbot.waitSignal(screen.outcome_shown) as shown:
        screen.provisional("看了带照片的证件")
    assert shown.args[0].journey.state is JourneyState.PROVISIONAL
    assert screen.verdict.action == "provisional"
    assert screen.verdict.colour == theme.GREEN
    assert screen.verdict.heading.text() == "人工核验通行"
    assert not screen.provisional_button.isEnabled()


def test_the_verdict_clears_after_its_time(qtbot: Any, make_screen: Any, bench: Bench) -> None:
    screen = make_screen(verdict_seconds=1)
    screen.submit_code(bench.code(sts="red"), source="camera")
    assert screen.verdict.action == "deny"
    qtbot.waitUntil(lambda: screen.verdict.action is None, timeout=3000)
    assert screen.verdict.heading.text() == "请扫码"
    assert screen.pending is None


def test_the_verdict_stays_while_the_volunteer_is_typing(
    qtbot: Any, make_screen: Any, bench: Bench
) -> None:
    screen = make_screen(verdict_seconds=1)
    screen.submit_code(bench.code(), source="camera")
    type_slowly(qtbot, screen.temperature, "36", gap_ms=40)
    qtbot.wait(1500)
    assert screen.verdict.action == "measure"
    assert screen.pending is not None


def write_clip(path: Path, text: str, frames: int = 40) -> None:
    import cv2
    import numpy as np
    import zxingcpp

    qr = np.array(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=5))
    qr = cv2.cvtColor(qr, cv2.COLOR_GRAY2BGR)
    h, w = qr.shape[:2]
    assert h <= 440 and w <= 600, "the code must fit the frame"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 20, (640, 480))
    assert writer.isOpened()
    for i in range(frames):
        frame = np.full((480, 640, 3), 180, np.uint8)
        y, x = (480 - h) // 2, (640 - w) // 2 + (i % 5) - 2  # a hand is never quite still
        frame[y : y + h, x : x + w] = qr
        writer.write(frame)
    writer.release()


def test_a_code_shown_to_the_camera_reaches_the_verdict(
    qtbot: Any, screen: GateScreen, bench: Bench, tmp_path: Path
) -> None:
    from checkpoint_app.scan.decoders import make_decoder
    from checkpoint_app.scan.sources import open_source
    from checkpoint_app.ui.scan_bridge import ScanBridge

    clip = tmp_path / "phone.mp4"
    write_clip(clip, bench.code(sts="red"))
    bridge = ScanBridge()
    bridge.scanned.connect(screen.on_scanned)
    bridge.preview.connect(screen.on_preview)
    bridge.hint.connect(screen.on_hint)
    try:
        bridge.start(open_source(str(clip), realtime=True), make_decoder("auto"))
        qtbot.waitUntil(lambda: screen.verdict.action is not None, timeout=15000)
    finally:
        bridge.stop()
    assert screen.verdict.action == "deny"
    assert screen.verdict.heading.text() == "禁止通行"
    assert screen.preview.pixmap() is not None and not screen.preview.pixmap().isNull()
    scanned = [json.loads(e.payload) for e in bench.station.log.events() if e.kind == "scan"]
    assert [s["source"] for s in scanned] == ["camera"]  # once: the clip repeats it 40 times


def test_no_phone_traveller_found_by_id_suffix_is_sent_to_the_secondary_check(
    qtbot: Any, screen: GateScreen, buses: Bench
) -> None:
    from checkpoint_app.ui.gate_screen import NoPhoneDialog

    dialog = NoPhoneDialog(screen.gate, screen)
    qtbot.addWidget(dialog)
    dialog.search.setText("没有这个人")
    assert dialog.results.count() == 0 and dialog.count_label.text()
    dialog.search.setText("0002")  # 李明's ID number ends in 0002
    assert dialog.results.count() == 1
    assert "李*" in dialog.results.item(0).text() and "海淀 3号车" in dialog.results.item(0).text()
    assert "110101199001010002" not in dialog.results.item(0).text()  # masked
    assert not dialog.refer_button.isEnabled()  # what was checked is required
    dialog.checked_edit.setText("身份证已核对")
    assert dialog.refer_button.isEnabled()
    qtbot.mouseClick(dialog.refer_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.match is not None
    with qtbot.waitSignal(screen.outcome_shown) as shown:
        screen.refer_without_phone(dialog.match, dialog.checked)
    assert shown.args[0].journey.state is JourneyState.REFERRED
    assert screen.verdict.action == "refer" and screen.verdict.colour == theme.AMBER
    assert screen.verdict.heading.text() == "请到复核点"
    assert screen.verdict.holder.text() == "李*  110***********0002"
    # a second try says why in plain words instead of a verdict
    screen.refer_without_phone(dialog.match, "again")
    assert "refer" in screen.problem_label.text() or screen.problem_label.text()
    set_current(Language.EN)
    screen.verdict.retranslate()
    assert screen.verdict.heading.text() == "Go to secondary check"
    assert screen.verdict.holder.text() == "李*  110***********0002"


def test_bystander_safe_mode_shows_no_colour_flood_and_plays_one_neutral_sound(
    qtbot: Any, make_screen: Any, bench: Bench
) -> None:
    played: list[str] = []
    screen = make_screen(verdict_seconds=60, play=played.append)
    screen.set_discreet(True)
    screen.submit_code(bench.code(sts="red"), source="camera")
    screen.submit_code(bench.code(sts="green", cid=OTHER_CID), source="camera")
    assert played == ["neutral", "neutral"]  # nothing a bystander could tell apart
    assert screen.verdict.colour == theme.BLUE  # the stripe still tells the volunteer
    assert "border-left" in screen.verdict.styleSheet()
    assert screen.verdict.heading.font().pointSize() <= 22
    screen.set_discreet(False)
    assert "border-left" not in screen.verdict.styleSheet()
    screen.submit_code(bench.code(sts="red", cid="c" * 26), source="camera")
    assert played[-1] == "deny"


def test_the_verdict_time_is_a_setting(make_screen: Any) -> None:
    screen = make_screen(verdict_seconds=60)
    screen.set_verdict_seconds(5)
    assert screen.clear_timer.interval() == 5000


def test_no_phone_and_on_no_roster_goes_to_the_secondary_check_by_name(
    qtbot: Any, screen: GateScreen, buses: Bench
) -> None:
    from checkpoint_app.ui.gate_screen import NoPhoneDialog

    dialog = NoPhoneDialog(screen.gate, screen)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.search.setText("李")  # one character: not enough to refer by name
    dialog.checked_edit.setText("身份证已核对")
    assert not dialog.id_edit.isVisible()
    dialog.search.setText("赵铁柱")  # on no roster
    assert dialog.results.count() == 0 and "secondary check" in dialog.count_label.text()
    assert dialog.id_edit.isVisible() and dialog.refer_button.isEnabled()
    dialog.id_edit.setText("110101198808088888")
    qtbot.mouseClick(dialog.refer_button, Qt.MouseButton.LeftButton)
    assert dialog.unlisted == ("赵铁柱", "110101198808088888") and dialog.match is None
    with qtbot.waitSignal(screen.outcome_shown) as shown:
        screen.refer_without_phone(dialog.unlisted, dialog.checked)
    assert shown.args[0].journey.state is JourneyState.REFERRED
    assert screen.verdict.heading.text() == "请到复核点"
    assert screen.verdict.holder.text() == "赵**  110***********8888"


def test_the_no_phone_dialogs_buttons_are_not_clipped(qtbot: Any, screen: GateScreen) -> None:
    from PySide6.QtWidgets import QPushButton

    from checkpoint_app.ui.gate_screen import NoPhoneDialog

    dialog = NoPhoneDialog(screen.gate, screen)
    dialog.setStyleSheet(theme.STYLE_SHEET)  # the app's 18 pt buttons; English words (no .qm)
    dialog.setFont(theme.base_font(13))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.minimumSize())
    qtbot.wait(10)
    for button in dialog.findChildren(QPushButton):
        assert button.width() >= button.sizeHint().width(), button.text()

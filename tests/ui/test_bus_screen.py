"""The bus screen against a real store: tick to all present, call the missing, depart."""

from __future__ import annotations

import base64
import csv
import json
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from phi1_factory import base_claims
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from station_factory import Bench

from checkpoint_app.services.bus import BusService
from checkpoint_app.ui import bus_screen, theme
from checkpoint_app.ui.bus_screen import BusScreen, MoveDialog, ReasonDialog, WalkInDialog
from checkpoint_app.ui.i18n import Language, Languages, set_current
from checkpoint_app.ui.main_window import MainWindow
from checkpoint_app.ui.models import RosterEntriesModel

pytestmark = pytest.mark.usefixtures("chinese_first")


@pytest.fixture
def screen(qtbot: QtBot, buses: Bench) -> BusScreen:
    widget = BusScreen(BusService(buses.station, operator="marshal 1"))
    qtbot.addWidget(widget)
    return widget


def events(bench: Bench, kind: str) -> list[tuple[dict[str, object], str, str | None]]:
    rows = bench.station.db.execute(
        "SELECT payload, operator, pii_digest FROM events WHERE kind = ? ORDER BY seq", [kind]
    ).fetchall()
    return [(json.loads(p), op, digest) for p, op, digest in rows]


def bookings(screen: BusScreen) -> list[str]:
    return [screen.model.entry(r).booking_id for r in range(screen.model.rowCount())]  # type: ignore[union-attr]


def test_tick_by_scan_and_by_name_to_all_present_then_depart(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert screen.roster_id == "HD-BUS-3"
    assert screen.progress_label.text() == "0/3"
    assert bookings(screen) == ["HD3-0001", "HD3-0002", "HD3-9999"]  # the missing list
    assert screen.filter_buttons["missing"].text().endswith("(3)")

    ticked = screen.submit_code(buses.code())  # the PHI1 health code of 郑爽
    assert ticked is not None and ticked.entry.booking_id == "HD3-9999"
    assert screen.progress_label.text() == "1/3"
    assert screen.message.colour == theme.GREEN
    assert "郑*" in screen.message.heading.text() and "9" in screen.message.heading.text()
    assert screen.message_timer.isActive()
    set_current(Language.EN)  # the message turns round with the language
    screen.retranslate()
    assert screen.message.heading.text().startswith("On board: 郑*")
    set_current(Language.ZH)
    screen.retranslate()
    screen.message_timer.timeout.emit()  # after a while: back to asking for the next scan
    assert screen.message.colour is None
    assert screen.message.heading.text() == "请乘客扫码上车"

    assert screen.submit_code("TKT1:HD-BUS-3/HD3-0001") is not None  # a roster ticket
    assert screen.progress_label.text() == "2/3"
    assert bookings(screen) == ["HD3-0002"]
    phone = screen.model.index(0, RosterEntriesModel.PHONE).data()
    assert phone == "138****0002"

    # the same ticket again: said plainly, nothing recorded
    assert screen.submit_code("TKT1:HD-BUS-3/HD3-0001") is None
    assert screen.message.heading.text() == "已经上车了"
    assert screen.message.colour == theme.AMBER
    assert len(events(buses, "roster_mark")) == 2

    # by hand: a reason is required
    assert screen.select_booking("HD3-0002")
    assert screen.tick_button.isEnabled()
    assert screen.tick_selected_by_hand("   ") is None
    assert screen.message.heading.text() == "请填写原因"
    assert screen.message.colour == theme.RED
    done = screen.tick_selected_by_hand("no smartphone, ID card checked")
    assert done is not None and done.summary.progress.all_present
    assert screen.progress_label.text() == "3/3"
    assert theme.GREEN in screen.progress_label.styleSheet()
    assert "全部到齐" in screen.progress_note.text()
    assert screen.model.rowCount() == 0
    marks = events(buses, "roster_mark")
    assert [m[0]["method"] for m in marks] == ["scan", "scan", "name"]
    assert marks[2][0]["reason"] == "no smartphone, ID card checked"
    assert marks[2][1] == "marshal 1"

    # all present: the depart button asks for a confirmation, then records it
    assert screen.depart_button.isEnabled()
    assert "All present" in screen.depart_button.text()
    asked: list[str] = []

    def confirm(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    qtbot.mouseClick(screen.depart_button, Qt.MouseButton.LeftButton)
    assert asked and "3" in asked[0]
    (departed,) = events(buses, "bus_departed")
    assert departed[0] == {
        "roster_id": "HD-BUS-3", "present": 3, "expected": 3, "missing": [], "reason": None,
    }  # fmt: skip
    assert screen.summary is not None and screen.summary.departed_at is not None
    assert "已发车" in screen.message.heading.text()
    assert not screen.depart_button.isEnabled()
    assert not screen.walk_in_button.isEnabled()
    assert "发车" in screen.progress_note.text()

    # after the departure a scan is refused with a message
    screen.set_show("all")
    assert screen.submit_code("TKT1:HD-BUS-3/HD3-0001") is None
    assert screen.message.colour in (theme.AMBER, theme.RED)


def test_departing_with_passengers_missing_needs_a_reason(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen.submit_code("TKT1:HD-BUS-3/HD3-0001")
    assert "2" in screen.depart_button.text()  # "Depart with 2 missing…"
    assert screen.depart() is None
    assert screen.message.heading.text() == "请填写原因"
    assert "2 of 3 passengers are missing" in screen.message.detail.text()
    assert events(buses, "bus_departed") == []

    # the button asks for the reason in a dialog, then departs
    prompts: list[str] = []

    def ask(dialog: ReasonDialog) -> str:
        prompts.append(dialog.prompt.text())
        return "waited until 08:30, could not reach them"

    monkeypatch.setattr(ReasonDialog, "ask", ask)
    qtbot.mouseClick(screen.depart_button, Qt.MouseButton.LeftButton)
    assert prompts and "2" in prompts[0] and "3" in prompts[0]
    (departed,) = events(buses, "bus_departed")
    assert departed[0]["missing"] == ["HD3-0002", "HD3-9999"]
    assert departed[0]["reason"] == "waited until 08:30, could not reach them"
    assert screen.message.colour == theme.AMBER  # left with people missing
    assert theme.RED in screen.progress_label.styleSheet()


def test_show_phone_reveals_one_number_and_records_each_reveal(
    qtbot: QtBot, screen: BusScreen, buses: Bench
) -> None:
    assert not screen.phone_button.isEnabled()  # nothing selected
    assert screen.select_booking("HD3-0002")
    qtbot.mouseClick(screen.phone_button, Qt.MouseButton.LeftButton)
    model = screen.model
    phones = [model.index(r, RosterEntriesModel.PHONE).data() for r in range(model.rowCount())]
    assert phones == ["138****0001", "13812340002", "159****5410"]  # that row only
    assert screen.message.heading.text() == "请致电 138 1234 0002"
    assert screen.message.subheading.text() == "Call 138 1234 0002"
    assert not screen.message_timer.isActive()  # stays until hidden
    assert screen.phone_button.text() == "Hide phone"
    (revealed,) = events(buses, "phone_revealed")
    assert revealed == ({"roster_id": "HD-BUS-3", "booking_id": "HD3-0002"}, "marshal 1", None)

    # another row: the first number is hidden again; its reveal is recorded too
    assert screen.select_booking("HD3-0001")
    assert model.index(1, RosterEntriesModel.PHONE).data() == "138****0002"
    assert screen.reveal_selected_phone() == "13812340001"
    assert model.index(0, RosterEntriesModel.PHONE).data() == "13812340001"
    assert model.index(1, RosterEntriesModel.PHONE).data() == "138****0002"
    assert len(events(buses, "phone_revealed")) == 2

    # hide by the button, and by the timer
    qtbot.mouseClick(screen.phone_button, Qt.MouseButton.LeftButton)
    assert model.index(0, RosterEntriesModel.PHONE).data() == "138****0001"
    assert screen.reveal_selected_phone() == "13812340001"
    screen.phone_timer.timeout.emit()
    assert model.revealed is None
    assert model.index(0, RosterEntriesModel.PHONE).data() == "138****0001"

    # present passengers need no call: the button is off
    screen.submit_code("TKT1:HD-BUS-3/HD3-0001")
    screen.set_show("present")
    assert screen.select_booking("HD3-0001")
    assert not screen.phone_button.isEnabled()


def test_the_reveal_callback_can_be_given(qtbot: QtBot, buses: Bench) -> None:
    calls: list[tuple[str, str]] = []
    widget = BusScreen(
        BusService(buses.station),
        reveal_phone=lambda roster, booking: calls.append((roster, booking)) or "0123456789",
    )
    qtbot.addWidget(widget)
    widget.select_booking("HD3-0001")
    assert widget.reveal_selected_phone() == "0123456789"
    assert calls == [("HD-BUS-3", "HD3-0001")]


def test_walk_in_is_added_and_ticked(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert screen.add_walk_in("赵六", "  ") is None
    assert screen.message.heading.text() == "请填写原因"
    assert screen.add_walk_in("赵六", "booked by phone", phone="12") is None  # not a phone
    assert screen.message.colour == theme.RED and "phone" in screen.message.detail.text()
    assert screen.progress_label.text() == "0/3"

    added = screen.add_walk_in(
        "赵六", "booked by phone", id_number="110101199001010066", phone="13900001111", seat="12"
    )
    assert added is not None and added.entry.origin == "walk_in"
    assert screen.progress_label.text() == "1/4"
    assert "赵*" in screen.message.heading.text()
    (event,) = events(buses, "roster_entry_added")
    assert event[0]["origin"] == "walk_in" and "赵六" not in json.dumps(event[0])

    # the button's dialog: OK only with a name and a reason; a refusal keeps it open
    shown: list[WalkInDialog] = []

    def fake_exec(dialog: WalkInDialog) -> int:
        shown.append(dialog)
        if len(shown) == 1:
            dialog.name.setText("钱七")
            dialog.phone.setText("1")  # refused: the dialog comes back with the problem
            dialog.reason.setText("driver agreed")
            return 1
        if len(shown) == 2:
            assert dialog.problem.text()
            dialog.phone.setText("139-0000-2222")
            return 1
        return 0

    monkeypatch.setattr(WalkInDialog, "exec", fake_exec)
    qtbot.mouseClick(screen.walk_in_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 2
    assert screen.progress_label.text() == "2/5"


def test_move_to_another_bus(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert screen.move_selected("HD-BUS-4", "x") is None  # nothing selected
    assert "请先" in screen.message.heading.text()
    screen.select_booking("HD3-0001")
    assert screen.move_selected("HD-BUS-4", " ") is None
    assert screen.message.heading.text() == "请填写原因"
    moved = screen.move_selected("HD-BUS-4", "travels with family on bus 4")
    assert moved is not None
    assert screen.progress_label.text() == "0/2"
    assert "海淀 4号车" in screen.message.heading.text()
    screen.set_show("all")
    state = screen.model.index(0, RosterEntriesModel.STATE).data()
    assert "HD-BUS-4" in state
    assert BusService(buses.station).summary("HD-BUS-4").progress.label() == "0/2"

    # the button: a dialog lists the other buses (not this one)
    screen.set_show("missing")
    screen.select_booking("HD3-0002")
    offered: list[list[str]] = []

    def fake_exec(dialog: MoveDialog) -> int:
        offered.append([dialog.target.itemData(i) for i in range(dialog.target.count())])
        dialog.reason.setText("seat problem")
        return 1

    monkeypatch.setattr(MoveDialog, "exec", fake_exec)
    qtbot.mouseClick(screen.move_button, Qt.MouseButton.LeftButton)
    assert offered == [["HD-BUS-4"]]
    assert screen.progress_label.text() == "0/1"

    # pick the other bus: its own progress and list
    screen.select_roster("HD-BUS-4")
    assert screen.progress_label.text() == "0/3"
    assert sorted(bookings(screen)) == ["HD3-0001", "HD3-0002", "HD4-0001"]


def test_refusals_are_messages_on_screen(screen: BusScreen, buses: Bench) -> None:
    assert screen.submit_code("TKT1:HD-BUS-4/HD4-0001") is None
    assert screen.message.heading.text() == "不在本车名单上"
    assert "HD-BUS-4" in screen.message.detail.text()
    assert screen.submit_code("hello, not a code") is None
    assert screen.message.colour == theme.RED
    assert screen.submit_code("   ") is None
    screen.select_roster("HD-BUS-4")
    assert screen.submit_code(buses.code()) is None  # 郑爽 is on bus 3
    assert "HD-BUS-3" in screen.message.detail.text()


def test_search_runs_per_keystroke_one_page_at_a_time(
    qtbot: QtBot, bench: Bench, import_rows: Callable[[list[list[str]]], None]
) -> None:
    import_rows(
        [
            ["BIG-1", "大巴", f"B-{i:04d}", f"乘客{i}", "", f"1390000{i:04d}", "", str(i)]
            for i in range(1, 251)
        ]
    )
    screen = BusScreen(BusService(bench.station))
    qtbot.addWidget(screen)
    screen.set_show("all")
    assert screen.model.rowCount() == 100 and screen.model.total == 250
    assert "100" in screen.count_label.text() and "250" in screen.count_label.text()
    assert screen.model.canFetchMore()
    screen.model.fetchMore()
    assert screen.model.rowCount() == 200
    for i in range(1, 5):  # as an input method types: one character at a time
        screen.search.setText("乘客12"[:i])
    assert screen.model.query == "乘客12"
    assert screen.model.total == 11  # 乘客12, 乘客120 … 乘客129
    assert screen.model.rowCount() == 11
    screen.search.clear()
    qtbot.keyClicks(screen.search, "137")  # a seat
    assert bookings(screen) == ["B-0137"]
    screen.search.clear()
    qtbot.keyClicks(screen.search, "no such person")
    assert screen.model.rowCount() == 0
    assert screen.count_label.text() == "No passengers match."


def test_a_usb_scanner_ticks_while_the_bus_screen_is_shown(
    qtbot: QtBot, screen: BusScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("checkpoint_app.ui.gate_screen.WEDGE_MAX_KEY_GAP_S", 10.0)
    app = QApplication.instance()
    assert app is not None
    screen.show()
    screen.activateWindow()
    qtbot.waitActive(screen)
    screen.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.search)
    app.installEventFilter(screen.wedge)
    try:
        qtbot.keyClicks(screen.search, "TKT1:HD-BUS-3/HD3-0002")
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    finally:
        app.removeEventFilter(screen.wedge)
    assert screen.progress_label.text() == "1/3"
    assert screen.search.text() == ""  # the scanner's keys were taken back out
    assert "李*" in screen.message.heading.text()


def test_language_switch_and_empty_station(qtbot: QtBot, bench: Bench) -> None:
    screen = BusScreen(BusService(bench.station))
    qtbot.addWidget(screen)
    assert screen.roster_id is None
    assert screen.progress_label.text() == "—"
    assert screen.submit_code("TKT1:X/1") is None
    assert screen.message.heading.text() == "没有乘车名单"
    assert not screen.depart_button.isEnabled()
    set_current(Language.EN)
    screen.retranslate()
    assert screen.progress_note.text().startswith("No roster")
    assert screen.tab_title() == "Bus"


def test_dialogs_refuse_an_empty_reason(qtbot: QtBot) -> None:
    dialog = ReasonDialog("t", "why?", ["suggested"])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.field.setText("   ")
    assert not ok.isEnabled()
    (suggestion,) = [b for b in dialog.findChildren(type(ok)) if b.text() == "suggested"]
    suggestion.click()  # a suggestion fills the field
    assert dialog.reason() == "suggested" and ok.isEnabled()

    walk_in = WalkInDialog()
    qtbot.addWidget(walk_in)
    ok = walk_in.buttons.button(QDialogButtonBox.StandardButton.Ok)
    walk_in.name.setText("赵六")
    assert not ok.isEnabled()
    walk_in.reason.setText("booked by phone")
    assert ok.isEnabled()
    walk_in.phone.setText("139 0000-1111")
    assert walk_in.values()["phone"] == "13900001111"


def test_spaced_phone() -> None:
    assert bus_screen.spaced_phone("13812340002") == "138 1234 0002"
    assert bus_screen.spaced_phone("0123456") == "0123456"


def test_undo_a_wrong_tick_with_a_reason(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen.submit_code("TKT1:HD-BUS-3/HD3-0001")
    screen.set_show("present")
    assert screen.select_booking("HD3-0001")
    assert screen.untick_button.isEnabled() and not screen.tick_button.isEnabled()
    assert screen.untick_selected("") is None
    assert screen.message.heading.text() == "请填写原因"
    monkeypatch.setattr(ReasonDialog, "ask", lambda dialog: "ticked the wrong passenger")
    qtbot.mouseClick(screen.untick_button, Qt.MouseButton.LeftButton)
    assert screen.progress_label.text() == "0/3"
    assert screen.model.rowCount() == 0  # nobody on board any more
    assert [m[0]["mark"] for m in events(buses, "roster_mark")] == ["tick", "untick"]


# -- absent ------------------------------------------------------------------------------
def test_mark_a_missing_passenger_absent_with_a_reason(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not screen.absent_button.isEnabled()  # nothing selected
    assert screen.mark_selected_absent("called: not coming") is None
    assert "请先" in screen.message.heading.text()
    assert screen.select_booking("HD3-0002")
    assert screen.absent_button.isEnabled()
    assert screen.mark_selected_absent("  ") is None  # a reason is required
    assert screen.message.heading.text() == "请填写原因"
    assert events(buses, "roster_mark") == []

    # the button asks why (with suggestions), then marks
    prompts: list[str] = []

    def ask(dialog: ReasonDialog) -> str:
        prompts.append(dialog.prompt.text())
        return "called: cancelled the trip"

    monkeypatch.setattr(ReasonDialog, "ask", ask)
    qtbot.mouseClick(screen.absent_button, Qt.MouseButton.LeftButton)
    assert prompts and "李*" in prompts[0] and "2" in prompts[0]
    ((payload, operator, _),) = events(buses, "roster_mark")
    assert payload["mark"] == "mark_absent" and payload["booking_id"] == "HD3-0002"
    assert payload["reason"] == "called: cancelled the trip" and operator == "marshal 1"
    assert screen.message.heading.text() == "已标记缺席：李*"
    assert screen.message.colour == theme.AMBER

    # still on the missing list, marked ✗ with the reason; the progress says who is absent
    assert bookings(screen) == ["HD3-0001", "HD3-0002", "HD3-9999"]
    state = screen.model.index(1, RosterEntriesModel.STATE).data()
    assert state.startswith("✗ ") and state.endswith("called: cancelled the trip")
    assert screen.progress_label.text() == "0/3"
    assert "1 人缺席" in screen.progress_note.text() and "(1 absent)" in screen.progress_note.text()
    assert BusService(buses.station).summary("HD-BUS-3").progress.absent == 1
    assert screen.selected_entry().booking_id == "HD3-0002"  # type: ignore[union-attr]
    assert not screen.absent_button.isEnabled()  # already absent
    assert screen.tick_button.isEnabled()  # came late after all: can still be ticked

    # someone on board cannot be marked absent: said on screen, nothing recorded
    screen.submit_code("TKT1:HD-BUS-3/HD3-0001")
    screen.set_show("present")
    assert screen.select_booking("HD3-0001")
    assert not screen.absent_button.isEnabled()
    assert screen.mark_selected_absent("wrong") is None
    assert screen.message.heading.text() == "已经上车了"
    assert [m[0]["mark"] for m in events(buses, "roster_mark")] == ["mark_absent", "tick"]

    # the late passenger is ticked: the absent mark goes, the progress counts them
    screen.set_show("missing")
    assert screen.select_booking("HD3-0002")
    assert screen.tick_selected_by_hand("arrived late, ID card checked") is not None
    assert screen.progress_label.text() == "2/3"
    assert "缺席" not in screen.progress_note.text()


# -- the manifest -------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    """The text a PDF shows: pypdf's reading when it is installed, else the strings of
    the content streams ReportLab writes (ASCII85 + Flate, UTF-16 for its CID font)."""
    try:
        import pypdf
    except ImportError:
        pass
    else:
        import io

        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)

    def unescape(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if re.fullmatch(rb"[0-7]{1,3}", code):
            return bytes([int(code, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)

    found = []
    streams = rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length (\d+)\s*>>\s*stream\r?\n"
    for m in re.finditer(streams, data):
        content = zlib.decompress(
            base64.a85decode(data[m.end() : m.end() + int(m.group(1))], adobe=True)
        )
        for text in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            found.append(re.sub(rb"\\([0-7]{1,3}|.)", unescape, text.group(1)).decode("utf-16-be"))
    return "\n".join(found)


def pdf_pages(data: bytes) -> int:
    try:
        import pypdf
    except ImportError:
        return len(re.findall(rb"/Type /Page\b", data))
    import io

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_export_the_manifest_as_csv_and_pdf(
    qtbot: QtBot, screen: BusScreen, buses: Bench, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen.submit_code("TKT1:HD-BUS-3/HD3-0001")
    screen.select_booking("HD3-0002")
    screen.mark_selected_absent("called: not coming")
    asked: list[tuple[str, str]] = []
    chosen = {"csv": tmp_path / "out" / "bus3.csv", "pdf": tmp_path / "out" / "bus3"}

    def save_as(parent: QWidget, title: str, default: str, kinds: str) -> tuple[str, str]:
        asked.append((default, kinds))
        return str(chosen["pdf" if "pdf" in kinds else "csv"]), kinds

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(screen.csv_button, Qt.MouseButton.LeftButton)

    # the dialog proposed a file in the data directory, named by the bus and the time
    default = Path(asked[0][0])
    assert default.parent == buses.data_dir / "manifests" and default.parent.is_dir()
    assert re.fullmatch(r"manifest-HD-BUS-3-\d{8}-\d{4}\.csv", default.name)
    assert "*.csv" in asked[0][1]
    path = chosen["csv"]
    assert screen.message.colour == theme.GREEN
    assert screen.message.heading.text() == "名单已保存（CSV）"
    assert str(path) in screen.message.detail.text()  # says where it was written
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0].startswith("乘车名单 Passenger manifest — HD-BUS-3 海淀 3号车")
    assert rows[1][0].startswith("已到 present 1/3; 缺席 absent 1")
    header = rows.index(["#", "座位 seat", "预约号 booking", "姓名 name", "证件号 ID",
                         "电话 phone", "状态 state", "时间 time (UTC)", "方式 how",
                         "原因 reason"])  # fmt: skip
    passengers = rows[header + 1 :]
    assert [(r[2], r[3], r[6]) for r in passengers] == [
        ("HD3-0001", "王*", "已上车 present"),
        ("HD3-0002", "李*", "缺席 absent"),
        ("HD3-9999", "郑*", "未到 missing"),
    ]
    assert passengers[0][8] == "扫码 scan" and passengers[1][9] == "called: not coming"
    assert "13812340002" not in path.read_text(encoding="utf-8-sig")  # masked, as on screen
    assert passengers[1][5] == "138****0002"

    # PDF: the suffix is added to a name typed without one
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    assert Path(asked[1][0]).suffix == ".pdf" and "*.pdf" in asked[1][1]
    pdf = tmp_path / "out" / "bus3.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) == 1
    text = pdf_text(data)
    assert "HD-BUS-3" in text and "海淀 3号车" in text
    for booking, name in (("HD3-0001", "王*"), ("HD3-0002", "李*"), ("HD3-9999", "郑*")):
        assert booking in text and name in text
    assert "李明" not in text and "110101199001010002" not in text
    assert str(pdf) in screen.message.detail.text()

    # choosing an existing file (the dialog asked to replace it) replaces it whole
    chosen["csv"] = pdf.with_suffix(".csv")
    chosen["csv"].write_text("old", encoding="utf-8")
    qtbot.mouseClick(screen.csv_button, Qt.MouseButton.LeftButton)
    assert chosen["csv"].read_text(encoding="utf-8-sig").startswith("乘车名单")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "bus3.csv", "bus3.pdf"
    ]  # fmt: skip

    # cancelled: nothing written; a folder that cannot be written: said, nothing left
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    qtbot.mouseClick(screen.csv_button, Qt.MouseButton.LeftButton)
    assert len(list((tmp_path / "out").iterdir())) == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    assert screen.export_manifest("csv", blocked / "m.csv") is None
    assert screen.message.colour == theme.RED
    assert screen.message.heading.text() == "无法保存名单"
    assert str(blocked / "m.csv") in screen.message.detail.text()

    # each saved file is in the log (the failed one is not), by the marshal, masked
    recorded = [
        (e.operator, json.loads(e.payload)) for e in buses.station.log.events(kind="data_exported")
    ]
    assert [payload["format"] for _, payload in recorded] == ["csv", "pdf", "csv"]
    assert recorded[0] == (
        screen.bus.operator,
        {"what": "manifest", "format": "csv", "rows": 3, "masked": True, "roster_id": "HD-BUS-3"},
    )


def test_export_without_a_roster_says_so(qtbot: QtBot, bench: Bench, tmp_path: Path) -> None:
    screen = BusScreen(BusService(bench.station))
    qtbot.addWidget(screen)
    assert screen.export_manifest("pdf", tmp_path / "m.pdf") is None
    assert screen.message.heading.text() == "没有乘车名单"
    assert not (tmp_path / "m.pdf").exists()


# -- passengers on two buses --------------------------------------------------------------
def test_a_passenger_on_two_rosters_is_named_in_an_amber_notice(
    qtbot: QtBot,
    screen: BusScreen,
    buses: Bench,
    import_rows: Callable[[list[list[str]]], None],
) -> None:
    assert screen.duplicate_notice.isHidden()  # no duplicates among the test rosters
    import_rows(
        [  # 王芳 (same ID number) on bus 4 too; 郑爽 (same health code) on bus 5
            ["HD-BUS-4", "海淀 4号车", "HD4-0001", "张伟", "110101199001010004", "", "", "1"],
            ["HD-BUS-4", "海淀 4号车", "HD4-0002", "王芳", "110101199001010001", "", "", "7"],
            ["HD-BUS-5", "海淀 5号车", "HD5-0001", "郑爽", "", "", base_claims()["cid"], "3"],
        ]
    )
    screen.refresh()
    notice = screen.duplicate_notice
    assert not notice.isHidden()
    assert theme.AMBER in notice.styleSheet()
    text = notice.text()
    assert "(2)" in text or "（2 人）" in text
    assert "王*" in text and "海淀 4号车" in text and "郑*" in text and "海淀 5号车" in text
    assert "王芳" not in text and "郑爽" not in text and "110101199001010001" not in text
    assert set(screen.duplicates) == {"HD3-0001", "HD3-9999"}

    # the other bus shows it the other way round; a bus without duplicates shows none
    screen.select_roster("HD-BUS-5")
    assert "郑*" in screen.duplicate_notice.text()
    assert "海淀 3号车" in screen.duplicate_notice.text()
    assert "王*" not in screen.duplicate_notice.text()

    # ticked on bus 5 first: the notice says so, and ticking on bus 3 says it plainly
    assert screen.submit_code(buses.code()) is not None
    assert screen.message.colour == theme.GREEN  # nobody boarded elsewhere yet
    screen.select_roster("HD-BUS-3")
    assert "海淀 5号车" in screen.duplicate_notice.text()
    assert "on board there at" in screen.duplicate_notice.text()
    ticked = screen.submit_code(buses.code())
    assert ticked is not None  # recorded: the marshal decides which bus is right
    assert screen.progress_label.text() == "1/3"
    assert screen.message.colour == theme.AMBER
    assert screen.message.heading.text().startswith("郑* 已在 海淀 5号车 上过车")
    assert screen.message.subheading.text().startswith("郑* already boarded 海淀 5号车")
    assert screen.message.detail.text()  # what to do: check the bus, undo the wrong tick

    # English first after a language switch, still masked
    set_current(Language.EN)
    screen.retranslate()
    assert screen.message.heading.text().startswith("郑* already boarded")
    assert "郑*" in screen.duplicate_notice.text()

    # moved off this bus: the notice here forgets that passenger
    set_current(Language.ZH)
    assert screen.select_booking("HD3-0001")
    assert screen.move_selected("HD-BUS-5", "booked twice: rides bus 5") is not None
    assert set(screen.duplicates) == {"HD3-9999"}
    assert "王*" not in screen.duplicate_notice.text()
    assert "郑*" in screen.duplicate_notice.text()


def test_the_screen_model_passes_the_model_tester(
    qtmodeltester: ModelTester, screen: BusScreen, buses: Bench
) -> None:
    screen.set_show("all")
    screen.submit_code("TKT1:HD-BUS-3/HD3-0001")
    screen.select_booking("HD3-0002")
    screen.mark_selected_absent("no answer on the phone")
    screen.select_booking("HD3-9999")
    screen.reveal_selected_phone()
    qtmodeltester.check(screen.model)
    assert screen.model.rowCount() == 3


# -- a 1366x768 screen --------------------------------------------------------------------
SCREEN = QSize(1366, 768)


@pytest.fixture
def as_the_app_looks() -> Iterator[Languages]:
    """The application's font, style sheet and translator, as ``app.py`` sets them;
    put back afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font, style = app.font(), app.styleSheet()
    app.setFont(theme.base_font(13))
    app.setStyleSheet(theme.STYLE_SHEET)
    languages = Languages(app)
    yield languages
    languages.set(Language.EN)
    app.setStyleSheet(style)
    app.setFont(font)


@pytest.fixture
def windows(as_the_app_looks: Languages, buses: Bench) -> Iterator[Callable[[], MainWindow]]:
    """Main windows on the bench's station, deleted at the end (while the station is
    open: a window left for later would answer a later language change)."""
    made: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(buses.station, as_the_app_looks, demo=True)
        window.status_timer.stop()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        shiboken6.delete(window)


def space_left(qtbot: QtBot, window: MainWindow) -> QSize:
    """What a 1366x768 main window (demo banner, header, tabs, status bar) leaves a tab."""
    page = QWidget()
    window.add_screen(page, "page")
    window.resize(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    assert window.size() == SCREEN
    return page.size()


def clipped(root: QWidget) -> list[str]:
    """Visible labels, buttons and fields given less room than their text needs."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not isinstance(
            widget, QLabel | QPushButton | QComboBox | QLineEdit
        ):
            continue
        size, hint = widget.size(), widget.minimumSizeHint()
        if widget.hasHeightForWidth():  # a wrapping label: its height at its width
            short = size.height() < widget.heightForWidth(size.width())
        else:
            short = size.height() < hint.height() or size.width() < hint.width()
        if short:
            text = getattr(widget, "text", lambda: "")()
            found.append(f"{type(widget).__name__} {text[:30]!r}: {size.toTuple()} < {hint}")
    return found


def fill_to_the_worst(screen: BusScreen, bench: Bench, rows: Callable[..., None]) -> None:
    """The tallest the bus screen gets: a notice naming passengers on other buses (with
    long bus names, and more than it names), a long message, the absent count and a
    departure in the progress note."""
    title = "海淀区 第二十三号 西站接驳大巴车"
    ids = [f"1101011990010{i:05d}" for i in range(1, 6)]
    rows(
        [["AA-1", title, f"AA-{i}", f"乘客{i}", ids[i - 1], "", "", f"{i}A"] for i in range(1, 6)]
        + [
            [f"ZZ-{i}", f"{title} {i}", f"ZZ-{i}", f"乘客{i}", ids[i - 1], "", "", "1"]
            for i in range(1, 6)
        ]
    )
    screen.refresh()
    screen.select_roster("AA-1")
    screen.select_booking("AA-2")
    screen.mark_selected_absent("no answer on the phone, twice; the family says they left")
    screen.depart("waited until 08:30 as the rules say; two passengers could not be reached")
    screen.say(
        "无法保存名单",
        "Cannot save the manifest",
        theme.RED,
        str(bench.data_dir / "manifests" / ("a-long-folder-name-" * 4) / "manifest.pdf"),
    )


@pytest.mark.parametrize("language", [Language.ZH, Language.EN])
def test_the_bus_screen_fits_a_1366x768_screen(
    qtbot: QtBot,
    buses: Bench,
    import_rows: Callable[[list[list[str]]], None],
    as_the_app_looks: Languages,
    windows: Callable[[], MainWindow],
    language: Language,
) -> None:
    assert as_the_app_looks.set(language)
    set_current(as_the_app_looks.current)
    room = space_left(qtbot, windows())
    assert room.height() < 620  # the window's own parts take their share

    window = windows()
    screen = BusScreen(BusService(buses.station))
    window.add_screen(screen, screen.tab_title())
    need = screen.minimumSizeHint()
    assert need.width() <= room.width() and need.height() <= room.height(), (need, room)
    fill_to_the_worst(screen, buses, import_rows)
    assert not screen.duplicate_notice.isHidden()
    assert "还有" in screen.duplicate_notice.text() or "more" in screen.duplicate_notice.text()
    need = screen.minimumSizeHint()
    assert need.width() <= room.width() and need.height() <= room.height(), (need, room)

    # in the window at 1366x768: the window stays that size, nothing is cut off
    window.resize(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    assert window.size() == SCREEN
    assert screen.size() == room
    assert clipped(screen) == []
    assert screen.table.height() >= 3 * screen.table.verticalHeader().defaultSectionSize()


def test_messages_turn_round_with_the_language_details_too(
    qtbot: QtBot,
    buses: Bench,
    import_rows: Callable[[list[list[str]]], None],
    as_the_app_looks: Languages,
) -> None:
    """With the Chinese translation installed: the duplicate notice and a message's
    detail line follow a language switch (the detail is asked again, not kept)."""
    assert as_the_app_looks.set(Language.ZH)
    set_current(Language.ZH)
    import_rows([["HD-BUS-5", "海淀 5号车", "HD5-0001", "郑爽", "", "", base_claims()["cid"], "3"]])
    BusService(buses.station).tick_by_name("HD-BUS-5", "HD5-0001", "ID card checked")
    screen = BusScreen(BusService(buses.station))
    try:
        assert "请确认乘客坐哪辆车" in screen.duplicate_notice.text()
        assert "已于" in screen.duplicate_notice.text()
        assert screen.submit_code(buses.code()) is not None
        assert screen.message.detail.text().startswith("本车也已登记")
        assert screen.absent_button.text() == "标记缺席"
        assert screen.pdf_button.text() == "导出名单 PDF"

        as_the_app_looks.set(Language.EN)  # Qt sends the screen a LanguageChange
        set_current(Language.EN)
        screen.retranslate()
        assert screen.message.heading.text().startswith("郑* already boarded 海淀 5号车")
        assert screen.message.subheading.text().startswith("郑* 已在 海淀 5号车 上过车")
        assert screen.message.detail.text().startswith("Ticked here too.")
        assert "check which bus they take" in screen.duplicate_notice.text()
        assert screen.absent_button.text() == "Mark absent"
    finally:
        screen.close()
        shiboken6.delete(screen)

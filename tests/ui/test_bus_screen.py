"""The bus screen against a real store: tick to all present, call the missing, depart."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
from station_factory import Bench

from checkpoint_app.services.bus import BusService
from checkpoint_app.ui import bus_screen, theme
from checkpoint_app.ui.bus_screen import BusScreen, MoveDialog, ReasonDialog, WalkInDialog
from checkpoint_app.ui.i18n import Language, current, set_current
from checkpoint_app.ui.models import RosterEntriesModel


@pytest.fixture(autouse=True)
def chinese_first() -> Iterator[None]:
    before = current()
    set_current(Language.ZH)
    yield
    set_current(before)


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

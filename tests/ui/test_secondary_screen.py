"""The secondary check screen against a real store: the queue of referred travellers,
re-measuring, and the verdict that resolves each referral."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from station_factory import Bench

from checkpoint_app.domain.journey import JourneyState
from checkpoint_app.services.gate import GateService
from checkpoint_app.ui import theme
from checkpoint_app.ui.bus_screen import ReasonDialog
from checkpoint_app.ui.i18n import Language, set_current
from checkpoint_app.ui.models import ReferralQueueModel
from checkpoint_app.ui.secondary_screen import SecondaryScreen

pytestmark = pytest.mark.usefixtures("chinese_first")


@pytest.fixture
def gate(bench: Bench) -> GateService:
    return GateService(bench.station, gate="南门2", operator="小王")


def refer_yellow(bench: Bench, gate: GateService, **claims: object) -> str:
    outcome = gate.scan(bench.code(sts="yellow", **claims), temperature="36.5")
    assert outcome.decision is not None and str(outcome.decision.action) == "refer"
    assert outcome.journey.state is JourneyState.REFERRED
    return outcome.traveller


def readings(bench: Bench) -> list[dict[str, object]]:
    rows = bench.station.db.execute(
        "SELECT payload FROM events WHERE kind = 'temperature' ORDER BY seq"
    ).fetchall()
    return [json.loads(r[0]) for r in rows]


def test_a_referred_traveller_is_queued_remeasured_and_let_in(
    qtbot: QtBot, bench: Bench, gate: GateService
) -> None:
    screen = SecondaryScreen(gate)
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == 0
    assert not screen.admit_button.isEnabled()
    assert "0" in screen.count_label.text()

    traveller = refer_yellow(bench, gate)
    screen.refresh()
    assert screen.model.rowCount() == 1
    r = screen.selected()  # the oldest is picked for the officer
    assert r is not None and r.traveller == traveller
    assert (r.name, r.id_number, r.reason, r.colour) == (
        "郑*", "420***********2651", "YELLOW_CODE", "yellow",
    )  # fmt: skip
    assert r.celsius == 36.5 and not r.fever
    why = screen.model.index(0, ReferralQueueModel.WHY).data()
    assert why.startswith("黄码")
    assert "郑*" in screen.who.text() and "36.5" in screen.reading.text()
    assert screen.tab_title() == "Secondary check"

    # re-measure: recorded as the gate records a reading, and shown
    assert screen.remeasure("379") is not None
    assert readings(bench)[-1] == {
        "traveller": traveller, "gate": "南门2", "celsius": 37.9, "raw": "379", "unit": "C",
        "fever": True,
    }  # fmt: skip
    assert screen.message.colour == theme.RED and "37.9" in screen.message.heading.text()
    assert "37.9" in screen.reading.text() and theme.RED in screen.reading.styleSheet()
    qtbot.keyClicks(screen.temperature, "36.8")
    qtbot.keyClick(screen.temperature, Qt.Key.Key_Return)
    assert screen.model.referral(0).celsius == 36.8  # type: ignore[union-attr]
    assert screen.temperature.text() == ""
    assert screen.message.colour == theme.GREEN

    # the verdict needs a reason; then the traveller enters and leaves the queue
    assert screen.decide(admit=True, reason="  ") is None
    assert screen.message.heading.text() == "请填写原因"
    assert gate.journey(traveller).state is JourneyState.REFERRED
    outcome = screen.decide(admit=True, reason="negative test shown, 36.8 on re-measure")
    assert outcome is not None and outcome.journey.state is JourneyState.ENTERED
    assert screen.model.rowCount() == 0
    assert screen.selected() is None
    assert "郑*" in screen.message.heading.text() and screen.message.colour == theme.GREEN
    journey = bench.station.db.execute(
        "SELECT payload, operator FROM events WHERE kind = 'journey' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert json.loads(journey[0])["transition"] == "enter"
    assert json.loads(journey[0])["reason"] == "negative test shown, 36.8 on re-measure"
    assert journey[1] == "小王"


def test_deny_by_the_button_and_the_queue_keeps_the_others(
    qtbot: QtBot, bench: Bench, gate: GateService, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = refer_yellow(bench, gate)
    bench.clock.advance(60)
    second = refer_yellow(bench, gate, cid="aaaaaaaaaaaaaaaaaaaaaaaaaa", nam="Li Ming")
    screen = SecondaryScreen(gate)
    qtbot.addWidget(screen)
    assert [screen.model.referral(i).traveller for i in range(2)] == [first, second]  # type: ignore[union-attr]
    assert screen.select_traveller(second)
    assert screen.model.referral(1).name == "L* M***"  # type: ignore[union-attr]

    monkeypatch.setattr(ReasonDialog, "ask", lambda dialog: "fever confirmed")
    qtbot.mouseClick(screen.deny_button, Qt.MouseButton.LeftButton)
    assert gate.journey(second).state is JourneyState.DENIED
    assert gate.journey(first).state is JourneyState.REFERRED
    assert screen.model.rowCount() == 1
    assert screen.selected().traveller == first  # type: ignore[union-attr]
    assert screen.message.colour == theme.RED

    # cancelling the dialog decides nothing
    monkeypatch.setattr(ReasonDialog, "ask", lambda dialog: None)
    qtbot.mouseClick(screen.admit_button, Qt.MouseButton.LeftButton)
    assert gate.journey(first).state is JourneyState.REFERRED


def test_bad_readings_and_a_traveller_decided_elsewhere_are_messages(
    qtbot: QtBot, bench: Bench, gate: GateService
) -> None:
    traveller = refer_yellow(bench, gate)
    screen = SecondaryScreen(gate)
    qtbot.addWidget(screen)
    before = len(readings(bench))
    assert screen.remeasure("abc") is None
    assert "36.6" in screen.message.detail.text()
    assert screen.remeasure("30") is None
    assert "too low" in screen.message.detail.text()
    assert len(readings(bench)) == before

    # another officer's screen decided first: this one says so and drops the row
    GateService(bench.station, operator="other").secondary_decision(
        traveller, admit=False, reason="handed to the medical team"
    )
    assert screen.decide(admit=True, reason="ok") is None
    assert screen.message.heading.text() == "无法完成"
    assert "referred travellers only" in screen.message.detail.text()
    assert screen.model.rowCount() == 0
    assert screen.decide(admit=True, reason="ok") is None  # nobody selected
    assert "请先" in screen.message.heading.text()


def test_the_queue_refreshes_on_its_timer_when_shown(
    qtbot: QtBot, bench: Bench, gate: GateService
) -> None:
    screen = SecondaryScreen(gate)
    qtbot.addWidget(screen)
    screen.timer.setInterval(20)
    screen.show()
    qtbot.waitExposed(screen)
    refer_yellow(bench, gate)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=2000)
    set_current(Language.EN)
    screen.retranslate()
    assert screen.count_label.text().startswith("1 waiting")


def test_a_traveller_without_a_phone_is_queued_with_their_masked_name(
    qtbot: QtBot, buses: Bench, gate: GateService
) -> None:
    match = gate.lookup("李明")[0]
    gate.refer_without_phone(match, "身份证已核对")
    screen = SecondaryScreen(gate)
    qtbot.addWidget(screen)
    screen.refresh()
    assert screen.model.rowCount() == 1
    row = [
        str(screen.model.index(0, c).data(Qt.ItemDataRole.DisplayRole))
        for c in range(screen.model.columnCount())
    ]
    assert "李*" in row and "110***********0002" in row
    assert any("身份证已核对" in cell for cell in row)
    assert "李明" not in " ".join(row)

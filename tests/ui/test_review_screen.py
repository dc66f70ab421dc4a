"""The supervisor's review screen on a real store (the known shift of
``tests/services/review_data.py``): filters and search change the rows, the detail pane
masks personal data until the supervisor unlocks, the traveller's other events are a
click away, the charts carry the shift's counts, the integrity check finds a tampered
row, and the hand-over report is written from the screen (its PDF text checked)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from phi1_factory import NOW
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from review_data import GATE_A, GATE_B, PIN, SINCE, UNTIL, Shift, make_shift, tamper_event
from station_factory import Bench

from checkpoint_app.services.review import LogFilter, ReviewService
from checkpoint_app.ui.i18n import Language, set_current
from checkpoint_app.ui.review_models import (
    EventRowsModel,
    ListAgesModel,
    LogModel,
    SyncProblemsModel,
    local_time,
    summary_text,
)
from checkpoint_app.ui.review_screen import ReviewScreen, day_range, shift_range
from checkpoint_app.ui.supervisor import SupervisorSession, UnlockDialog

pytestmark = pytest.mark.usefixtures("english_words")


@pytest.fixture
def shift(bench: Bench) -> Shift:
    return make_shift(bench)


@pytest.fixture
def review(bench: Bench, shift: Shift) -> ReviewService:
    return ReviewService(bench.station, operator="李站长")


@pytest.fixture
def session(review: ReviewService) -> Iterator[SupervisorSession]:
    made = SupervisorSession(review)
    yield made
    made.close()


@pytest.fixture
def screen(
    qtbot: QtBot, review: ReviewService, session: SupervisorSession
) -> Iterator[ReviewScreen]:
    made = ReviewScreen(review, session)
    qtbot.addWidget(made)
    made.resize(1366, 680)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.shutdown()
    made.close()
    shiboken6.delete(made)  # now, while the store is open (no language change reaches it)


def sql(bench: Bench, query: str, *params: Any) -> list[Any]:
    return [r[0] for r in bench.station.db.execute(query, params).fetchall()]


def shown_ids(screen: ReviewScreen) -> set[str]:
    model = screen.log_tab.model
    while model.canFetchMore():
        model.fetchMore()
    return {model.log_row(i).event_id for i in range(model.rowCount())}  # type: ignore[union-attr]


def all_ids(bench: Bench) -> set[str]:
    return set(sql(bench, "SELECT event_id FROM events"))


# -- the log: filters, search ------------------------------------------------------------


def test_the_log_opens_newest_first_with_the_count(screen: ReviewScreen, bench: Bench) -> None:
    log = screen.log_tab
    log.set_range("all")
    n = len(all_ids(bench))
    assert log.model.total == n and log.model.rowCount() == n
    assert log.count_label.text() == f"{n} events"
    times = [log.model.log_row(i).occurred_at for i in range(n)]  # type: ignore[union-attr]
    assert times == sorted(times, reverse=True)
    newest = sql(bench, "SELECT event_id FROM events ORDER BY occurred_at DESC, seq DESC LIMIT 1")
    assert log.model.log_row(0).event_id == newest[0]  # type: ignore[union-attr]
    assert screen.tabs.tabText(0) == "Log" and screen.tab_title() == "Review"


@pytest.mark.parametrize(
    ("combo", "value", "where"),
    [
        ("gate", GATE_B, "json_extract(payload, '$.gate') = '北门 2'"),
        ("operator", "小王", "operator = '小王'"),
        ("kind", "temperature", "kind = 'temperature'"),
        (
            "action",
            "deny",
            "json_extract(payload, '$.action') = 'deny' "
            "OR json_extract(payload, '$.transition') = 'deny'",
        ),
    ],
)
def test_each_filter_changes_the_rows(
    screen: ReviewScreen, bench: Bench, combo: str, value: str, where: str
) -> None:
    log = screen.log_tab
    log.set_range("all")
    assert shown_ids(screen) == all_ids(bench)
    log.select_value(getattr(log, combo), value)
    expected = set(sql(bench, f"SELECT event_id FROM events WHERE {where}"))
    assert expected and expected != all_ids(bench)
    assert shown_ids(screen) == expected
    assert log.count_label.text() == f"{len(expected)} events"
    log.select_value(getattr(log, combo), None)
    assert shown_ids(screen) == all_ids(bench)


def test_the_device_and_sync_filters(screen: ReviewScreen, bench: Bench) -> None:
    log = screen.log_tab
    log.set_range("all")
    own = bench.station.device_id
    assert log.device.findData(own) > 0
    assert "(this laptop)" in log.device.itemText(log.device.findData(own))
    log.select_value(log.device, own)
    assert shown_ids(screen) == all_ids(bench)  # one device so far
    log.select_value(log.device, None)

    rejected = sql(bench, "SELECT event_id FROM events WHERE kind = 'decision' LIMIT 2")
    bench.station.db.execute(
        "UPDATE event_sync SET sync_state = 'rejected', last_error = 'gate unknown to the centre' "
        f"WHERE event_id IN ({', '.join('?' * len(rejected))})",
        rejected,
    )
    log.select_value(log.sync, "rejected")
    assert shown_ids(screen) == set(rejected)
    log.select_value(log.sync, "pending")
    assert shown_ids(screen) == all_ids(bench) - set(rejected)
    log.select_value(log.sync, "synced")
    assert shown_ids(screen) == set() and log.count_label.text() == "0 events"


def test_the_time_range_presets_and_from_to(
    screen: ReviewScreen, bench: Bench, review: ReviewService
) -> None:
    log = screen.log_tab
    now = bench.clock.now
    # an event two days earlier: outside this shift and today
    bench.clock.now = now - 2 * 86400
    review.lock("manual")
    bench.clock.now = now
    screen.open()
    log.set_range("all")
    assert len(shown_ids(screen)) == len(all_ids(bench))

    def between(since: datetime, until: datetime) -> set[str]:
        return set(
            sql(
                bench,
                "SELECT event_id FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                _utc(since),
                _utc(until),
            )
        )

    log.set_range("shift")
    expected = between(*shift_range(now))
    assert shown_ids(screen) == expected and len(expected) == len(all_ids(bench)) - 1
    log.set_range("today")
    local_day = datetime.fromtimestamp(now).astimezone().date()
    assert shown_ids(screen) == between(*day_range(local_day))

    since = datetime.fromtimestamp(NOW + 1000).astimezone()  # the red code and after
    until = datetime.fromtimestamp(NOW + 2000).astimezone()
    log.set_custom_range(since, until)
    expected = between(since.replace(second=0), until.replace(second=0))
    assert expected and len(expected) < len(all_ids(bench)) - 1
    assert shown_ids(screen) == expected


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"


def test_the_total_is_counted_off_the_gui_thread(
    qtbot: QtBot, qtmodeltester: ModelTester, screen: ReviewScreen, bench: Bench
) -> None:
    log = screen.log_tab
    log.model.page_size = 5  # more than a page: the count runs on the worker thread
    log.set_range("all")
    assert log.model.total is None and log.model.rowCount() == 5
    assert log.count_label.text() == "Counting… (the newest 5 shown)"
    assert log.model.canFetchMore()
    qtbot.waitUntil(lambda: log.model.total_known, timeout=5000)
    n = len(all_ids(bench))
    qtmodeltester.check(log.model)
    assert log.model.total == n and log.count_label.text() == f"{n} events"
    assert shown_ids(screen) == all_ids(bench)  # paged to the end
    # a filter with less than a page needs no count
    log.select_value(log.operator, "李站长")  # the override
    assert log.model.total == 1 and not log.model.canFetchMore()
    assert log.count_label.text() == "1 events"
    # read to the end before the count came: the total is known from the pages
    log.select_value(log.operator, None)
    assert log.model.total is None
    while log.model.canFetchMore():
        log.model.fetchMore()
    assert log.model.total == n
    qtbot.wait(50)  # the late count changes nothing
    assert log.model.total == n and log.model.rowCount() == n


def test_search_waits_for_the_typing_to_stop(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench, shift: Shift
) -> None:
    log = screen.log_tab
    log.set_range("all")
    traveller = shift.referred[0].traveller
    expected = set(
        sql(
            bench,
            "SELECT event_id FROM events WHERE json_extract(payload, '$.traveller') = ?",
            traveller,
        )
    )
    before = log.model.total
    qtbot.keyClicks(log.search, "1234")  # the last four of 张三丰's ID number
    assert log.model.total == before  # not yet: the debounce
    with qtbot.waitSignal(log.filter_applied, timeout=2000):
        pass
    assert shown_ids(screen) == expected
    log.search.clear()
    log.search.setText("张")  # (QTest types ASCII only)
    qtbot.keyClick(log.search, Qt.Key.Key_Return)  # Enter: at once
    assert shown_ids(screen) == expected
    log.search.setText("nobody-like-this")
    log.apply_filter()
    assert log.model.total == 0
    log.clear_filters()
    assert log.search.text() == "" and log.model.total == len(all_ids(bench))


# -- the detail pane -------------------------------------------------------------------


def _select(screen: ReviewScreen, event_id: str) -> None:
    log = screen.log_tab
    shown_ids(screen)
    row = log.model.row_of(event_id)
    assert row is not None
    log.select_row(row)


def test_the_detail_pane_masks_until_unlocked(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench, shift: Shift, session: SupervisorSession
) -> None:
    log = screen.log_tab
    log.set_range("all")
    scan_id = shift.referred[0].events[0].event_id
    assert sql(bench, "SELECT kind FROM events WHERE event_id = ?", scan_id) == ["scan"]
    _select(screen, scan_id)
    assert log.shown_event == scan_id
    text = log.detail.toPlainText()
    assert "张**" in text and "张三丰" not in text
    assert "masked: unlock" in text
    assert "110***********1234" in text  # the ID as the code carries it, masked
    assert scan_id in text and bench.station.device_id in text
    digest = sql(bench, "SELECT hash FROM events WHERE event_id = ?", scan_id)[0]
    assert digest in text
    assert "Waiting to sync" in text
    assert screen.lock_button.text() == "Unlock"

    assert session.try_pin(PIN).ok  # the lock button's dialog, as the session tests drive it
    text = log.detail.toPlainText()
    assert "张三丰" in text and "Personal data (unlocked)" in text
    assert screen.lock_button.text() == "Lock"
    assert "Unlocked" in screen.lock_state.text()

    screen.toggle_lock()  # the lock button
    assert not session.unlocked
    assert screen.lock_button.text() == "Unlock"

    # the lock button asks for the PIN
    def type_pin() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, UnlockDialog):
            QTimer.singleShot(10, type_pin)
            return
        dialog.pin.setText(PIN)
        dialog.submit()

    QTimer.singleShot(0, type_pin)
    qtbot.mouseClick(screen.lock_button, Qt.MouseButton.LeftButton)
    assert session.unlocked and "张三丰" in log.detail.toPlainText()
    qtbot.mouseClick(screen.lock_button, Qt.MouseButton.LeftButton)
    assert not session.unlocked
    text = log.detail.toPlainText()
    assert "张三丰" not in text and "张**" in text
    assert screen.lock_button.text() == "Unlock"


def test_the_travellers_other_events_are_listed_and_clickable(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench, shift: Shift
) -> None:
    log = screen.log_tab
    log.set_range("all")
    scan_id = shift.referred[0].events[0].event_id
    traveller = shift.referred[0].traveller
    others = sql(
        bench,
        "SELECT event_id FROM events WHERE json_extract(payload, '$.traveller') = ? "
        "AND event_id != ? ORDER BY occurred_at, seq",
        traveller,
        scan_id,
    )
    _select(screen, scan_id)
    related = log.related_model
    assert [related.log_row(i).event_id for i in range(related.rowCount())] == others  # type: ignore[union-attr]
    kinds = {related.index(i, 1).data() for i in range(related.rowCount())}
    assert {"Temperature", "Decision", "Journey"} <= kinds

    # a click on one shows it, selected in the table too
    target = others[-1]
    rect = log.related.visualRect(related.index(len(others) - 1, 0))
    qtbot.mouseClick(log.related.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert log.shown_event == target
    current = log.table.selectionModel().currentIndex()
    assert log.model.log_row(current.row()).event_id == target  # type: ignore[union-attr]
    # from there, the scan is among the other events
    assert scan_id in {related.log_row(i).event_id for i in range(related.rowCount())}  # type: ignore[union-attr]

    # an event outside the filter still shows when clicked in the list
    log.select_value(log.kind, "scan")
    _select(screen, scan_id)
    row = next(i for i in range(related.rowCount()) if related.log_row(i).kind == "journey")  # type: ignore[union-attr]
    log._related_clicked(related.index(row, 0))
    assert log.shown_event == related.log_row(row).event_id or log.shown_event in others  # type: ignore[union-attr]
    assert "Journey" in log.detail.toPlainText()


# -- counts and charts -------------------------------------------------------------------


def bar_values(series: Any) -> dict[str, list[float]]:
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def test_the_charts_carry_the_shifts_counts(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench
) -> None:
    counts_tab = screen.counts_tab
    local_day = datetime.fromtimestamp(bench.clock.now).astimezone().date()
    with qtbot.waitSignal(counts_tab.counts_shown, timeout=5000):
        screen.tabs.setCurrentWidget(counts_tab)  # loads the current shift
    with qtbot.waitSignal(counts_tab.counts_shown, timeout=5000):
        counts_tab.set_period("day", local_day)
    cards = {key: number.text() for key, (number, _c) in counts_tab.cards.items()}
    assert cards["scans"] == "5" and cards["entered"] == "2" and cards["referred"] == "1"
    assert cards["denied"] == "2" and cards["fevers"] == "2" and cards["red"] == "1"
    assert cards["forged_or_invalid"] == "1" and cards["overrides"] == "1"

    charts = counts_tab.charts
    arrivals = charts.arrivals.chart().series()[0]
    values = bar_values(arrivals)["Arrivals"]
    assert len(values) == 96 and sum(values) == 5  # a day of 15-minute buckets, 5 scans
    assert sum(1 for v in values if v) >= 2

    decisions = charts.decisions.chart().series()[0]
    totals = {label: sum(v) for label, v in bar_values(decisions).items()}
    assert totals == {"Admit": 2, "Go to secondary check": 1, "Deny": 2}
    labels = charts.decisions.chart().axes(Qt.Orientation.Vertical)[0].categories()
    assert "Admit  2" in labels and "Deny  2" in labels

    temperature_chart = charts.temperatures.chart()
    bars, line = temperature_chart.series()
    bins = charts.temperature_bins(charts.counts)  # type: ignore[arg-type]
    by = bar_values(bars)
    assert set(by) == {"Normal: 3", "Fever: 2"}  # the legend counts them too
    normal = {b: v for b, v in zip(bins, by["Normal: 3"], strict=True) if v}
    fever = {b: v for b, v in zip(bins, by["Fever: 2"], strict=True) if v}
    assert normal == {36.4: 1, 36.5: 1, 36.6: 1}
    assert fever == {37.8: 1, 37.9: 1}
    threshold = charts.counts.fever_threshold  # type: ignore[union-attr]
    xs = {round(p.x(), 2) for p in line.points()}
    assert xs == {bins.index(round(threshold, 1)) - 0.5}  # a vertical line at the threshold
    assert f"{threshold:.1f} °C" in line.name()

    per_gate = charts.gates.chart().series()[0]
    gates = charts.gates.chart().axes(Qt.Orientation.Horizontal)[0].categories()
    stacked = {label: dict(zip(gates, v, strict=True)) for label, v in bar_values(per_gate).items()}
    assert stacked["Admit"] == {GATE_B: 0, GATE_A: 2}
    assert stacked["Deny"] == {GATE_B: 2, GATE_A: 0}
    assert stacked["Go to secondary check"] == {GATE_B: 0, GATE_A: 1}

    # one gate only
    with qtbot.waitSignal(counts_tab.counts_shown, timeout=5000):
        counts_tab.gate.setCurrentIndex(counts_tab.gate.findData(GATE_A))
    assert counts_tab.cards["scans"][0].text() == "3"
    assert sum(bar_values(charts.arrivals.chart().series()[0])["Arrivals"]) == 3


# -- sync problems ---------------------------------------------------------------------


def test_sync_problems_retry_and_mark_reviewed(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench, review: ReviewService
) -> None:
    rejected = sql(
        bench, "SELECT event_id FROM events WHERE kind = 'decision' ORDER BY seq LIMIT 2"
    )
    bench.station.db.execute(
        "UPDATE event_sync SET sync_state = 'rejected', attempts = 3, "
        "last_error = 'unknown gate' WHERE event_id IN (?, ?)",
        rejected,
    )
    sync = screen.sync_tab
    with qtbot.waitSignal(sync.loaded, timeout=5000):
        screen.tabs.setCurrentWidget(sync)
    total = len(all_ids(bench))
    assert sync.heading.text() == f"2 rejected by the centre, {total - 2} waiting to sync"
    model = sync.model
    assert model.rowCount() == total
    first = [model.problem(i) for i in range(2)]
    assert [p.row.event_id for p in first] == rejected  # type: ignore[union-attr]  # rejected first
    assert model.index(0, SyncProblemsModel.REASON).data() == "unknown gate"
    assert model.index(0, SyncProblemsModel.STATE).data() == "Rejected by the centre"
    assert model.index(0, SyncProblemsModel.ATTEMPTS).data() == "3"
    assert not sync.retry_button.isEnabled()

    sync.table.selectRow(0)
    assert sync.retry_button.isEnabled() and sync.review_button.isEnabled()
    with qtbot.waitSignal(sync.loaded, timeout=5000):
        assert sync.retry() == 1
    assert sql(bench, "SELECT sync_state FROM event_sync WHERE event_id = ?", rejected[0]) == [
        "pending"
    ]
    assert "1 event(s) will be sent again" in sync.message.text()

    row = next(i for i in range(model.rowCount()) if model.problem(i).row.event_id == rejected[1])  # type: ignore[union-attr]
    sync.table.selectRow(row)
    with qtbot.waitSignal(sync.loaded, timeout=5000):
        assert sync.mark_reviewed("reported to the centre by phone")
    reviewed = sql(bench, "SELECT payload FROM events WHERE kind = 'sync_reviewed'")
    assert len(reviewed) == 1 and rejected[1] in reviewed[0] and "by phone" in reviewed[0]
    row = next(i for i in range(model.rowCount()) if model.problem(i).row.event_id == rejected[1])  # type: ignore[union-attr]
    assert model.index(row, SyncProblemsModel.REVIEWED).data() == "✓"
    assert not sync.mark_reviewed("")  # a note is required (and a selection)


def test_the_age_of_every_cached_list(qtbot: QtBot, screen: ReviewScreen) -> None:
    sync = screen.sync_tab
    with qtbot.waitSignal(sync.loaded, timeout=5000):
        screen.tabs.setCurrentWidget(sync)
    ages = sync.ages_model
    names = {ages.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(ages.rowCount())}
    assert {"phi1_trust_list", "phi1_revocations", "rules", "rosters"} <= names
    assert ages.age("rosters") == ("never", "#c62828")  # never fetched: red
    sync.ages_model.set_ages({"phi1_trust_list": 25 * 3600, "rules": 80 * 3600, "rosters": 600})
    assert ages.age("phi1_trust_list") == ("25 h", "#d98e04")  # amber past a day
    assert ages.age("rules") == ("3 days", "#c62828")  # red past three days
    assert ages.age("rosters")[1] == "#1d2429"  # type: ignore[index]


# -- integrity -------------------------------------------------------------------------


def test_the_integrity_check_says_intact(qtbot: QtBot, screen: ReviewScreen, bench: Bench) -> None:
    tab = screen.integrity_tab
    screen.tabs.setCurrentWidget(tab)
    assert tab.headline.text() == "Not checked yet"
    with qtbot.waitSignal(tab.checked, timeout=10000):
        qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    n = len(all_ids(bench))
    assert tab.headline.text() == f"Log intact: {n} events, 1 device(s)"
    assert "#1b8a3a" in tab.result.styleSheet()  # green
    assert bench.station.device_id in tab.heads.text()


def test_the_integrity_check_on_a_tampered_database_shows_the_break(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench
) -> None:
    seq, event_id = bench.station.db.execute(
        "SELECT seq, event_id FROM events WHERE kind = 'temperature' ORDER BY seq LIMIT 1"
    ).fetchone()
    # someone edits the file
    assert tamper_event(bench.data_dir, event_id, "36.6", "36.1") == 1
    tab = screen.integrity_tab
    screen.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.checked, timeout=10000):
        tab.check()
        assert tab.headline.text() == "Checking the log…" and not tab.check_button.isEnabled()
    assert tab.check_button.isEnabled()
    assert tab.headline.text() == "Log broken: it was changed after it was written"
    where = tab.where.text()
    assert f"Device {bench.station.device_id}, event #{seq}: the event was edited" in where
    assert event_id in where
    assert "The event as the log lists it: " in where and "Temperature" in where
    assert "#c62828" in tab.result.styleSheet()  # red
    # one click to the event itself
    assert tab.show_button.isVisibleTo(tab)
    qtbot.mouseClick(tab.show_button, Qt.MouseButton.LeftButton)
    assert screen.tabs.currentWidget() is screen.log_tab
    assert screen.log_tab.shown_event == event_id
    assert "36.1" in screen.log_tab.detail.toPlainText()  # the edited payload, as stored now


def test_the_screen_speaks_chinese_first(qtbot: QtBot, screen: ReviewScreen) -> None:
    from PySide6.QtWidgets import QApplication

    from checkpoint_app.ui.i18n import Languages

    app = QApplication.instance()
    assert app is not None
    languages = Languages(app)
    assert languages.set(Language.ZH)
    set_current(Language.ZH)
    try:
        qtbot.waitUntil(lambda: screen.tabs.tabText(0) == "日志")
        assert screen.tab_title() == "审查"
        assert [screen.tabs.tabText(i) for i in range(5)] == [
            "日志", "统计", "同步问题", "完整性", "交接",
        ]  # fmt: skip
        assert screen.lock_button.text() == "解锁"
        assert screen.log_tab.gate.itemText(0) == "全部闸机和班车"
        assert screen.integrity_tab.check_button.text() == "检查日志"
        assert screen.log_tab.model.headerData(0, Qt.Orientation.Horizontal) == "时间"
        assert screen.log_tab.count_label.text().startswith("共 ")
    finally:
        languages.set(Language.EN)
    qtbot.waitUntil(lambda: screen.tabs.tabText(0) == "Log")
    assert screen.log_tab.gate.itemText(0) == "All gates and buses"


# -- the hand-over report ----------------------------------------------------------------


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_the_hand_over_report_is_written_from_the_screen(
    qtbot: QtBot, screen: ReviewScreen, bench: Bench, session: SupervisorSession, tmp_path: Path
) -> None:
    tab = screen.handover_tab
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(
        lambda: "5 codes scanned, 2 entered, 1 referred, 2 denied" in tab.preview.text()
    )
    assert "2 fevers, 1 overrides" in tab.preview.text()
    assert not tab.write(tmp_path / "x.pdf")  # nobody named yet
    assert "Please fill in" in tab.status.text()
    tab.by.setText("李站长")
    tab.to.setText("王组长")
    tab.period.setCurrentIndex(tab.PERIODS.index("custom"))
    tab.since.setDateTime(_qdt(SINCE))
    tab.until.setDateTime(_qdt(UNTIL))
    assert tab.default_path().parent == bench.data_dir / "reports"
    with qtbot.waitSignal(tab.written, timeout=20000) as blocker:
        assert tab.write(tmp_path / "shift.pdf")
    pdf, xlsx = blocker.args[0]
    assert pdf == tmp_path / "shift.pdf" and xlsx == tmp_path / "shift.xlsx"
    assert pdf.is_file() and xlsx.is_file()
    assert "shift.pdf" in tab.status.text() and tab.open_button.isVisibleTo(tab)
    text = pdf_text(pdf)
    assert "李站长" in text and "王组长" in text
    assert bench.station.device_id in text  # the chain head
    assert "张三丰" not in text  # masked: not unlocked
    handed = sql(bench, "SELECT payload FROM events WHERE kind = 'shift_handed_over'")
    assert len(handed) == 1 and "王组长" in handed[0]

    assert session.try_pin(PIN).ok
    assert "in full" in tab.privacy.text()
    with qtbot.waitSignal(tab.written, timeout=20000):
        assert tab.write(tmp_path / "unlocked.pdf")
    assert "张三丰" in pdf_text(tmp_path / "unlocked.pdf")

    # the same name again: a written report is never replaced, the next free name is used
    with qtbot.waitSignal(tab.written, timeout=20000) as blocker:
        assert tab.write(tmp_path / "shift.pdf")
    assert blocker.args[0] == (tmp_path / "shift-2.pdf", tmp_path / "shift-2.xlsx")
    assert "李站长" in pdf_text(tmp_path / "shift.pdf")  # the first one untouched


def _qdt(utc_iso: str) -> Any:
    from PySide6.QtCore import QDateTime

    moment = datetime.fromisoformat(utc_iso.replace("Z", "+00:00"))
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


# -- the models ----------------------------------------------------------------------------


def test_every_review_model_passes_the_model_tester(
    qtmodeltester: ModelTester, review: ReviewService, bench: Bench
) -> None:
    log = LogModel(review, page_size=7)
    log.set_filter(LogFilter())
    total = len(all_ids(bench))
    assert (log.rowCount(), log.total) == (7, total)
    qtmodeltester.check(log)  # fetches more as a view would
    while log.canFetchMore():
        log.fetchMore()
    assert log.rowCount() == total
    log.set_filter(LogFilter(kinds=("scan",)))
    qtmodeltester.check(log)
    assert log.rowCount() == 5
    assert log.index(0, LogModel.KIND).data() == "Code scanned"
    assert log.index(0, LogModel.SYNC).data() == "Pending"
    assert log.index(0, LogModel.SYNC).data(Qt.ItemDataRole.ToolTipRole) == "Waiting to sync"
    assert log.index(0, 0).data(Qt.ItemDataRole.UserRole) == log.log_row(0).event_id  # type: ignore[union-attr]

    rows = EventRowsModel()
    qtmodeltester.check(rows)
    rows.set_rows(review.page(LogFilter(), 0, 5))
    qtmodeltester.check(rows)
    assert rows.columnCount() == 6 and rows.headerData(0, Qt.Orientation.Horizontal) == "Time"

    problems = SyncProblemsModel()
    qtmodeltester.check(problems)
    problems.set_problems(review.sync_problems(limit=10))
    qtmodeltester.check(problems)
    assert problems.rowCount() == 10

    ages = ListAgesModel()
    qtmodeltester.check(ages)
    ages.set_ages(review.list_ages())
    qtmodeltester.check(ages)
    assert ages.rowCount() >= 4
    assert not isinstance(ages, QStandardItemModel)


def test_summaries_and_times_in_words() -> None:
    assert summary_text("deny · RED_CODE") == "Deny · Red code"
    assert summary_text("37.8 °C fever") == "37.8 °C fever"
    assert summary_text("red code · VALID") == "red code · valid"
    assert summary_text("override · → entered · health office") == (
        "Supervisor override · → entered · health office"
    )
    assert local_time("") == "" and local_time("not a time") == "not a time"


# -- the supervisor's override ----------------------------------------------------------


def test_an_override_lets_a_referred_traveller_in_after_the_pin(
    qtbot: QtBot, review: ReviewService, session: SupervisorSession, bench: Bench, shift: Shift
) -> None:
    """The override button of the detail pane: the PIN first, then enter or deny with a
    reason, through the real GateService (which checks the PIN itself)."""
    from checkpoint_app.domain.journey import JourneyState
    from checkpoint_app.services.gate import GateService
    from checkpoint_app.ui.review_screen import OverrideDialog

    gate = GateService(bench.station, gate=GATE_A)

    def override(traveller: str, target: str, reason: str) -> object:
        return gate.override(
            traveller, target=JourneyState(target), reason=reason, supervisor="李站长",
            pin=session.pin or "",
        )  # fmt: skip

    screen = ReviewScreen(review, session, override=override)
    qtbot.addWidget(screen)
    screen.show()
    log = screen.log_tab
    log.set_range("all")
    traveller = shift.referred[0].traveller
    _select(screen, shift.referred[0].events[0].event_id)
    assert log.override_button.isVisible() and log.override_button.isEnabled()

    # locked: the override cannot go through without the PIN (GateService refuses)
    assert not log.apply_override(traveller, "entered", "checked by the doctor")
    assert log.override_problem.isVisible() and "PIN" in log.override_problem.text()
    assert gate.journey(traveller).state is JourneyState.REFERRED

    # the dialog wants a reason
    dialog = OverrideDialog("张**")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason_edit.setText("  ")
    assert not ok.isEnabled()
    dialog.deny.setChecked(True)
    dialog.reason_edit.setText("家属证明")
    assert ok.isEnabled() and dialog.target() == "denied" and dialog.reason() == "家属证明"

    assert session.try_pin(PIN).ok
    assert log.apply_override(traveller, "entered", "checked by the doctor")
    assert not log.override_problem.isVisible()
    assert gate.journey(traveller).state is JourneyState.ENTERED
    journey = sql(
        bench,
        "SELECT payload FROM events WHERE kind = 'journey' AND operator = '李站长' "
        "ORDER BY seq DESC LIMIT 1",
    )
    assert '"transition":"override"' in journey[0] and '"target":"entered"' in journey[0]
    # the detail pane lists the override among the traveller's events
    related = [log.related_model.row_at(i) for i in range(log.related_model.rowCount())]
    assert any(r is not None and r.action == "override" for r in related)
    screen.shutdown()


def test_without_an_override_action_there_is_no_button(screen: ReviewScreen) -> None:
    assert not screen.log_tab.override_button.isVisibleTo(screen)

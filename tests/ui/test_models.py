"""The item models pass Qt's model tester, empty and full, and hold one page at a time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, Qt, QTranslator
from pytestqt.modeltest import ModelTester
from station_factory import Bench

from checkpoint_app.services.bus import BusService
from checkpoint_app.services.gate import GateService
from checkpoint_app.ui.i18n import translations_dir
from checkpoint_app.ui.models import (
    ReferralQueueModel,
    RosterEntriesModel,
    RowsTableModel,
    reason_text,
)


def test_roster_entries_model(
    qtmodeltester: ModelTester, buses: Bench, import_rows: Callable[[list[list[str]]], None]
) -> None:
    bus = BusService(buses.station)
    model = RosterEntriesModel(bus)
    qtmodeltester.check(model)  # no roster yet: empty
    model.set_filter("HD-BUS-3", show="all")
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 6
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Seat"
    assert model.index(0, RosterEntriesModel.NAME).data() == "王*"
    assert model.index(0, RosterEntriesModel.ID_NUMBER).data() == "110***********0001"
    assert model.index(0, RosterEntriesModel.STATE).data().endswith("Not on board")
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == "HD3-0001"
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None

    bus.tick_by_name("HD-BUS-3", "HD3-0002", "ID card checked")
    bus.move("HD-BUS-3", "HD3-0001", "HD-BUS-4", "family on bus 4")
    model.reveal("HD3-9999", "15900005410")
    model.refresh()
    qtmodeltester.check(model)
    assert model.index(1, RosterEntriesModel.STATE).data().startswith("✓ On board")
    assert "(by hand)" in model.index(1, RosterEntriesModel.STATE).data()
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, RosterEntriesModel.STATE).data(Qt.ItemDataRole.ToolTipRole) == (
        "ID card checked"
    )
    assert model.index(0, RosterEntriesModel.STATE).data() == "→ Moved to HD-BUS-4"
    assert model.index(2, RosterEntriesModel.PHONE).data() == "15900005410"
    assert model.index(2, RosterEntriesModel.PHONE).data(Qt.ItemDataRole.FontRole).bold()

    # the filter and the search are queries; the revealed phone goes when its row goes
    model.set_filter("HD-BUS-3", show="present")
    assert model.revealed is None
    assert [model.entry(r).booking_id for r in range(model.rowCount())] == ["HD3-0002"]  # type: ignore[union-attr]
    model.set_filter("HD-BUS-4", show="all", query="王")
    assert model.total == 1 and model.entry(0).origin == "moved"  # type: ignore[union-attr]
    assert model.entry(5) is None
    assert model.index(0, 0).parent() == QModelIndex()


def test_roster_entries_model_fetches_page_by_page(
    qtmodeltester: ModelTester, bench: Bench, import_rows: Callable[[list[list[str]]], None]
) -> None:
    import_rows([["BIG", "", f"B-{i:04d}", f"乘客{i}", "", "", "", ""] for i in range(1, 231)])
    model = RosterEntriesModel(BusService(bench.station))
    model.set_filter("BIG", show="all")
    assert (model.rowCount(), model.total) == (100, 230)
    qtmodeltester.check(model)  # the tester fetches more as a view would
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 230
    assert model.entry(229).booking_id == "B-0230"  # type: ignore[union-attr]
    model.set_filter("BIG", show="missing", query="乘客22")  # 乘客22, 乘客220 … 229
    assert (model.rowCount(), model.total) == (11, 11)
    assert not model.canFetchMore()


def test_referral_queue_model(qtmodeltester: ModelTester, bench: Bench) -> None:
    model = ReferralQueueModel(bench.station)
    model.refresh()
    qtmodeltester.check(model)
    gate = GateService(bench.station)
    gate.scan(bench.code(sts="yellow"))  # no reading yet: measure first, then refer
    gate.scan(bench.code(sts="yellow", cid="b" * 26, nam="Zhang Wei"), temperature="38.0")
    gate.scan(bench.code(sts="yellow", cid="c" * 26), temperature="36.4")
    model.refresh()
    qtmodeltester.check(model)
    rows = [model.referral(i) for i in range(model.rowCount())]
    assert all(r is not None for r in rows)
    assert len(rows) >= 2
    fever = [r for r in rows if r is not None and r.fever]
    assert fever, "the 38.0 reading is a fever"
    row = model.row_of(fever[0].traveller)
    assert row is not None
    index = model.index(row, ReferralQueueModel.TEMPERATURE)
    assert index.data().startswith("38.0 °C")
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Why"
    assert model.referral(99) is None and model.row_of("nobody") is None


def test_reason_text_falls_back_to_the_words_given() -> None:
    assert "Yellow code" in reason_text("YELLOW_CODE")
    assert reason_text("looked unwell") == "looked unwell"


def test_each_model_says_its_headers_in_its_own_translation_context(
    qapp: QCoreApplication, bench: Bench, buses: Bench
) -> None:
    """The shared base class answers headerData; the texts are the models' own tr()
    strings, so Chinese comes from each model's context (``Since`` is 转入时间 only in
    the referral queue's), and nothing is filed under the base class."""
    app = qapp
    # windows other tests closed (deleteLater) go now: the translator below makes Qt
    # send a language change to every window still there
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    translator = QTranslator()
    assert translator.load(str(translations_dir() / "checkpoint_zh_CN.qm"))
    roster, queue = RosterEntriesModel(BusService(buses.station)), ReferralQueueModel(bench.station)
    assert isinstance(roster, RowsTableModel) and isinstance(queue, RowsTableModel)
    english = [roster.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
    assert english == ["Seat", "Name", "ID number", "Phone", "Status", "Booking"]
    app.installTranslator(translator)
    try:
        chinese = [roster.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
        since = queue.headerData(ReferralQueueModel.SINCE, Qt.Orientation.Horizontal)
    finally:
        app.removeTranslator(translator)
    assert chinese == [
        translator.translate("RosterEntriesModel", text) for text in english
    ] and all(c != e for c, e in zip(chinese, english, strict=True))
    assert since == translator.translate("ReferralQueueModel", "Since") != "Since"
    assert roster.headerData(0, Qt.Orientation.Vertical) is None
    assert roster.headerData(6, Qt.Orientation.Horizontal) is None
    assert roster.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert all(translator.translate("RowsTableModel", text) == "" for text in english)

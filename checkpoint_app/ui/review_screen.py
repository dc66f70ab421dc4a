"""The supervisor's review: the log, counts and charts, sync problems, integrity, hand-over.

At the end of a shift, often offline, the supervisor answers from the local log: how
many entered, were referred or denied and why, any fevers, red or forged codes,
overrides and by whom, what has not reached the centre — and hands a report to the
next team. Five inner tabs:

* **日志 Log** — filters (time range presets or from/to, gate, device, event kind,
  decision, operator, sync state) and a search box (masked name, last 4 of the ID,
  code id, event id; debounced), a table over :class:`LogModel` (query-backed pages,
  newest first), the count, and the selected event's detail: every field, the payload,
  personal data (masked unless the supervisor unlocked), sync, hash, and the
  traveller's other events (a click shows that one).
* **统计 Counts** — a shift or a day (and a gate): the big totals, and four QtCharts
  (:mod:`review_charts`): arrivals per 15 min, decisions, temperatures with the fever
  threshold, per gate.
* **同步 Sync** — rejected and pending events with the centre's reason, retry,
  mark reviewed with a note; the age of every cached list.
* **完整性 Integrity** — "check log" verifies every device's hash chain and says
  plainly whether the log is intact, or where it breaks.
* **交接 Hand-over** — who hands over to whom, the shift, and the report written as
  PDF and XLSX (masked unless unlocked).

The lock button (top right) shows the state of the :class:`SupervisorSession`.

Slow work (counts, integrity, sync problems, the report) runs on
:class:`ReviewWorker`'s thread with its own store connection; the log's paging runs
on the GUI thread (a page is two indexed queries).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.domain.journey import IllegalTransition
from checkpoint_app.reports.handover import (
    HandoverReport,
    build_handover,
    write_handover_pdf,
    write_handover_xlsx,
)
from checkpoint_app.services.gate import NotAuthorised
from checkpoint_app.services.review import (
    SYNC_STATES,
    Counts,
    EventDetail,
    Facets,
    LogFilter,
    ReviewService,
    SyncProblem,
)
from checkpoint_app.store.event_log import ChainReport, utc_timestamp
from checkpoint_app.ui import theme
from checkpoint_app.ui.bus_screen import ReasonDialog
from checkpoint_app.ui.review_charts import CountsCharts
from checkpoint_app.ui.review_models import (
    EventRowsModel,
    ListAgesModel,
    LogModel,
    SyncProblemsModel,
    action_text,
    kind_text,
    local_time,
    summary_text,
    sync_text,
)
from checkpoint_app.ui.review_worker import ReviewWorker, open_like
from checkpoint_app.ui.screen import Screen, set_font
from checkpoint_app.ui.supervisor import SupervisorSession

#: Shifts start at these local hours (two 12-hour shifts a day).
SHIFT_START_HOURS = (8, 20)
SHIFT_HOURS = 12
#: The search box waits this long after the last key before it asks the store.
SEARCH_DEBOUNCE_MS = 300
#: Most sync problems listed at once (the counts above the list say how many in all).
SYNC_LIST_LIMIT = 1000

# -- time ranges -------------------------------------------------------------------------


def _local(now: float) -> datetime:
    return datetime.fromtimestamp(now).astimezone()


def shift_range(now: float, back: int = 0) -> tuple[datetime, datetime]:
    """The shift ``now`` falls in (``back`` shifts earlier), as local aware datetimes."""
    moment = _local(now)
    starts = sorted(SHIFT_START_HOURS)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    start = None
    for hour in reversed(starts):
        if moment.hour >= hour:
            start = day.replace(hour=hour)
            break
    if start is None:  # before the first shift of the day: the last one of yesterday
        start = (day - timedelta(days=1)).replace(hour=starts[-1])
    start -= timedelta(hours=SHIFT_HOURS * back)
    return start, start + timedelta(hours=SHIFT_HOURS)


def day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0, 0)).astimezone()
    end = datetime.combine(day + timedelta(days=1), time(0, 0)).astimezone()
    return start, end


def iso(moment: datetime) -> str:
    return utc_timestamp(moment.astimezone(UTC))


def _qdt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def _from_qdt(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch()).astimezone()


def _range_text(start: datetime, end: datetime) -> str:
    if start.date() == (end - timedelta(seconds=1)).date():
        return f"{start:%m-%d %H:%M} – {end:%H:%M}"
    return f"{start:%m-%d %H:%M} – {end:%m-%d %H:%M}"


#: The review's own sizes: smaller than the gate's (a supervisor sits at the laptop).
STYLE = f"""
QPushButton {{ font-size: 13pt; padding: 5px 14px; border-radius: 6px; }}
QPushButton#primary {{ background: {theme.BLUE}; color: white; border: none; }}
QPushButton#primary:disabled {{ background: #a9bcd3; color: #eef2f6; }}
QLineEdit {{ font-size: 13pt; padding: 3px 6px; border: 1px solid #9aa7b3; border-radius: 4px; }}
QComboBox, QDateTimeEdit, QDateEdit {{ font-size: 12pt; padding: 2px 4px; }}
QTableView {{ font-size: 12pt; selection-background-color: {theme.BLUE}; selection-color: white; }}
QHeaderView::section {{ font-size: 11pt; padding: 2px 4px; }}
QTabBar::tab {{ font-size: 13pt; padding: 5px 18px; }}
QLabel#filterLabel {{ font-size: 11pt; color: {theme.GREY}; }}
QTextBrowser {{ font-size: 12pt; background: white; border: 1px solid #c9d1d9; }}
"""


def _table(model: Any, *, multi: bool = False) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    return table


def _labelled(text_label: QLabel, widget: QWidget) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(0)
    text_label.setObjectName("filterLabel")
    box.addWidget(text_label)
    box.addWidget(widget)
    return box


# -- the log tab ------------------------------------------------------------------------


#: ``(traveller, target, reason)``: the composition root's call of
#: ``GateService.override`` with the unlocked session's PIN; target ``entered`` or ``denied``.
OverrideAction = Callable[[str, str, str], object]


class OverrideDialog(QDialog):
    """Let a traveller in, or deny them, against what the journey says: a reason is
    required."""

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Supervisor override"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Override for %1").replace("%1", who))
        set_font(heading, 16, True)
        layout.addWidget(heading)
        self.enter = QRadioButton(self.tr("Let in (entered)"))
        self.deny = QRadioButton(self.tr("Deny"))
        self.enter.setChecked(True)
        for button in (self.enter, self.deny):
            set_font(button, 15)
            layout.addWidget(button)
        layout.addWidget(QLabel(self.tr("Why? (required, kept in the log)")))
        self.reason_edit = QLineEdit()
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.reason_edit.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))

    def target(self) -> str:
        return "entered" if self.enter.isChecked() else "denied"

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class LogTab(QWidget):
    """Filters, the paged table, the count and the selected event's detail."""

    filter_applied = Signal()  # after the table shows the new filter's first page

    def __init__(
        self,
        review: ReviewService,
        session: SupervisorSession,
        initial_range: str = "shift",
        worker: ReviewWorker | None = None,
        override: OverrideAction | None = None,
    ) -> None:
        super().__init__()
        self.review = review
        self.override_action = override
        self.session = session
        self.worker = worker
        self.model = LogModel(review, self, count_later=self._count_later if worker else None)
        self.model.total_changed.connect(self._update_count)
        self.related_model = EventRowsModel(self)
        self.facets: Facets | None = None
        self.shown_event: str | None = None
        self._loading = False

        # -- the filter bar --
        self.range = QComboBox()
        self.since = QDateTimeEdit()
        self.until = QDateTimeEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.gate = QComboBox()
        self.device = QComboBox()
        self.kind = QComboBox()
        self.action = QComboBox()
        self.operator = QComboBox()
        self.sync = QComboBox()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.clear_button = QPushButton()
        self.refresh_button = QPushButton()
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self.debounce.timeout.connect(self.apply_filter)

        self.dash = QLabel("–")
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.range)
        top.addWidget(self.since)
        top.addWidget(self.dash)
        top.addWidget(self.until)
        top.addSpacing(8)
        top.addWidget(self.search, 1)
        top.addWidget(self.clear_button)
        top.addWidget(self.refresh_button)
        second = QHBoxLayout()
        second.setSpacing(6)
        for combo in self.combos():
            combo.setMinimumWidth(120)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            second.addWidget(combo, 1)

        # -- the table and the count --
        self.count_label = QLabel()
        set_font(self.count_label, 13, True)
        self.table = _table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        widths = {LogModel.TIME: 124, LogModel.KIND: 96, LogModel.ACTION: 112, LogModel.WHO: 64,
                  LogModel.GATE: 112, LogModel.OPERATOR: 64, LogModel.SYNC: 76}  # fmt: skip
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(LogModel.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnHidden(LogModel.DEVICE, True)  # in the detail; filter by it above
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        # -- the detail pane --
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.related_label = QLabel()
        set_font(self.related_label, 12, True)
        self.related = _table(self.related_model)
        related_header = self.related.horizontalHeader()
        related_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        related_header.setStretchLastSection(True)
        self.related.clicked.connect(self._related_clicked)
        self.related.activated.connect(self._related_clicked)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.table, 1)
        related = QWidget()
        related_layout = QVBoxLayout(related)
        related_layout.setContentsMargins(0, 0, 0, 0)
        related_layout.setSpacing(2)
        self.override_button = QPushButton()
        self.override_button.clicked.connect(self.override_traveller)
        self.override_button.setEnabled(False)
        self.override_button.setVisible(override is not None)
        self.override_problem = QLabel()
        self.override_problem.setWordWrap(True)
        self.override_problem.setStyleSheet(f"color: {theme.RED};")
        self.override_problem.hide()
        related_head = QHBoxLayout()
        related_head.addWidget(self.related_label, 1)
        related_head.addWidget(self.override_button)
        related_layout.addLayout(related_head)
        related_layout.addWidget(self.override_problem)
        related_layout.addWidget(self.related, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.detail)
        right.addWidget(related)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([300, 170])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([880, 460])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.splitter, 1)

        self.range.currentIndexChanged.connect(self._range_changed)
        for edit in (self.since, self.until):
            edit.dateTimeChanged.connect(
                lambda _v: None if self._loading else self.debounce.start()
            )
        for combo in (self.gate, self.device, self.kind, self.action, self.operator, self.sync):
            combo.currentIndexChanged.connect(
                lambda _i: None if self._loading else self.apply_filter()
            )
        self.search.textChanged.connect(lambda _t: None if self._loading else self.debounce.start())
        self.search.returnPressed.connect(self.apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self.refresh_button.clicked.connect(self.reload)
        self.session.changed.connect(lambda _unlocked: self.show_event(self.shown_event))
        self.detail_shown: EventDetail | None = None
        self.retranslate()
        self._loading = True  # the first page is read when the screen is shown
        self.range.setCurrentIndex(self.RANGES.index(initial_range))
        self._range_changed()
        self._loading = False

    # -- filters --------------------------------------------------------------------------
    RANGES = ("shift", "today", "all", "custom")

    def retranslate(self) -> None:
        self.override_button.setText(self.tr("Override…"))
        self._loading = True
        self.range.setToolTip(self.tr("Time"))
        self.since.setToolTip(self.tr("From"))
        self.until.setToolTip(self.tr("To"))
        for combo, tip in zip(self.combos(), self._combo_names(), strict=True):
            combo.setToolTip(tip)
        self.search.setPlaceholderText(self.tr("Search: name, last 4 of ID, code or event id"))
        self.search.setToolTip(self.tr("e.g. 张* or 1234"))
        self.clear_button.setText(self.tr("Clear filters"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.related_label.setText(self.tr("This traveller's other events"))
        index = max(0, self.range.currentIndex())
        self.range.clear()
        for text in (self.tr("This shift"), self.tr("Today"), self.tr("All"), self.tr("From – to")):
            self.range.addItem(text)
        self.range.setCurrentIndex(index)
        self._fill_facets()
        self._loading = False
        self.model.retranslate()
        self.related_model.retranslate()
        self._update_count()
        self.show_event(self.shown_event)

    def combos(self) -> tuple[QComboBox, ...]:
        """The filter pickers: gate, device, event kind, decision, operator, sync state."""
        return (self.gate, self.device, self.kind, self.action, self.operator, self.sync)

    def _combo_names(self) -> tuple[str, ...]:
        return (self.tr("Gate / bus"), self.tr("Device"), self.tr("Event"),
                self.tr("Decision / action"), self.tr("Operator"), self.tr("Sync"))  # fmt: skip

    def _all_texts(self) -> dict[int, str]:
        """What each picker says when it does not filter (index of :meth:`combos`)."""
        return dict(enumerate((self.tr("All gates and buses"), self.tr("All devices"),
                               self.tr("All events"), self.tr("All decisions"),
                               self.tr("All operators"), self.tr("Any sync state"))))  # fmt: skip

    def _fill_combo(self, combo: QComboBox, items: list[tuple[str, str]]) -> None:
        keep = combo.currentData()
        combo.clear()
        combo.addItem(self._all_texts()[self.combos().index(combo)], None)
        for value, text in items:
            combo.addItem(text, value)
        found = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(0, found))

    def _fill_facets(self) -> None:
        f = self.facets
        own = self.review.station.device_id
        self._fill_combo(self.gate, [(g, g) for g in (f.gates if f else ())])
        self._fill_combo(
            self.device,
            [
                (d, d[:8] + (" " + self.tr("(this laptop)") if d == own else ""))
                for d in (f.devices if f else ())
            ],
        )
        self._fill_combo(self.kind, [(k, kind_text(k)) for k in (f.kinds if f else ())])
        self._fill_combo(self.action, [(a, action_text(a)) for a in (f.actions if f else ())])
        self._fill_combo(self.operator, [(o, o) for o in (f.operators if f else ())])
        states = [*SYNC_STATES, "remote"]
        self._fill_combo(self.sync, [(s, sync_text(s)) for s in states])

    def _range_changed(self, *_: Any) -> None:
        key = self.RANGES[max(0, self.range.currentIndex())]
        custom = key == "custom"
        self.since.setEnabled(custom)
        self.until.setEnabled(custom)
        if not custom:
            bounds = self.preset_bounds(key)
            self._loading, was = True, self._loading
            if bounds is not None:
                self.since.setDateTime(_qdt(bounds[0]))
                self.until.setDateTime(_qdt(bounds[1]))
            self._loading = was
        if not self._loading:
            self.apply_filter()

    def preset_bounds(self, key: str) -> tuple[datetime, datetime] | None:
        now = self.review.station.now()
        if key == "shift":
            return shift_range(now)
        if key == "today":
            return day_range(_local(now).date())
        if key == "all":
            f = self.facets
            if f is None or f.first_at is None or f.last_at is None:
                return None
            first = datetime.fromisoformat(f.first_at.replace("Z", "+00:00")).astimezone()
            last = datetime.fromisoformat(f.last_at.replace("Z", "+00:00")).astimezone()
            return first.replace(second=0, microsecond=0), last + timedelta(minutes=1)
        return None

    def set_range(self, key: str) -> None:
        """Pick a time range preset: ``shift``, ``today``, ``all`` or ``custom``."""
        self.range.setCurrentIndex(self.RANGES.index(key))

    def set_custom_range(self, since: datetime, until: datetime) -> None:
        self._loading = True
        self.range.setCurrentIndex(self.RANGES.index("custom"))
        self.since.setDateTime(_qdt(since))
        self.until.setDateTime(_qdt(until))
        self._loading = False
        self.apply_filter()

    def current_filter(self) -> LogFilter:
        key = self.RANGES[max(0, self.range.currentIndex())]
        since = until = None
        if key == "custom":
            since = iso(_from_qdt(self.since.dateTime()))
            until = iso(_from_qdt(self.until.dateTime()))
        elif key != "all":
            bounds = self.preset_bounds(key)
            if bounds is not None:
                since, until = iso(bounds[0]), iso(bounds[1])

        def one(combo: QComboBox) -> tuple[str, ...]:
            value = combo.currentData()
            return () if value is None else (str(value),)

        return LogFilter(
            since=since,
            until=until,
            gates=one(self.gate),
            devices=one(self.device),
            kinds=one(self.kind),
            actions=one(self.action),
            operators=one(self.operator),
            sync_states=one(self.sync),
            text=self.search.text().strip(),
        )

    def select_value(self, combo: QComboBox, value: str | None) -> None:
        """Pick a filter value (None: all); the table follows."""
        index = 0 if value is None else combo.findData(value)
        if index < 0:
            raise KeyError(value)
        combo.setCurrentIndex(index)

    def set_filters(self, text: str | None = None, **values: str | None) -> None:
        """Set several pickers (``gate``, ``device``, ``kind``, ``action``, ``operator``,
        ``sync``: a value, or None for all) and the search text, then ask once."""
        self._loading = True
        try:
            for name, value in values.items():
                combo = getattr(self, name)
                if combo not in self.combos():
                    raise KeyError(name)
                self.select_value(combo, value)
            if text is not None:
                self.search.setText(text)
        finally:
            self._loading = False
        self.apply_filter()

    def clear_filters(self) -> None:
        self._loading = True
        for combo in (self.gate, self.device, self.kind, self.action, self.operator, self.sync):
            combo.setCurrentIndex(0)
        self.search.clear()
        self.range.setCurrentIndex(self.RANGES.index("all"))
        self._loading = False
        self._range_changed()

    def apply_filter(self) -> None:
        """Show the first page of what the filters select (the selection is kept when the
        selected event is still on it)."""
        self.debounce.stop()
        keep = self.shown_event
        self.model.set_filter(self.current_filter())
        self._update_count()
        if keep is not None:
            row = self.model.row_of(keep)
            if row is not None:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self.filter_applied.emit()

    def reload(self) -> None:
        """Read the facets and the page again (new events, other devices' synced ones)."""
        self.facets = self.review.facets()
        self._loading = True
        self._fill_facets()
        self._loading = False
        if self.RANGES[self.range.currentIndex()] != "custom":
            bounds = self.preset_bounds(self.RANGES[self.range.currentIndex()])
            if bounds is not None:
                self._loading = True
                self.since.setDateTime(_qdt(bounds[0]))
                self.until.setDateTime(_qdt(bounds[1]))
                self._loading = False
        self.apply_filter()

    def _count_later(self, f: LogFilter, on_count: Callable[[int], None]) -> None:
        assert self.worker is not None
        self.worker.submit(lambda review: review.count(f), on_count, key="log-count")

    def _update_count(self) -> None:
        n = self.model.total
        if n is None:
            self.count_label.setText(
                self.tr("Counting… (the newest %1 shown)").replace("%1", str(self.model.rowCount()))
            )
            return
        self.count_label.setText(self.tr("%1 events").replace("%1", f"{n:,}"))

    # -- the detail pane -------------------------------------------------------------------
    def _current_changed(self, current: Any, _previous: Any) -> None:
        row = self.model.log_row(current.row()) if current.isValid() else None
        self.show_event(row.event_id if row else None)

    def select_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _related_clicked(self, index: Any) -> None:
        row = self.related_model.log_row(index.row())
        if row is None:
            return
        in_table = self.model.row_of(row.event_id)
        if in_table is not None:
            self.select_row(in_table)
            self.table.scrollTo(self.model.index(in_table, 0))
        else:
            self.table.clearSelection()
            self.show_event(row.event_id)

    def show_event(self, event_id: str | None) -> None:
        """Show everything about one event (personal data unmasked only while unlocked)."""
        self.shown_event = event_id
        if event_id is None:
            self.detail.setHtml(
                f"<p style='color:{theme.GREY}; font-size:14pt'>"
                + html.escape(self.tr("Pick an event in the list to see everything about it."))
                + "</p>"
            )
            self.related_model.set_rows([])
            self.override_button.setEnabled(False)
            return
        try:
            d = self.review.detail(event_id, unlocked=self.session.unlocked)
        except KeyError:
            self.shown_event = None
            self.show_event(None)
            return
        self.detail_shown = d
        self.detail.setHtml(self.detail_html(d))
        self.related_model.set_rows(d.related)
        self.override_button.setEnabled(bool(d.row.traveller))

    def override_traveller(self) -> None:
        """The supervisor's override of the shown traveller's journey: to entered or
        denied, with a reason, after the PIN (recorded as a journey ``override``)."""
        d = self.detail_shown
        if self.override_action is None or d is None or not d.row.traveller:
            return
        if not self.session.unlock(self):
            return
        dialog = OverrideDialog(d.row.masked_name or d.row.traveller, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_override(d.row.traveller, dialog.target(), dialog.reason())

    def apply_override(self, traveller: str, target: str, reason: str) -> bool:
        assert self.override_action is not None
        try:
            self.override_action(traveller, target, reason)
        except (IllegalTransition, NotAuthorised) as exc:
            message = exc.message if isinstance(exc, IllegalTransition) else str(exc)
            self.override_problem.setText(message)
            self.override_problem.show()
            return False
        self.override_problem.hide()
        shown = self.shown_event
        self.reload()
        self.show_event(shown)
        return True

    def detail_html(self, d: EventDetail) -> str:
        r = d.row
        e = html.escape

        def section(title: str, colour: str = theme.INK) -> str:
            return f"<h4 style='margin:8px 0 2px 0; color:{colour}'>{e(title)}</h4>"

        def line(label: str, value: Any, style: str = "") -> str:
            text = "—" if value in (None, "") else e(str(value))
            return (
                f"<tr><td style='color:{theme.GREY}; padding-right:10px'>{e(label)}</td>"
                f"<td style='{style}'>{text}</td></tr>"
            )

        action = action_text(r.action)
        heading = kind_text(r.kind) + (f" · {action}" if action else "")
        parts = [
            f"<h3 style='margin:0'>{e(heading)}</h3>",
            f"<p style='margin:2px 0 6px 0'>{e(summary_text(r.summary))}</p>",
            "<table cellspacing='0' cellpadding='1'>",
            line(self.tr("Time"), local_time(r.occurred_at, "%Y-%m-%d %H:%M:%S")),
            line(self.tr("Gate / bus"), r.gate),
            line(self.tr("Operator"), r.operator),
            line(self.tr("Traveller"), r.masked_name or r.traveller),
            "</table>",
        ]
        # personal data
        if self.session.unlocked:
            title = self.tr("Personal data (unlocked)")
            colour = theme.RED
        else:
            title = self.tr("Personal data (masked: unlock to see it in full)")
            colour = theme.GREY
        parts.append(section(title, colour))
        personal, source = d.personal, None
        if not personal:
            personal, source = self._travellers_personal(d)
        if source is not None:
            parts.append(
                f"<p style='margin:0; color:{theme.GREY}'>"
                + e(self.tr("From this traveller's scan at %1").replace("%1", source))
                + "</p>"
            )
        if personal:
            parts.append("<table cellspacing='0' cellpadding='1'>")
            order = ("name", "nam", "id_number", "phone", "dob")
            keys = sorted(personal, key=lambda k: order.index(k) if k in order else len(order))
            for key, value in ((k, personal[k]) for k in keys):
                parts.append(line(self._personal_label(key), value, "font-weight:bold"))
            parts.append("</table>")
        else:
            none = self.tr("None recorded (or deleted after the retention period).")
            parts.append(f"<p style='margin:0'>{e(none)}</p>")
        # sync
        state_colour = {"rejected": theme.RED, "pending": theme.AMBER}.get(
            r.sync_state, theme.GREEN
        )
        parts += [
            section(self.tr("Sync")),
            "<table cellspacing='0' cellpadding='1'>",
            line(
                self.tr("State"), sync_text(r.sync_state), f"color:{state_colour}; font-weight:bold"
            ),
            line(self.tr("Tries"), d.attempts),
            line(
                self.tr("Synced at"),
                local_time(d.synced_at, "%Y-%m-%d %H:%M:%S") if d.synced_at else None,
            ),
            line(self.tr("The centre's reason"), r.last_error),
            "</table>",
        ]
        # payload
        parts.append(section(self.tr("Recorded fields")))
        parts.append("<table cellspacing='0' cellpadding='1'>")
        for key, value in d.payload.items():
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(line(key, text))
        parts.append("</table>")
        # chain
        parts += [
            section(self.tr("Hash chain")),
            "<table cellspacing='0' cellpadding='1' style='font-family:monospace; font-size:10pt'>",
            line(self.tr("Device"), f"{r.device_id}  #{r.seq}"),
            line("UTC", r.occurred_at),
            line(
                self.tr("Clock offset"),
                f"{d.clock_offset_ms} ms" if d.clock_offset_ms is not None else None,
            ),
            line(self.tr("Hash"), d.hash),
            line(self.tr("Previous"), d.prev_hash),
            line(self.tr("Event id"), r.event_id),
            "</table>",
        ]
        return "".join(parts)

    def _travellers_personal(self, d: EventDetail) -> tuple[dict[str, str], str | None]:
        """An event without personal data of its own (temperature, decision, journey):
        the traveller's as their latest scan before it recorded it (masked unless
        unlocked), and when that scan was."""
        scans = [r for r in d.related if r.kind == "scan" and r.occurred_at <= d.row.occurred_at]
        if not scans:
            return {}, None
        scan = scans[-1]
        try:
            personal = self.review.detail(scan.event_id, unlocked=self.session.unlocked).personal
        except KeyError:
            return {}, None
        return personal, local_time(scan.occurred_at, "%H:%M:%S") if personal else None

    def _personal_label(self, key: str) -> str:
        return {
            "name": self.tr("Name"),
            "id_number": self.tr("ID number"),
            "phone": self.tr("Phone"),
            "dob": self.tr("Date of birth"),
            "cid": self.tr("Code id"),
        }.get(key, key)


# -- the counts tab ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime


class CountsTab(QWidget):
    """A shift or a day: the totals large, and the four charts."""

    PERIODS = ("shift", "previous_shift", "today", "yesterday", "day")
    TOTALS_SHOWN = ("scans", "entered", "referred", "denied", "fevers", "red",
                    "forged_or_invalid", "overrides", "pending_sync")  # fmt: skip
    counts_shown = Signal()

    def __init__(self, review: ReviewService, worker: ReviewWorker) -> None:
        super().__init__()
        self.review = review
        self.worker = worker
        self.counts: Counts | None = None
        self._loading = False
        self.period_label, self.day_label, self.gate_label = QLabel(), QLabel(), QLabel()
        self.period = QComboBox()
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period.setMinimumWidth(150)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.gate = QComboBox()
        self.gate.setMinimumWidth(140)
        self.refresh_button = QPushButton()
        self.range_text = QLabel()
        set_font(self.range_text, 13, True)
        self.status = QLabel()
        self.status.setStyleSheet(f"color: {theme.GREY};")
        top = QHBoxLayout()
        top.addLayout(_labelled(self.period_label, self.period))
        top.addLayout(_labelled(self.day_label, self.day))
        top.addLayout(_labelled(self.gate_label, self.gate))
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignBottom)
        top.addSpacing(12)
        top.addWidget(self.range_text, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.status, 1, Qt.AlignmentFlag.AlignBottom)

        self.cards: dict[str, tuple[QLabel, QLabel]] = {}
        cards = QHBoxLayout()
        cards.setSpacing(6)
        for key in self.TOTALS_SHOWN:
            frame = QFrame()
            frame.setObjectName("card")
            frame.setStyleSheet(
                "QFrame#card { background: white; border: 1px solid #c9d1d9; border-radius: 8px; }"
            )
            box = QVBoxLayout(frame)
            box.setContentsMargins(6, 2, 6, 2)
            box.setSpacing(0)
            number, caption = QLabel("0"), QLabel()
            set_font(number, 22, True)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            set_font(caption, 10)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)
            box.addWidget(number)
            box.addWidget(caption)
            cards.addWidget(frame, 1)
            self.cards[key] = (number, caption)
        self.charts = CountsCharts()
        self.charts.rendered.connect(self.counts_shown)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addWidget(self.charts, 1)

        self.day.setDate(_local(review.station.now()).date())
        self.period.currentIndexChanged.connect(self._period_changed)
        self.day.dateChanged.connect(lambda _d: None if self._loading else self.load())
        self.gate.currentIndexChanged.connect(lambda _i: None if self._loading else self.load())
        self.refresh_button.clicked.connect(self.load)
        self._facets: Facets | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self._loading = True
        self.period_label.setText(self.tr("Shift or day"))
        self.day_label.setText(self.tr("Day"))
        self.gate_label.setText(self.tr("Gate / bus"))
        self.refresh_button.setText(self.tr("Refresh"))
        index = max(0, self.period.currentIndex())
        self.period.clear()
        for text in (self.tr("This shift"), self.tr("Previous shift"), self.tr("Today"),
                     self.tr("Yesterday"), self.tr("A day")):  # fmt: skip
            self.period.addItem(text)
        self.period.setCurrentIndex(index)
        keep = self.gate.currentData()
        self.gate.clear()
        self.gate.addItem(self.tr("All gates"), None)
        for g in self._gates():
            self.gate.addItem(g, g)
        self.gate.setCurrentIndex(max(0, self.gate.findData(keep)) if keep else 0)
        captions = {
            "scans": self.tr("Codes scanned"),
            "entered": self.tr("Entered"),
            "referred": self.tr("Referred"),
            "denied": self.tr("Denied"),
            "fevers": self.tr("Fevers"),
            "red": self.tr("Red codes"),
            "forged_or_invalid": self.tr("Forged or invalid"),
            "overrides": self.tr("Overrides"),
            "pending_sync": self.tr("Not yet synced"),
        }
        for key, (_number, caption) in self.cards.items():
            caption.setText(captions.get(key, key))
        self.day.setEnabled(self.PERIODS[self.period.currentIndex()] == "day")
        self._loading = False
        self.charts.retranslate()
        self._show_range()

    def _gates(self) -> tuple[str, ...]:
        return self._facets.gates if self._facets is not None else ()

    def set_facets(self, facets: Facets) -> None:
        self._facets = facets
        self._loading = True
        keep = self.gate.currentData()
        self.gate.clear()
        self.gate.addItem(self.tr("All gates"), None)
        for g in facets.gates:
            self.gate.addItem(g, g)
        self.gate.setCurrentIndex(max(0, self.gate.findData(keep)) if keep else 0)
        self._loading = False

    def _period_changed(self, *_: Any) -> None:
        self.day.setEnabled(self.PERIODS[max(0, self.period.currentIndex())] == "day")
        if not self._loading:
            self.load()

    def set_period(self, key: str, day: date | None = None) -> None:
        self._loading = True
        if day is not None:
            self.day.setDate(day)
        self.period.setCurrentIndex(self.PERIODS.index(key))
        self.day.setEnabled(key == "day")
        self._loading = False
        self.load()

    def bounds(self) -> tuple[datetime, datetime]:
        key = self.PERIODS[max(0, self.period.currentIndex())]
        now = self.review.station.now()
        if key == "shift":
            return shift_range(now)
        if key == "previous_shift":
            return shift_range(now, back=1)
        today = _local(now).date()
        if key == "today":
            return day_range(today)
        if key == "yesterday":
            return day_range(today - timedelta(days=1))
        return day_range(self.day.date().toPython())

    def load(self) -> None:
        """Count the chosen period off the GUI thread; the charts follow when it is done."""
        since, until = self.bounds()
        gate = self.gate.currentData()
        self._show_range()
        self.status.setText(self.tr("Counting…"))
        self.worker.submit(
            lambda review: review.counts(iso(since), iso(until), gate=gate),
            self.show_counts,
            self._failed,
            key="counts",
        )

    def _show_range(self) -> None:
        since, until = self.bounds()
        self.range_text.setText(_range_text(since, until))

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Could not count: %1").replace("%1", str(exc)))

    def show_counts(self, counts: Counts, *, at_once: bool = False) -> None:
        """The totals now, the charts one by one (:attr:`counts_shown` after the last)."""
        self.counts = counts
        self.status.setText("")
        for key, (number, _caption) in self.cards.items():
            n = counts.totals.get(key, 0)
            number.setText(f"{n:,}")
            alert = key in ("denied", "fevers", "red", "forged_or_invalid", "overrides") and n
            style = f"color: {theme.RED if alert else theme.INK};"
            if number.styleSheet() != style:  # a new style sheet re-polishes the label
                number.setStyleSheet(style)
        self.charts.show_counts(counts, at_once=at_once)


# -- the sync tab -------------------------------------------------------------------------


class SyncTab(QWidget):
    """What the centre has not taken yet, and how old the cached lists are."""

    loaded = Signal()

    def __init__(self, review: ReviewService, worker: ReviewWorker) -> None:
        super().__init__()
        self.review = review
        self.worker = worker
        self.model = SyncProblemsModel(self)
        self.ages_model = ListAgesModel(self)
        self.heading = QLabel()
        set_font(self.heading, 15, True)
        self.table = _table(self.model, multi=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        m = SyncProblemsModel
        for column, width in ((m.TIME, 126), (m.KIND, 190), (m.STATE, 140), (m.ATTEMPTS, 64),
                              (m.REVIEWED, 80)):  # fmt: skip
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(SyncProblemsModel.REASON, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("primary")
        self.retry_button.clicked.connect(self._retry_clicked)
        self.review_button = QPushButton()
        self.review_button.clicked.connect(self._review_clicked)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.load)
        self.message = QLabel()
        self.message.setWordWrap(True)
        set_font(self.message, 12, True)
        self.ages_label = QLabel()
        set_font(self.ages_label, 15, True)
        self.ages = _table(self.ages_model)
        ages_header = self.ages.horizontalHeader()
        ages_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        ages_header.setStretchLastSection(True)
        self.ages.setMinimumWidth(300)
        self.ages_note = QLabel()
        self.ages_note.setWordWrap(True)
        self.ages_note.setStyleSheet(f"color: {theme.GREY}; font-size: 11pt;")

        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addWidget(self.table, 1)
        left.addLayout(buttons)
        left.addWidget(self.message)
        right = QVBoxLayout()
        right.addWidget(self.ages_label)
        right.addWidget(self.ages, 1)
        right.addWidget(self.ages_note)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(left, 4)
        layout.addLayout(right, 1)
        self.rejected = self.pending = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.retry_button.setText(self.tr("Send again"))
        self.review_button.setText(self.tr("Mark reviewed…"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.ages_label.setText(self.tr("Age of the cached lists"))
        self.ages_note.setText(
            self.tr("Amber: older than 24 hours. Red: older than 72 hours, or never fetched.")
        )
        self.model.retranslate()
        self.ages_model.retranslate()
        self._update_heading()

    def load(self) -> None:
        """Read the problems (off the GUI thread) and the lists' ages."""
        self.ages_model.set_ages(self.review.list_ages())

        def job(review: ReviewService) -> tuple[list[SyncProblem], int, int]:
            problems = review.sync_problems(limit=SYNC_LIST_LIMIT)
            rejected = review.count(LogFilter(sync_states=("rejected",)))
            pending = review.count(LogFilter(sync_states=("pending",)))
            return problems, rejected, pending

        self.worker.submit(job, self._loaded, self._failed, key="sync")

    def _loaded(self, result: tuple[list[SyncProblem], int, int]) -> None:
        problems, self.rejected, self.pending = result
        self.model.set_problems(problems)
        self._update_heading()
        self._update_buttons()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Could not read the sync state: %1").replace("%1", str(exc)))

    def _update_heading(self) -> None:
        if self.rejected == 0 and self.pending == 0:
            self.heading.setText(self.tr("Everything has reached the centre."))
            self.heading.setStyleSheet(f"color: {theme.GREEN};")
            return
        self.heading.setText(
            self.tr("%1 rejected by the centre, %2 waiting to sync")
            .replace("%1", f"{self.rejected:,}")
            .replace("%2", f"{self.pending:,}")
        )
        self.heading.setStyleSheet(f"color: {theme.RED if self.rejected else theme.AMBER};")

    def selected(self) -> list[SyncProblem]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [p for p in (self.model.problem(r) for r in rows) if p is not None]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(any(p.row.sync_state == "rejected" for p in chosen))
        self.review_button.setEnabled(bool(chosen))

    def retry(self) -> int:
        """Send the selected rejected events again (back to pending)."""
        ids = [p.row.event_id for p in self.selected() if p.row.sync_state == "rejected"]
        if not ids:
            return 0
        n = self.review.retry(ids)
        self.message.setText(self.tr("%1 event(s) will be sent again at the next sync.")
                             .replace("%1", str(n)))  # fmt: skip
        self.message.setStyleSheet(f"color: {theme.GREEN};")
        self.load()
        return n

    def mark_reviewed(self, note: str) -> bool:
        chosen = self.selected()
        if not chosen or not note.strip():
            return False
        self.review.mark_reviewed([p.row.event_id for p in chosen], note)
        self.message.setText(
            self.tr("%1 event(s) marked as reviewed.").replace("%1", str(len(chosen)))
        )
        self.message.setStyleSheet(f"color: {theme.GREEN};")
        self.load()
        return True

    def _retry_clicked(self) -> None:
        self.retry()

    def _review_clicked(self) -> None:
        if not self.selected():
            return
        note = ReasonDialog(
            self.tr("Mark reviewed"),
            self.tr(
                "You looked at %1 event(s) the centre has not taken. What did you find or do?"
            ).replace("%1", str(len(self.selected()))),
            [
                self.tr("Duplicate of an event already at the centre"),
                self.tr("Reported to the centre by phone"),
                self.tr("Test event, no action needed"),
            ],
            self,
        ).ask()
        if note is not None:
            self.mark_reviewed(note)


# -- the integrity tab -----------------------------------------------------------------------


class IntegrityTab(QWidget):
    """ "Check log": every device's hash chain verified, the result said plainly."""

    checked = Signal(object)  # ChainReport
    show_requested = Signal(str)  # an event id to show in the log

    def __init__(self, review: ReviewService, worker: ReviewWorker) -> None:
        super().__init__()
        self.review = review
        self.worker = worker
        self.report: ChainReport | None = None
        self.chain_heads: list[tuple[str, int, str]] = []
        self.broken_row: Any = None
        self.error: str | None = None
        self.running = False
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self._show_clicked)
        self.show_button.hide()
        self.check_button = QPushButton()
        self.check_button.setObjectName("primary")
        self.check_button.setStyleSheet("font-size: 18pt; padding: 10px 28px;")
        self.check_button.clicked.connect(self.check)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet("font-size: 12pt;")
        self.result = QFrame()
        self.result.setObjectName("result")
        result_layout = QVBoxLayout(self.result)
        self.headline = QLabel()
        set_font(self.headline, 24, True)
        self.headline.setWordWrap(True)
        self.where = QLabel()
        set_font(self.where, 14)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_layout.addWidget(self.headline)
        result_layout.addWidget(self.where)
        result_layout.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.heads_label = QLabel()
        set_font(self.heads_label, 12, True)
        self.heads = QLabel()
        self.heads.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heads.setStyleSheet("font-family: monospace; font-size: 11pt;")
        self.heads.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.check_button)
        top.addWidget(self.explain, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.result)
        layout.addWidget(self.heads_label)
        layout.addWidget(self.heads)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.check_button.setText(self.tr("Check log"))
        self.show_button.setText(self.tr("Show this event in the log"))
        self.explain.setText(
            self.tr(
                "Recomputes every event's hash and its link to the one before, device by "
                "device. An edited, deleted or inserted event breaks the chain."
            )
        )
        self.heads_label.setText(
            self.tr("Chain head of each device (compare with the printed report):")
        )
        self._show()

    def check(self) -> None:
        """Verify the chains off the GUI thread (its own store connection)."""
        if self.running:
            return
        self.running = True
        self.error = None
        self.check_button.setEnabled(False)
        self._show()

        def job(review: ReviewService) -> tuple[ChainReport, list[tuple[str, int, str]], Any]:
            report = review.check_integrity()
            broken = None
            if report.first_break is not None:
                try:  # the event as the log browser lists it (as first recorded)
                    broken = review.row(report.first_break.event_id)
                except KeyError:
                    broken = None
            return report, review.chain_heads(), broken

        self.worker.submit(job, self._done, self._failed)

    def _done(self, result: tuple[ChainReport, list[tuple[str, int, str]], Any]) -> None:
        self.running = False
        self.report, self.chain_heads, self.broken_row = result
        self.check_button.setEnabled(True)
        self._show()
        self.checked.emit(self.report)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.error = str(exc)
        self.check_button.setEnabled(True)
        self._show()

    def _show_clicked(self) -> None:
        if self.report is not None and self.report.first_break is not None:
            self.show_requested.emit(self.report.first_break.event_id)

    def _paint(self, colour: str) -> None:
        self.result.setStyleSheet(
            f"QFrame#result {{ background: {colour}; border-radius: 10px; }}"
            "QFrame#result QLabel { color: white; }"
        )

    def _show(self) -> None:
        broken = self.report is not None and not self.report.ok
        self.show_button.setVisible(broken and not self.running and self.error is None)
        if self.running:
            self._paint(theme.GREY)
            self.headline.setText(self.tr("Checking the log…"))
            self.where.setText("")
            return
        if self.error is not None:
            self._paint(theme.AMBER)
            self.headline.setText(self.tr("The check could not run"))
            self.where.setText(self.error)
            return
        report = self.report
        if report is None:
            self._paint("#8a96a0")
            self.headline.setText(self.tr("Not checked yet"))
            self.where.setText(self.tr("Press “Check log” to verify the record."))
            self.heads.setText("")
            return
        if report.ok:
            self._paint(theme.GREEN)
            self.headline.setText(
                self.tr("Log intact: %1 events, %2 device(s)")
                .replace("%1", f"{report.events:,}")
                .replace("%2", str(len(report.devices)))
            )
            self.where.setText(
                self.tr("Every event matches its hash and its link to the one before.")
            )
        else:
            brk = report.first_break
            assert brk is not None
            self._paint(theme.RED)
            self.headline.setText(self.tr("Log broken: it was changed after it was written"))
            self.where.setText(
                self.tr("Device %1, event #%2: %3").replace("%1", brk.device_id)
                .replace("%2", str(brk.seq)).replace("%3", self.break_text(str(brk.kind)))
                + "\n" + self.tr("Event id: %1").replace("%1", brk.event_id)
                + self._broken_text()
                + "\n" + self.tr("Checked %1 events up to the break.").replace("%1", f"{report.events:,}")
            )  # fmt: skip
        heads = self.chain_heads
        self.heads.setText("\n".join(f"{d}  #{seq}  {h}" for d, seq, h in heads))

    def _broken_text(self) -> str:
        r = self.broken_row
        if r is None:
            return ""
        what = " · ".join(
            part for part in (local_time(r.occurred_at, "%Y-%m-%d %H:%M:%S"), kind_text(r.kind),
                              r.gate, r.operator, summary_text(r.summary)) if part
        )  # fmt: skip
        return "\n" + self.tr("The event as the log lists it: %1").replace("%1", what)

    def break_text(self, kind: str) -> str:
        return {
            "edited": self.tr("the event was edited (its fields no longer give its hash)"),
            "deleted": self.tr("events are missing (deleted)"),
            "inserted_or_reordered": self.tr("an event was inserted or the order changed"),
            "pii_mismatch": self.tr("the personal data was changed"),
            "pii_orphan": self.tr("personal data was added to an event without any"),
        }.get(kind, kind)


# -- the hand-over tab -----------------------------------------------------------------------


def free_report_path(pdf: Path) -> Path:
    """``pdf``, or ``NAME-2.pdf``, ``NAME-3.pdf``, … when it or its ``.xlsx`` exists: a
    hand-over report once written is never replaced (the writers refuse to)."""
    candidate, n = pdf, 1
    while candidate.exists() or candidate.with_suffix(".xlsx").exists():
        n += 1
        candidate = pdf.with_name(f"{pdf.stem}-{n}{pdf.suffix}")
    return candidate


class HandoverTab(QWidget):
    """Who hands over to whom, the shift, and the report as PDF and XLSX."""

    written = Signal(object)  # (pdf path, xlsx path)

    PERIODS = ("shift", "previous_shift", "today", "custom")

    def __init__(
        self, review: ReviewService, session: SupervisorSession, worker: ReviewWorker
    ) -> None:
        super().__init__()
        self.review = review
        self.session = session
        self.worker = worker
        self.running = False
        self.paths: tuple[Path, Path] | None = None
        self.heading = QLabel()
        set_font(self.heading, 18, True)
        self.by_label, self.to_label = QLabel(), QLabel()
        self.by = QLineEdit()
        self.to = QLineEdit()
        self.period_label, self.since_label, self.until_label = QLabel(), QLabel(), QLabel()
        self.period = QComboBox()
        self.since = QDateTimeEdit()
        self.until = QDateTimeEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.privacy = QLabel()
        self.privacy.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        set_font(self.preview, 13)
        self.preview_counts: Counts | None = None
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.save_button.setStyleSheet("font-size: 16pt; padding: 8px 24px;")
        self.save_button.clicked.connect(self._save_clicked)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_font(self.status, 13)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_folder)
        self.open_button.hide()

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(self.by_label, 0, 0)
        grid.addWidget(self.by, 0, 1)
        grid.addWidget(self.to_label, 1, 0)
        grid.addWidget(self.to, 1, 1)
        grid.addWidget(self.period_label, 2, 0)
        grid.addWidget(self.period, 2, 1)
        grid.addWidget(self.since_label, 3, 0)
        grid.addWidget(self.since, 3, 1)
        grid.addWidget(self.until_label, 4, 0)
        grid.addWidget(self.until, 4, 1)
        grid.setColumnStretch(2, 1)
        for w in (self.by, self.to):
            w.setMinimumWidth(300)
        done = QHBoxLayout()
        done.addWidget(self.open_button)
        done.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addWidget(self.preview)
        layout.addWidget(self.privacy)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status)
        layout.addLayout(done)
        layout.addStretch(1)
        self.period.currentIndexChanged.connect(self._period_changed)
        for edit in (self.since, self.until):
            edit.dateTimeChanged.connect(
                lambda _v, e=edit: (
                    self.load_preview() if self.isVisible() and e.isEnabled() else None
                )
            )
        self.session.changed.connect(lambda _u: self._show_privacy())
        self.retranslate()
        self._period_changed()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Hand-over report"))
        self.by_label.setText(self.tr("Handed over by"))
        self.to_label.setText(self.tr("Handed over to"))
        self.by.setPlaceholderText(self.tr("Your name"))
        self.to.setPlaceholderText(self.tr("The next team's supervisor"))
        self.period_label.setText(self.tr("Shift"))
        self.since_label.setText(self.tr("From"))
        self.until_label.setText(self.tr("To"))
        self.save_button.setText(self.tr("Save report (PDF and Excel)…"))
        self.open_button.setText(self.tr("Open folder"))
        index = max(0, self.period.currentIndex())
        self.period.blockSignals(True)
        self.period.clear()
        for text in (self.tr("This shift"), self.tr("Previous shift"), self.tr("Today"),
                     self.tr("From – to")):  # fmt: skip
            self.period.addItem(text)
        self.period.setCurrentIndex(index)
        self.period.blockSignals(False)
        self._show_privacy()
        self._show_status()
        self._preview_text()

    def _show_privacy(self) -> None:
        if self.session.unlocked:
            self.privacy.setText(
                self.tr("Unlocked: the report will show personal data in full. Keep it safe.")
            )
            self.privacy.setStyleSheet(f"color: {theme.RED}; font-size: 13pt; font-weight: bold;")
        else:
            self.privacy.setText(
                self.tr("Personal data in the report is masked (unlock to include it in full).")
            )
            self.privacy.setStyleSheet(f"color: {theme.GREY}; font-size: 13pt;")

    def set_operator(self, name: str) -> None:
        if not self.by.text().strip():
            self.by.setText(name)

    def _period_changed(self, *_: Any) -> None:
        key = self.PERIODS[max(0, self.period.currentIndex())]
        custom = key == "custom"
        self.since.setEnabled(custom)
        self.until.setEnabled(custom)
        if not custom:
            since, until = self._preset(key)
            self.since.setDateTime(_qdt(since))
            self.until.setDateTime(_qdt(until))
        if self.isVisible():
            self.load_preview()

    def load_preview(self) -> None:
        """The shift's main numbers, counted off the GUI thread, above the button."""
        since, until = self.bounds()
        self.worker.submit(
            lambda review: review.counts(iso(since), iso(until)),
            self._show_preview,
            lambda exc: self.preview.setText(str(exc)),
            key="handover-preview",
        )

    def _show_preview(self, counts: Counts) -> None:
        self.preview_counts = counts
        self._preview_text()

    def _preview_text(self) -> None:
        c = self.preview_counts
        if c is None:
            self.preview.setText("")
            return
        t = c.totals
        self.preview.setText(
            self.tr(
                "In this period: %1 codes scanned, %2 entered, %3 referred, %4 denied, "
                "%5 fevers, %6 overrides; %7 events not yet at the centre."
            )
            .replace("%1", f"{t.get('scans', 0):,}")
            .replace("%2", f"{t.get('entered', 0):,}")
            .replace("%3", f"{t.get('referred', 0):,}")
            .replace("%4", f"{t.get('denied', 0):,}")
            .replace("%5", f"{t.get('fevers', 0):,}")
            .replace("%6", f"{t.get('overrides', 0):,}")
            .replace("%7", f"{t.get('pending_sync', 0) + t.get('rejected_sync', 0):,}")
        )

    def _preset(self, key: str) -> tuple[datetime, datetime]:
        now = self.review.station.now()
        if key == "previous_shift":
            return shift_range(now, back=1)
        if key == "today":
            return day_range(_local(now).date())
        return shift_range(now)

    def bounds(self) -> tuple[datetime, datetime]:
        key = self.PERIODS[max(0, self.period.currentIndex())]
        if key == "custom":
            return _from_qdt(self.since.dateTime()), _from_qdt(self.until.dateTime())
        return self._preset(key)

    def default_path(self) -> Path:
        since, _until = self.bounds()
        folder = self.review.station.data_dir / "reports"
        return free_report_path(folder / f"handover-{since:%Y%m%d-%H%M}.pdf")

    def _save_clicked(self) -> None:
        if not self.to.text().strip() or not self.by.text().strip():
            self.status.setText(self.tr("Please fill in who hands over and to whom."))
            self.status.setStyleSheet(f"color: {theme.RED};")
            return
        default = self.default_path()
        default.parent.mkdir(parents=True, exist_ok=True)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the hand-over report"),
            str(default),
            self.tr("PDF (*.pdf)"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # never replaced: see write()
        )
        if chosen:
            self.write(Path(chosen))

    def write(self, pdf_path: Path) -> bool:
        """Build the report (recording the hand-over) and write ``pdf_path`` and the same
        name with ``.xlsx``, off the GUI thread. False when a field is missing."""
        by, to = self.by.text().strip(), self.to.text().strip()
        if self.running or not by or not to:
            if not by or not to:
                self.status.setText(self.tr("Please fill in who hands over and to whom."))
                self.status.setStyleSheet(f"color: {theme.RED};")
            return False
        if pdf_path.suffix.lower() != ".pdf":
            pdf_path = pdf_path.with_suffix(".pdf")
        pdf_path = free_report_path(pdf_path)  # a written report is never replaced
        xlsx_path = pdf_path.with_suffix(".xlsx")
        since, until = self.bounds()
        unlocked = self.session.unlocked
        self.running = True
        self.save_button.setEnabled(False)
        self.open_button.hide()
        self.status.setText(self.tr("Writing the report…"))
        self.status.setStyleSheet(f"color: {theme.GREY};")

        def job(review: ReviewService) -> tuple[Path, Path]:
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            report: HandoverReport = build_handover(
                review, iso(since), iso(until), handed_over_by=by, handed_over_to=to,
                unlocked=unlocked,
            )  # fmt: skip
            write_handover_pdf(report, pdf_path)
            write_handover_xlsx(report, xlsx_path)
            return pdf_path, xlsx_path

        self.worker.submit(job, self._written, self._failed)
        return True

    def _written(self, paths: tuple[Path, Path]) -> None:
        self.running = False
        self.paths = paths
        self.save_button.setEnabled(True)
        self._show_status()
        self.written.emit(paths)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.paths = None
        self.save_button.setEnabled(True)
        self.status.setText(self.tr("The report could not be written: %1").replace("%1", str(exc)))
        self.status.setStyleSheet(f"color: {theme.RED};")

    def _show_status(self) -> None:
        if self.paths is None:
            return
        pdf, xlsx = self.paths
        self.status.setText(
            self.tr("Saved: %1 and %2 in the folder %3")
            .replace("%1", pdf.name).replace("%2", xlsx.name).replace("%3", str(pdf.parent))
        )  # fmt: skip
        self.status.setStyleSheet(f"color: {theme.GREEN}; font-weight: bold;")
        self.open_button.show()

    def open_folder(self) -> None:
        if self.paths is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths[0].parent)))


# -- the screen ---------------------------------------------------------------------------


class ReviewScreen(Screen):
    """The supervisor's review, one tab of the main window."""

    def __init__(
        self,
        review: ReviewService,
        session: SupervisorSession,
        *,
        worker: ReviewWorker | None = None,
        initial_range: str = "shift",
        override: OverrideAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``initial_range``: the log's time range until the supervisor picks another
        (``shift``, ``today``, ``all``); ``override``: the supervisor's override of a
        traveller's journey (none: the button is hidden)."""
        super().__init__(parent)
        self.review = review
        self.session = session
        self.worker = worker or ReviewWorker(
            open_like(review.station), operator=lambda: self.review.operator, parent=self
        )
        self.setStyleSheet(STYLE)
        self.log_tab = LogTab(review, session, initial_range, self.worker, override)
        self.counts_tab = CountsTab(review, self.worker)
        self.sync_tab = SyncTab(review, self.worker)
        self.integrity_tab = IntegrityTab(review, self.worker)
        self.handover_tab = HandoverTab(review, session, self.worker)
        self.tabs = QTabWidget()
        for tab in (self.log_tab, self.counts_tab, self.sync_tab, self.integrity_tab,
                    self.handover_tab):  # fmt: skip
            self.tabs.addTab(tab, "")
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 4, 2)
        self.lock_state = QLabel()
        set_font(self.lock_state, 12, True)
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("lock")
        self.lock_button.clicked.connect(self.toggle_lock)
        corner_layout.addWidget(self.lock_state)
        corner_layout.addWidget(self.lock_button)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.integrity_tab.show_requested.connect(self.show_in_log)
        self.session.changed.connect(lambda _u: self._show_lock())
        self._opened = False
        self._loaded: set[int] = set()
        self.retranslate()

    def tab_title(self) -> str:
        return self.tr("Review")

    # -- language -------------------------------------------------------------------------
    def retranslate(self) -> None:
        titles = (self.tr("Log"), self.tr("Counts"), self.tr("Sync problems"),
                  self.tr("Integrity"), self.tr("Hand-over"))  # fmt: skip
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)
        for tab in (self.log_tab, self.counts_tab, self.sync_tab, self.integrity_tab,
                    self.handover_tab):  # fmt: skip
            tab.retranslate()
        self._show_lock()

    # -- the supervisor lock ----------------------------------------------------------------
    def toggle_lock(self) -> None:
        if self.session.unlocked:
            self.session.lock("manual")
        else:
            self.session.unlock(self)

    def _show_lock(self) -> None:
        if self.session.unlocked:
            self.lock_state.setText(self.tr("Unlocked: personal data shown"))
            self.lock_state.setStyleSheet(f"color: {theme.RED};")
            self.lock_button.setText(self.tr("Lock"))
        else:
            self.lock_state.setText(self.tr("Locked: personal data masked"))
            self.lock_state.setStyleSheet(f"color: {theme.GREY};")
            self.lock_button.setText(self.tr("Unlock"))

    # -- loading ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.open()

    def open(self) -> None:
        """Read the filters' values and the first page (each time the screen is shown)."""
        self.log_tab.reload()
        if self.log_tab.facets is not None:
            self.counts_tab.set_facets(self.log_tab.facets)
        self._loaded.clear()
        self._opened = True
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        if not self._opened or index in self._loaded:
            return
        self._loaded.add(index)
        widget = self.tabs.widget(index)
        if widget is self.counts_tab:
            self.counts_tab.load()
        elif widget is self.sync_tab:
            self.sync_tab.load()
        elif widget is self.handover_tab:
            self.handover_tab.load_preview()

    def show_in_log(self, event_id: str) -> None:
        """Switch to the log and show one event's detail (selected when listed)."""
        self.tabs.setCurrentWidget(self.log_tab)
        row = self.log_tab.model.row_of(event_id)
        if row is not None:
            self.log_tab.select_row(row)
            self.log_tab.table.scrollTo(self.log_tab.model.index(row, 0))
        else:
            self.log_tab.table.clearSelection()
            self.log_tab.show_event(event_id)

    def set_operator(self, name: str) -> None:
        self.review.operator = name
        self.handover_tab.set_operator(name)

    def shutdown(self) -> None:
        """Stop the background thread (the window is closing)."""
        self.worker.stop(30)


__all__ = ["ReviewScreen", "day_range", "shift_range"]

"""The secondary check: the travellers the gate referred, re-measured and decided.

The queue lists every traveller whose journey here is ``referred`` (by the gate's
decision — a yellow code, a fever, an EU certificate to check — or by a volunteer),
oldest first, with why, their latest temperature and their name and document number
(masked). The officer picks one, may re-measure (the reading is recorded as a
``temperature`` event like the gate's, and shown), then lets them enter or denies
them, with a reason (:meth:`GateService.secondary_decision`). A decided traveller
leaves the queue; the queue refreshes itself every few seconds (other gates refer
travellers too, and the sync brings them in).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.domain.journey import IllegalTransition
from checkpoint_app.domain.temperature import Temperature, TemperatureError
from checkpoint_app.services.gate import GateOutcome, GateService
from checkpoint_app.store.database import StoreError
from checkpoint_app.ui import theme
from checkpoint_app.ui.bus_screen import MessagePanel, ReasonDialog
from checkpoint_app.ui.i18n import pair
from checkpoint_app.ui.models import Referral, ReferralQueueModel, clock
from checkpoint_app.ui.screen import Screen, set_font

REFRESH_MS = 5000


class SecondaryScreen(Screen):
    """The secondary check officer's screen."""

    def __init__(self, gate: GateService, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gate = gate
        self.model = ReferralQueueModel(gate.station, self)

        self.title = QLabel()
        set_font(self.title, 22, True)
        self.count_label = QLabel()
        set_font(self.count_label, 22, True)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.setWordWrap(False)
        self.table.setStyleSheet(
            "QTableView { font-size: 15pt; selection-background-color: #1f5fa8;"
            " selection-color: white; }"
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ReferralQueueModel.WHY, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.empty_label = QLabel()
        set_font(self.empty_label, 18)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # -- the selected traveller --
        self.card = QFrame()
        self.card.setObjectName("card")
        self.card.setStyleSheet(
            "QFrame#card { background: white; border: 1px solid #c9d1d9; border-radius: 12px; }"
        )
        self.who = QLabel()
        set_font(self.who, 24, True)
        self.who.setWordWrap(True)
        self.why = QLabel()
        set_font(self.why, 17)
        self.why.setWordWrap(True)
        self.reading = QLabel()
        set_font(self.reading, 30, True)
        self.temperature_label = QLabel()
        set_font(self.temperature_label, 15)
        self.temperature = QLineEdit()
        self.temperature.setObjectName("temperature")
        self.temperature.setMaxLength(8)
        self.temperature.setMinimumWidth(220)
        self.temperature.returnPressed.connect(self._remeasure_entered)
        self.record_button = QPushButton()
        self.record_button.clicked.connect(self._remeasure_entered)
        self.admit_button = QPushButton()
        self.admit_button.setMinimumHeight(76)
        self.admit_button.setStyleSheet(
            f"QPushButton {{ background: {theme.GREEN}; color: white; border: none;"
            " font-size: 22pt; font-weight: bold; }"
            "QPushButton:disabled { background: #b7c9bd; }"
        )
        self.admit_button.clicked.connect(self._admit_clicked)
        self.deny_button = QPushButton()
        self.deny_button.setMinimumHeight(76)
        self.deny_button.setStyleSheet(
            f"QPushButton {{ background: {theme.RED}; color: white; border: none;"
            " font-size: 22pt; font-weight: bold; }"
            "QPushButton:disabled { background: #d9b8b8; }"
        )
        self.deny_button.clicked.connect(self._deny_clicked)
        self.message = MessagePanel()

        card = QVBoxLayout(self.card)
        card.addWidget(self.who)
        card.addWidget(self.why)
        card.addWidget(self.reading)
        card.addWidget(self.temperature_label)
        row = QHBoxLayout()
        row.addWidget(self.temperature, 1)
        row.addWidget(self.record_button)
        card.addLayout(row)
        decide = QHBoxLayout()
        decide.addWidget(self.admit_button)
        decide.addWidget(self.deny_button)
        card.addLayout(decide)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.count_label)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.empty_label)
        right = QVBoxLayout()
        right.addWidget(self.card)
        right.addWidget(self.message)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.refresh()
        self.retranslate()
        self.message.show_idle("", "")
        self.message.hide()

    def tab_title(self) -> str:
        return self.tr("Secondary check")

    # -- language ---------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(" / ".join(pair("复核点", "Secondary check")))
        self.temperature_label.setText(self.tr("Re-measure °C"))
        self.temperature.setPlaceholderText(self.tr("e.g. 366 or 36.6"))
        self.record_button.setText(self.tr("Record reading"))
        self.admit_button.setText(self.tr("Let in"))
        self.deny_button.setText(self.tr("Deny entry"))
        self.empty_label.setText(self.tr("Nobody is waiting for the secondary check."))
        self.model.retranslate()
        self.message.retranslate()
        self._update_count()
        self._show_selected()

    # -- the queue --------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the queue again, keeping the selected traveller (else the oldest)."""
        keep = self.selected()
        self.model.refresh()
        first = self.model.referral(0)
        if (keep is None or not self.select_traveller(keep.traveller)) and first is not None:
            self.select_traveller(first.traveller)
        self._update_count()
        self._show_selected()

    def select_traveller(self, traveller: str) -> bool:
        row = self.model.row_of(traveller)
        if row is None:
            return False
        self.table.selectionModel().select(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def selected(self) -> Referral | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.referral(rows[0].row()) if rows else None

    # -- use cases --------------------------------------------------------------------
    def remeasure(self, text: str) -> Temperature | None:
        """Record a new reading of the selected traveller (a ``temperature`` event, as
        the gate records one) and show it; the officer then decides."""
        r = self._selected_or_say()
        if r is None or not text.strip():
            return None
        try:
            reading = self.gate.parse_temperature(text)
        except TemperatureError as exc:
            self._say("请重新测量", "Measure again", theme.AMBER, self._temperature_problem(exc))
            self.temperature.selectAll()
            return None
        station = self.gate.station
        fever = reading.is_fever(station.rules.fever_threshold_c)
        try:
            with station.use_case() as rec:
                rec.record(
                    "temperature",
                    {
                        "traveller": r.traveller,
                        "gate": self.gate.gate,
                        "celsius": reading.celsius,
                        "raw": reading.raw,
                        "unit": str(reading.unit),
                        "fever": fever,
                    },
                    operator=self.gate.operator,
                    at=station.now(),
                )
        except StoreError as exc:
            self._say("无法保存记录", "Cannot save the record", theme.RED, str(exc))
            return None
        self.temperature.clear()
        self.refresh()
        value = f"{reading.celsius:.1f} °C"
        if fever:
            self._say(f"体温偏高 {value}", f"High temperature {value}", theme.RED, r.name)
        else:
            self._say(f"体温正常 {value}", f"Normal temperature {value}", theme.GREEN, r.name)
        return reading

    def decide(self, *, admit: bool, reason: str) -> GateOutcome | None:
        """Let the selected traveller in, or deny them; a reason is required."""
        r = self._selected_or_say()
        if r is None:
            return None
        if not reason.strip():
            self._say("请填写原因", "Please give a reason", theme.RED)
            return None
        try:
            outcome = self.gate.secondary_decision(r.traveller, admit=admit, reason=reason.strip())
        except IllegalTransition as exc:
            self._say("无法完成", "Not done", theme.RED, exc.message)
            self.refresh()
            return None
        except StoreError as exc:
            self._say("无法保存记录", "Cannot save the record", theme.RED, str(exc))
            return None
        self.refresh()
        who = r.name or "—"
        if admit:
            self._say(f"已放行：{who}", f"Let in: {who}", theme.GREEN, reason.strip())
        else:
            self._say(f"已拒绝进入：{who}", f"Denied entry: {who}", theme.RED, reason.strip())
        return outcome

    # -- buttons ------------------------------------------------------------------------
    def _remeasure_entered(self) -> None:
        self.remeasure(self.temperature.text())

    def _admit_clicked(self) -> None:
        r = self._selected_or_say()
        if r is None:
            return
        reason = ReasonDialog(
            self.tr("Let in"),
            self.tr("Let %1 in. What did the secondary check find?").replace("%1", r.name),
            [
                self.tr("Normal temperature on re-measure"),
                self.tr("Negative test shown"),
                self.tr("Identity checked against the certificate"),
            ],
            self,
        ).ask()
        if reason is not None:
            self.decide(admit=True, reason=reason)

    def _deny_clicked(self) -> None:
        r = self._selected_or_say()
        if r is None:
            return
        reason = ReasonDialog(
            self.tr("Deny entry"),
            self.tr("Deny %1 entry. Why?").replace("%1", r.name),
            [
                self.tr("Fever confirmed on re-measure"),
                self.tr("No negative test"),
                self.tr("Handed to the medical team"),
            ],
            self,
        ).ask()
        if reason is not None:
            self.decide(admit=False, reason=reason)

    # -- helpers ----------------------------------------------------------------------
    def _say(self, zh: str, en: str, colour: str, detail: str = "") -> None:
        self.message.show_message(zh, en, colour, detail)
        self.message.show()

    def _selected_or_say(self) -> Referral | None:
        r = self.selected()
        if r is None:
            self._say("请先选择一位旅客", "Pick a traveller in the list first", theme.GREY)
        return r

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(" / ".join(pair(f"等待 {n} 人", f"{n} waiting")))
        self.count_label.setStyleSheet(f"color: {theme.AMBER if n else theme.GREEN};")
        self.empty_label.setVisible(n == 0)

    def _show_selected(self, *_: Any) -> None:
        r = self.selected()
        for widget in (self.temperature, self.record_button, self.admit_button,
                       self.deny_button):  # fmt: skip
            widget.setEnabled(r is not None)
        if r is None:
            self.who.setText(
                self.tr("Nobody selected")
                if self.model.rowCount()
                else self.tr("Nobody is waiting for the secondary check.")
            )
            self.why.clear()
            self.reading.clear()
            return
        self.who.setText(f"{r.name or '—'}   {r.id_number}")
        since = clock(r.since)
        self.why.setText(
            f"{self.model.why(r, both=True)}\n"
            + self.tr("Referred at %1, %2").replace("%1", since).replace("%2", r.gate)
        )
        if r.celsius is None:
            self.reading.setText(self.tr("No temperature yet"))
            self.reading.setStyleSheet(f"color: {theme.GREY};")
        else:
            self.reading.setText(f"{r.celsius:.1f} °C  ({clock(r.reading_at)})")
            self.reading.setStyleSheet(f"color: {theme.RED if r.fever else theme.GREEN};")

    def _temperature_problem(self, exc: TemperatureError) -> str:
        code = str(exc.code)
        celsius = f"{exc.celsius:.1f}" if exc.celsius is not None else "?"
        if code == "TOO_LOW":
            return self.tr("%1 °C is too low: measure again.").replace("%1", celsius)
        if code == "TOO_HIGH":
            return self.tr("%1 °C is too high: measure again.").replace("%1", celsius)
        return self.tr("Not a temperature: type e.g. 36.6 or 366.")

"""The bus marshal's screen: tick the roster until ``68/68``, call who is missing, depart.

Flow: pick the bus (roster) → passengers board and show their health code or bus
ticket to the camera or a USB scanner (:meth:`BusScreen.submit_code`) → the big
``45/68`` counts up and the list of who is still missing shrinks → someone without a
code is ticked by hand from the list, with a reason → a missing passenger is called:
"Show phone" shows that one row's number in full (each reveal is recorded) → "All
present — depart" records the departure; departing with people missing asks why.
Someone who will not come is marked absent from the missing list, with a reason.
Walk-ins (not on the list) and moves to another bus each take a reason too.

The manifest of the bus shown (masked, as the list shows it) is saved as CSV or PDF
(:meth:`BusScreen.export_manifest`; by default in the data directory's ``manifests``
folder). A passenger expected on another bus's list as well is named (masked) in an
amber notice, with the other bus; ticking someone already ticked on another bus says
so instead of the usual green "on board".

Every refusal (already on board, not on this bus, departed, …) is a coloured message
on the screen, never a traceback. Each action is a method that takes its values
(``tick_selected_by_hand(reason)``, ``depart(reason)``, …); the buttons open a small
dialog to ask for them and then call the method.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.domain.bus import BusRefused, EntryState
from checkpoint_app.domain.roster import RosterError
from checkpoint_app.reports.manifest import write_manifest_csv, write_manifest_pdf
from checkpoint_app.services.bus import BusService, EntryView, RosterSummary, TickOutcome
from checkpoint_app.store.database import StoreError
from checkpoint_app.ui import theme
from checkpoint_app.ui.gate_screen import WedgeFilter
from checkpoint_app.ui.i18n import pair
from checkpoint_app.ui.models import RosterEntriesModel, clock
from checkpoint_app.ui.screen import Screen, set_font

# How long a revealed phone number stays on screen.
PHONE_SHOWN_SECONDS = 120
# How long a message (ticked, refused, …) stays before the screen asks for the next scan.
MESSAGE_SECONDS = 10
# The progress number: readable from a step away, small enough for a 1366x768 screen.
PROGRESS_POINTS = 56
# Passengers named in the "also on another bus" notice (the rest are counted).
DUPLICATES_NAMED = 3
# The action buttons beside the list: a compact two-column grid.
ACTION_STYLE = "font-size: 15pt; padding: 6px 8px;"
DEPART_STYLE = "font-size: 17pt; padding: 6px 8px;"
MANIFEST_WRITERS = {"csv": write_manifest_csv, "pdf": write_manifest_pdf}

#: A message's detail line: a text, or a function giving it in the current language.
Detail = str | Callable[[], str]

# What each refusal means, for the big message (Chinese, English); the service's own
# sentence goes beneath it.
BUS_PROBLEMS: dict[str, tuple[str, str]] = {
    "ALREADY_PRESENT": ("已经上车了", "Already on board"),
    "NOT_PRESENT": ("还没有上车", "Not on board yet"),
    "ALREADY_ABSENT": ("已标记缺席", "Already marked absent"),
    "MOVED": ("已转到其他车", "Moved to another bus"),
    "DEPARTED": ("本车已发车", "This bus has departed"),
    "REASON_REQUIRED": ("请填写原因", "Please give a reason"),
    "SAME_ROSTER": ("已在本车名单上", "Already on this bus"),
    "NOT_ON_ROSTER": ("不在本车名单上", "Not on this bus's list"),
    "ALREADY_ON_ROSTER": ("已在名单上", "Already on the list"),
}


def spaced_phone(phone: str) -> str:
    """``13812340002`` → ``138 1234 0002``: easier to read out and dial."""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


class MessagePanel(QFrame):
    """A coloured message: one or two big words (chosen language first), the other
    language beneath, and a detail line (a text, or a function that says it in the
    current language, asked again on a language switch).

    A long heading is set smaller (down to 18 pt) to stay on one line; what still does
    not fit wraps, and the panel grows (the list beneath gives way)."""

    HEADING_POINTS = (26, 24, 22, 20, 18)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(2)
        self.heading, self.subheading, self.detail = QLabel(), QLabel(), QLabel()
        for label, size, bold in ((self.heading, 26, True), (self.subheading, 15, False),
                                  (self.detail, 13, False)):  # fmt: skip
            set_font(label, size, bold)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.colour: str | None = None
        self._shown: tuple[str, str, str | None, Detail] = ("", "", None, "")
        self.show_idle("", "")

    def retranslate(self) -> None:
        """Show the same message again, the chosen language first."""
        zh, en, colour, detail = self._shown
        if colour is None:
            self.show_idle(zh, en)
        else:
            self.show_message(zh, en, colour, detail)

    def show_message(self, zh: str, en: str, colour: str, detail: Detail = "") -> None:
        self._shown = (zh, en, colour, detail)
        big, small = pair(zh, en)
        self.heading.setText(big)
        self.subheading.setText(small)
        text = detail() if callable(detail) else detail
        self.detail.setText(text)
        self.detail.setVisible(bool(text))
        self._fit_heading()
        self.colour = colour
        self.setStyleSheet(
            f"QFrame#message {{ background: {colour}; border-radius: 12px; }}"
            "QFrame#message QLabel { color: white; }"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_heading()

    def _fit_heading(self) -> None:
        margins = self.layout().contentsMargins()
        width = self.contentsRect().width() - margins.left() - margins.right()
        text, font = self.heading.text(), self.heading.font()
        for points in self.HEADING_POINTS:
            font.setPointSize(points)
            if QFontMetrics(font).horizontalAdvance(text) <= width:
                break
        if font.pointSize() != self.heading.font().pointSize():
            self.heading.setFont(font)

    def show_idle(self, zh: str, en: str) -> None:
        self.show_message(zh, en, "#dfe5ea")
        self.colour = None
        self._shown = (zh, en, None, "")
        self.setStyleSheet(
            "QFrame#message { background: #dfe5ea; border-radius: 12px; }"
            f"QFrame#message QLabel {{ color: {theme.INK}; }}"
        )


class ReasonDialog(QDialog):
    """Asks for a reason (required: OK stays off while it is empty), with a few
    suggestions a tap puts in the field."""

    def __init__(
        self, title: str, prompt: str, suggestions: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        set_font(self.prompt, 16)
        layout.addWidget(self.prompt)
        self.field = QLineEdit()
        layout.addWidget(self.field)
        for text in suggestions:
            button = QPushButton(text)
            button.setStyleSheet("font-size: 14pt; padding: 6px 10px; text-align: left;")
            button.clicked.connect(lambda _=False, t=text: self.field.setText(t))
            layout.addWidget(button)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.RED}; font-size: 13pt;")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.field.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason()))

    def reason(self) -> str:
        return self.field.text().strip()

    def ask(self) -> str | None:
        """Show the dialog; the reason, or None when cancelled."""
        return self.reason() if self.exec() == QDialog.DialogCode.Accepted else None


class WalkInDialog(QDialog):
    """A passenger who is not on the list: name and reason required, the rest optional."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a walk-in passenger"))
        self.setMinimumWidth(600)
        form = QFormLayout(self)
        self.name, self.id_number, self.phone = QLineEdit(), QLineEdit(), QLineEdit()
        self.seat, self.reason = QLineEdit(), QLineEdit()
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        form.addRow(self.tr("Name *"), self.name)
        form.addRow(self.tr("ID number"), self.id_number)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Seat"), self.seat)
        self.reason.setPlaceholderText(self.tr("e.g. booked by phone, driver agreed"))
        form.addRow(self.tr("Reason *"), self.reason)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.RED}; font-size: 13pt;")
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for field in (self.name, self.reason):
            field.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.text().strip() and self.reason.text().strip()))

    def values(self) -> dict[str, str]:
        return {
            "name": self.name.text().strip(),
            "id_number": self.id_number.text().strip(),
            "phone": self.phone.text().strip().replace(" ", "").replace("-", ""),
            "seat": self.seat.text().strip(),
            "reason": self.reason.text().strip(),
        }


class MoveDialog(QDialog):
    """Move a passenger to another bus: which one, and why."""

    def __init__(
        self, passenger: str, targets: list[RosterSummary], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move to another bus"))
        self.setMinimumWidth(600)
        form = QFormLayout(self)
        who = QLabel(passenger)
        set_font(who, 16, True)
        form.addRow(who)
        self.target = QComboBox()
        for s in targets:
            self.target.addItem(f"{s.title or s.roster_id}  ({s.roster_id})", s.roster_id)
        form.addRow(self.tr("To bus"), self.target)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. travels with family on that bus"))
        form.addRow(self.tr("Reason *"), self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()) and self.target.count() > 0)

    def values(self) -> tuple[str, str]:
        return str(self.target.currentData()), self.reason.text().strip()


class BusScreen(Screen):
    """The marshal's screen for one bus at a time."""

    SHOWS = ("missing", "present", "all")

    def __init__(
        self,
        bus: BusService,
        *,
        reveal_phone: Callable[[str, str], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bus = bus
        self.reveal_phone = reveal_phone or bus.reveal_phone
        self.roster_id: str | None = None
        self.summary: RosterSummary | None = None
        self._rosters: list[RosterSummary] = []

        # -- the bus and its progress --
        self.roster_combo = QComboBox()
        self.roster_combo.setObjectName("roster")
        set_font(self.roster_combo, 18, True)
        self.roster_combo.setMinimumHeight(48)
        self.roster_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.roster_combo.activated.connect(self._roster_picked)
        self.roster_label = QLabel()
        set_font(self.roster_label, 16)

        self.csv_button = QPushButton()
        self.csv_button.clicked.connect(lambda: self._export_clicked("csv"))
        self.pdf_button = QPushButton()
        self.pdf_button.clicked.connect(lambda: self._export_clicked("pdf"))
        for button in (self.csv_button, self.pdf_button):
            button.setObjectName("header")  # the main window's header buttons: 15pt

        self.progress_label = QLabel("0/0")
        self.progress_label.setObjectName("progress")
        set_font(self.progress_label, PROGRESS_POINTS, True)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_note = QLabel()
        set_font(self.progress_note, 16, True)
        self.progress_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_note.setWordWrap(True)
        self.message = MessagePanel()
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        # Passengers of this bus expected on another bus's list too (hidden when none).
        self.duplicate_notice = QLabel()
        self.duplicate_notice.setObjectName("duplicates")
        self.duplicate_notice.setWordWrap(True)
        self.duplicate_notice.setStyleSheet(
            f"QLabel#duplicates {{ background: #fff4d6; color: {theme.INK};"
            f" border: 2px solid {theme.AMBER}; border-radius: 8px; padding: 4px 10px;"
            " font-size: 14pt; font-weight: bold; }"
        )
        self.duplicate_notice.hide()
        self.duplicates: dict[str, list[EntryView]] = {}  # booking here → entries elsewhere

        # -- the list --
        self.filter_buttons: dict[str, QPushButton] = {}
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        for show in self.SHOWS:
            button = QPushButton()
            button.setCheckable(True)
            button.setStyleSheet(
                "QPushButton { font-size: 16pt; padding: 6px 12px; }"
                f"QPushButton:checked {{ background: {theme.BLUE}; color: white; }}"
            )
            button.clicked.connect(lambda _=False, s=show: self.set_show(s))
            self.filter_group.addButton(button)
            self.filter_buttons[show] = button
        self.filter_buttons["missing"].setChecked(True)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setStyleSheet("QLineEdit#search { font-size: 16pt; padding: 4px 8px; }")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.set_query)

        self.model = RosterEntriesModel(bus, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(38)
        self.table.setStyleSheet(
            "QTableView { font-size: 16pt; selection-background-color: #1f5fa8;"
            " selection-color: white; }"
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RosterEntriesModel.STATE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.count_label = QLabel()
        set_font(self.count_label, 13)

        # -- actions --
        self.tick_button = QPushButton()
        self.tick_button.setObjectName("primary")
        self.tick_button.clicked.connect(self._tick_clicked)
        self.absent_button = QPushButton()
        self.absent_button.clicked.connect(self._absent_clicked)
        self.phone_button = QPushButton()
        self.phone_button.clicked.connect(self._phone_clicked)
        self.untick_button = QPushButton()
        self.untick_button.clicked.connect(self._untick_clicked)
        self.move_button = QPushButton()
        self.move_button.clicked.connect(self._move_clicked)
        self.walk_in_button = QPushButton()
        self.walk_in_button.clicked.connect(self._walk_in_clicked)
        self.depart_button = QPushButton()
        self.depart_button.setMinimumHeight(76)
        self.depart_button.clicked.connect(self._depart_clicked)

        top = QHBoxLayout()
        top.addWidget(self.roster_label)
        top.addWidget(self.roster_combo, 1)
        top.addSpacing(8)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)
        progress_box = QVBoxLayout()
        progress_box.setSpacing(0)
        progress_box.addWidget(self.progress_label)
        progress_box.addWidget(self.progress_note)
        head = QHBoxLayout()
        head.addLayout(progress_box, 2)
        head.addWidget(self.message, 3)
        filters = QHBoxLayout()
        for show in self.SHOWS:
            filters.addWidget(self.filter_buttons[show])
        filters.addSpacing(12)
        filters.addWidget(self.search, 1)
        left = QVBoxLayout()
        left.addLayout(filters)
        left.addWidget(self.table, 1)
        left.addWidget(self.count_label)
        # two columns of actions beside the list, the departure across both beneath
        actions = QGridLayout()
        actions.setSpacing(6)
        for i, button in enumerate(
            (self.tick_button, self.absent_button, self.phone_button, self.untick_button,
             self.move_button, self.walk_in_button)
        ):  # fmt: skip
            button.setMinimumHeight(48)
            button.setStyleSheet(ACTION_STYLE)
            actions.addWidget(button, i // 2, i % 2)
        actions.setRowStretch(3, 1)
        actions.addWidget(self.depart_button, 4, 0, 1, 2)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(head)
        layout.addWidget(self.duplicate_notice)
        layout.addLayout(body, 1)

        self.phone_timer = QTimer(self)
        self.phone_timer.setSingleShot(True)
        self.phone_timer.setInterval(PHONE_SHOWN_SECONDS * 1000)
        self.phone_timer.timeout.connect(self.hide_phone)
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(MESSAGE_SECONDS * 1000)
        self.message_timer.timeout.connect(self._idle_message)
        # A USB keyboard-wedge scanner ticks while this screen is the one shown.
        self.wedge = WedgeFilter(self.submit_code, self.isVisible)
        self.refresh()
        self.retranslate()
        self._idle_message()

    def tab_title(self) -> str:
        return self.tr("Bus")

    # -- language ---------------------------------------------------------------------
    def retranslate(self) -> None:
        self.roster_label.setText(self.tr("Bus:"))
        self.search.setPlaceholderText(self.tr("Name, seat or last 4 digits"))
        self.tick_button.setText(self.tr("Tick by hand"))
        self.absent_button.setText(self.tr("Mark absent"))
        self.untick_button.setText(self.tr("Undo tick"))
        self.move_button.setText(self.tr("Move to another bus"))
        self.walk_in_button.setText(self.tr("Add walk-in"))
        self.csv_button.setText(self.tr("Manifest CSV"))
        self.csv_button.setToolTip(self.tr("Save this bus's passenger list for a spreadsheet"))
        self.pdf_button.setText(self.tr("Manifest PDF"))
        self.pdf_button.setToolTip(self.tr("Save this bus's passenger list to print and sign"))
        self.model.retranslate()
        self.message.retranslate()
        self._fill_combo()
        self._update_progress()
        self._update_duplicate_notice()
        self._update_buttons()

    # -- reads ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # the sync or another tab may have changed the rosters

    def refresh(self) -> None:
        """Read the rosters, the progress and the list again (keeping the selection)."""
        keep = self.selected_entry()
        self._rosters = self.bus.rosters()
        ids = [s.roster_id for s in self._rosters]
        if self.roster_id not in ids:
            waiting = [s.roster_id for s in self._rosters if s.departed_at is None]
            self.roster_id = (waiting or ids or [None])[0]
            self.model.set_filter(self.roster_id)
        else:
            self.model.refresh()
        self.summary = next((s for s in self._rosters if s.roster_id == self.roster_id), None)
        self.duplicates = self._find_duplicates()
        self._fill_combo()
        self._update_progress()
        self._update_duplicate_notice()
        if keep is not None:
            self.select_booking(keep.booking_id)
        self._update_buttons()
        if self.message.colour is None:
            self._idle_message()  # e.g. "no roster yet" until the sync brought one

    def select_roster(self, roster_id: str) -> None:
        if roster_id == self.roster_id:
            return
        self.roster_id = roster_id
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.query = ""
        self.phone_timer.stop()
        self.model.set_filter(roster_id)
        self.refresh()
        self._idle_message()

    def set_show(self, show: str) -> None:
        self.filter_buttons[show].setChecked(True)
        self.model.set_filter(self.roster_id, show=show)
        self._update_counts()
        self._update_buttons()

    def set_query(self, text: str) -> None:
        """What the search box runs per keystroke: one page and the total."""
        if self.search.text() != text:
            self.search.blockSignals(True)
            self.search.setText(text)
            self.search.blockSignals(False)
        self.model.set_filter(self.roster_id, query=text)
        self._update_counts()
        self._update_buttons()

    def select_booking(self, booking_id: str) -> bool:
        row = self.model.row_of(booking_id)
        if row is None:
            self.table.clearSelection()
            return False
        self.table.selectionModel().select(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def selected_entry(self) -> EntryView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.model() else []
        return self.model.entry(rows[0].row()) if rows else None

    # -- use cases --------------------------------------------------------------------
    def submit_code(self, text: str) -> TickOutcome | None:
        """A code from the camera or a USB scanner: tick whoever it belongs to."""
        text = text.strip()
        if not text:
            return None
        if self.roster_id is None:
            self._no_roster()
            return None
        outcome = self._run(lambda: self.bus.tick_by_scan(self.roster_id or "", text))
        if outcome is not None:
            self._ticked(outcome)
        return outcome

    def tick_selected_by_hand(self, reason: str) -> TickOutcome | None:
        entry = self._selected_or_say()
        if entry is None:
            return None
        outcome = self._run(
            lambda: self.bus.tick_by_name(entry.roster_id, entry.booking_id, reason)
        )
        if outcome is not None:
            self._ticked(outcome)
        return outcome

    def untick_selected(self, reason: str) -> TickOutcome | None:
        entry = self._selected_or_say()
        if entry is None:
            return None
        outcome = self._run(lambda: self.bus.untick(entry.roster_id, entry.booking_id, reason))
        if outcome is not None:
            self.refresh()
            self.say(f"已撤销：{entry.name}", f"Tick undone: {entry.name}", theme.AMBER)
        return outcome

    def mark_selected_absent(self, reason: str) -> TickOutcome | None:
        """The selected missing passenger will not come (called, cancelled, …): absent,
        with the marshal's reason. They stay on the missing list, marked ✗."""
        entry = self._selected_or_say()
        if entry is None:
            return None
        outcome = self._run(lambda: self.bus.mark_absent(entry.roster_id, entry.booking_id, reason))
        if outcome is not None:
            self.refresh()
            self.say(
                f"已标记缺席：{entry.name}",
                f"Marked absent: {entry.name}",
                theme.AMBER,
                reason.strip(),
            )
        return outcome

    def reveal_selected_phone(self) -> str | None:
        """Show the selected missing passenger's full phone number (recorded)."""
        entry = self._selected_or_say()
        if entry is None:
            return None
        phone = self._run(lambda: self.reveal_phone(entry.roster_id, entry.booking_id))
        if phone is None:
            return None
        if not phone:
            self.say("名单上没有电话", "No phone number on the list", theme.GREY, entry.name)
            return ""
        self.model.reveal(entry.booking_id, phone)
        self.phone_timer.start()
        number = spaced_phone(phone)
        self.say(
            f"请致电 {number}",
            f"Call {number}",
            theme.BLUE,
            lambda: (
                entry.name
                + (" · " + self.tr("seat %1").replace("%1", entry.seat) if entry.seat else "")
            ),
        )
        self.message_timer.stop()  # shown until hidden (the phone timer)
        self._update_buttons()
        return phone

    def hide_phone(self) -> None:
        self.phone_timer.stop()
        if self.model.revealed is not None:
            self.model.hide_phone()
            if self.message.colour == theme.BLUE:
                self._idle_message()
        self._update_buttons()

    def add_walk_in(
        self, name: str, reason: str, *, id_number: str = "", phone: str = "", seat: str = ""
    ) -> TickOutcome | None:
        if self.roster_id is None:
            self._no_roster()
            return None
        roster = self.roster_id
        outcome = self._run(
            lambda: self.bus.walk_in(
                roster, name=name, reason=reason, id_number=id_number, phone=phone, seat=seat
            )
        )
        if outcome is not None:
            self._ticked(outcome, walk_in=True)
        return outcome

    def move_selected(self, to_roster: str, reason: str) -> TickOutcome | None:
        entry = self._selected_or_say()
        if entry is None:
            return None
        outcome = self._run(
            lambda: self.bus.move(entry.roster_id, entry.booking_id, to_roster, reason)
        )
        if outcome is not None:
            self.refresh()
            title = outcome.summary.title or to_roster
            self.say(
                f"{entry.name} 已转到 {title}",
                f"{entry.name} moved to {title}",
                theme.GREEN,
                lambda: (
                    self.tr("%1 is now %2 on that bus")
                    .replace("%1", entry.name)
                    .replace("%2", outcome.summary.progress.label())
                ),
            )
        return outcome

    def depart(self, reason: str = "") -> RosterSummary | None:
        """Record the departure; with passengers missing the service wants a reason."""
        if self.roster_id is None:
            self._no_roster()
            return None
        roster = self.roster_id
        summary = self._run(lambda: self.bus.depart(roster, reason=reason))
        if summary is not None:
            self.refresh()
            when = clock(summary.departed_at)
            self.say(
                f"已发车 {when}",
                f"Departed at {when}",
                theme.GREEN if summary.progress.all_present else theme.AMBER,
                summary.progress.label(),
            )
        return summary

    def default_manifest_path(self, fmt: str) -> Path:
        """Where the save dialog proposes the manifest: the data directory's
        ``manifests`` folder, named by the bus and the time."""
        roster = re.sub(r"[^\w.-]+", "_", self.roster_id or "roster")
        stamp = time.strftime("%Y%m%d-%H%M", time.localtime(self.bus.station.now()))
        return self.bus.station.data_dir / "manifests" / f"manifest-{roster}-{stamp}.{fmt}"

    def export_manifest(self, fmt: str, path: Path) -> Path | None:
        """Save the shown bus's manifest (``csv`` or ``pdf``) at ``path``, masked as the
        list shows it; the message says where. Replaces a file the marshal chose to
        overwrite only once the new one is complete."""
        if self.roster_id is None:
            self._no_roster()
            return None
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        roster = self.roster_id
        found = self._run(lambda: (self.bus.summary(roster), self.bus.entries(roster)))
        if found is None:
            return None
        summary, entries = found
        part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            MANIFEST_WRITERS[fmt](part, summary, entries, int(self.bus.station.now()))
            os.replace(part, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            self.say(
                "无法保存名单", "Cannot save the manifest", theme.RED,
                f"{path}: {exc.strerror or exc}",
            )  # fmt: skip
            return None
        station = self.bus.station
        recorded = self._run(
            lambda: station.record_export(
                "manifest", fmt, rows=len(entries), masked=True,
                operator=self.bus.operator, roster_id=roster,
            )
        )  # fmt: skip
        if recorded is None:  # saved, but the log could not say so: the red message stays
            return path
        self.say(
            f"名单已保存（{fmt.upper()}）",
            f"Manifest saved ({fmt.upper()})",
            theme.GREEN,
            lambda: (
                self.tr("%1 passengers, names masked: %2")
                .replace("%1", str(len(entries)))
                .replace("%2", str(path))
            ),
        )
        return path

    # -- buttons: ask, then call the method --------------------------------------------
    def _tick_clicked(self) -> None:
        entry = self._selected_or_say()
        if entry is None:
            return
        dialog = ReasonDialog(
            self.tr("Tick by hand"),
            self.tr("Tick %1 (seat %2) without a scan. Why?")
            .replace("%1", entry.name)
            .replace("%2", entry.seat or "—"),
            [
                self.tr("No smartphone: ID card checked"),
                self.tr("Phone battery dead: ID card checked"),
                self.tr("Code will not scan: ID card checked"),
            ],
            self,
        )
        reason = dialog.ask()
        if reason is not None:
            self.tick_selected_by_hand(reason)

    def _untick_clicked(self) -> None:
        entry = self._selected_or_say()
        if entry is None:
            return
        reason = ReasonDialog(
            self.tr("Undo tick"),
            self.tr("%1 will count as not on board again. Why?").replace("%1", entry.name),
            [self.tr("Ticked the wrong passenger"), self.tr("Passenger got off the bus")],
            self,
        ).ask()
        if reason is not None:
            self.untick_selected(reason)

    def _absent_clicked(self) -> None:
        entry = self._selected_or_say()
        if entry is None:
            return
        reason = ReasonDialog(
            self.tr("Mark absent"),
            self.tr("%1 (seat %2) will not come on this bus. Why?")
            .replace("%1", entry.name)
            .replace("%2", entry.seat or "—"),
            [
                self.tr("Called: not coming"),
                self.tr("Cancelled the trip"),
                self.tr("No answer on the phone"),
            ],
            self,
        ).ask()
        if reason is not None:
            self.mark_selected_absent(reason)

    def _export_clicked(self, fmt: str) -> None:
        if self.roster_id is None:
            self._no_roster()
            return
        kinds = {
            "csv": self.tr("CSV for a spreadsheet (*.csv)"),
            "pdf": self.tr("PDF to print (*.pdf)"),
        }
        default = self.default_manifest_path(fmt)
        with contextlib.suppress(OSError):  # the dialog opens anyway, in what exists
            default.parent.mkdir(parents=True, exist_ok=True)
        chosen, _kind = QFileDialog.getSaveFileName(
            self, self.tr("Save the manifest"), str(default), kinds[fmt]
        )
        if chosen:
            self.export_manifest(fmt, Path(chosen))

    def _phone_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and self.model.revealed == entry.booking_id:
            self.hide_phone()
        else:
            self.reveal_selected_phone()

    def _move_clicked(self) -> None:
        entry = self._selected_or_say()
        if entry is None:
            return
        targets = [
            s for s in self._rosters if s.roster_id != entry.roster_id and s.departed_at is None
        ]
        if not targets:
            self.say("没有其他车辆可转", "No other bus to move to", theme.GREY)
            return
        dialog = MoveDialog(f"{entry.name}  {entry.seat}", targets, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.move_selected(*dialog.values())

    def _walk_in_clicked(self) -> None:
        if self.roster_id is None:
            self._no_roster()
            return
        dialog = WalkInDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            name, reason = values.pop("name"), values.pop("reason")
            if self.add_walk_in(name, reason, **values) is not None:
                return
            dialog.problem.setText(self.message.detail.text() or self.message.heading.text())

    def _depart_clicked(self) -> None:
        summary = self.summary
        if summary is None or summary.departed_at is not None:
            return
        p = summary.progress
        if p.all_present:
            answer = QMessageBox.question(
                self,
                self.tr("Depart"),
                self.tr("All %1 passengers are on board. Record the departure now?").replace(
                    "%1", str(p.expected)
                ),
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.depart()
            return
        reason = ReasonDialog(
            self.tr("Depart with passengers missing"),
            self.tr("%1 of %2 passengers are not on board. Why leave without them?")
            .replace("%1", str(p.missing))
            .replace("%2", str(p.expected)),
            [
                self.tr("Waited until the departure time; could not reach them"),
                self.tr("They cancelled by phone"),
            ],
            self,
        ).ask()
        if reason is not None:
            self.depart(reason)

    # -- helpers ----------------------------------------------------------------------
    def _run(self, action: Callable[[], Any]) -> Any:
        """Call a use case; a refusal or a store problem becomes a red message."""
        try:
            return action()
        except BusRefused as exc:
            zh, en = BUS_PROBLEMS.get(str(exc.code), ("无法完成", "Not done"))
            colour = theme.AMBER if str(exc.code) == "ALREADY_PRESENT" else theme.RED
            self.say(zh, en, colour, exc.message)
        except RosterError as exc:
            self.say(
                "信息有误", "Please check the details", theme.RED,
                "; ".join(f"{e.column}: {e.message}" for e in exc.errors),
            )  # fmt: skip
        except StoreError as exc:
            self.say("无法保存记录", "Cannot save the record", theme.RED, str(exc))
        return None

    def _ticked(self, outcome: TickOutcome, *, walk_in: bool = False) -> None:
        entry = outcome.entry
        self.refresh()
        seat_zh = f" · {entry.seat}号座" if entry.seat else ""
        seat_en = f" · seat {entry.seat}" if entry.seat else ""
        zh = f"已上车：{entry.name}{seat_zh}"
        en = f"On board: {entry.name}{seat_en}"
        if walk_in:
            zh, en = f"已加入并上车：{entry.name}", f"Walk-in added: {entry.name}"
        there = [
            e for e in self.duplicates.get(entry.booking_id, [])
            if e.status.state is EntryState.PRESENT
        ]  # fmt: skip
        if there:  # the same traveller was ticked on another bus already: say so plainly
            bus, when = self._title_of(there[0].roster_id), clock(there[0].status.since)
            self.say(
                f"{entry.name} 已在 {bus} 上过车（{when}）",
                f"{entry.name} already boarded {bus} at {when}",
                theme.AMBER,
                lambda: self.tr("Ticked here too. Check which bus they take; undo the wrong tick."),
            )
            return
        self.say(zh, en, theme.GREEN, outcome.summary.progress.label())

    def say(self, zh: str, en: str, colour: str, detail: Detail = "") -> None:
        """A message for a while (chosen language large), then back to "scan"."""
        self.message.show_message(zh, en, colour, detail)
        self.message_timer.start()

    def _selected_or_say(self) -> EntryView | None:
        entry = self.selected_entry()
        if entry is None:
            self.say("请先在列表中选择乘客", "Pick a passenger in the list first", theme.GREY)
        return entry

    def _no_roster(self) -> None:
        self.say(
            "没有乘车名单",
            "No roster on this station",
            theme.RED,
            lambda: self.tr(
                "Import one (checkpoint-app roster import FILE) or sync with the centre."
            ),
        )

    def _idle_message(self) -> None:
        self.message_timer.stop()
        if self.roster_id is None:
            self.message.show_idle("没有乘车名单", "No roster yet")
        elif self.summary is not None and self.summary.departed_at is not None:
            self.message.show_idle("本车已发车", "This bus has departed")
        else:
            self.message.show_idle("请乘客扫码上车", "Scan each passenger's code or ticket")

    def _title_of(self, roster_id: str) -> str:
        found = next((s for s in self._rosters if s.roster_id == roster_id), None)
        return (found.title if found is not None else "") or roster_id

    def _find_duplicates(self) -> dict[str, list[EntryView]]:
        """Passengers of the shown bus expected on another bus's list too: booking id
        here → their entries (masked, with their state) on the other buses."""
        if self.roster_id is None:
            return {}
        elsewhere: dict[str, set[tuple[str, str]]] = {}
        for duplicate in self.bus.duplicates():
            others = {m for m in duplicate.entries if m[0] != self.roster_id}
            for roster, booking in duplicate.entries:
                if roster == self.roster_id and others:
                    elsewhere.setdefault(booking, set()).update(others)
        return {
            booking: [self.bus.entry(r, b) for r, b in sorted(others)]
            for booking, others in elsewhere.items()
        }

    def _update_duplicate_notice(self) -> None:
        if not self.duplicates or self.roster_id is None:
            self.duplicate_notice.hide()
            self.duplicate_notice.clear()
            return
        here = sorted(
            (self.bus.entry(self.roster_id, booking) for booking in self.duplicates),
            key=lambda e: (e.seat, e.booking_id),
        )
        named = []
        for entry in here[:DUPLICATES_NAMED]:
            buses = []
            for other in self.duplicates[entry.booking_id]:
                bus = self._title_of(other.roster_id)
                if other.status.state is EntryState.PRESENT:
                    bus = (
                        self.tr("%1, on board there at %2")
                        .replace("%1", bus)
                        .replace("%2", clock(other.status.since))
                    )
                buses.append(bus)
            named.append(
                self.tr("%1 (seat %2) is also on: %3")
                .replace("%1", entry.name)
                .replace("%2", entry.seat or "—")
                .replace("%3", ", ".join(buses))
            )
        text = "⚠ " + self.tr("On another bus's list too (%1): check which bus they take.").replace(
            "%1", str(len(here))
        )
        text += " " + "  ·  ".join(named)
        if len(here) > DUPLICATES_NAMED:
            text += "  ·  " + self.tr("and %1 more").replace(
                "%1", str(len(here) - DUPLICATES_NAMED)
            )
        self.duplicate_notice.setText(text)
        self.duplicate_notice.show()

    def _fill_combo(self) -> None:
        self.roster_combo.blockSignals(True)
        self.roster_combo.clear()
        for s in self._rosters:
            text = f"{s.title or s.roster_id}  ({s.roster_id})   {s.progress.label()}"
            if s.departed_at is not None:
                text += "   " + self.tr("departed %1").replace("%1", clock(s.departed_at))
            self.roster_combo.addItem(text, s.roster_id)
        if self.roster_id is not None:
            self.roster_combo.setCurrentIndex(self.roster_combo.findData(self.roster_id))
        self.roster_combo.blockSignals(False)

    def _roster_picked(self, index: int) -> None:
        roster_id = self.roster_combo.itemData(index)
        if roster_id:
            self.select_roster(str(roster_id))

    def _update_progress(self) -> None:
        s = self.summary
        if s is None:
            self.progress_label.setText("—")
            self.progress_label.setStyleSheet(f"color: {theme.GREY};")
            self.progress_note.setText(" / ".join(pair("没有名单", "No roster")))
            self._update_counts()
            return
        p = s.progress
        self.progress_label.setText(p.label())
        if p.all_present:
            colour, zh, en = theme.GREEN, "全部到齐", "All on board"
        else:
            colour = theme.RED if s.departed_at is not None else theme.AMBER
            zh, en = f"还差 {p.missing} 人", f"{p.missing} not on board"
            if p.absent:
                zh, en = f"{zh}（{p.absent} 人缺席）", f"{en} ({p.absent} absent)"
        if s.departed_at is not None:
            when = clock(s.departed_at)
            zh, en = f"{zh} · 已于 {when} 发车", f"{en} · departed at {when}"
        note = pair(zh, en)
        self.progress_label.setStyleSheet(f"color: {colour};")
        self.progress_note.setStyleSheet(f"color: {colour};")
        self.progress_note.setText(f"{note[0]} / {note[1]}")
        self._update_counts()

    def _update_counts(self) -> None:
        p = self.summary.progress if self.summary is not None else None
        counts = {
            "missing": p.missing if p else 0,
            "present": p.present if p else 0,
            "all": (p.expected + p.moved) if p else 0,
        }
        labels = {
            "missing": self.tr("Not on board (%1)"),
            "present": self.tr("On board (%1)"),
            "all": self.tr("Everyone (%1)"),
        }
        for show, button in self.filter_buttons.items():
            button.setText(labels[show].replace("%1", str(counts[show])))
        shown, total = self.model.rowCount(), self.model.total
        if total == 0:
            text = self.tr("No passengers match.") if self.model.query else ""
        elif shown < total:
            text = self.tr("Showing %1 of %2: scroll for more, or search.")
            text = text.replace("%1", str(shown)).replace("%2", str(total))
        else:
            text = self.tr("%1 shown").replace("%1", str(total))
        self.count_label.setText(text)

    def _update_buttons(self) -> None:
        s = self.summary
        departed = s is not None and s.departed_at is not None
        entry = self.selected_entry()
        state = entry.status.state if entry is not None else None
        missing = state in (EntryState.EXPECTED, EntryState.ABSENT)
        self.tick_button.setEnabled(missing and not departed)
        self.absent_button.setEnabled(state is EntryState.EXPECTED and not departed)
        self.untick_button.setEnabled(state is EntryState.PRESENT and not departed)
        self.move_button.setEnabled(
            state is not None and state is not EntryState.MOVED and not departed
        )
        self.phone_button.setEnabled(missing)
        shown = entry is not None and self.model.revealed == entry.booking_id
        self.phone_button.setText(self.tr("Hide phone") if shown else self.tr("Show phone"))
        self.walk_in_button.setEnabled(s is not None and not departed)
        self.depart_button.setEnabled(s is not None and not departed)
        if s is None or departed:
            text = self.tr("Departed") if departed else self.tr("Depart")
            style = ""
        elif s.progress.all_present:
            text = self.tr("All present —\ndepart")
            style = f"background: {theme.GREEN}; color: white; border: none; font-weight: bold;"
        else:
            text = self.tr("Depart with\n%1 missing…").replace("%1", str(s.progress.missing))
            style = f"background: {theme.AMBER}; color: white; border: none;"
        self.depart_button.setText(text)
        self.depart_button.setStyleSheet(DEPART_STYLE + style)

    def _selection_changed(self, *_: Any) -> None:
        entry = self.selected_entry()
        if self.model.revealed is not None and (
            entry is None or entry.booking_id != self.model.revealed
        ):
            self.hide_phone()
        self._update_buttons()

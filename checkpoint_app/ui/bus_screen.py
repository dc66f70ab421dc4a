"""The bus marshal's screen: tick the roster until ``68/68``, call who is missing, depart.

Flow: pick the bus (roster) → passengers board and show their health code or bus
ticket to the camera or a USB scanner (:meth:`BusScreen.submit_code`) → the big
``45/68`` counts up and the list of who is still missing shrinks → someone without a
code is ticked by hand from the list, with a reason → a missing passenger is called:
"Show phone" shows that one row's number in full (each reveal is recorded) → "All
present — depart" records the departure; departing with people missing asks why.
Walk-ins (not on the list) and moves to another bus each take a reason too.

Every refusal (already on board, not on this bus, departed, …) is a coloured message
on the screen, never a traceback. Each action is a method that takes its values
(``tick_selected_by_hand(reason)``, ``depart(reason)``, …); the buttons open a small
dialog to ask for them and then call the method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
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
from checkpoint_app.services.bus import BusService, EntryView, RosterSummary, TickOutcome
from checkpoint_app.store.database import StoreError
from checkpoint_app.ui import theme
from checkpoint_app.ui.gate_screen import WedgeFilter
from checkpoint_app.ui.i18n import pair
from checkpoint_app.ui.models import RosterEntriesModel, clock

# How long a revealed phone number stays on screen.
PHONE_SHOWN_SECONDS = 120
# How long a message (ticked, refused, …) stays before the screen asks for the next scan.
MESSAGE_SECONDS = 10

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


def _bigger(widget: QWidget, size: int, bold: bool = False) -> None:
    font = theme.base_font(size)
    font.setBold(bold)
    widget.setFont(font)


class MessagePanel(QFrame):
    """A coloured message: one or two big words (chosen language first), the other
    language beneath, and a detail line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(2)
        self.heading, self.subheading, self.detail = QLabel(), QLabel(), QLabel()
        for label, size, bold in ((self.heading, 26, True), (self.subheading, 15, False),
                                  (self.detail, 13, False)):  # fmt: skip
            _bigger(label, size, bold)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.colour: str | None = None
        self._shown: tuple[str, str, str | None, str] = ("", "", None, "")
        self.show_idle("", "")

    def retranslate(self) -> None:
        """Show the same message again, the chosen language first."""
        zh, en, colour, detail = self._shown
        if colour is None:
            self.show_idle(zh, en)
        else:
            self.show_message(zh, en, colour, detail)

    def show_message(self, zh: str, en: str, colour: str, detail: str = "") -> None:
        self._shown = (zh, en, colour, detail)
        big, small = pair(zh, en)
        self.heading.setText(big)
        self.subheading.setText(small)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.colour = colour
        self.setStyleSheet(
            f"QFrame#message {{ background: {colour}; border-radius: 12px; }}"
            "QFrame#message QLabel { color: white; }"
        )

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
        _bigger(self.prompt, 16)
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
        _bigger(who, 16, True)
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


class BusScreen(QWidget):
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
        _bigger(self.roster_combo, 18, True)
        self.roster_combo.setMinimumHeight(48)
        self.roster_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.roster_combo.activated.connect(self._roster_picked)
        self.roster_label = QLabel()
        _bigger(self.roster_label, 16)

        self.progress_label = QLabel("0/0")
        self.progress_label.setObjectName("progress")
        _bigger(self.progress_label, 64, True)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_note = QLabel()
        _bigger(self.progress_note, 16, True)
        self.progress_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_note.setWordWrap(True)
        self.message = MessagePanel()
        self.message.setMaximumHeight(130)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

        # -- the list --
        self.filter_buttons: dict[str, QPushButton] = {}
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        for show in self.SHOWS:
            button = QPushButton()
            button.setCheckable(True)
            button.setStyleSheet(
                "QPushButton { font-size: 16pt; padding: 8px 14px; }"
                f"QPushButton:checked {{ background: {theme.BLUE}; color: white; }}"
            )
            button.clicked.connect(lambda _=False, s=show: self.set_show(s))
            self.filter_group.addButton(button)
            self.filter_buttons[show] = button
        self.filter_buttons["missing"].setChecked(True)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.set_query)

        self.model = RosterEntriesModel(bus, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setStyleSheet(
            "QTableView { font-size: 16pt; selection-background-color: #1f5fa8;"
            " selection-color: white; }"
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RosterEntriesModel.STATE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.count_label = QLabel()
        _bigger(self.count_label, 13)

        # -- actions --
        self.tick_button = QPushButton()
        self.tick_button.setObjectName("primary")
        self.tick_button.clicked.connect(self._tick_clicked)
        self.phone_button = QPushButton()
        self.phone_button.clicked.connect(self._phone_clicked)
        self.untick_button = QPushButton()
        self.untick_button.clicked.connect(self._untick_clicked)
        self.move_button = QPushButton()
        self.move_button.clicked.connect(self._move_clicked)
        self.walk_in_button = QPushButton()
        self.walk_in_button.clicked.connect(self._walk_in_clicked)
        self.depart_button = QPushButton()
        self.depart_button.setMinimumHeight(84)
        self.depart_button.clicked.connect(self._depart_clicked)

        top = QHBoxLayout()
        top.addWidget(self.roster_label)
        top.addWidget(self.roster_combo, 1)
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
        actions = QVBoxLayout()
        for button in (self.tick_button, self.phone_button, self.untick_button,
                       self.move_button, self.walk_in_button):  # fmt: skip
            button.setMinimumHeight(50)
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.depart_button)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(actions)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(head)
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
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.roster_label.setText(self.tr("Bus:"))
        self.search.setPlaceholderText(self.tr("Name, seat or last 4 digits"))
        self.tick_button.setText(self.tr("Tick by hand"))
        self.untick_button.setText(self.tr("Undo tick"))
        self.move_button.setText(self.tr("Move to another bus"))
        self.walk_in_button.setText(self.tr("Add walk-in"))
        self.model.retranslate()
        self.message.retranslate()
        self._fill_combo()
        self._update_progress()
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
        self._fill_combo()
        self._update_progress()
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
        seat = " · " + self.tr("seat %1").replace("%1", entry.seat) if entry.seat else ""
        number = spaced_phone(phone)
        self.say(f"请致电 {number}", f"Call {number}", theme.BLUE, f"{entry.name}{seat}")
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
                self.tr("%1 is now %2 on that bus")
                .replace("%1", entry.name)
                .replace("%2", outcome.summary.progress.label()),
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
        self.say(zh, en, theme.GREEN, outcome.summary.progress.label())

    def say(self, zh: str, en: str, colour: str, detail: str = "") -> None:
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
            self.tr("Import one (checkpoint-app roster import FILE) or sync with the centre."),
        )

    def _idle_message(self) -> None:
        self.message_timer.stop()
        if self.roster_id is None:
            self.message.show_idle("没有乘车名单", "No roster yet")
        elif self.summary is not None and self.summary.departed_at is not None:
            self.message.show_idle("本车已发车", "This bus has departed")
        else:
            self.message.show_idle("请乘客扫码上车", "Scan each passenger's code or ticket")

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
        self.depart_button.setStyleSheet(style)

    def _selection_changed(self, *_: Any) -> None:
        entry = self.selected_entry()
        if self.model.revealed is not None and (
            entry is None or entry.booking_id != self.model.revealed
        ):
            self.hide_phone()
        self._update_buttons()

"""The gate screen: camera preview, the verdict, the temperature keypad.

Flow: a code arrives (camera, USB keyboard-wedge scanner, or typed by hand) →
:meth:`GateService.scan` records it and decides → the verdict panel turns green,
amber, red or grey with a few plain words; when the decision waits for a reading
the temperature field takes the focus; Enter on a reading decides again. A
provisional admission (an online-only code, or trust lists too old) is offered as a
button when the decision allows it. The verdict clears itself after a few seconds.

Everything here runs on the GUI thread and only paints and calls the services (one
short transaction per step); decoding happens on the pipeline's threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.domain.journey import IllegalTransition
from checkpoint_app.domain.temperature import TemperatureError
from checkpoint_app.services.gate import GateOutcome, GateService, LookupMatch
from checkpoint_app.store.database import StoreError
from checkpoint_app.ui import theme
from checkpoint_app.ui.i18n import pair
from checkpoint_app.ui.texts import ACTIONS, HINTS, REASONS, STATUS_COLOURS, action_key

VERDICT_SECONDS = 8
VERDICT_MIN_HEIGHT = 230
# Reasons whose words already name the code's colour (no "green" after "green code").
SAYS_COLOUR = frozenset({"GREEN_NO_FEVER", "YELLOW_CODE", "RED_CODE"})
#: A keyboard-wedge scanner types a whole code in well under this per key.
WEDGE_MAX_KEY_GAP_S = 0.035
WEDGE_MIN_CHARS = 8


def holder_text(display: dict[str, str]) -> str:
    """Whose code it is, as the verdict shows it: the masked name and ID number."""
    return "  ".join(v for v in (display.get("name"), display.get("id_number")) if v)


class VerdictPanel(QFrame):
    """The large coloured verdict: what to do, why, and whose code it is (masked)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        self.setMinimumHeight(VERDICT_MIN_HEIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 10)
        layout.setSpacing(4)
        self.heading = QLabel()
        self.subheading = QLabel()
        self.reason = QLabel()
        self.holder = QLabel()
        self.notice = QLabel()
        for label, size, bold in (
            (self.heading, 44, True),
            (self.subheading, 18, False),
            (self.reason, 16, False),
            (self.holder, 18, True),
            (self.notice, 15, True),
        ):
            font = theme.base_font(size)
            font.setBold(bold)
            label.setFont(font)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.action: str | None = None
        self.colour = ""
        #: Bystander-safe: no colour flood and smaller words; the outcome's colour is a
        #: stripe on the operator's side only (see :meth:`GateScreen.set_discreet`).
        self.discreet = False
        #: What is shown (an outcome, or a message's words and colour), to paint it again
        #: in the other order after a language switch.
        self._shown: GateOutcome | tuple[str, str, str, str, str] | None = None
        self.clear()

    def _paint(self, colour: str, text_colour: str = "white") -> None:
        self.colour = colour  # the outcome's colour (tests, screenshots)
        if self.discreet:
            self.setStyleSheet(
                f"QFrame#verdict {{ background: #eef1f4; border-radius: 14px;"
                f" border-left: 18px solid {colour}; }}"
                f"QFrame#verdict QLabel {{ color: {theme.INK}; }}"
            )
            return
        self.setStyleSheet(
            f"QFrame#verdict {{ background: {colour}; border-radius: 14px; }}"
            f"QFrame#verdict QLabel {{ color: {text_colour}; }}"
        )

    def _set_heading(self, big: str, small: str) -> None:
        """Chinese verdicts are a few characters at 48 pt; longer English ones get smaller
        so they stay on one or two lines."""
        font = self.heading.font()
        size = 44 if len(big) <= 8 else 32 if len(big) <= 16 else 26
        font.setPointSize(min(size, 22) if self.discreet else size)
        self.heading.setFont(font)
        self.heading.setText(big)
        self.subheading.setText(small)

    def retranslate(self) -> None:
        """Paint what is shown again, the chosen language first."""
        shown = self._shown
        if isinstance(shown, tuple):
            action = self.action
            zh, en, colour, holder, why = shown
            self.show_message(zh, en, colour, holder=holder, why=why)
            self.action = action
        elif shown is not None:
            self.show_outcome(shown)
        else:
            self.clear()

    def clear(self) -> None:
        self.action = None
        self._shown = None
        self._set_heading(*pair("请扫码", "Scan the health code"))
        for label in (self.reason, self.holder, self.notice):
            label.clear()
        self._paint("#dfe5ea", theme.INK)

    def show_outcome(self, outcome: GateOutcome) -> None:
        decision = outcome.decision
        if decision is None:
            return
        action, reason = str(decision.action), str(decision.reason)
        key = action_key(action, reason, decision.needs_temperature)
        big, small = pair(*ACTIONS[key])
        self.action = key
        self._shown = outcome
        self._set_heading(big, small)
        why = REASONS.get(reason)
        colour = STATUS_COLOURS.get(str((outcome.verification.claims or {}).get("sts")))  # type: ignore[union-attr]
        # why, in the chosen language (with the code's colour and the reading), and on a
        # second line in the other one
        first: list[str] = []
        second: list[str] = []
        for words in (why, colour if reason not in SAYS_COLOUR else None):
            if words:
                chosen, other = pair(*words)
                first.append(chosen)
                second.append(other)
        if outcome.reading is not None:
            first.append(f"{outcome.reading.celsius:.1f} °C")
        self.reason.setText(
            "\n".join(line for line in (" · ".join(first), " · ".join(second)) if line)
        )
        self.holder.setText(holder_text(outcome.display))
        entry = decision.already_entered
        if entry is not None:
            when = time.strftime("%H:%M", time.localtime(entry.at))
            where = entry.gate or ""
            zh = f"已于 {when} 在 {where} 进入" if where else f"已于 {when} 进入"
            en = f"already entered at {when}, {where}" if where else f"already entered at {when}"
            self.notice.setText(" / ".join(pair(zh, en)))
        elif decision.provisional_allowed:
            self.notice.setText(
                " / ".join(pair("可人工核验后放行", "May be admitted on a visual check"))
            )
        elif decision.warnings:
            self.notice.setText(" / ".join(pair("信任列表较旧", "Trust list is getting old")))
        else:
            self.notice.clear()
        if key in ("measure",):
            self._paint(theme.BLUE)
        else:
            self._paint(theme.ACTION_COLOURS.get(action, theme.GREY))

    def show_message(
        self, zh: str, en: str, colour: str = theme.GREY, *, holder: str = "", why: str = ""
    ) -> None:
        self._shown = (zh, en, colour, holder, why)
        self._set_heading(*pair(zh, en))
        for label in (self.reason, self.holder, self.notice):
            label.clear()
        self.reason.setText(why)
        self.holder.setText(holder)
        self._paint(colour)


class Keypad(QWidget):
    """A numeric keypad for the temperature, big enough for a gloved finger."""

    pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3", ".", "0", "⌫"]
        for i, key in enumerate(keys):
            button = QPushButton(key)
            button.setObjectName("keypad")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumSize(76, 42)
            button.clicked.connect(lambda _=False, k=key: self.pressed.emit(k))
            grid.addWidget(button, i // 3, i % 3)


class ProblemLabel(QLabel):
    """A red line under the keypad, there only while it has something to say."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


class Preview(QLabel):
    """The camera picture with an outline around the code just read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(480, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(
            "background: #20262b; color: #cfd8dc; border-radius: 10px; font-size: 18pt;"
        )
        self._outline: list[tuple[float, float]] | None = None
        self._outline_until = 0.0

    def set_outline(self, corners: list[tuple[float, float]] | None, seconds: float = 1.0) -> None:
        self._outline = corners
        self._outline_until = time.monotonic() + seconds

    def show_frame(self, image: QImage, scale: float) -> None:
        pixmap = QPixmap.fromImage(image)
        if self._outline and time.monotonic() < self._outline_until:
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(theme.GREEN), 5))
            painter.drawPolygon(
                QPolygonF([QPointF(x * scale, y * scale) for x, y in self._outline])
            )
            painter.end()
        self.setPixmap(
            pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )


class WedgeFilter(QObject):
    """Recognises a USB keyboard-wedge scanner: a burst of keys then Enter, too fast for
    a person. The code goes to ``on_code``, and the keys it typed into a field are
    taken back out, so the scanner works without clicking anywhere first."""

    def __init__(self, on_code: Callable[[str], None], active: Callable[[], bool]) -> None:
        super().__init__()
        self.on_code = on_code
        self.active = active
        self._buffer: list[str] = []
        self._last = 0.0
        self._field: QLineEdit | None = None
        self._field_text = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self.active():
            return False
        assert isinstance(event, QKeyEvent)
        # An application filter sees one key press several times: first at the window
        # (a QWindow), then at the focus widget, then at each parent it propagates to
        # (no longer spontaneous). Count it once, at the widget it was meant for.
        if not isinstance(watched, QWidget) or not event.spontaneous():
            return False
        now = time.monotonic()
        fast = now - self._last <= WEDGE_MAX_KEY_GAP_S
        self._last = now
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            burst = "".join(self._buffer)
            self._buffer.clear()
            if fast and len(burst) >= WEDGE_MIN_CHARS:
                if self._field is not None:
                    self._field.setText(self._field_text)
                self.on_code(burst)
                return True
            return False
        text = event.text()
        if not text or not text.isprintable():
            return False
        if not fast:
            self._buffer.clear()
            focus = QApplication.focusWidget()
            self._field = focus if isinstance(focus, QLineEdit) else None
            self._field_text = self._field.text() if self._field is not None else ""
        self._buffer.append(text)
        return False


class NoPhoneDialog(QDialog):
    """A traveller without a phone: search the rosters by name or ID suffix, say what was
    checked (the photo ID), and send them to the secondary check — or type the text of a
    paper code. After ``exec()``: ``match`` and ``checked``, or ``code_text``."""

    def __init__(self, gate: GateService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gate = gate
        self.match: LookupMatch | None = None
        self.checked = ""
        self.code_text = ""
        #: (name, ID number) of a traveller on no roster, as typed
        self.unlisted: tuple[str, str] | None = None
        self._matches: list[LookupMatch] = []
        self.setWindowTitle(self.tr("No phone"))
        self.setMinimumWidth(900)  # the three buttons' English words at 18 pt, unclipped
        layout = QVBoxLayout(self)
        self.search_label = QLabel(self.tr("Name or last 4 of the ID number:"))
        self.search = QLineEdit()
        self.search.setObjectName("lookup")
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        self.results.setStyleSheet("font-size: 16pt;")
        self.results.setMinimumHeight(220)
        self.results.currentRowChanged.connect(lambda _row: self._update())
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        # on no roster: the name is what was searched; the ID number if shown
        self.id_label = QLabel(self.tr("ID number (if shown):"))
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("id_number")
        self.checked_label = QLabel(self.tr("What did you check? (e.g. photo ID)"))
        self.checked_edit = QLineEdit()
        self.checked_edit.setObjectName("checked")
        self.checked_edit.textChanged.connect(lambda _text: self._update())
        self.refer_button = QPushButton(self.tr("Send to secondary check"))
        self.refer_button.setObjectName("primary")
        self.refer_button.clicked.connect(self._refer)
        self.code_button = QPushButton(self.tr("Type a paper code instead"))
        self.code_button.clicked.connect(self._type_code)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        for widget in (
            self.search_label, self.search, self.results, self.count_label,
            self.id_label, self.id_edit, self.checked_label, self.checked_edit,
        ):  # fmt: skip
            layout.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refer_button)
        buttons.addWidget(self.code_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self._update()

    def _search(self, text: str) -> None:
        self._matches = self.gate.lookup(text)
        self.results.clear()
        for m in self._matches:
            seat = self.tr("seat %1").replace("%1", m.seat) if m.seat else ""
            line = "  ·  ".join(v for v in (m.name, m.id_number, m.roster_title, seat) if v)
            self.results.addItem(QListWidgetItem(line))
        if self._matches:
            self.results.setCurrentRow(0)
        if text.strip() and not self._matches:
            self.count_label.setText(
                self.tr(
                    "Not on any roster: check the spelling, or send them to the secondary "
                    "check with the name as typed."
                )
            )
        else:
            self.count_label.setText("")
        self._update()

    def _on_no_roster(self) -> bool:
        return len(" ".join(self.search.text().split())) >= 2 and not self._matches

    def _update(self) -> None:
        row = self.results.currentRow()
        checked = bool(self.checked_edit.text().strip())
        unlisted = self._on_no_roster()
        self.id_label.setVisible(unlisted)
        self.id_edit.setVisible(unlisted)
        self.refer_button.setEnabled(checked and (0 <= row < len(self._matches) or unlisted))

    def _refer(self) -> None:
        row = self.results.currentRow()
        checked = self.checked_edit.text().strip()
        if not checked:
            return
        if 0 <= row < len(self._matches):
            self.match, self.checked = self._matches[row], checked
        elif self._on_no_roster():
            self.unlisted = (self.search.text().strip(), self.id_edit.text().strip())
            self.checked = checked
        else:
            return
        self.accept()

    def _type_code(self) -> None:
        text, ok = QInputDialog.getText(
            self, self.tr("No phone"), self.tr("Type the code text (or scan a paper code):")
        )
        if ok and text.strip():
            self.code_text = text.strip()
            self.accept()


class GateScreen(QWidget):
    """The volunteer's screen at a gate."""

    outcome_shown = Signal(object)  # GateOutcome, after painting (tests, sounds, benchmark)
    source_requested = Signal()  # the volunteer wants another camera, a video or images

    def __init__(
        self,
        gate: GateService,
        *,
        play: Callable[[str], None] | None = None,
        verdict_seconds: int = VERDICT_SECONDS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.gate = gate
        self.play = play or (lambda outcome: None)
        self.pending: GateOutcome | None = None
        self.pending_text: str | None = None
        self._hint: str | None = None
        self.discreet = False

        self.preview = Preview()
        self.hint_label = QLabel()
        hint_font = theme.base_font(22)
        hint_font.setBold(True)
        self.hint_label.setFont(hint_font)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_label = QLabel()
        self.camera_label.setFont(theme.base_font(14))
        self.camera_label.setWordWrap(True)
        self.camera_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.verdict = VerdictPanel()
        self.temperature = QLineEdit()
        self.temperature.setObjectName("temperature")
        self.temperature.setMaxLength(8)
        self.temperature.returnPressed.connect(self.enter_temperature)
        self.temperature_label = QLabel()
        self.temperature_label.setFont(theme.base_font(16))
        self.keypad = Keypad()
        self.keypad.pressed.connect(self._keypad)
        self.ok_button = QPushButton()
        self.ok_button.setObjectName("primary")
        self.ok_button.clicked.connect(self.enter_temperature)
        self.provisional_button = QPushButton()
        self.provisional_button.clicked.connect(self.admit_provisionally)
        self.lookup_button = QPushButton()
        self.lookup_button.clicked.connect(self.manual_entry)
        self.problem_label = ProblemLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {theme.RED}; font-size: 15pt;")
        self.problem_label.hide()

        self.source_button = QPushButton()
        self.source_button.setObjectName("header")
        self.source_button.clicked.connect(self.source_requested.emit)
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        left.addWidget(self.hint_label)
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera_label, 1)
        camera_row.addWidget(self.source_button)
        left.addLayout(camera_row)
        right = QVBoxLayout()
        right.addWidget(self.verdict, 3)
        row = QHBoxLayout()
        row.addWidget(self.temperature_label)
        row.addWidget(self.temperature, 1)
        row.addWidget(self.ok_button)
        right.addLayout(row)
        # the keypad with the two manual actions beside it (not below: a 1366x768 laptop
        # with a taskbar leaves ~510 px for the screen)
        pad = QHBoxLayout()
        pad.addWidget(self.keypad)
        actions = QVBoxLayout()
        for button in (self.provisional_button, self.lookup_button):
            button.setObjectName("header")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            actions.addWidget(button)
        pad.addLayout(actions, 1)
        right.addLayout(pad)
        right.addWidget(self.problem_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self.clear_timer = QTimer(self)
        self.clear_timer.setSingleShot(True)
        self.clear_timer.setInterval(verdict_seconds * 1000)
        self.clear_timer.timeout.connect(self.clear_verdict)
        self.wedge = WedgeFilter(
            lambda text: self.submit_code(text, source="wedge"), self.isVisible
        )
        self.retranslate()
        self._update_buttons()

    # -- language ---------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def tab_title(self) -> str:
        return self.tr("Gate")

    def retranslate(self) -> None:
        self.temperature_label.setText(self.tr("Temperature °C"))
        self.temperature.setPlaceholderText(self.tr("e.g. 366 or 36.6"))
        self.ok_button.setText(self.tr("Confirm"))
        self.provisional_button.setText(self.tr("Admit on visual check"))
        self.lookup_button.setText(self.tr("No phone: find by name or ID"))
        self.source_button.setText(self.tr("Camera…"))
        if self.preview.pixmap() is None or self.preview.pixmap().isNull():
            self.preview.setText(self.tr("No camera picture yet"))
        self.verdict.retranslate()
        self.on_hint(self._hint)

    # -- camera -----------------------------------------------------------------------
    def on_preview(self, image: QImage, scale: float) -> None:
        self.preview.show_frame(image, scale)

    def on_hint(self, hint: Any) -> None:
        self._hint = str(hint) if hint is not None else None
        text = HINTS.get(self._hint) if self._hint is not None else None
        self.hint_label.setText(" / ".join(pair(*text)) if text else "")

    def on_camera_state(self, text: str) -> None:
        self.camera_label.setText(text)

    def on_scanned(self, result: Any) -> None:
        corners = [tuple(map(float, p)) for p in result.code.corners]
        self.preview.set_outline(corners)  # type: ignore[arg-type]
        self.submit_code(result.code.text, source="camera")

    # -- the flow ---------------------------------------------------------------------
    def submit_code(self, text: str, *, source: str) -> GateOutcome | None:
        text = text.strip()
        if not text:
            return None
        try:
            outcome = self.gate.scan(text, source=source)
        except StoreError as exc:
            self._store_problem(exc)
            return None
        self.pending, self.pending_text = outcome, text
        self._show(outcome)
        if outcome.decision is not None and outcome.decision.needs_temperature:
            self.temperature.clear()
            self.temperature.setFocus()
        return outcome

    def enter_temperature(self) -> GateOutcome | None:
        text = self.temperature.text().strip()
        if not text:
            return None
        if self.pending is None:
            self.problem_label.setText(self.tr("Scan the code first, then type the temperature."))
            return None
        try:
            outcome = self.gate.temperature(self.pending, text)
        except TemperatureError as exc:
            self.problem_label.setText(self._temperature_problem(exc))
            self.temperature.selectAll()
            return None
        except StoreError as exc:
            self._store_problem(exc)
            return None
        self.temperature.clear()
        self.pending = outcome
        self._show(outcome)
        return outcome

    def admit_provisionally(self) -> None:
        if self.pending is None or self.pending_text is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Admit on visual check"),
            self.tr("What did you check? (e.g. photo ID, green code on the phone)"),
        )
        if not ok:
            return
        self.provisional(reason)

    def provisional(self, reason: str) -> GateOutcome | None:
        if self.pending is None or self.pending_text is None:
            return None
        try:
            outcome = self.gate.provisional_admit(self.pending, reason, text=self.pending_text)
        except IllegalTransition as exc:
            self.problem_label.setText(exc.message)
            return None
        self._show_manual(outcome, "provisional", theme.GREEN, sound="admit")
        return outcome

    def manual_entry(self) -> None:
        """A traveller without a phone: find them on a roster by name or ID suffix and
        send them to the secondary check, or type a paper code's text."""
        dialog = NoPhoneDialog(self.gate, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if dialog.code_text:
            self.submit_code(dialog.code_text, source="manual")
        elif dialog.match is not None:
            self.refer_without_phone(dialog.match, dialog.checked)
        elif dialog.unlisted is not None:
            self.refer_without_phone(dialog.unlisted, dialog.checked)

    def refer_without_phone(
        self, match: LookupMatch | tuple[str, str], checked: str
    ) -> GateOutcome | None:
        """Send a traveller without a phone to the secondary check: found on a roster
        (``match``), or on none (``(name, ID number)`` as typed)."""
        try:
            if isinstance(match, LookupMatch):
                outcome = self.gate.refer_without_phone(match, checked)
            else:
                outcome = self.gate.refer_unlisted(*match, checked)
        except IllegalTransition as exc:
            self.problem_label.setText(exc.message)
            return None
        except StoreError as exc:
            self._store_problem(exc)
            return None
        self._show_manual(
            outcome, "refer", theme.AMBER, sound="refer", holder=holder_text(outcome.display),
            why=" / ".join(pair("无手机，已核对身份", "No phone, identity checked")),
        )  # fmt: skip
        return outcome

    # -- settings (the supervisor's) ----------------------------------------------------
    def set_discreet(self, discreet: bool) -> None:
        """Bystander-safe mode: the verdict is shown small, its colour only on the
        operator's side, and every outcome plays the same neutral sound."""
        self.discreet = discreet
        self.verdict.discreet = discreet
        self.verdict.retranslate()

    def set_verdict_seconds(self, seconds: int) -> None:
        self.clear_timer.setInterval(max(1, int(seconds)) * 1000)

    def _play(self, outcome: str) -> None:
        self.play("neutral" if self.discreet else outcome)

    def clear_verdict(self) -> None:
        if self.temperature.hasFocus() and self.temperature.text():
            self.clear_timer.start()  # the volunteer is typing: keep it
            return
        self.pending = None
        self.pending_text = None
        self.verdict.clear()
        self.problem_label.clear()
        self._update_buttons()

    # -- helpers ----------------------------------------------------------------------
    def _show(self, outcome: GateOutcome) -> None:
        self.problem_label.clear()
        self.verdict.show_outcome(outcome)
        decision = outcome.decision
        if decision is not None:
            self._play(
                action_key(str(decision.action), str(decision.reason), decision.needs_temperature)
            )
        self.clear_timer.start()
        self._update_buttons()
        self.outcome_shown.emit(outcome)

    def _show_manual(
        self, outcome: GateOutcome, key: str, colour: str, *, sound: str, holder: str = "",
        why: str = "",
    ) -> None:  # fmt: skip
        """The verdict of a volunteer's own step (no decision of the rules): a provisional
        admission, a traveller without a phone sent to the secondary check."""
        self.pending = self.pending_text = None
        self.verdict.show_message(*ACTIONS[key], colour, holder=holder, why=why)
        self.verdict.action = key
        self._play(sound)
        self.problem_label.clear()
        self.clear_timer.start()
        self._update_buttons()
        self.outcome_shown.emit(outcome)

    def _update_buttons(self) -> None:
        decision = self.pending.decision if self.pending is not None else None
        self.provisional_button.setEnabled(bool(decision and decision.provisional_allowed))

    def _keypad(self, key: str) -> None:
        if key == "⌫":
            self.temperature.backspace()
        else:
            self.temperature.insert(key)
        self.temperature.setFocus()

    def _temperature_problem(self, exc: TemperatureError) -> str:
        code = str(exc.code)
        if code == "TOO_LOW":
            return self.tr("%1 °C is too low: measure again.").replace("%1", f"{exc.celsius:.1f}")
        if code == "TOO_HIGH":
            return self.tr("%1 °C is too high: measure again.").replace("%1", f"{exc.celsius:.1f}")
        return self.tr("Not a temperature: type e.g. 36.6 or 366.")

    def _store_problem(self, exc: StoreError) -> None:
        self.verdict.show_message("无法保存记录", "Cannot save the record", theme.RED)
        self.problem_label.setText(str(exc))

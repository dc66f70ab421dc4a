"""The supervisor session: set the PIN, unlock, lock again after inactivity.

One :class:`SupervisorSession` per window. Any screen that needs the supervisor
(the review's unmasked personal data, the settings dialog, overrides) asks it::

    session = SupervisorSession(review)            # review: ReviewService
    if session.unlock(parent_widget):              # asks for the PIN unless unlocked
        ...                                        # do the supervisor's thing
    session.changed.connect(lambda unlocked: ...)  # True on unlock, False on lock
    session.unlocked                               # the state now
    session.lock("manual")                         # e.g. a "lock" button

* :meth:`SupervisorSession.unlock` returns at once with ``True`` while unlocked (and
  counts as activity). Locked, it opens :class:`UnlockDialog`; when no PIN has been set
  yet, :class:`SetPinDialog` first (the PIN twice, 4–12 digits), then unlocks with it.
  Every try goes through :meth:`ReviewService.unlock`, which records
  ``supervisor_unlocked`` or ``supervisor_unlock_failed``; wrong PINs count towards the
  store's lockout (``store/supervisor.py``), which the dialog shows ("locked for 30 s").
* The session locks itself after ``idle_ms`` (default 5 minutes) without a mouse
  press, key press, wheel or touch anywhere in the application (an event filter on
  the ``QApplication``); :meth:`lock` records ``supervisor_locked`` with the reason
  (``inactivity`` or ``manual``).
* :attr:`SupervisorSession.pin` is the PIN entered at the unlock, held in memory only
  while unlocked, for services that check it themselves (``GateService.override``);
  it is ``None`` when locked and never logged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from checkpoint_app.services.review import ReviewService
from checkpoint_app.store.supervisor import (
    PIN_DIGITS,
    PinCheck,
    PinError,
    PinOutcome,
    SupervisorPin,
)
from checkpoint_app.ui import theme

log = logging.getLogger(__name__)

#: Lock again after this long without input (milliseconds).
DEFAULT_IDLE_MS = 5 * 60 * 1000

_ACTIVITY = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


def valid_pin(pin: str) -> bool:
    low, high = PIN_DIGITS
    return low <= len(pin) <= high and pin.isascii() and pin.isdigit()


def _pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(PIN_DIGITS[1])
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    field.setMinimumWidth(260)
    return field


def _problem_and_buttons(
    dialog: QDialog, layout: QVBoxLayout, submit: Callable[[], None]
) -> tuple[QLabel, QDialogButtonBox]:
    """The end of a PIN dialog: a label for what is wrong (red), then OK (``submit``) and
    Cancel (closes ``dialog``), both added to ``layout``."""
    problem = QLabel()
    problem.setWordWrap(True)
    problem.setStyleSheet(f"color: {theme.RED}; font-size: 14pt; font-weight: bold;")
    layout.addWidget(problem)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(submit)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return problem, buttons


class SetPinDialog(QDialog):
    """The first time: choose the supervisor PIN, typed twice (4–12 digits)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set the supervisor PIN"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            self.tr(
                "No supervisor PIN is set yet. Choose one (4 to 12 digits): it unlocks "
                "personal data and overrides. Keep it to yourself."
            )
        )
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("font-size: 14pt;")
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.pin = _pin_field()
        self.again = _pin_field()
        form.addRow(self.tr("New PIN"), self.pin)
        form.addRow(self.tr("PIN again"), self.again)
        layout.addLayout(form)
        self.problem, self.buttons = _problem_and_buttons(self, layout, self.submit)
        self.again.returnPressed.connect(self.submit)
        self.pin.returnPressed.connect(self.again.setFocus)

    def submit(self) -> None:
        """Accept when both fields hold the same valid PIN; otherwise say what is wrong."""
        pin, again = self.pin.text(), self.again.text()
        if not valid_pin(pin):
            self.problem.setText(self.tr("The PIN must be 4 to 12 digits."))
            self.pin.selectAll()
            self.pin.setFocus()
            return
        if pin != again:
            self.problem.setText(self.tr("The two PINs differ: type the same PIN twice."))
            self.again.clear()
            self.again.setFocus()
            return
        self.problem.clear()
        self.accept()

    def chosen(self) -> str:
        return self.pin.text()


class UnlockDialog(QDialog):
    """Asks for the supervisor PIN; each try is checked by ``check`` (which records it).

    A wrong PIN says how many tries are left; past them, the store locks further tries
    for a while and the dialog counts the seconds down with OK disabled."""

    def __init__(self, check: Callable[[str], PinCheck], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.result_check: PinCheck | None = None
        self._remaining_s = 0
        self._wrong = False
        self.setWindowTitle(self.tr("Supervisor unlock"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(self.tr("Supervisor PIN"))
        self.prompt.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(self.prompt)
        self.pin = _pin_field()
        layout.addWidget(self.pin)
        self.problem, self.buttons = _problem_and_buttons(self, layout, self.submit)
        self.pin.returnPressed.connect(self.submit)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)

    @property
    def ok_button(self) -> object:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def submit(self) -> None:
        """Check the PIN typed; accept on the right one, else say why and stay open."""
        if self._remaining_s > 0:
            return
        pin = self.pin.text()
        if not pin:
            self.pin.setFocus()
            return
        check = self._check(pin)
        self.result_check = check
        self.pin.clear()
        if check.ok:
            self.problem.clear()
            self.accept()
            return
        self.show_check(check)

    def show_check(self, check: PinCheck) -> None:
        """What a failed check means, in words; a lock counts down."""
        if check.outcome is PinOutcome.NOT_SET:
            self.problem.setText(self.tr("No supervisor PIN is set yet."))
            return
        if check.retry_after > 0:
            self._start_lock(check)
            return
        self.problem.setText(
            self.tr("Wrong PIN. %1 tries left before a lock-out.").replace(
                "%1", str(check.tries_left)
            )
        )
        self.pin.setFocus()

    def _start_lock(self, check: PinCheck) -> None:
        self._remaining_s = max(1, math.ceil(check.retry_after))
        self._wrong = check.outcome is PinOutcome.WRONG
        self._show_lock()
        self.pin.setEnabled(False)
        self.ok_button.setEnabled(False)  # type: ignore[attr-defined]
        self.countdown.start()

    def _show_lock(self) -> None:
        text = self.tr("Too many wrong PINs: locked for %1 s.").replace(
            "%1", str(self._remaining_s)
        )
        if self._wrong:
            text = self.tr("Wrong PIN.") + " " + text
        self.problem.setText(text)

    def _tick(self) -> None:
        self._remaining_s -= 1
        if self._remaining_s > 0:
            self._show_lock()
            return
        self.countdown.stop()
        self.problem.setText(self.tr("You can try again now."))
        self.pin.setEnabled(True)
        self.ok_button.setEnabled(True)  # type: ignore[attr-defined]
        self.pin.setFocus()

    @property
    def locked_for(self) -> int:
        """Seconds left before the next try is allowed (0: a try is allowed now)."""
        return self._remaining_s


class SupervisorSession(QObject):
    """Whether the supervisor is unlocked, and the dialogs and timer that change it."""

    changed = Signal(bool)

    def __init__(
        self,
        review: ReviewService,
        *,
        idle_ms: int = DEFAULT_IDLE_MS,
        watch: QApplication | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.review = review
        self._unlocked = False
        self._pin: str | None = None
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_ms)
        self.idle.timeout.connect(lambda: self.lock("inactivity"))
        app = watch if watch is not None else QApplication.instance()
        self._watched = app
        if app is not None:
            app.installEventFilter(self)

    # -- state --------------------------------------------------------------------------
    @property
    def unlocked(self) -> bool:
        return self._unlocked

    @property
    def pin(self) -> str | None:
        """The PIN of this unlock (for services that check it themselves); None if locked."""
        return self._pin if self._unlocked else None

    @property
    def idle_ms(self) -> int:
        return self.idle.interval()

    def set_idle_ms(self, ms: int) -> None:
        """Lock after ``ms`` milliseconds without input (restarts the wait if unlocked)."""
        self.idle.setInterval(ms)
        if self._unlocked:
            self.idle.start()

    @property
    def pin_is_set(self) -> bool:
        return SupervisorPin(self.review.station.db, self.review.station.clock).is_set

    # -- unlock and lock ------------------------------------------------------------------
    def unlock(self, parent: QWidget | None = None) -> bool:
        """Unlocked already, or unlocked now by the supervisor's PIN (asked in a dialog;
        the PIN is set first when there is none). False when cancelled."""
        if self._unlocked:
            self.idle.start()
            return True
        if not self.pin_is_set:
            chosen = self._ask_new_pin(parent)
            if chosen is None:
                return False
            return self.try_pin(chosen).ok
        dialog = UnlockDialog(self.try_pin, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return accepted and self._unlocked

    def _ask_new_pin(self, parent: QWidget | None) -> str | None:
        dialog = SetPinDialog(parent)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.set_pin(dialog.chosen())
            except PinError as exc:  # set meanwhile by another window: unlock instead
                dialog.problem.setText(str(exc))
                continue
            chosen = dialog.chosen()
            dialog.deleteLater()
            return chosen
        dialog.deleteLater()
        return None

    def set_pin(self, pin: str) -> None:
        """Set the first PIN (``PinError`` when it is malformed or one is set already)."""
        SupervisorPin(self.review.station.db, self.review.station.clock).set_pin(pin)

    def try_pin(self, pin: str) -> PinCheck:
        """Check ``pin`` (recorded as an event by the service); unlock when it is right."""
        check = self.review.unlock(pin)
        if check.ok:
            self._pin = pin
            if not self._unlocked:
                self._unlocked = True
                self.idle.start()
                self.changed.emit(True)
        return check

    def lock(self, reason: str = "manual") -> None:
        """Lock again (recorded with ``reason``: ``manual`` or ``inactivity``)."""
        self.idle.stop()
        self._pin = None
        if not self._unlocked:
            return
        self._unlocked = False
        try:
            self.review.lock(reason)
        except Exception:  # the lock itself must happen whatever the store says
            log.exception("could not record the supervisor lock")
        self.changed.emit(False)

    # -- inactivity -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._unlocked and event.type() in _ACTIVITY:
            self.idle.start()
        return False

    def close(self) -> None:
        """Stop watching input (the window is closing); stays in the state it is."""
        self.idle.stop()
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None


__all__ = [
    "DEFAULT_IDLE_MS",
    "SetPinDialog",
    "SupervisorSession",
    "UnlockDialog",
    "valid_pin",
]

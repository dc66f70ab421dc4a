"""The supervisor session on a real store: set the PIN the first time, unlock with the
right PIN, refuse a wrong one, lock out after too many, lock again after inactivity.
Every try is an event."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from station_factory import Bench

from checkpoint_app.services.review import ReviewService
from checkpoint_app.store.supervisor import FREE_TRIES, SupervisorPin
from checkpoint_app.ui.supervisor import SetPinDialog, SupervisorSession, UnlockDialog

PIN = "246810"


@pytest.fixture
def review(bench: Bench) -> ReviewService:
    return ReviewService(bench.station, operator="组长")


@pytest.fixture
def pin_set(bench: Bench) -> None:
    SupervisorPin(bench.station.db, bench.station.clock).set_pin(PIN)


@pytest.fixture
def session(review: ReviewService) -> Iterator[SupervisorSession]:
    made = SupervisorSession(review)
    yield made
    made.close()


def kinds(bench: Bench) -> list[tuple[str, dict[str, Any], str]]:
    rows = bench.station.db.execute(
        "SELECT kind, payload, operator FROM events WHERE kind LIKE 'supervisor%' ORDER BY seq"
    ).fetchall()
    return [(k, json.loads(p), o) for k, p, o in rows]


def unlock_dialog(qtbot: QtBot, session: SupervisorSession, *, shown: bool = True) -> UnlockDialog:
    """The session's PIN dialog, on its own (not through ``session.unlock()``)."""
    dialog = UnlockDialog(session.try_pin)
    qtbot.addWidget(dialog)
    if shown:
        dialog.show()
    return dialog


def when_dialog(kind: type[QDialog], act: Callable[[Any], None], tries: int = 200) -> None:
    """Run ``act(dialog)`` once a modal dialog of ``kind`` is open (``exec()`` blocks)."""

    def poll(left: int = tries) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            act(dialog)
        elif left > 0:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(0, poll)


def test_the_right_pin_unlocks_and_is_recorded(
    qtbot: QtBot, bench: Bench, pin_set: None, session: SupervisorSession
) -> None:
    seen: list[bool] = []
    session.changed.connect(seen.append)
    assert not session.unlocked and session.pin is None

    def type_pin(dialog: UnlockDialog) -> None:
        qtbot.keyClicks(dialog.pin, PIN)
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)

    when_dialog(UnlockDialog, type_pin)
    assert session.unlock() is True
    assert session.unlocked and session.pin == PIN
    assert seen == [True]
    assert kinds(bench) == [("supervisor_unlocked", {"outcome": "ok"}, "组长")]
    # unlocked already: no dialog, no new event
    assert session.unlock() is True
    assert len(kinds(bench)) == 1

    session.lock("manual")
    assert not session.unlocked and session.pin is None
    assert seen == [True, False]
    assert kinds(bench)[-1][:2] == ("supervisor_locked", {"reason": "manual"})


def test_a_wrong_pin_is_refused_says_the_tries_left_and_is_recorded(
    qtbot: QtBot, bench: Bench, pin_set: None, session: SupervisorSession
) -> None:
    dialog = unlock_dialog(qtbot, session)
    qtbot.keyClicks(dialog.pin, "0000")
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    assert dialog.isVisible()  # stays open for another try
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "4" in dialog.problem.text() and "Wrong PIN" in dialog.problem.text()
    assert dialog.pin.text() == ""  # cleared for the next try
    assert not session.unlocked
    recorded = kinds(bench)
    assert [k for k, _p, _o in recorded] == ["supervisor_unlock_failed"]
    assert recorded[0][1]["tries_left"] == FREE_TRIES - 1
    assert PIN not in json.dumps(recorded) and "0000" not in json.dumps(recorded)

    # cancelled after a wrong PIN: still locked
    when_dialog(UnlockDialog, lambda d: (qtbot.keyClicks(d.pin, "1111"), d.submit(), d.reject()))
    assert session.unlock() is False
    assert not session.unlocked


def test_too_many_wrong_pins_lock_out_even_the_right_one(
    qtbot: QtBot, bench: Bench, pin_set: None, session: SupervisorSession
) -> None:
    dialog = unlock_dialog(qtbot, session)
    for _ in range(FREE_TRIES):
        dialog.pin.setText("9999")
        dialog.submit()
    assert dialog.locked_for == 30
    assert "30 s" in dialog.problem.text()
    assert not dialog.ok_button.isEnabled()  # type: ignore[attr-defined]
    assert not dialog.pin.isEnabled()
    # the right PIN during the lock-out does not unlock (the store refuses it too)
    check = session.try_pin(PIN)
    assert str(check.outcome) == "locked" and not session.unlocked
    # the countdown ticks down in the dialog
    dialog._tick()
    assert dialog.locked_for == 29 and "29 s" in dialog.problem.text()

    bench.clock.advance(31)  # the lock-out is over
    for _ in range(29):
        dialog._tick()
    assert dialog.locked_for == 0 and dialog.pin.isEnabled()
    dialog.pin.setText(PIN)
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert session.unlocked
    outcomes = [p.get("outcome") for k, p, _o in kinds(bench)]
    assert outcomes == ["wrong"] * FREE_TRIES + ["locked", "ok"]


def test_a_locked_out_dialog_opens_with_the_countdown(
    qtbot: QtBot, bench: Bench, pin_set: None, session: SupervisorSession
) -> None:
    for _ in range(FREE_TRIES):
        session.try_pin("1234")
    dialog = unlock_dialog(qtbot, session, shown=False)
    dialog.pin.setText(PIN)
    dialog.submit()
    assert dialog.locked_for > 0
    assert "locked for" in dialog.problem.text()
    assert "Wrong PIN" not in dialog.problem.text()  # this try was not wrong, only early


def test_inactivity_locks_again_and_input_keeps_it_open(
    qtbot: QtBot, bench: Bench, pin_set: None, session: SupervisorSession
) -> None:
    session.set_idle_ms(400)
    assert session.try_pin(PIN).ok
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    # typing keeps the session unlocked well past the timeout
    for _ in range(8):
        qtbot.wait(100)
        QApplication.sendEvent(
            widget,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"),
        )
        assert session.unlocked
    with qtbot.waitSignal(session.changed, timeout=3000) as blocker:
        pass  # nobody touches anything now
    assert blocker.args == [False]
    assert not session.unlocked and session.pin is None
    assert kinds(bench)[-1][:2] == ("supervisor_locked", {"reason": "inactivity"})


def test_the_default_inactivity_is_five_minutes(session: SupervisorSession) -> None:
    assert session.idle_ms == 5 * 60 * 1000


def test_the_first_unlock_sets_the_pin(
    qtbot: QtBot, bench: Bench, session: SupervisorSession
) -> None:
    assert not session.pin_is_set
    problems: list[str] = []

    def choose(dialog: SetPinDialog) -> None:
        dialog.pin.setText("12")  # too short
        dialog.again.setText("12")
        dialog.submit()
        problems.append(dialog.problem.text())
        dialog.pin.setText("135790")
        dialog.again.setText("135791")  # differs
        dialog.submit()
        problems.append(dialog.problem.text())
        dialog.pin.setText("12ab")  # not digits
        dialog.again.setText("12ab")
        dialog.submit()
        problems.append(dialog.problem.text())
        dialog.pin.setText("135790")
        dialog.again.setText("135790")
        dialog.submit()

    when_dialog(SetPinDialog, choose)
    assert session.unlock() is True
    assert problems[0] == "The PIN must be 4 to 12 digits."
    assert "differ" in problems[1]
    assert problems[2] == "The PIN must be 4 to 12 digits."
    assert session.pin_is_set and session.unlocked
    assert kinds(bench) == [("supervisor_unlocked", {"outcome": "ok"}, "组长")]
    session.lock()
    assert session.try_pin("135790").ok  # the chosen PIN is the PIN now


def test_cancelling_the_first_pin_leaves_it_unset(
    qtbot: QtBot, bench: Bench, session: SupervisorSession
) -> None:
    when_dialog(SetPinDialog, lambda d: d.reject())
    assert session.unlock() is False
    assert not session.pin_is_set and not session.unlocked
    assert kinds(bench) == []

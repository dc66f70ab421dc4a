from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from checkpoint_app.store import open_event_log
from checkpoint_app.store.database import transaction
from checkpoint_app.store.event_log import verify_chain
from checkpoint_app.store.retention import purge_personal_data
from checkpoint_app.store.supervisor import PinError, PinOutcome, SupervisorPin


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_pin_is_stored_as_scrypt_and_checked(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    pin = SupervisorPin(log.db)
    assert pin.check("1234").outcome is PinOutcome.NOT_SET
    pin.set_pin("2580")
    stored = log.db.execute("SELECT value FROM meta WHERE key = 'supervisor_pin'").fetchone()[0]
    assert stored.startswith("scrypt$") and "2580" not in stored
    assert pin.check("2580").ok
    assert pin.check("0000").outcome is PinOutcome.WRONG


@pytest.mark.parametrize("bad", ["12", "abcd", "１２３４", "1234567890123"])
def test_pin_format(tmp_path: Path, bad: str) -> None:
    with pytest.raises(PinError):
        SupervisorPin(open_event_log(tmp_path).db).set_pin(bad)


def test_changing_the_pin_needs_the_current_one(tmp_path: Path) -> None:
    pin = SupervisorPin(open_event_log(tmp_path).db)
    pin.set_pin("2580")
    with pytest.raises(PinError, match="already set"):
        pin.set_pin("1111")
    with pytest.raises(PinError):
        pin.set_pin("1111", current="9999")
    pin.set_pin("1111", current="2580")
    assert pin.check("1111").ok


def test_lockout_grows_and_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    pin = SupervisorPin(open_event_log(tmp_path).db, clock)
    pin.set_pin("2580")
    for left in (4, 3, 2, 1):
        assert pin.check("0000").tries_left == left
    fifth = pin.check("0000")
    assert fifth.outcome is PinOutcome.WRONG and fifth.retry_after == 30
    # a restart (a new object on the same store) keeps the lock
    pin = SupervisorPin(open_event_log(tmp_path).db, clock)
    locked = pin.check("2580")  # even the right PIN waits
    assert locked.outcome is PinOutcome.LOCKED and locked.retry_after == 30
    clock.now += 31
    assert pin.check("0000").retry_after == 60  # the next wrong try doubles the wait
    clock.now += 61
    assert pin.check("2580").ok
    assert pin.check("0000").tries_left == 4  # a success resets the count


def test_retention_deletes_only_old_synced_personal_data(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    ids = []
    for age_days, synced in ((40, True), (40, False), (5, True)):
        with transaction(log.db):
            event = log.append(
                "scan",
                {"age": age_days},
                operator="v",
                pii={"nam": "王芳"},
                occurred_at=now - timedelta(days=age_days),
            )
            if synced:
                log.db.execute(
                    "UPDATE event_sync SET sync_state = 'synced' WHERE event_id = ?",
                    [event.event_id],
                )
        ids.append(event.event_id)
    assert purge_personal_data(log.db, days=28, now=now) == 1
    assert [log.pii(i) is not None for i in ids] == [False, True, True]
    assert verify_chain(log.db).ok
    with pytest.raises(ValueError):
        purge_personal_data(log.db, days=0)

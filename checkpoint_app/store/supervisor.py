"""The supervisor's PIN: set once, stored as a scrypt hash, locked out after wrong tries.

The PIN unlocks full personal data and overrides (DESIGN.md §8). After
:data:`FREE_TRIES` wrong PINs in a row every further try must wait, 30 s doubling up
to an hour; the counter and the lock survive restarts (they are in the store).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from checkpoint_app.store.database import get_meta, put_meta, transaction

if TYPE_CHECKING:
    import sqlite_utils

FREE_TRIES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 3600
PIN_DIGITS = (4, 12)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_HASH_KEY = "supervisor_pin"
_FAILURES_KEY = "supervisor_pin_failures"
_LOCKED_KEY = "supervisor_pin_locked_until"


class PinOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_SET = "not_set"


@dataclass(frozen=True, slots=True)
class PinCheck:
    outcome: PinOutcome
    #: Seconds to wait before the next try (when locked, or after this wrong try).
    retry_after: float = 0.0
    tries_left: int = FREE_TRIES

    @property
    def ok(self) -> bool:
        return self.outcome is PinOutcome.OK


class PinError(ValueError):
    """The PIN cannot be set (bad format, already set and the old PIN is wrong)."""


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, **_SCRYPT)  # type: ignore[arg-type]


class SupervisorPin:
    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock

    def _now(self) -> float:
        return float(self._clock())

    @property
    def is_set(self) -> bool:
        return get_meta(self.db, _HASH_KEY) is not None

    def set_pin(self, pin: str, *, current: str | None = None) -> None:
        """Set the PIN the first time; changing it needs the current one."""
        low, high = PIN_DIGITS
        if not (low <= len(pin) <= high and pin.isascii() and pin.isdigit()):
            raise PinError(f"the PIN must be {low} to {high} digits")
        if self.is_set and (current is None or not self.check(current).ok):
            raise PinError("the PIN is already set: give the current PIN to change it")
        salt = os.urandom(16)
        stored = f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${_hash(pin, salt).hex()}"
        with transaction(self.db):
            put_meta(self.db, _HASH_KEY, stored)
            put_meta(self.db, _FAILURES_KEY, "0")
            put_meta(self.db, _LOCKED_KEY, "0")

    def check(self, pin: str) -> PinCheck:
        """Check a PIN; wrong tries count, and past the free ones each locks for longer."""
        with transaction(self.db):
            stored = get_meta(self.db, _HASH_KEY)
            if stored is None:
                return PinCheck(PinOutcome.NOT_SET)
            now = self._now()
            locked_until = float(get_meta(self.db, _LOCKED_KEY) or 0)
            failures = int(get_meta(self.db, _FAILURES_KEY) or 0)
            if now < locked_until:
                return PinCheck(PinOutcome.LOCKED, locked_until - now, 0)
            _scheme, n, r, p, salt, digest = stored.split("$")
            candidate = hashlib.scrypt(
                pin.encode("utf-8"),
                salt=bytes.fromhex(salt),
                n=int(n),
                r=int(r),
                p=int(p),
                dklen=len(digest) // 2,
            )
            if hmac.compare_digest(candidate.hex(), digest):
                put_meta(self.db, _FAILURES_KEY, "0")
                put_meta(self.db, _LOCKED_KEY, "0")
                return PinCheck(PinOutcome.OK)
            failures += 1
            put_meta(self.db, _FAILURES_KEY, str(failures))
            if failures < FREE_TRIES:
                return PinCheck(PinOutcome.WRONG, 0.0, FREE_TRIES - failures)
            wait = min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - FREE_TRIES))
            put_meta(self.db, _LOCKED_KEY, str(now + wait))
            return PinCheck(PinOutcome.WRONG, float(wait), 0)

"""The station: one data directory's store, settings, rules and trust material.

Every use case (gate, bus, supervisor) runs against a :class:`Station`. It works on a
fresh, empty data directory with the built-in defaults: no configuration, no wizard.

Settings live in the store's ``meta`` table (checkpoint name, default gate, the
measured clock offset). The checkpoint's rules are ``<data dir>/rules.json`` when that
file exists (``docs/rules-file.md``), else PHI1.md §6's defaults. The trust material is
the offline cache (``store/offline_cache.py``); trust lists given on the command line
replace it and count as fetched now.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint_app.domain.rules import DEFAULT_RULES, CheckpointRules, RulesError, parse_rules
from checkpoint_app.domain.verifier import Verifier
from checkpoint_app.store import projections
from checkpoint_app.store.database import (
    StoreError,
    get_meta,
    open_database,
    put_meta,
    store_errors,
    transaction,
)
from checkpoint_app.store.event_log import Event, EventLog
from checkpoint_app.store.offline_cache import (
    DCC_SIGNERS,
    REVOCATIONS,
    TRUST_LIST,
    CacheError,
    CacheSnapshot,
    load_cache,
)

if TYPE_CHECKING:
    import sqlite_utils

RULES_FILE = "rules.json"
#: The rules the sync fetched from the centre, in the cache folder (with ``fetched_at``).
SYNCED_RULES_FILE = "rules.json"
DEFAULT_CHECKPOINT = "checkpoint"
DEFAULT_GATE = "gate-1"
_META_CHECKPOINT = "checkpoint_name"
_META_GATE = "gate"
_META_CLOCK_OFFSET = "clock_offset_ms"


class ConfigError(Exception):
    """A configuration file cannot be used; the message names it and says what to fix."""


def load_rules(data_dir: Path) -> CheckpointRules:
    """The checkpoint's rules: ``<data dir>/rules.json`` when the station has its own file,
    else the rules the central API sent (``cache/rules.json``), else PHI1.md §6's."""
    path = data_dir / RULES_FILE
    central = data_dir / "cache" / RULES_FILE
    if path.exists():
        doc = _read_json(path)
    elif central.exists():
        envelope = _read_json(central)
        doc = envelope.get("content") if isinstance(envelope, dict) else None
        path = central
    else:
        return DEFAULT_RULES
    try:
        return parse_rules(doc)
    except RulesError as exc:
        raise ConfigError(f"{path}: {exc} (docs/rules-file.md lists the keys)") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable JSON rules file ({exc})") from None


@dataclass(frozen=True, slots=True)
class TrustAges:
    """Ages in seconds of the lists a verification relied on (None: never fetched)."""

    trust_list: int | None
    revocations: int | None
    dcc_signers: int | None

    def for_format(self, fmt: str) -> tuple[int | None, int | None]:
        """(trust list age, revocations age) as :func:`decide` wants them for a format."""
        if fmt == "DCC":
            return self.dcc_signers, self.revocations
        return self.trust_list, self.revocations


class Station:
    """A data directory opened for use: the store, the log, settings, rules, trust."""

    def __init__(
        self,
        data_dir: Path,
        *,
        demo: bool = False,
        clock: Callable[[], float] = time.time,
        cache: CacheSnapshot | None = None,
        verifier: Verifier | None = None,
        rules: CheckpointRules | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.demo = demo
        self.clock = clock
        self.db: sqlite_utils.Database = open_database(data_dir / "checkpoint.sqlite3")
        self.log = EventLog(self.db)
        self.rules = rules if rules is not None else load_rules(data_dir)
        self._cache = cache
        self._verifier_override = verifier
        self._given_at: float | None = clock() if verifier is not None else None

    # -- settings --------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        return get_meta(self.db, key)

    def set_setting(self, key: str, value: str) -> None:
        with transaction(self.db):
            put_meta(self.db, key, value)

    @property
    def device_id(self) -> str:
        return self.log.device_id

    @property
    def checkpoint(self) -> str:
        return self.setting(_META_CHECKPOINT) or DEFAULT_CHECKPOINT

    @property
    def default_gate(self) -> str:
        return self.setting(_META_GATE) or DEFAULT_GATE

    def change_settings(self, changes: dict[str, str], *, operator: str) -> Event | None:
        """The supervisor's settings dialog: write the changed settings and record one
        ``settings_changed`` event (each key's old and new value) in one transaction.
        Nothing is recorded when nothing changed."""
        before = {key: self.setting(key) for key in changes}
        changed = {
            key: {"from": before[key], "to": value}
            for key, value in changes.items()
            if before[key] != value
        }
        if not changed:
            return None
        with self.use_case() as rec:
            for key, values in changed.items():
                put_meta(self.db, key, str(values["to"]))
            return rec.record(
                "settings_changed", {"changed": changed}, operator=operator, at=self.now()
            )

    def record_export(
        self,
        what: str,
        fmt: str,
        *,
        rows: int,
        masked: bool,
        operator: str,
        roster_id: str | None = None,
    ) -> Event:
        """A file of the station's data was written (``what``: ``log``, ``manifest`` or
        ``backup``): one ``data_exported`` event, so the review shows who took what off
        the device and whether it held personal data unmasked. Recorded after the file
        is complete; its name is not recorded (it may name a person or a home folder)."""
        payload: dict[str, object] = {"what": what, "format": fmt, "rows": rows, "masked": masked}
        if roster_id is not None:
            payload["roster_id"] = roster_id
        with self.use_case() as rec:
            return rec.record("data_exported", payload, operator=operator, at=self.now())

    def configure(self, *, checkpoint: str | None = None, gate: str | None = None) -> None:
        if checkpoint is not None:
            self.set_setting(_META_CHECKPOINT, checkpoint.strip() or DEFAULT_CHECKPOINT)
        if gate is not None:
            self.set_setting(_META_GATE, gate.strip() or DEFAULT_GATE)

    @property
    def clock_offset_ms(self) -> int | None:
        """The device clock's offset from the central API's, as last measured by the sync."""
        value = self.setting(_META_CLOCK_OFFSET)
        return None if value is None else int(value)

    def set_clock_offset_ms(self, offset: int) -> None:
        self.set_setting(_META_CLOCK_OFFSET, str(int(offset)))

    # -- trust -----------------------------------------------------------------------
    @property
    def cache(self) -> CacheSnapshot:
        if self._cache is None:
            self._cache = load_cache(self.data_dir, demo=self.demo)
        return self._cache

    @property
    def verifier(self) -> Verifier:
        if self._verifier_override is not None:
            return self._verifier_override
        return self.cache.verifier

    def reload_cache(self) -> None:
        """Pick up the lists and rules the sync has just written."""
        self._cache = None
        self.rules = load_rules(self.data_dir)

    def trust_ages(self, now: int) -> TrustAges:
        """How old each list in force is at ``now``; the demo seed counts as current in demo
        mode, and lists given on the command line count as fetched when given."""
        if self._given_at is not None:
            given = max(0, now - int(self._given_at))
            return TrustAges(given, given, given)

        def age(name: str) -> int | None:
            ages = [
                0 if item.source.startswith("seed") else item.age(now)
                for item in self.cache.items
                if item.name.split(" ")[0] == name
            ]
            known = [a for a in ages if a is not None]
            return min(known) if known else None

        return TrustAges(age(TRUST_LIST), age(REVOCATIONS), age(DCC_SIGNERS))

    def list_ages(self, now: int) -> dict[str, int | None]:
        """Every cached list (trust list, revocations, DCC signers, the sync's rules,
        the centre's rosters) → its age in seconds at ``now`` (None: never fetched, or
        unreadable)."""
        ages: dict[str, int | None] = {}
        try:
            trust = self.trust_ages(now)
            ages.update(
                {TRUST_LIST: trust.trust_list, REVOCATIONS: trust.revocations,
                 DCC_SIGNERS: trust.dcc_signers}
            )  # fmt: skip
        except CacheError:
            ages.update({TRUST_LIST: None, REVOCATIONS: None, DCC_SIGNERS: None})
        rules_file = self.data_dir / "cache" / SYNCED_RULES_FILE
        try:
            fetched = json.loads(rules_file.read_text("utf-8")).get("fetched_at")
            ages["rules"] = max(0, now - int(fetched)) if fetched is not None else None
        except (OSError, ValueError, TypeError, AttributeError):
            ages["rules"] = None
        newest = self.db.execute(
            "SELECT MAX(imported_at) FROM rosters WHERE source = 'central'"
        ).fetchone()[0]
        if newest:
            imported = datetime.fromisoformat(str(newest).replace("Z", "+00:00"))
            ages["rosters"] = max(0, now - int(imported.timestamp()))
        else:
            ages["rosters"] = None
        return ages

    def with_verifier(self, verifier: Verifier) -> Station:
        """Use ``verifier`` (files given on the command line) instead of the cache."""
        self._verifier_override = verifier
        self._given_at = self.clock()
        return self

    # -- recording -------------------------------------------------------------------
    def now(self) -> float:
        return float(self.clock())

    @contextmanager
    def use_case(self) -> Iterator[Recorder]:
        """One transaction: every event of one use case and the projections they change.

        A write that fails (disk full, read-only store) rolls everything back and raises
        :class:`StoreError` saying what to do."""
        with store_errors(self.data_dir), transaction(self.db):
            yield Recorder(self)

    def close(self) -> None:
        self.db.conn.close()


class Recorder:
    """Appends events and projects them, inside a :meth:`Station.use_case` transaction."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.events: list[Event] = []

    def record(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        operator: str,
        at: float,
        pii: dict[str, Any] | None = None,
    ) -> Event:
        station = self.station
        event = station.log.append(
            kind,
            payload,
            operator=operator,
            pii=pii,
            occurred_at=datetime.fromtimestamp(at, UTC),
            clock_offset_ms=station.clock_offset_ms,
        )
        projections.apply(station.db, event)
        self.events.append(event)
        return event


def open_station(data_dir: Path, **kwargs: Any) -> Station:
    """Open a station, turning store and configuration problems into :class:`ConfigError`."""
    try:
        return Station(data_dir, **kwargs)
    except StoreError as exc:
        raise ConfigError(str(exc)) from None


__all__ = [
    "ConfigError",
    "Recorder",
    "Station",
    "TrustAges",
    "load_rules",
    "open_station",
]

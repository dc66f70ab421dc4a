"""The sync worker: a plain thread (no Qt) that runs the engine on a timer.

It opens its own :class:`Station` — its own SQLite connection — in its thread, runs
:meth:`SyncEngine.run_once`, reports each result and the status through a callback
(the UI's Qt glue turns that into a signal), then waits: the regular interval after
a success, the engine's backoff after a failure, or until :meth:`trigger` asks for
a pass now. :meth:`stop` ends it between passes (a pass in flight finishes: every
call has a timeout).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from checkpoint_app.services.station import Station
from checkpoint_app.sync.client import ApiClient, Transport
from checkpoint_app.sync.credentials import TokenStore
from checkpoint_app.sync.engine import API_URL, SyncEngine, SyncResult, SyncStatus, sync_status

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 30.0

StatusCallback = Callable[[SyncStatus, SyncResult | None], None]


def transport_for(station: Station) -> Transport | None:
    """The API client of an enrolled station (None when it is not enrolled)."""
    url = station.setting(API_URL)
    token = TokenStore(station.data_dir, station.device_id).load()
    if not url or not token:
        return None
    return ApiClient(url, token)


def checkpoint_wal(station: Station) -> None:
    """Copy the committed WAL pages into the database, on this thread's connection,
    without waiting for anyone (``PASSIVE``). Done after every pass, it keeps the WAL
    short, so the gate's own commits seldom reach SQLite's auto-checkpoint threshold
    and pay for a checkpoint in the middle of an admission. Durability does not
    change: a commit is on disk in the WAL before this ever runs."""
    try:
        station.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error as exc:  # a busy or read-only store: the next pass tries again
        log.warning("WAL checkpoint skipped: %s", exc)


class SyncWorker:
    def __init__(
        self,
        data_dir: Path,
        *,
        interval: float = DEFAULT_INTERVAL_S,
        on_status: StatusCallback | None = None,
        make_transport: Callable[[Station], Transport | None] = transport_for,
    ) -> None:
        self.data_dir = data_dir
        self.interval = interval
        self.on_status = on_status
        self.make_transport = make_transport
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
        self.passes = 0

    def start(self) -> None:
        self._thread.start()

    def trigger(self) -> None:
        """Sync now (e.g. the supervisor pressed 'sync', or the network came back)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _report(self, station: Station, result: SyncResult | None) -> None:
        if self.on_status is not None:
            try:
                self.on_status(sync_status(station), result)
            except Exception:  # a broken listener must not stop the sync
                log.exception("sync status listener failed")

    def _run(self) -> None:
        station = Station(self.data_dir)
        try:
            while not self._stop.is_set():
                wait = self.interval
                transport = self.make_transport(station)
                if transport is None:
                    self._report(station, None)
                else:
                    result = SyncEngine(station, transport).run_once()
                    self.passes += 1
                    if result.error:
                        log.warning("sync failed: %s", result.error)  # no personal data in it
                    if result.retry_in is not None:
                        wait = result.retry_in
                    self._report(station, result)
                    close = getattr(transport, "close", None)
                    if callable(close):
                        close()
                checkpoint_wal(station)
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            station.close()

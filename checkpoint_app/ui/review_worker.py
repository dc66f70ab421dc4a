"""The review's slow work off the GUI thread: integrity check, counts, hand-over report.

The station's SQLite connection belongs to the GUI thread. :class:`ReviewWorker` is a
plain thread (as the sync worker, ``sync/worker.py``) that opens its *own*
:class:`Station` on the same data directory the first time it has a job, and runs
jobs one at a time: each job is a function of a :class:`ReviewService` over that
connection. The result (or the exception) comes back to the GUI thread through a Qt
signal, to the callback given with the job. A job submitted under a ``key`` replaces
an older one of the same key still waiting (only the newest chart request matters).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from checkpoint_app.services.review import ReviewService
from checkpoint_app.services.station import Station

log = logging.getLogger(__name__)

Job = Callable[[ReviewService], Any]


@dataclass
class _Task:
    ticket: int
    key: str | None
    job: Job
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    cancelled: bool = False


def open_like(station: Station) -> Callable[[], Station]:
    """Opens a second Station on ``station``'s data directory, with its clock and rules
    (for the worker thread: its own connection)."""

    def opener() -> Station:
        return Station(station.data_dir, demo=station.demo, clock=station.clock,
                       rules=station.rules)  # fmt: skip

    return opener


class ReviewWorker(QObject):
    """Runs review jobs on one background thread with its own store connection."""

    _finished = Signal(int, object, object)  # ticket, result, error

    def __init__(
        self,
        open_station: Callable[[], Station],
        *,
        operator: Callable[[], str] = lambda: "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._open = open_station
        self._operator = operator
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._tasks: dict[int, _Task] = {}
        self._lock = threading.Lock()
        self._next = 0
        self._thread: threading.Thread | None = None
        self.busy = 0  # jobs submitted and not yet answered
        self._finished.connect(self._deliver)

    def submit(
        self,
        job: Job,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        key: str | None = None,
    ) -> int:
        """Queue ``job``; ``on_done(result)`` or ``on_error(exc)`` runs on the GUI thread."""
        with self._lock:
            self._next += 1
            task = _Task(self._next, key, job, on_done, on_error)
            if key is not None:
                for other in self._tasks.values():
                    if other.key == key and not other.cancelled:
                        other.cancelled = True  # superseded: its answer is dropped
            self._tasks[task.ticket] = task
        self.busy += 1
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="review", daemon=True)
            self._thread.start()
        self._queue.put(task)
        return task.ticket

    def _run(self) -> None:
        station: Station | None = None
        try:
            while True:
                task = self._queue.get()
                if task is None:
                    return
                if task.cancelled:
                    self._finished.emit(task.ticket, None, None)
                    continue
                try:
                    if station is None:
                        station = self._open()
                    review = ReviewService(station, operator=self._operator())
                    result = task.job(review)
                except Exception as exc:  # reported to the screen, which says what failed
                    log.warning("review job failed: %s", type(exc).__name__)
                    self._finished.emit(task.ticket, None, exc)
                else:
                    self._finished.emit(task.ticket, result, None)
        finally:
            if station is not None:
                station.close()

    def _deliver(self, ticket: int, result: Any, error: Any) -> None:
        with self._lock:
            task = self._tasks.pop(ticket, None)
        self.busy = max(0, self.busy - 1)
        if task is None or task.cancelled:
            return
        if error is not None:
            if task.on_error is not None:
                task.on_error(error)
        elif task.on_done is not None:
            task.on_done(result)

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job in hand, drop the rest, close the connection."""
        with self._lock:
            for task in self._tasks.values():
                task.cancelled = True
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)
        self._thread = None


__all__ = ["ReviewWorker", "open_like"]

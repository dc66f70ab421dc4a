"""Qt item models of the supervisor's review (``review_screen.py``).

* :class:`LogModel` — the log browser's table: one page of
  :meth:`ReviewService.page` (newest first) for the filter in force and the total
  from :meth:`ReviewService.count`; scrolling to the end fetches the next page
  (``canFetchMore``/``fetchMore``), so a 100,000-event log never sits in memory.
* :class:`EventRowsModel` — a short list of events (the traveller's other events in
  the detail pane).
* :class:`SyncProblemsModel` — pending and rejected events with the server's reason.
* :class:`ListAgesModel` — every cached list and how old it is (amber past 24 h, red
  past 72 h, as the status bar).

Everything shown is masked (the service never hands unmasked data to a list). Words
for event kinds, decisions and sync states are translated in the ``ReviewTexts``
context (:func:`kind_text`, :func:`action_text`, :func:`sync_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from checkpoint_app.services.review import LogFilter, LogRow, ReviewService, SyncProblem
from checkpoint_app.ui import theme
from checkpoint_app.ui.i18n import pair
from checkpoint_app.ui.main_window import age_text
from checkpoint_app.ui.models import Index, RowsTableModel, bold_font
from checkpoint_app.ui.texts import ACTIONS, REASONS, STATUS_COLOURS

#: Rows fetched per page of the log browser.
PAGE_SIZE = 200

KIND_LABELS: dict[str, str] = {
    "scan": QT_TRANSLATE_NOOP("ReviewTexts", "Code scanned"),
    "temperature": QT_TRANSLATE_NOOP("ReviewTexts", "Temperature"),
    "decision": QT_TRANSLATE_NOOP("ReviewTexts", "Decision"),
    "journey": QT_TRANSLATE_NOOP("ReviewTexts", "Journey"),
    "roster_imported": QT_TRANSLATE_NOOP("ReviewTexts", "Roster imported"),
    "roster_mark": QT_TRANSLATE_NOOP("ReviewTexts", "Roster tick"),
    "roster_entry_added": QT_TRANSLATE_NOOP("ReviewTexts", "Passenger added"),
    "bus_departed": QT_TRANSLATE_NOOP("ReviewTexts", "Bus departed"),
    "phone_revealed": QT_TRANSLATE_NOOP("ReviewTexts", "Phone number shown"),
    "supervisor_unlocked": QT_TRANSLATE_NOOP("ReviewTexts", "Supervisor unlocked"),
    "supervisor_unlock_failed": QT_TRANSLATE_NOOP("ReviewTexts", "Wrong supervisor PIN"),
    "supervisor_locked": QT_TRANSLATE_NOOP("ReviewTexts", "Supervisor locked"),
    "sync_reviewed": QT_TRANSLATE_NOOP("ReviewTexts", "Sync problem reviewed"),
    "shift_handed_over": QT_TRANSLATE_NOOP("ReviewTexts", "Shift handed over"),
    "settings_changed": QT_TRANSLATE_NOOP("ReviewTexts", "Settings changed"),
    "data_exported": QT_TRANSLATE_NOOP("ReviewTexts", "Data exported"),
}

#: Journey transitions and roster marks (decision actions come from ``texts.ACTIONS``).
ACTION_LABELS: dict[str, str] = {
    "enter": QT_TRANSLATE_NOOP("ReviewTexts", "Entered"),
    "provisional_admit": QT_TRANSLATE_NOOP("ReviewTexts", "Admitted on a visual check"),
    "confirm": QT_TRANSLATE_NOOP("ReviewTexts", "Confirmed online"),
    "flag": QT_TRANSLATE_NOOP("ReviewTexts", "Flagged online"),
    "mark_absent": QT_TRANSLATE_NOOP("ReviewTexts", "Marked absent"),
    "hand_over": QT_TRANSLATE_NOOP("ReviewTexts", "Handed over"),
    "override": QT_TRANSLATE_NOOP("ReviewTexts", "Supervisor override"),
    "tick": QT_TRANSLATE_NOOP("ReviewTexts", "Ticked"),
    "untick": QT_TRANSLATE_NOOP("ReviewTexts", "Unticked"),
    "move_out": QT_TRANSLATE_NOOP("ReviewTexts", "Moved to another bus"),
}

SYNC_LABELS: dict[str, str] = {
    "pending": QT_TRANSLATE_NOOP("ReviewTexts", "Waiting to sync"),
    "synced": QT_TRANSLATE_NOOP("ReviewTexts", "Synced"),
    "rejected": QT_TRANSLATE_NOOP("ReviewTexts", "Rejected by the centre"),
    "remote": QT_TRANSLATE_NOOP("ReviewTexts", "From another device"),
}
#: The same, short, for the log table's column.
SYNC_SHORT: dict[str, str] = {
    "pending": QT_TRANSLATE_NOOP("ReviewTexts", "Pending"),
    "synced": QT_TRANSLATE_NOOP("ReviewTexts", "Synced"),
    "rejected": QT_TRANSLATE_NOOP("ReviewTexts", "Rejected"),
    "remote": QT_TRANSLATE_NOOP("ReviewTexts", "Other device"),
}
SYNC_COLOURS = {"pending": theme.AMBER, "synced": theme.GREEN, "rejected": theme.RED}

LIST_LABELS: dict[str, str] = {
    "phi1_trust_list": QT_TRANSLATE_NOOP("ReviewTexts", "Health-code trust list"),
    "phi1_revocations": QT_TRANSLATE_NOOP("ReviewTexts", "Revoked codes"),
    "dcc_signers": QT_TRANSLATE_NOOP("ReviewTexts", "EU certificate signers"),
    "rules": QT_TRANSLATE_NOOP("ReviewTexts", "Checkpoint rules"),
    "rosters": QT_TRANSLATE_NOOP("ReviewTexts", "Bus rosters"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("ReviewTexts", text)


def kind_text(kind: str) -> str:
    """An event kind in words (the kind itself when unknown)."""
    label = KIND_LABELS.get(kind)
    return _t(label) if label else kind


def action_text(action: str) -> str:
    """A decision action, journey transition or roster mark in words ("" stays "")."""
    if action in ACTIONS:
        return pair(*ACTIONS[action])[0]
    label = ACTION_LABELS.get(action)
    return _t(label) if label else action


def sync_text(state: str, *, short: bool = False) -> str:
    label = (SYNC_SHORT if short else SYNC_LABELS).get(state)
    return _t(label) if label else state


def list_text(name: str) -> str:
    label = LIST_LABELS.get(name)
    return _t(label) if label else name


SUMMARY_WORDS: dict[str, str] = {
    "VALID": QT_TRANSLATE_NOOP("ReviewTexts", "valid"),
    "repeat": QT_TRANSLATE_NOOP("ReviewTexts", "repeat"),
    "fever": QT_TRANSLATE_NOOP("ReviewTexts", "fever"),
    "entered": QT_TRANSLATE_NOOP("ReviewTexts", "entered"),
    "denied": QT_TRANSLATE_NOOP("ReviewTexts", "denied"),
}


def summary_text(summary: str) -> str:
    """The store's one-line summary (``deny · RED_CODE``, ``37.8 °C fever``) with the
    decision, reason and colour words in the chosen language."""
    parts = []
    for part in summary.split(" · "):
        if part in REASONS:
            parts.append(pair(*REASONS[part])[0])
        elif part in ACTIONS or part in ACTION_LABELS:
            parts.append(action_text(part))
        elif part in SUMMARY_WORDS:
            parts.append(_t(SUMMARY_WORDS[part]))
        elif part.endswith(" code") and part[:-5] in STATUS_COLOURS:
            zh, en = STATUS_COLOURS[part[:-5]]
            parts.append(pair(zh, f"{en} code")[0])
        elif part.endswith(" °C fever"):
            parts.append(part[: -len(" fever")] + " " + _t(SUMMARY_WORDS["fever"]))
        elif part.startswith("→ ") and part[2:] in SUMMARY_WORDS:
            parts.append("→ " + _t(SUMMARY_WORDS[part[2:]]))
        else:
            parts.append(part)
    return " · ".join(parts)


def local_time(at: str, fmt: str = "%m-%d %H:%M:%S") -> str:
    """A stored UTC timestamp (``2026-11-25T08:31:05.123Z``) as local time."""
    if not at:
        return ""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    return moment.astimezone().strftime(fmt)


def action_colour(action: str) -> str | None:
    if action in theme.ACTION_COLOURS:
        return theme.ACTION_COLOURS[action]
    if action in ("enter", "provisional_admit", "confirm", "tick"):
        return theme.GREEN
    if action in ("flag", "override", "mark_absent"):
        return theme.RED
    return None


class _RowsModel(RowsTableModel):
    """A table of :class:`LogRow` held in a list (the shared part of the two log tables):
    the columns ``COLUMN_IDS`` of all the log's columns, in that order."""

    TIME, KIND, ACTION, WHO, GATE, OPERATOR, SUMMARY, SYNC, DEVICE = range(9)
    COLUMN_IDS: tuple[int, ...] = (TIME, KIND, ACTION, WHO, GATE, OPERATOR, SUMMARY, SYNC, DEVICE)
    COLUMNS = len(COLUMN_IDS)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[LogRow] = []
        self._times: list[str] = []

    def headers(self) -> tuple[str, ...]:
        titles = {
            self.TIME: self.tr("Time"),
            self.KIND: self.tr("Event"),
            self.ACTION: self.tr("Decision"),
            self.WHO: self.tr("Traveller"),
            self.GATE: self.tr("Gate / bus"),
            self.OPERATOR: self.tr("Operator"),
            self.SUMMARY: self.tr("Details"),
            self.SYNC: self.tr("Sync"),
            self.DEVICE: self.tr("Device"),
        }
        return tuple(titles[column] for column in self.COLUMN_IDS)

    def log_row(self, row: int) -> LogRow | None:
        return self.row_at(row)

    def row_of(self, event_id: str) -> int | None:
        return self.row_where(lambda r: r.event_id == event_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r: LogRow | None = self.item_at(index)
        if r is None:
            return None
        column = self.COLUMN_IDS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), r, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.SYNC and r.sync_state != "synced":
                return QBrush(QColor(SYNC_COLOURS.get(r.sync_state, theme.GREY)))
            if column == self.ACTION:
                colour = action_colour(r.action)
                return QBrush(QColor(colour)) if colour else None
            return None
        if role == Qt.ItemDataRole.FontRole and (
            (column == self.SYNC and r.sync_state == "rejected")
            or (column == self.ACTION and r.action in ("deny", "refer", "override", "flag"))
        ):
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.SYNC:
                return sync_text(r.sync_state) + (f": {r.last_error}" if r.last_error else "")
            if column == self.SUMMARY and r.summary:
                return summary_text(r.summary)
            if column == self.DEVICE:
                return r.device_id
            return None
        if role == Qt.ItemDataRole.UserRole:
            return r.event_id
        return None

    def _text(self, row: int, r: LogRow, column: int) -> str:
        if column == self.TIME:
            return self._times[row] if row < len(self._times) else local_time(r.occurred_at)
        if column == self.KIND:
            return kind_text(r.kind)
        if column == self.ACTION:
            return action_text(r.action)
        if column == self.WHO:
            return r.masked_name or (r.traveller[:10] if r.traveller else "")
        if column == self.GATE:
            return r.gate
        if column == self.OPERATOR:
            return r.operator
        if column == self.SUMMARY:
            return summary_text(r.summary)
        if column == self.SYNC:
            return sync_text(r.sync_state, short=True)
        return f"{r.device_id[:8]} #{r.seq}"


#: ``count_later(filter, on_count)``: count the filter's matches elsewhere (the review's
#: worker thread) and call ``on_count(n)`` on the GUI thread when done.
CountLater = Callable[[LogFilter, Callable[[int], None]], None]


class LogModel(_RowsModel):
    """The log browser's rows: the filter's matches, newest first, a page at a time.

    The first page is read at once; the total is counted by ``count_later`` (off the
    GUI thread: counting 100,000 rows takes longer than a page) and :attr:`total_changed`
    says when it is known. A page shorter than a full one also tells the total. Without
    ``count_later`` the total is counted at once."""

    total_changed = Signal()

    def __init__(
        self,
        review: ReviewService,
        parent: Any = None,
        page_size: int = PAGE_SIZE,
        count_later: CountLater | None = None,
    ) -> None:
        super().__init__(parent)
        self.review = review
        self.page_size = page_size
        self.count_later = count_later
        self.filter = LogFilter()
        self.total: int | None = 0  # None while being counted
        self._fetching = False
        self._generation = 0
        self._more = False  # the last page read was full: there may be more

    @property
    def total_known(self) -> bool:
        return self.total is not None

    def set_filter(self, f: LogFilter) -> None:
        self.filter = f
        self.refresh()

    def refresh(self) -> None:
        """Run the query again: the first page, and the total (now or soon)."""
        self._generation += 1
        self._fetching = True  # no fetchMore from a view while the reset is signalled
        try:
            self.beginResetModel()
            self._rows = self.review.page(self.filter, 0, self.page_size)
            self._times = [local_time(r.occurred_at) for r in self._rows]
            self._more = len(self._rows) == self.page_size
            if not self._more:
                self.total = len(self._rows)
            elif self.count_later is None:
                self.total = self.review.count(self.filter)
            else:
                self.total = None
            self.endResetModel()
        finally:
            self._fetching = False
        if self.total is None and self.count_later is not None:
            generation = self._generation
            self.count_later(self.filter, lambda n: self._counted(generation, n))
        self.total_changed.emit()

    def _counted(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return  # an older filter's count
        self.total = max(n, len(self._rows))
        self._more = len(self._rows) < self.total
        self.total_changed.emit()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetching:
            return False
        if self.total is None:
            return self._more
        return len(self._rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching:
            return  # a view asking again while rows are being inserted
        more = self.review.page(self.filter, len(self._rows), self.page_size)
        self._more = len(more) == self.page_size
        if not more:
            self.total = len(self._rows)  # the log changed under us: no more to fetch
            self.total_changed.emit()
            return
        first = len(self._rows)
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self._times.extend(local_time(r.occurred_at) for r in more)
            self.endInsertRows()
        finally:
            self._fetching = False
        if self.total is None and not self._more:
            self.total = len(self._rows)  # read to the end before the count came
            self.total_changed.emit()


class EventRowsModel(_RowsModel):
    """A few events given as a list (the traveller's other events), oldest first."""

    COLUMN_IDS = (_RowsModel.TIME, _RowsModel.KIND, _RowsModel.ACTION, _RowsModel.GATE,
                  _RowsModel.SUMMARY, _RowsModel.OPERATOR)  # fmt: skip
    COLUMNS = len(COLUMN_IDS)

    def set_rows(self, rows: Sequence[LogRow]) -> None:
        self._times = [local_time(r.occurred_at) for r in rows]
        super().set_rows(rows)


class SyncProblemsModel(RowsTableModel):
    """Events the centre has not taken: rejected (with its reason) and pending."""

    TIME, KIND, STATE, ATTEMPTS, REASON, REVIEWED = range(6)
    COLUMNS = 6

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SyncProblem] = []

    def set_problems(self, problems: Sequence[SyncProblem]) -> None:
        self.set_rows(problems)

    def problem(self, row: int) -> SyncProblem | None:
        return self.row_at(row)

    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("Time"),
            self.tr("Event"),
            self.tr("State"),
            self.tr("Tries"),
            self.tr("The centre's reason"),
            self.tr("Reviewed"),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        p: SyncProblem | None = self.item_at(index)
        if p is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return local_time(p.row.occurred_at)
            if column == self.KIND:
                text = kind_text(p.row.kind)
                action = action_text(p.row.action)
                return f"{text} · {action}" if action else text
            if column == self.STATE:
                return sync_text(p.row.sync_state)
            if column == self.ATTEMPTS:
                return str(p.attempts)
            if column == self.REASON:
                return p.last_error or "—"
            return "✓" if p.reviewed else ""
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return QBrush(QColor(SYNC_COLOURS.get(p.row.sync_state, theme.GREY)))
        if role == Qt.ItemDataRole.FontRole and column == self.STATE:
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole and column == self.REASON and p.last_error:
            return p.last_error
        if role == Qt.ItemDataRole.UserRole:
            return p.row.event_id
        return None


class ListAgesModel(RowsTableModel):
    """Every cached list and its age: amber past 24 h, red past 72 h or never fetched."""

    NAME, AGE = range(2)
    COLUMNS = 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, int | None]] = []

    def set_ages(self, ages: dict[str, int | None]) -> None:
        self.set_rows(sorted(ages.items(), key=lambda item: list(LIST_LABELS).index(item[0])
                             if item[0] in LIST_LABELS else len(LIST_LABELS)))  # fmt: skip

    def age(self, name: str) -> tuple[str, str] | None:
        """(text, colour) of one list's age, as shown."""
        for key, seconds in self._rows:
            if key == name:
                return age_text(seconds)
        return None

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Cached list"), self.tr("Age"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item: tuple[str, int | None] | None = self.item_at(index)
        if item is None:
            return None
        name, seconds = item
        if role == Qt.ItemDataRole.DisplayRole:
            return list_text(name) if index.column() == self.NAME else age_text(seconds)[0]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.AGE:
            colour = age_text(seconds)[1]
            return QBrush(QColor(colour)) if colour != theme.INK else None
        if role == Qt.ItemDataRole.FontRole and index.column() == self.AGE:
            return bold_font() if age_text(seconds)[1] != theme.INK else None
        if role == Qt.ItemDataRole.UserRole:
            return name
        return None


__all__ = [
    "PAGE_SIZE",
    "EventRowsModel",
    "ListAgesModel",
    "LogModel",
    "SyncProblemsModel",
    "action_text",
    "kind_text",
    "local_time",
    "summary_text",
    "sync_text",
]

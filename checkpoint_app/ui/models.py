"""Qt item models over the services' queries: a roster's passengers, the referral queue.

Both models hold only what one query returned, never a whole table:

* :class:`RosterEntriesModel` shows one page of :meth:`BusService.search` (100 rows and
  the total) for the roster, filter and search text in force; scrolling to the end
  fetches the next page (``canFetchMore``/``fetchMore``). Names, ID numbers and phones
  are masked; at most one row's phone is shown in full, after the marshal asked for it
  (:meth:`RosterEntriesModel.reveal`).
* :class:`ReferralQueueModel` lists the travellers whose journey here is ``referred``
  (the secondary check's queue), oldest first, with why they were referred, their latest
  temperature, and their name and document number (masked) from their latest scan.

Texts go through ``self.tr``; the screens call ``retranslate()`` on a language change.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from checkpoint_app.domain.bus import EntryState, TickMethod
from checkpoint_app.domain.masking import mask_id_number, mask_name
from checkpoint_app.services.bus import SEARCH_PAGE, BusService, EntryView
from checkpoint_app.services.station import Station
from checkpoint_app.ui import theme
from checkpoint_app.ui.i18n import pair
from checkpoint_app.ui.texts import REASONS, STATUS_COLOURS

Index = QModelIndex | QPersistentModelIndex

# Light row tints by passenger state (the state column itself is in the full colour).
_ROW_TINTS = {
    EntryState.PRESENT: "#e4f3e8",
    EntryState.ABSENT: "#fbe3e3",
    EntryState.MOVED: "#eceff1",
}
_STATE_COLOURS = {
    EntryState.PRESENT: theme.GREEN,
    EntryState.EXPECTED: theme.AMBER,
    EntryState.ABSENT: theme.RED,
    EntryState.MOVED: theme.GREY,
}


def clock(at: int | None) -> str:
    """Epoch seconds → local ``HH:MM`` (what a volunteer's watch says)."""
    return time.strftime("%H:%M", time.localtime(at)) if at is not None else ""


def bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class RowsTableModel(QAbstractTableModel):
    """What the tables share (here and in ``review_models``): a flat list of rows
    (``self._rows``, one query's result), ``COLUMNS`` columns, and horizontal header texts
    from :meth:`headers`.

    A subclass writes its header texts in its own ``headers()``, with ``self.tr``: lupdate
    files each ``tr()`` under the class it is written in, so the texts stay in that
    model's translation context (``RosterEntriesModel``, ``ReferralQueueModel``, …)."""

    COLUMNS = 0

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def headers(self) -> tuple[str, ...]:
        """The column titles, ``COLUMNS`` of them, in the current language."""
        raise NotImplementedError(f"{type(self).__name__} must say its column titles")

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` instead (a model reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any | None:
        """Row ``row``'s item, or None past the rows."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_where(self, matches: Callable[[Any], bool]) -> int | None:
        """The first row whose item ``matches``, if any."""
        for i, item in enumerate(self._rows):
            if matches(item):
                return i
        return None

    def item_at(self, index: Index) -> Any | None:
        """The item of a valid cell's row (None for an index off the table)."""
        if not index.isValid() or index.parent().isValid():
            return None
        if not 0 <= index.column() < self.COLUMNS:
            return None
        return self.row_at(index.row())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.COLUMNS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def retranslate(self) -> None:
        """The language changed: every header and cell text again."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, self.COLUMNS - 1)
            )


class RosterEntriesModel(RowsTableModel):
    """One roster's passengers as the bus screen lists them (query-backed, paged)."""

    SEAT, NAME, ID_NUMBER, PHONE, STATE, BOOKING = range(6)
    COLUMNS = 6

    def __init__(self, bus: BusService, parent: Any = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.roster_id: str | None = None
        self.show = "missing"
        self.query = ""
        self.total = 0
        self._rows: list[EntryView] = []
        self._revealed: tuple[str, str] | None = None  # (booking id, full phone)

    # -- the query -------------------------------------------------------------------
    def set_filter(
        self, roster_id: str | None, *, show: str | None = None, query: str | None = None
    ) -> None:
        if roster_id != self.roster_id:
            self._revealed = None
        self.roster_id = roster_id
        if show is not None:
            self.show = show
        if query is not None:
            self.query = query
        self.refresh()

    def refresh(self) -> None:
        """Run the query again: the first page and the total."""
        self.beginResetModel()
        if self.roster_id is None:
            self._rows, self.total = [], 0
        else:
            found = self.bus.search(self.roster_id, self.query, show=self.show, page=SEARCH_PAGE)
            self._rows, self.total = list(found.entries), found.total
        if self._revealed is not None and self.row_of(self._revealed[0]) is None:
            self._revealed = None
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.roster_id is None:
            return
        more = self.bus.entries(
            self.roster_id, show=self.show, query=self.query, limit=SEARCH_PAGE,
            offset=len(self._rows),
        )  # fmt: skip
        if not more:
            self.total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def entry(self, row: int) -> EntryView | None:
        return self.row_at(row)

    def row_of(self, booking_id: str) -> int | None:
        return self.row_where(lambda entry: entry.booking_id == booking_id)

    # -- the one phone shown in full ---------------------------------------------------
    def reveal(self, booking_id: str, phone: str) -> None:
        """Show ``phone`` in full on that row only (hiding any other row's)."""
        self.hide_phone()
        self._revealed = (booking_id, phone)
        self._phone_changed(booking_id)

    def hide_phone(self) -> None:
        if self._revealed is not None:
            booking = self._revealed[0]
            self._revealed = None
            self._phone_changed(booking)

    @property
    def revealed(self) -> str | None:
        """The booking id whose phone is shown in full, if any."""
        return self._revealed[0] if self._revealed else None

    def _phone_changed(self, booking_id: str) -> None:
        row = self.row_of(booking_id)
        if row is not None:
            index = self.index(row, self.PHONE)
            self.dataChanged.emit(index, index)

    # -- Qt's model interface ----------------------------------------------------------
    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("Seat"),
            self.tr("Name"),
            self.tr("ID number"),
            self.tr("Phone"),
            self.tr("Status"),
            self.tr("Booking"),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry: EntryView | None = self.item_at(index)
        if entry is None:
            return None
        column, state = index.column(), entry.status.state
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = _ROW_TINTS.get(state)
            return QBrush(QColor(tint)) if tint else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.STATE:
                return QBrush(QColor(_STATE_COLOURS[state]))
            if column == self.PHONE and self.revealed == entry.booking_id:
                return QBrush(QColor(theme.BLUE))
            return None
        if role == Qt.ItemDataRole.FontRole and (
            column == self.STATE or (column == self.PHONE and self.revealed == entry.booking_id)
        ):
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole and column == self.STATE and entry.status.reason:
            return entry.status.reason
        if role == Qt.ItemDataRole.UserRole:
            return entry.booking_id
        return None

    def _text(self, entry: EntryView, column: int) -> str:
        if column == self.SEAT:
            return entry.seat
        if column == self.NAME:
            return entry.name
        if column == self.ID_NUMBER:
            return entry.id_number
        if column == self.PHONE:
            if self._revealed is not None and self._revealed[0] == entry.booking_id:
                return self._revealed[1]
            return entry.phone
        if column == self.STATE:
            return self.state_text(entry)
        return entry.booking_id

    def state_text(self, entry: EntryView) -> str:
        s = entry.status
        at = clock(s.since)
        if s.state is EntryState.PRESENT:
            how = (
                {
                    TickMethod.SCAN: self.tr("scanned"),
                    TickMethod.NAME: self.tr("by hand"),
                    TickMethod.WALK_IN: self.tr("walk-in"),
                }.get(s.method)
                if s.method
                else None
            )  # type: ignore[call-overload]
            text = "✓ " + self.tr("On board") + " " + at
            return text + (f" ({how})" if how else "")
        if s.state is EntryState.ABSENT:  # with the marshal's reason: "no answer", …
            return "✗ " + self.tr("Absent") + " " + at + (f" · {s.reason}" if s.reason else "")
        if s.state is EntryState.MOVED:
            return "→ " + self.tr("Moved to %1").replace("%1", s.to_roster or "?")
        return "○ " + self.tr("Not on board")


@dataclass(frozen=True, slots=True)
class Referral:
    """One traveller waiting at the secondary check."""

    traveller: str
    since: int | None
    gate: str
    reason: str  # a decision reason code (YELLOW_CODE, …) or a volunteer's words
    colour: str | None  # the health code's colour at the latest scan
    name: str  # masked
    id_number: str  # masked
    celsius: float | None
    fever: bool
    reading_at: int | None


# Most referrals a queue shows at once (a checkpoint has a handful; this only bounds it).
QUEUE_LIMIT = 500

_QUEUE_SQL = f"""
SELECT t.traveller, t.since, COALESCE(t.gate, ''), COALESCE(t.reason, ''),
  (SELECT d.reason FROM p_decisions d
     WHERE d.traveller = t.traveller AND d.action = 'refer'
     ORDER BY d.at DESC, d.rowid DESC LIMIT 1),
  (SELECT s.status FROM p_scans s WHERE s.traveller = t.traveller
     ORDER BY s.at DESC, s.rowid DESC LIMIT 1),
  COALESCE(
    (SELECT p.data FROM p_scans s JOIN event_pii p ON p.event_id = s.event_id
       WHERE s.traveller = t.traveller ORDER BY s.at DESC, s.rowid DESC LIMIT 1),
    (SELECT p.data FROM p_journey_events j JOIN event_pii p ON p.event_id = j.event_id
       WHERE j.traveller = t.traveller ORDER BY j.at DESC, j.rowid DESC LIMIT 1)),
  r.celsius, r.fever, r.at
FROM p_travellers t
LEFT JOIN p_readings r ON r.event_id = (
  SELECT r2.event_id FROM p_readings r2 WHERE r2.traveller = t.traveller
  ORDER BY r2.at DESC, r2.rowid DESC LIMIT 1)
WHERE t.state = 'referred'
ORDER BY t.since, t.traveller
LIMIT {QUEUE_LIMIT}
"""


def referral_queue(station: Station) -> list[Referral]:
    """The travellers referred to the secondary check here, oldest first."""
    out = []
    for (traveller, since, gate, journey_reason, decision_reason, colour, pii_json,
         celsius, fever, reading_at) in station.db.execute(_QUEUE_SQL).fetchall():  # fmt: skip
        pii: dict[str, Any] = json.loads(pii_json) if pii_json else {}
        out.append(
            Referral(
                traveller=traveller,
                since=since,
                gate=gate,
                reason=decision_reason or journey_reason,
                colour=colour,
                name=mask_name(str(pii.get("name", ""))),
                id_number=mask_id_number(str(pii.get("id_number", ""))),
                celsius=float(celsius) if celsius is not None else None,
                fever=bool(fever),
                reading_at=reading_at,
            )
        )
    return out


def reason_text(reason: str, *, both: bool = True) -> str:
    """A decision reason in words (the chosen language, then the other one unless
    ``both`` is false), or the volunteer's own words."""
    words = REASONS.get(reason)
    if not words:
        return reason
    return " / ".join(pair(*words)) if both else pair(*words)[0]


class ReferralQueueModel(RowsTableModel):
    """The secondary check's queue: referred travellers, oldest first."""

    SINCE, NAME, ID_NUMBER, WHY, TEMPERATURE, GATE = range(6)
    COLUMNS = 6

    def __init__(self, station: Station, parent: Any = None) -> None:
        super().__init__(parent)
        self.station = station
        self._rows: list[Referral] = []

    def refresh(self) -> None:
        self.set_rows(referral_queue(self.station))

    def referral(self, row: int) -> Referral | None:
        return self.row_at(row)

    def row_of(self, traveller: str) -> int | None:
        return self.row_where(lambda r: r.traveller == traveller)

    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("Since"),
            self.tr("Name"),
            self.tr("ID number"),
            self.tr("Why"),
            self.tr("Temperature"),
            self.tr("Gate"),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r: Referral | None = self.item_at(index)
        if r is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.WHY:
            return self.why(r, both=True)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.TEMPERATURE and r.fever:
            return QBrush(QColor(theme.RED))
        if role == Qt.ItemDataRole.FontRole and column == self.TEMPERATURE and r.fever:
            return bold_font()
        if role == Qt.ItemDataRole.UserRole:
            return r.traveller
        return None

    def _text(self, r: Referral, column: int) -> str:
        if column == self.SINCE:
            return clock(r.since)
        if column == self.NAME:
            return r.name or "—"
        if column == self.ID_NUMBER:
            return r.id_number or "—"
        if column == self.WHY:
            return self.why(r)
        if column == self.TEMPERATURE:
            if r.celsius is None:
                return self.tr("not measured")
            return f"{r.celsius:.1f} °C  {clock(r.reading_at)}"
        return r.gate

    def why(self, r: Referral, *, both: bool = False) -> str:
        """Why they were referred (and the code's colour when the reason is not it)."""
        colour = STATUS_COLOURS.get(r.colour or "")
        text = reason_text(r.reason, both=both)
        if colour and r.reason not in ("YELLOW_CODE", "RED_CODE"):
            text += " · " + pair(*colour)[0]
        return text

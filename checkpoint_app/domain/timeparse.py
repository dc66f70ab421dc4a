"""One parser for every clock the app is given: ``--at``, test vectors, configuration.

:func:`parse_time` accepts

- epoch seconds: ``1620000000``, ``-86400``, ``1620000000.75`` (a fraction is floored);
- ISO 8601 extended format: ``2021-05-03``, ``2021-05-03T18:00``, ``2021-05-03T18:00:00``,
  with 1 to 9 fractional digits after ``.`` or ``,`` (``...:00.9906293``), a ``T``, ``t`` or
  one space between date and time, and an optional offset ``Z``/``z``, ``+02:00``,
  ``+0200`` or ``+02``; no offset means UTC.

It returns whole epoch seconds, rounded down (``...:07.999`` is ``...:07``), and raises
:class:`TimeParseError` (a :class:`ValueError`) naming what is wrong for anything else,
including impossible dates (``2021-02-30``), leap seconds (``:60``), ``24:00`` and more
than nine fractional digits. Surrounding whitespace is ignored.
"""

from __future__ import annotations

import calendar
import re
from typing import Final

_EPOCH = re.compile(r"([+-]?)(\d{1,15})(?:\.(\d{1,9}))?\Z", re.ASCII)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_h>\d{2})(?::?(?P<off_m>\d{2}))?)?)?\Z",
    re.ASCII,  # \d is 0-9 only, not every Unicode digit
)
MAX_FRACTION_DIGITS: Final = 9


class TimeParseError(ValueError):
    """The text is not a time this parser accepts; the message says why."""


def _epoch(match: re.Match[str]) -> int:
    sign, whole, fraction = match.groups()
    seconds = int(whole)
    if sign == "-":
        # Floor, not truncate: -1.5 is one and a half seconds before -1.
        return -seconds - (1 if fraction and int(fraction) else 0)
    return seconds


def _iso(match: re.Match[str], text: str) -> int:
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if year < 1:
        raise TimeParseError(f"year 0000 is out of range in {text!r}")
    if not 1 <= month <= 12:
        raise TimeParseError(f"month {month} is out of range in {text!r}")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise TimeParseError(f"day {day} does not exist in {year:04d}-{month:02d}")
    hour = int(match["hour"] or 0)
    minute = int(match["minute"] or 0)
    second = int(match["second"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeParseError(f"time of day out of range in {text!r} (no 24:00, no leap seconds)")
    fraction = match["fraction"]
    if fraction is not None and len(fraction) > MAX_FRACTION_DIGITS:
        raise TimeParseError(f"more than {MAX_FRACTION_DIGITS} fractional digits in {text!r}")
    offset = 0
    if match["sign"] is not None:
        off_h, off_m = int(match["off_h"]), int(match["off_m"] or 0)
        if off_h > 23 or off_m > 59:
            raise TimeParseError(f"UTC offset out of range in {text!r}")
        offset = (off_h * 3600 + off_m * 60) * (-1 if match["sign"] == "-" else 1)
    local = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    # The fraction is non-negative, so dropping it rounds down.
    return local - offset


def parse_time(text: str) -> int:
    """Epoch seconds (UTC, rounded down) of an epoch-seconds or ISO 8601 time text."""
    if not isinstance(text, str):
        raise TimeParseError(f"expected a text, got {type(text).__name__}")
    stripped = text.strip()
    epoch = _EPOCH.match(stripped)
    if epoch is not None:
        return _epoch(epoch)
    iso = _ISO.match(stripped)
    if iso is not None:
        return _iso(iso, stripped)
    raise TimeParseError(
        f"not a time: {text[:40]!r} (use epoch seconds or ISO 8601, e.g. 2021-05-03T18:00:00Z)"
    )

"""Body temperatures as a volunteer types them at the gate.

:func:`parse_temperature` turns the text of the temperature field into a
:class:`Temperature` (Celsius, rounded to 0.1 °C) or raises :class:`TemperatureError`
with a :class:`TemperatureProblem` code that the UI maps to text.

What is accepted (after Unicode NFKC normalisation, so full-width ``３６．６`` and
``℃``/``℉`` work, and with surrounding spaces ignored):

- A decimal number with ``.``, ``,`` or ``。`` (what a Chinese input method types for
  ``.``) as separator, one or two decimals: ``36.6``, ``36,6``, ``36。6``, ``36.65``.
  Two decimals are rounded half up to one: ``37.25`` is 37.3 °C.
- Digits only, the keypad shortcut: one or two digits are whole degrees (``37`` is
  37.0); three or more digits end in the tenths (``366`` is 36.6, ``979`` is 97.9)
  — except, in Fahrenheit, three digits starting with ``1`` are whole degrees
  (``100`` is 100.0 °F, a fever; 10.0 °F would make no sense), so four digits give
  the tenths of those (``1004`` is 100.4 °F).
- An optional unit suffix, spaces allowed before it: ``C``/``°C``/``℃`` or
  ``F``/``°F``/``℉`` (any case) override the checkpoint's unit for this reading; a bare
  ``°`` or ``度`` means the checkpoint's unit.

The unit is the checkpoint's (:class:`~checkpoint_app.domain.rules.CheckpointRules`
``temperature_unit``) unless the text names one. Fahrenheit is converted exactly
(decimal arithmetic) and rounded half up to 0.1 °C: ``97.9`` °F is 36.6 °C.

Refused, with the code the UI shows:

- ``NOT_A_NUMBER`` — empty, signs, letters, more than two decimals, anything else;
- ``TOO_LOW`` / ``TOO_HIGH`` — outside 34.0–42.5 °C after conversion and rounding (a
  Fahrenheit value typed at a Celsius checkpoint without ``F`` is refused as too high,
  never guessed).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Final


class TemperatureUnit(StrEnum):
    """The unit a number was typed in."""

    CELSIUS = "C"
    FAHRENHEIT = "F"


class TemperatureProblem(StrEnum):
    """Why a typed temperature was refused."""

    NOT_A_NUMBER = "NOT_A_NUMBER"
    TOO_LOW = "TOO_LOW"
    TOO_HIGH = "TOO_HIGH"


MIN_CELSIUS: Final = 34.0
MAX_CELSIUS: Final = 42.5
DEFAULT_FEVER_THRESHOLD_C: Final = 37.3
#: Longer input is refused before any arithmetic.
MAX_TEXT_CHARS: Final = 32

_MIN_TENTHS: Final = 340
_MAX_TENTHS: Final = 425
_TENTH: Final = Decimal("0.1")
_TEXT = re.compile(
    r"(?P<whole>[0-9]+)(?:[.,。](?P<frac>[0-9]{1,2}))?\s*(?P<unit>°?\s*[CcFf]|°|度)?\Z",
    re.ASCII,
)


class TemperatureError(ValueError):
    """A typed temperature was refused; ``code`` says why, ``text`` is what was typed."""

    def __init__(self, code: TemperatureProblem, text: str, celsius: float | None = None) -> None:
        where = f" ({celsius:.1f} °C)" if celsius is not None else ""
        super().__init__(f"{code}: {text!r}{where}")
        self.code = code
        self.text = text
        #: The converted value for ``TOO_LOW`` / ``TOO_HIGH``, so the UI can show it.
        self.celsius = celsius


def threshold_tenths(threshold_c: float) -> int:
    """The lowest reading, in tenths of a °C, that is at or above ``threshold_c``."""
    return math.ceil(Decimal(repr(float(threshold_c))) * 10)


@dataclass(frozen=True, slots=True)
class Temperature:
    """One reading: Celsius rounded to 0.1, the text as typed, and the unit it was in.

    ``value`` is the number read from the text in ``unit`` (after the keypad
    expansion: ``979`` at a Fahrenheit checkpoint is 97.9).
    """

    celsius: float
    raw: str
    unit: TemperatureUnit = TemperatureUnit.CELSIUS
    value: float | None = None

    @classmethod
    def of(cls, celsius: float) -> Temperature:
        """A reading typed as a plain Celsius number (tests, demo, imports)."""
        return parse_temperature(f"{celsius:.1f}")

    @property
    def tenths(self) -> int:
        """Whole tenths of a degree Celsius (366 for 36.6 °C): exact for comparisons."""
        return round(self.celsius * 10)

    def is_fever(self, threshold_c: float = DEFAULT_FEVER_THRESHOLD_C) -> bool:
        """At or above the threshold (37.3 °C by default) — the threshold itself is fever."""
        return self.tenths >= threshold_tenths(threshold_c)

    def to_json(self) -> dict[str, Any]:
        return {"celsius": self.celsius, "raw": self.raw, "unit": str(self.unit)}


def _number(whole: str, frac: str | None, unit: TemperatureUnit) -> Decimal:
    if frac is not None:
        return Decimal(f"{whole}.{frac}")
    if len(whole) <= 2:
        return Decimal(whole)
    if unit is TemperatureUnit.FAHRENHEIT and len(whole) == 3 and whole.startswith("1"):
        return Decimal(whole)
    return Decimal(f"{whole[:-1]}.{whole[-1]}")


def _unit(suffix: str | None, default: TemperatureUnit) -> TemperatureUnit:
    if suffix is None:
        return default
    letter = suffix[-1].upper()
    if letter == "C":
        return TemperatureUnit.CELSIUS
    if letter == "F":
        return TemperatureUnit.FAHRENHEIT
    return default  # "°" or "度" alone


def parse_temperature(
    text: str, unit: TemperatureUnit | str = TemperatureUnit.CELSIUS
) -> Temperature:
    """Parse what the volunteer typed; ``unit`` is the checkpoint's unit."""
    default = TemperatureUnit(unit)
    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
        raise TemperatureError(TemperatureProblem.NOT_A_NUMBER, str(text)[:MAX_TEXT_CHARS])
    match = _TEXT.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise TemperatureError(TemperatureProblem.NOT_A_NUMBER, text)
    typed_unit = _unit(match["unit"], default)
    value = _number(match["whole"], match["frac"], typed_unit)
    celsius = value if typed_unit is TemperatureUnit.CELSIUS else (value - 32) * 5 / 9
    tenths = int(celsius.quantize(_TENTH, rounding=ROUND_HALF_UP) * 10)
    if tenths < _MIN_TENTHS:
        raise TemperatureError(TemperatureProblem.TOO_LOW, text, tenths / 10)
    if tenths > _MAX_TENTHS:
        raise TemperatureError(TemperatureProblem.TOO_HIGH, text, tenths / 10)
    return Temperature(celsius=tenths / 10, raw=text, unit=typed_unit, value=float(value))


@dataclass(frozen=True, slots=True)
class Reading:
    """A temperature taken at ``at`` (epoch seconds)."""

    temperature: Temperature
    at: int

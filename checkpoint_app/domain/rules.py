"""A checkpoint's admission rules: the defaults of PHI1.md §6 and what a rules file may change.

:class:`CheckpointRules` holds every setting :func:`~checkpoint_app.domain.admission.decide`
reads; its defaults are PHI1.md §6. :func:`parse_rules` reads a checkpoint's rules
file (decoded JSON, ``docs/rules-file.md``) strictly: an unknown key, a wrong type or
a value that would loosen a default raises :class:`RulesError` naming the key.

A rules file may only **tighten** the defaults, with two documented exceptions:

- ``dcc: "admit"`` — PHI1.md §6: "the checkpoint's rules may admit it directly";
- ``reentry: "allow"`` — not a health rule: every health rule still applies to each
  entry; it only stops refusing a traveller who already entered here.

``temperature_unit`` is neither tighter nor looser. Red codes are always denied and
are not configurable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import partial
from typing import Any, Final, TypeVar

from checkpoint_app.domain.temperature import DEFAULT_FEVER_THRESHOLD_C, TemperatureUnit


class ReferOrDeny(StrEnum):
    REFER = "refer"
    DENY = "deny"


class DccPolicy(StrEnum):
    REFER = "refer"  # default: a DCC carries no colour; check the holder's identity
    ADMIT = "admit"


class ReentryPolicy(StrEnum):
    REFUSE = "refuse"  # default: "already entered at 09:31, gate 2", no second entry
    ALLOW = "allow"


#: Bounds a rules file may set (the defaults are the loose ends, except where noted).
MIN_FEVER_THRESHOLD_C: Final = 36.0  # lower would refer normal temperatures: a typo
DEFAULT_REMEASURE_WINDOW_S: Final = 600
MAX_REMEASURE_WINDOW_S: Final = 3600
DEFAULT_TRUST_WARN_AFTER_H: Final = 24
DEFAULT_TRUST_REFER_AFTER_H: Final = 72
MAX_NAT_WITHIN_H: Final = 720


class RulesError(ValueError):
    """A rules file is refused; the message names the key (``rules.<key>: …``)."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(f"rules.{key}: {message}" if key else message)
        self.key = key


@dataclass(frozen=True, slots=True)
class CheckpointRules:
    """The admission rules of one checkpoint; the defaults are PHI1.md §6.

    - ``fever_threshold_c`` — a reading at or above it is a fever (37.3 °C).
    - ``remeasure_window_s`` — a fever reading within this many seconds after another
      fever reading of the same code is the second reading, which decides (600 s).
    - ``temperature_unit`` — the unit volunteers type (``C``).
    - ``yellow`` — a valid yellow code is referred (``refer``) or denied.
    - ``nat_positive`` — a code whose latest nucleic-acid test is positive is referred to
      the medical staff (``refer``, the default: the platform's colour is the authority,
      but a positive test must not pass the gate unseen) or denied.
    - ``nat_required_within_h`` — when set, a negative nucleic-acid test taken at most
      this many hours before the check is required, otherwise the traveller is referred
      (``None``: not required).
    - ``dcc`` — a valid EU DCC is referred for an identity check (``refer``) or admitted.
    - ``trust_warn_after_h`` / ``trust_refer_after_h`` — trust material (trust list,
      revocations) older than this warns (24 h) / refers what would be admitted to a
      manual check (72 h).
    - ``reentry`` — a traveller who already entered here is refused (``refuse``) or
      admitted again.
    - ``provisional_admission`` — whether a volunteer may admit on a visual check a
      traveller whose code cannot be verified offline (an online-only code, or trust
      material too old); the admission is confirmed or flagged once verified online.
    """

    fever_threshold_c: float = DEFAULT_FEVER_THRESHOLD_C
    remeasure_window_s: int = DEFAULT_REMEASURE_WINDOW_S
    temperature_unit: TemperatureUnit = TemperatureUnit.CELSIUS
    yellow: ReferOrDeny = ReferOrDeny.REFER
    nat_positive: ReferOrDeny = ReferOrDeny.REFER
    nat_required_within_h: int | None = None
    dcc: DccPolicy = DccPolicy.REFER
    trust_warn_after_h: int = DEFAULT_TRUST_WARN_AFTER_H
    trust_refer_after_h: int = DEFAULT_TRUST_REFER_AFTER_H
    reentry: ReentryPolicy = ReentryPolicy.REFUSE
    provisional_admission: bool = True

    def is_default(self, key: str) -> bool:
        return bool(getattr(self, key) == getattr(DEFAULT_RULES, key))

    def to_json(self) -> dict[str, Any]:
        """The rules as a rules-file document (:func:`parse_rules` reads it back)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, StrEnum) else value
        return out


DEFAULT_RULES: Final = CheckpointRules()

_E = TypeVar("_E", bound=StrEnum)


def _bounded_int(key: str, value: Any, low: int, high: int, why: str) -> int:
    if type(value) is not int:
        raise RulesError(key, f"must be an integer, got {value!r}")
    if not low <= value <= high:
        raise RulesError(key, f"must be {low} to {high}, got {value} ({why})")
    return value


def _choice(enum: type[_E], key: str, value: Any) -> _E:
    allowed = ", ".join(repr(str(m)) for m in enum)
    if not isinstance(value, str) or value not in {str(m) for m in enum}:
        raise RulesError(key, f"must be one of {allowed}, got {value!r}")
    return enum(value)


def _fever_threshold(value: Any) -> float:
    key = "fever_threshold_c"
    if type(value) not in (int, float) or not math.isfinite(value):
        raise RulesError(key, f"must be a number of degrees Celsius, got {value!r}")
    if value > DEFAULT_FEVER_THRESHOLD_C:
        raise RulesError(
            key,
            f"{value} would loosen the default {DEFAULT_FEVER_THRESHOLD_C} °C "
            "(a rules file may only lower it)",
        )
    if value < MIN_FEVER_THRESHOLD_C:
        raise RulesError(
            key, f"{value} is below {MIN_FEVER_THRESHOLD_C} °C: normal temperatures would be fever"
        )
    return float(value)


def _nat_within(value: Any) -> int | None:
    if value is None:
        return None
    return _bounded_int(
        "nat_required_within_h", value, 1, MAX_NAT_WITHIN_H, "hours, or null: not required"
    )


def _provisional(value: Any) -> bool:
    if type(value) is not bool:
        raise RulesError("provisional_admission", f"must be true or false, got {value!r}")
    return value


_ONLY_LOWER: Final = "a rules file may only lower it"
_PARSERS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "fever_threshold_c": _fever_threshold,
    "remeasure_window_s": partial(
        _bounded_int, "remeasure_window_s", low=DEFAULT_REMEASURE_WINDOW_S,
        high=MAX_REMEASURE_WINDOW_S,
        why="a shorter window would let a second fever reading count as a first one",
    ),
    "temperature_unit": partial(_choice, TemperatureUnit, "temperature_unit"),
    "yellow": partial(_choice, ReferOrDeny, "yellow"),
    "nat_positive": partial(_choice, ReferOrDeny, "nat_positive"),
    "nat_required_within_h": _nat_within,
    "dcc": partial(_choice, DccPolicy, "dcc"),
    "trust_warn_after_h": partial(
        _bounded_int, "trust_warn_after_h", low=1, high=DEFAULT_TRUST_WARN_AFTER_H, why=_ONLY_LOWER
    ),
    "trust_refer_after_h": partial(
        _bounded_int, "trust_refer_after_h", low=1, high=DEFAULT_TRUST_REFER_AFTER_H,
        why=_ONLY_LOWER,
    ),
    "reentry": partial(_choice, ReentryPolicy, "reentry"),
    "provisional_admission": _provisional,
}  # fmt: skip
#: Keys deliberately not configurable, with the reason given to whoever wrote them.
_FIXED: Final[Mapping[str, str]] = {
    "red": "a red code is always denied (PHI1.md §6)",
}


def parse_rules(doc: Any) -> CheckpointRules:
    """A checkpoint's rules from its decoded JSON rules file; keys left out keep the default."""
    if not isinstance(doc, Mapping):
        raise RulesError(None, "a rules file must be a JSON object")
    values: dict[str, Any] = {}
    for key, value in doc.items():
        if not isinstance(key, str):
            raise RulesError(None, f"keys must be text, got {key!r}")
        if key in _FIXED:
            raise RulesError(key, f"not configurable: {_FIXED[key]}")
        parser = _PARSERS.get(key)
        if parser is None:
            known = ", ".join(_PARSERS)
            raise RulesError(key, f"unknown key (known keys: {known})")
        values[key] = parser(value)
    rules = CheckpointRules(**values)
    if rules.trust_warn_after_h > rules.trust_refer_after_h:
        raise RulesError(
            "trust_warn_after_h",
            f"{rules.trust_warn_after_h} h is after trust_refer_after_h "
            f"({rules.trust_refer_after_h} h): warn before referring",
        )
    return rules

"""Checking a checkpoint's rules file before the server hands it out (``docs/rules-file.md``).

The stations refuse a rules file they cannot read as a whole and keep their old
rules, so the server refuses it first, at ``admin rules set``, with the same
reasons: an unknown key, a wrong type, a value out of its range or a loosening.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final


class RulesError(ValueError):
    """A rules file the stations would refuse; the message names the key."""


def _number(low: float, high: float, why: str) -> Callable[[str, Any], None]:
    def check(key: str, value: Any) -> None:
        if type(value) not in (int, float) or not math.isfinite(value):
            raise RulesError(f"rules.{key}: must be a number, got {value!r}")
        if not low <= value <= high:
            raise RulesError(f"rules.{key}: must be {low} to {high}, got {value} ({why})")

    return check


def _integer(
    low: int, high: int, why: str, *, nullable: bool = False
) -> Callable[[str, Any], None]:
    def check(key: str, value: Any) -> None:
        if value is None and nullable:
            return
        if type(value) is not int:
            raise RulesError(f"rules.{key}: must be an integer, got {value!r}")
        if not low <= value <= high:
            raise RulesError(f"rules.{key}: must be {low} to {high}, got {value} ({why})")

    return check


def _choice(*allowed: Any) -> Callable[[str, Any], None]:
    def check(key: str, value: Any) -> None:
        if type(value) is bool and all(type(a) is bool for a in allowed):
            return
        if isinstance(value, str) and value in allowed and not isinstance(value, bool):
            return
        raise RulesError(
            f"rules.{key}: must be one of {', '.join(repr(a) for a in allowed)}, got {value!r}"
        )

    return check


_ONLY_LOWER: Final = "a rules file may only lower it"
_CHECKS: Final[Mapping[str, Callable[[str, Any], None]]] = {
    "fever_threshold_c": _number(
        36.0, 37.3, _ONLY_LOWER + "; below 36.0 normal temperatures would be fever"
    ),
    "remeasure_window_s": _integer(600, 3600, "a rules file may only lengthen it"),
    "temperature_unit": _choice("C", "F"),
    "yellow": _choice("refer", "deny"),
    "nat_positive": _choice("refer", "deny"),
    "nat_required_within_h": _integer(1, 720, "hours, or null: not required", nullable=True),
    "dcc": _choice("refer", "admit"),
    "trust_warn_after_h": _integer(1, 24, _ONLY_LOWER),
    "trust_refer_after_h": _integer(1, 72, _ONLY_LOWER),
    "reentry": _choice("refuse", "allow"),
    "provisional_admission": _choice(True, False),
}
_FIXED: Final = {"red": "a red code is always denied (PHI1.md §6)"}


def check_rules(doc: Any) -> dict[str, Any]:
    """The rules document as given, or :class:`RulesError`; ``{}`` means the defaults."""
    if not isinstance(doc, dict):
        raise RulesError("a rules file must be a JSON object")
    for key, value in doc.items():
        if key in _FIXED:
            raise RulesError(f"rules.{key}: not configurable: {_FIXED[key]}")
        check = _CHECKS.get(key)
        if check is None:
            raise RulesError(f"rules.{key}: unknown key (known keys: {', '.join(_CHECKS)})")
        check(key, value)
    warn = doc.get("trust_warn_after_h", 24)
    refer = doc.get("trust_refer_after_h", 72)
    if warn > refer:
        raise RulesError(
            f"rules.trust_warn_after_h: {warn} h is after trust_refer_after_h ({refer} h): "
            "warn before referring"
        )
    return doc

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint_app.domain.temperature import (
    DEFAULT_FEVER_THRESHOLD_C,
    Temperature,
    TemperatureError,
    TemperatureProblem,
    TemperatureUnit,
    parse_temperature,
    threshold_tenths,
)

C, F = TemperatureUnit.CELSIUS, TemperatureUnit.FAHRENHEIT


@pytest.mark.parametrize(
    ("text", "unit", "celsius", "typed_unit"),
    [
        ("36.6", C, 36.6, C),
        ("36,6", C, 36.6, C),
        ("36。6", C, 36.6, C),  # a Chinese input method types 。 for .
        ("366", C, 36.6, C),  # keypad: three digits end in the tenths
        ("37", C, 37.0, C),
        ("  37.3 ", C, 37.3, C),
        ("\u300036.6\u3000", C, 36.6, C),  # ideographic spaces
        ("３６．６", C, 36.6, C),  # full-width digits and point
        ("36.6℃", C, 36.6, C),
        ("36.6 °C", C, 36.6, C),
        ("36.6° c", C, 36.6, C),
        ("36.6C", F, 36.6, C),  # an explicit unit overrides the checkpoint's
        ("366c", F, 36.6, C),
        ("36.6°", C, 36.6, C),  # a bare degree sign: the checkpoint's unit
        ("36.6度", C, 36.6, C),
        ("36.65", C, 36.7, C),  # two decimals round half up
        ("36.64", C, 36.6, C),
        ("37.25", C, 37.3, C),
        ("037.0", C, 37.0, C),
        ("34", C, 34.0, C),
        ("42.5", C, 42.5, C),
        ("97.9", F, 36.6, F),
        ("979", F, 36.6, F),  # keypad in Fahrenheit
        ("98", F, 36.7, F),
        ("98.6", F, 37.0, F),
        ("100", F, 37.8, F),  # three digits starting with 1: whole °F
        ("1004", F, 38.0, F),
        ("99.1", F, 37.3, F),  # 37.28 rounds to the threshold
        ("98.6F", C, 37.0, F),
        ("98.6 °f", C, 37.0, F),
        ("98.6℉", C, 37.0, F),
        ("93.2", F, 34.0, F),  # the range's ends, converted exactly
        ("108.5", F, 42.5, F),
        ("36.6", "C", 36.6, C),  # the unit as the rules file spells it
        ("97.9", "F", 36.6, F),
    ],
)
def test_accepted(text: str, unit: TemperatureUnit | str, celsius: float, typed_unit: str) -> None:
    temp = parse_temperature(text, unit)
    assert temp.celsius == celsius
    assert temp.raw == text
    assert temp.unit is TemperatureUnit(typed_unit)


def test_value_is_the_number_in_its_unit() -> None:
    assert parse_temperature("979", F).value == 97.9
    assert parse_temperature("1004", F).value == 100.4
    assert parse_temperature("366").value == 36.6
    assert parse_temperature("98.6F").to_json() == {"celsius": 37.0, "raw": "98.6F", "unit": "F"}


@pytest.mark.parametrize(
    ("text", "unit", "code"),
    [
        ("", C, TemperatureProblem.NOT_A_NUMBER),
        ("   ", C, TemperatureProblem.NOT_A_NUMBER),
        ("abc", C, TemperatureProblem.NOT_A_NUMBER),
        ("-36.6", C, TemperatureProblem.NOT_A_NUMBER),
        ("+36.6", C, TemperatureProblem.NOT_A_NUMBER),
        ("36.", C, TemperatureProblem.NOT_A_NUMBER),
        (".6", C, TemperatureProblem.NOT_A_NUMBER),
        ("36.666", C, TemperatureProblem.NOT_A_NUMBER),
        ("36.6.6", C, TemperatureProblem.NOT_A_NUMBER),
        ("36 6", C, TemperatureProblem.NOT_A_NUMBER),
        ("36.6K", C, TemperatureProblem.NOT_A_NUMBER),
        ("36.6CC", C, TemperatureProblem.NOT_A_NUMBER),
        ("C36.6", C, TemperatureProblem.NOT_A_NUMBER),
        ("٣٦.٦", C, TemperatureProblem.NOT_A_NUMBER),  # Arabic-Indic digits are not typed here
        ("3" * 40, C, TemperatureProblem.NOT_A_NUMBER),
        ("nan", C, TemperatureProblem.NOT_A_NUMBER),
        ("33.9", C, TemperatureProblem.TOO_LOW),
        ("339", C, TemperatureProblem.TOO_LOW),
        ("3", C, TemperatureProblem.TOO_LOW),
        ("42.6", C, TemperatureProblem.TOO_HIGH),
        ("426", C, TemperatureProblem.TOO_HIGH),
        ("3660", C, TemperatureProblem.TOO_HIGH),
        ("98.6", C, TemperatureProblem.TOO_HIGH),  # °F at a Celsius checkpoint is not guessed
        ("93.1", F, TemperatureProblem.TOO_LOW),
        ("108.6", F, TemperatureProblem.TOO_HIGH),
        ("36.6", F, TemperatureProblem.TOO_LOW),  # °C at a Fahrenheit checkpoint
        ("120", F, TemperatureProblem.TOO_HIGH),
    ],
)
def test_refused(text: str, unit: TemperatureUnit, code: TemperatureProblem) -> None:
    with pytest.raises(TemperatureError) as caught:
        parse_temperature(text, unit)
    assert caught.value.code is code
    assert isinstance(caught.value, ValueError)


def test_refusal_carries_the_converted_value() -> None:
    with pytest.raises(TemperatureError) as caught:
        parse_temperature("98.6")
    assert caught.value.celsius == 98.6
    assert caught.value.text == "98.6"
    with pytest.raises(TemperatureError) as caught:
        parse_temperature("x")
    assert caught.value.celsius is None


def test_unknown_checkpoint_unit_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="K"):
        parse_temperature("36.6", "K")


@pytest.mark.parametrize(
    ("celsius", "threshold", "fever"),
    [
        (37.2, 37.3, False),
        (37.3, 37.3, True),  # the threshold itself is a fever
        (37.4, 37.3, True),
        (36.9, 37.0, False),
        (37.0, 37.0, True),
        (37.2, 37.25, False),  # a threshold between tenths
        (37.3, 37.25, True),
    ],
)
def test_fever_threshold(celsius: float, threshold: float, fever: bool) -> None:
    assert Temperature.of(celsius).is_fever(threshold) is fever


def test_default_threshold() -> None:
    assert DEFAULT_FEVER_THRESHOLD_C == 37.3
    assert Temperature.of(37.3).is_fever()
    assert not Temperature.of(37.2).is_fever()
    assert threshold_tenths(37.3) == 373


@given(st.integers(340, 425))
def test_every_celsius_tenth_round_trips(tenths: int) -> None:
    text = f"{tenths // 10}.{tenths % 10}"
    temp = parse_temperature(text)
    assert temp.tenths == tenths
    assert parse_temperature(str(tenths)) == Temperature(temp.celsius, str(tenths), C, temp.value)
    assert parse_temperature(text.replace(".", ",")).celsius == temp.celsius


@given(st.integers(932, 1085))
def test_fahrenheit_converts_exactly(tenths_f: int) -> None:
    temp = parse_temperature(f"{tenths_f // 10}.{tenths_f % 10}", F)
    expected = ((Decimal(tenths_f) / 10 - 32) * 5 / 9).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert temp.celsius == float(expected)
    assert parse_temperature(str(tenths_f), F).celsius == temp.celsius  # keypad form


@given(st.text(max_size=12))
def test_any_text_parses_or_is_refused_with_a_code(text: str) -> None:
    try:
        temp = parse_temperature(text)
    except TemperatureError as exc:
        assert exc.code in set(TemperatureProblem)
    else:
        assert 340 <= temp.tenths <= 425

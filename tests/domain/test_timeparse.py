"""parse_time: epoch seconds or ISO 8601 (any offset, 0-9 fractional digits) to epoch s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint_app.domain.timeparse import TimeParseError, parse_time

T0 = int(datetime(2021, 5, 3, 18, 0, tzinfo=UTC).timestamp())  # 1620064800


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1620064800", T0),
        ("  1620064800\n", T0),
        ("+1620064800", T0),
        ("1620064800.999999999", T0),
        ("0", 0),
        ("-1", -1),
        ("-1.5", -2),
        ("-1.0", -1),
        ("2021-05-03T18:00:00Z", T0),
        ("2021-05-03t18:00:00z", T0),
        ("2021-05-03 18:00:00Z", T0),
        ("2021-05-03T18:00:00", T0),
        ("2021-05-03T18:00", T0),
        ("2021-05-03", T0 - 18 * 3600),
        ("2021-05-03T20:00:00+02:00", T0),
        ("2021-05-03T20:00:00+0200", T0),
        ("2021-05-03T20:00:00+02", T0),
        ("2021-05-03T13:30:00-04:30", T0),
        ("2021-05-03T18:00:00.9Z", T0),
        ("2021-05-03T18:00:00,5Z", T0),
        ("2021-05-03T18:00:00.999999999Z", T0),
        # the clocks of the EU DCC test vectors
        ("2021-06-08T20:17:27.9906293Z", 1623183447),
        ("2021-06-09T18:33:10.0361019+03:00", 1623252790),
        ("2022-01-18T09:53:44.686+0000", 1642499624),
        ("2021-08-18T16:36:53+02:00", 1629297413),
        ("2021-10-01T00:15:17", 1633047317),
        ("2021-06-08T15:56:26.670297", 1623167786),
        ("2024-02-29T00:00:00Z", 1709164800),
        ("0001-01-01T00:00:00Z", -62135596800),
        ("9999-12-31T23:59:59Z", 253402300799),
    ],
)
def test_accepted(text: str, expected: int) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "now",
        "2021-05-03T18:00:00.Z",
        "2021-05-03T18:00:00.1234567890Z",  # ten fractional digits
        "2021-02-29T00:00:00Z",
        "2021-02-30",
        "2021-13-01",
        "2021-00-10",
        "2021-05-00",
        "0000-01-01",
        "2021-05-03T24:00:00Z",
        "2021-05-03T23:60:00Z",
        "2021-12-31T23:59:60Z",  # leap second
        "2021-05-03T18:00:00+24:00",
        "2021-05-03T18:00:00+02:60",
        "2021-05-03T18Z",
        "2021-5-3",
        "20210503T180000Z",  # basic format is not accepted
        "2021-05-03T18:00:00 Z",
        "2021-05-03T18:00:00ZZ",
        "1620064800.",
        "1620064800.1234567890",
        "12345678901234567890",
        "1e9",
        "٢٠٢١-٠٥-٠٣",  # Arabic-Indic digits are not 0-9
        "１６２００６４８００",  # full-width digits
    ],
)
def test_rejected(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_time(text)


def test_error_is_a_value_error_that_says_why() -> None:
    with pytest.raises(ValueError, match="day 30 does not exist"):
        parse_time("2021-02-30")
    with pytest.raises(ValueError, match="fractional digits"):
        parse_time("2021-05-03T18:00:00.1234567890Z")


def test_not_a_string() -> None:
    with pytest.raises(TimeParseError):
        parse_time(1620064800)  # type: ignore[arg-type]


offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)


@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
    offset_minutes=offsets,
    digits=st.integers(min_value=0, max_value=9),
    style=st.sampled_from(["colon", "plain", "z", "none"]),
)
def test_matches_datetime(moment: datetime, offset_minutes: int, digits: int, style: str) -> None:
    """Any instant written in any accepted way parses to its floored epoch second."""
    if style in ("z", "none"):
        offset_minutes = 0
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
        f"T{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    )
    if digits:
        text += "." + f"{local.microsecond:06d}000"[:digits]
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    text += {
        "colon": f"{sign}{hours:02d}:{minutes:02d}",
        "plain": f"{sign}{hours:02d}{minutes:02d}",
        "z": "Z",
        "none": "",
    }[style]
    expected = int(
        (moment.replace(microsecond=0) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()
    )
    assert parse_time(text) == expected


@given(st.integers(min_value=0, max_value=10**14), st.integers(0, 999_999_999))
def test_epoch_fraction_floors(seconds: int, nanos: int) -> None:
    assert parse_time(f"{seconds}.{nanos:09d}") == seconds
    assert parse_time(f"-{seconds}.{nanos:09d}") == -seconds - (1 if nanos else 0)

from __future__ import annotations

import pytest

from checkpoint_app.domain.classify import classify
from checkpoint_app.domain.results import CodeFormat


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("PHI1:NCF", CodeFormat.PHI1),
        ("HC1:6BF", CodeFormat.DCC),
        ("phi1:NCF", CodeFormat.UNKNOWN),
        ("hc1:6BF", CodeFormat.UNKNOWN),
        ("TKT1:HD-BUS-3/HD3-0042", CodeFormat.ROSTER),
        ("HD-20260412", CodeFormat.ROSTER),
        ("BUS12345678", CodeFormat.ROSTER),
        ("  BUS12345678 ", CodeFormat.ROSTER),
        ("https://health.example/c/8f2a77e1", CodeFormat.ONLINE),
        ("HTTP://EXAMPLE.ORG", CodeFormat.ONLINE),
        ("t5aokqlaqrrbi22d7h3o42m3zq", CodeFormat.ONLINE),
        ("123e4567-e89b-12d3-a456-426614174000", CodeFormat.ONLINE),
        ("", CodeFormat.UNKNOWN),
        ("hello", CodeFormat.UNKNOWN),
        ("https://", CodeFormat.UNKNOWN),
        ("https://a b", CodeFormat.UNKNOWN),
        ("ftp://example.org/x", CodeFormat.UNKNOWN),
        ("TKT1:/HD3-0042", CodeFormat.UNKNOWN),
        ("TKT1:bus/x", CodeFormat.UNKNOWN),
        ("B12345678", CodeFormat.UNKNOWN),  # one letter is not a booking id
        ("https://x.org/" + "a" * 3000, CodeFormat.UNKNOWN),  # over the URL bound
    ],
)
def test_classify(text: str, fmt: CodeFormat) -> None:
    assert classify(text).format is fmt


def test_ticket_parts() -> None:
    kind = classify("TKT1:HD-BUS-3/HD3-0042")
    assert (kind.roster_id, kind.booking_id) == ("HD-BUS-3", "HD3-0042")
    assert classify("BUS12345678").booking_id == "BUS12345678"
    assert classify(" https://a.org/x ").online_ref == "https://a.org/x"

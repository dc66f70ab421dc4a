from __future__ import annotations

import pytest

from checkpoint_app.domain.masking import mask_id_number, mask_name, mask_phone, redact_text


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张秀英", "张**"),
        ("Zhang Wei", "Z**** W**"),
        ("阿卜杜热合曼", "阿*****"),
        ("", ""),
        ("A", "A*"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_phone_and_id() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("42010219900101123X") == "420***********123X"
    assert mask_phone("123") == "***"
    assert mask_id_number("420***********123X") == "420***********123X"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("IntegrityError: 张三 already on roster", "IntegrityError: 张* already on roster"),
        ("id 42010219900101123X, phone 13812345678.", "id 420***********123X, phone 138****5678."),
        ("old id 420102900101123 here", "old id 420********1123 here"),
        ("bad code 'PHI1:6BFOXN*TS0BI$ZDFRH' at row 3", "bad code 'PHI1:<18 chars>' at row 3"),
        ("HC1:NCFOXN%TS3DH", "HC1:<12 chars>"),
        # not personal data: left as it is
        ("sequence 1234567 at 1764130000123 ms", "sequence 1234567 at 1764130000123 ms"),
        ("hash 3f2a1380013800138000abc", "hash 3f2a1380013800138000abc"),
        ("device 8e0461d2-13812345678x", "device 8e0461d2-13812345678x"),
        ("a single 张 character", "a single 张 character"),
    ],
)
def test_redact_text(text: str, redacted: str) -> None:
    assert redact_text(text) == redacted

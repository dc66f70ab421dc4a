from __future__ import annotations

import pytest

from checkpoint_app.domain.masking import mask_id_number, mask_name, mask_phone


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

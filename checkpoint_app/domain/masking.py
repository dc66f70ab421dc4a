"""Masking of personal data for display and logs (DESIGN.md §8).

``张三`` → ``张*``, ``Zhang Wei`` → ``Z**** W**``, ``13812345678`` → ``138****5678``,
``420102199001011234`` → ``420***********1234``. Already-masked values stay as they are.
"""

from __future__ import annotations

MASK = "*"


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


def mask_name(name: str) -> str:
    """Keep the family name's first character (CJK) or each word's initial (Latin)."""
    name = name.strip()
    if not name:
        return ""
    if _is_cjk(name[0]):
        return name[0] + MASK * max(1, len(name) - 1)
    words = name.split()
    return " ".join(w[0] + MASK * max(1, len(w) - 1) for w in words)


def mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    """Keep ``keep_start`` leading and ``keep_end`` trailing characters, star the rest."""
    value = value.strip()
    if len(value) <= keep_start + keep_end:
        return MASK * len(value)
    return (
        value[:keep_start]
        + MASK * (len(value) - keep_start - keep_end)
        + value[len(value) - keep_end :]
    )


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return mask_middle(phone, 3, 4)


def mask_id_number(number: str) -> str:
    """``420102199001011234`` → ``420***********1234``."""
    return mask_middle(number, 3, 4)

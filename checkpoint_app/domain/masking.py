"""Masking of personal data for display and logs (DESIGN.md §8).

``张三`` → ``张*``, ``Zhang Wei`` → ``Z**** W**``, ``13812345678`` → ``138****5678``,
``420102199001011234`` → ``420***********1234``. Already-masked values stay as they are.
"""

from __future__ import annotations

import re

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


# A health code's text (it carries the holder's name and ID): the prefix stays.
_CODE_TEXT = re.compile(r"\b(PHI1:|HC1:)[^\s'\"]+")
# Resident ID numbers (18 characters, or the old 15 digits) and mainland mobile numbers,
# not inside a longer run of letters and digits (a hash, a device id).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_CJK_RUN = re.compile("[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]{2,}")


def redact_text(text: str) -> str:
    """Mask what looks like personal data in free text bound for a log file.

    The app's own log lines carry none; this is the net under them for text that
    comes from elsewhere: an exception's message, a library's warning. Health-code
    texts become ``PHI1:<312 chars>``, ID and mobile numbers are masked as on screen,
    and every run of Chinese characters as a name (``张三`` → ``张*``). A name in Latin
    letters cannot be told from other words and is not caught.
    """
    text = _CODE_TEXT.sub(
        lambda m: f"{m.group(1)}<{len(m.group(0)) - len(m.group(1))} chars>", text
    )
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    return _CJK_RUN.sub(lambda m: mask_name(m.group(0)), text)
